"""Benchmark: the looking glass on two big BIRD route servers versus birdc (see run.py)."""
