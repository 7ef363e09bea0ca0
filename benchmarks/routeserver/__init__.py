"""Benchmark: lakou's route-server build versus arouteserver (see run.py)."""
