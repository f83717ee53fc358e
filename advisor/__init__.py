"""kvt's advisor and command line. Reads result files only; never imports a deep-learning framework."""
