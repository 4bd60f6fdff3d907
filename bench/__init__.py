"""Benchmarks (not tests): ``make bench`` / ``python -m bench``. Figures go to bench/results/."""
