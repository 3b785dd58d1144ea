"""Benchmarks and evaluations on real corpora (data read from outside the repository)."""
