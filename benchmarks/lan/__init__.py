"""LAN hygiene overhead on the collector's pipeline."""
