"""PeeringDB: a local cache of the objects lakou uses, and what it tells the registry.

``client`` talks to the PeeringDB REST API within its rate limits, ``cache`` keeps a
plain SQLite copy synced incrementally, ``prefill`` turns a PeeringDB network into a
registry member's values, ``compare`` lists where an exchange and PeeringDB disagree,
``testing`` is a local stand-in of the API for tests. No Django here: the registry
side lives in ``lakou.registry.peeringdb``.
"""
