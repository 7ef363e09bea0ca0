"""lakou.whatif."""
