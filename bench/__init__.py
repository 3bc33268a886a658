"""Benchmarks: `python -m bench` runs them all; each writes its figures for docs/performance.md."""
