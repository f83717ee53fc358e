// An XLA FFI kernel for JAX in C++: KvtSwish(x) = x * sigmoid(x), element by element, on float32 buffers.
//
// The extensibility experiment compiles this file at run time with g++ against the XLA FFI headers that ship
// with jaxlib (jax.ffi.include_dir()), loads the shared library with ctypes, registers the handler with
// jax.ffi.register_ffi_target and calls it with jax.ffi.ffi_call inside a Keras layer (extensions_jax.py). Its
// gradient is a jax.custom_vjp rule in Python, as JAX's FFI tutorial shows. Build it by hand:
//
//   g++ -std=c++17 -shared -fPIC -O2 swish_ffi.cc -o libswish_ffi.so \
//       -I$(python -c 'import jax.ffi; print(jax.ffi.include_dir())')

#include <cmath>
#include <cstdint>

#include "xla/ffi/api/ffi.h"

namespace ffi = xla::ffi;

static ffi::Error SwishImpl(ffi::Buffer<ffi::F32> x, ffi::ResultBuffer<ffi::F32> y) {
  const float* in = x.typed_data();
  float* out = y->typed_data();
  for (int64_t i = 0; i < static_cast<int64_t>(x.element_count()); ++i) {
    out[i] = in[i] / (1.0f + std::exp(-in[i]));
  }
  return ffi::Error::Success();
}

XLA_FFI_DEFINE_HANDLER_SYMBOL(KvtSwish, SwishImpl,
                              ffi::Ffi::Bind().Arg<ffi::Buffer<ffi::F32>>().Ret<ffi::Buffer<ffi::F32>>());
