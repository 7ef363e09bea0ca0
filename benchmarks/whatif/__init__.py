"""What-if routing benchmark (``python -m benchmarks.whatif``)."""
