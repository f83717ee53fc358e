"""kvt's evidence: one executable experiment per claim, run in worker processes, results as JSON.

Only worker processes import TensorFlow, Keras, JAX or PyTorch; everything importable from this package's top
level (registry, results, runner) stays framework-free.
"""
