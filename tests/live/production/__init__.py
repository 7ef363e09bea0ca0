"""The daemon tests of the production install (units, doctor)."""
