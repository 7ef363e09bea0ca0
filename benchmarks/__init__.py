"""lakou benchmarks (not run by the test suite)."""
