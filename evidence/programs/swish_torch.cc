// A PyTorch custom operator in C++: kvt::swish(x) = x * sigmoid(x), element by element, on float32 tensors.
//
// The extensibility experiment compiles this file at run time with torch.utils.cpp_extension.load (g++ through
// ninja, against the torch wheel's headers) into the run's temporary folder, loads it with
// torch.ops.load_library and uses the op inside a Keras layer (extensions_torch.py). The operator is declared
// with TORCH_LIBRARY and its CPU kernel registered with TORCH_LIBRARY_IMPL; its gradient is registered in Python
// with torch.library.register_autograd, as PyTorch's "Custom C++ and CUDA Operators" tutorial shows. Build it by
// hand:
//
//   python -c "import torch.utils.cpp_extension as c; \
//              c.load('kvt_swish_torch', ['swish_torch.cc'], build_directory='.', is_python_module=False)"

#include <cmath>
#include <cstdint>

#include <ATen/ATen.h>
#include <torch/library.h>

at::Tensor swish(const at::Tensor& x) {
  TORCH_CHECK(x.scalar_type() == at::kFloat, "kvt::swish expects a float32 tensor");
  const at::Tensor input = x.contiguous();
  at::Tensor output = at::empty_like(input);
  const float* in = input.data_ptr<float>();
  float* out = output.data_ptr<float>();
  for (int64_t i = 0; i < input.numel(); ++i) {
    out[i] = in[i] / (1.0f + std::exp(-in[i]));
  }
  return output;
}

TORCH_LIBRARY(kvt, m) { m.def("swish(Tensor x) -> Tensor"); }

TORCH_LIBRARY_IMPL(kvt, CPU, m) { m.impl("swish", &swish); }
