"""Helpers of the daemon tests: ``lab`` (a namespaced peering LAN, daemons started and
always stopped) and ``rsworld`` (the route-server world: members, IRR data, ROAs, routes).

Imported by every test under ``tests/live/`` (``from tests.live.helpers import lab``) and
by the route-server tests that build the same world without daemons.
"""
