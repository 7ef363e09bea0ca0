"""Benchmark of the paths analysis against traIXroute."""
