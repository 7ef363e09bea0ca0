"""Benchmark of the territory prefix index against pytricia."""
