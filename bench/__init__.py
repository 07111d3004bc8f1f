"""Evaluation and benchmark scripts, run as modules: python -m bench.<name>."""
