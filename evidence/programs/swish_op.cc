// A TensorFlow custom op in C++: KvtSwish(x) = x * sigmoid(x), element by element, on float32 tensors.
//
// The extensibility experiment compiles this file at run time with g++ against the installed TensorFlow's
// headers (tf.sysconfig.get_compile_flags() and get_link_flags()), loads the shared library with
// tf.load_op_library and uses the op inside a Keras layer (extensions_keras.py) and a tf.Module
// (extensions_tfcore.py). Its gradient is registered in Python (tf.RegisterGradient), as TensorFlow's guide
// "Create an op" shows. Build it by hand:
//
//   TF_CFLAGS=$(python -c 'import tensorflow as tf; print(" ".join(tf.sysconfig.get_compile_flags()))')
//   TF_LFLAGS=$(python -c 'import tensorflow as tf; print(" ".join(tf.sysconfig.get_link_flags()))')
//   g++ -std=c++17 -shared -fPIC -O2 swish_op.cc -o swish_op.so $TF_CFLAGS $TF_LFLAGS

#include <cmath>

#include "tensorflow/core/framework/common_shape_fns.h"
#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"

using namespace tensorflow;

REGISTER_OP("KvtSwish")
    .Input("x: float")
    .Output("y: float")
    .SetShapeFn(shape_inference::UnchangedShape);

class KvtSwishOp : public OpKernel {
 public:
  explicit KvtSwishOp(OpKernelConstruction* context) : OpKernel(context) {}

  void Compute(OpKernelContext* context) override {
    const Tensor& input = context->input(0);
    Tensor* output = nullptr;
    OP_REQUIRES_OK(context, context->allocate_output(0, input.shape(), &output));
    auto x = input.flat<float>();
    auto y = output->flat<float>();
    for (int64_t i = 0; i < x.size(); ++i) {
      y(i) = x(i) / (1.0f + std::exp(-x(i)));
    }
  }
};

REGISTER_KERNEL_BUILDER(Name("KvtSwish").Device(DEVICE_CPU), KvtSwishOp);
