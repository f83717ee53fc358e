"""Helpers shared by the tests (issue 21): nothing here is a test. ``claims`` copies a claim's package so that a
test can edit it without touching the checkout; ``imports`` lists what a command imports in a fresh interpreter."""
