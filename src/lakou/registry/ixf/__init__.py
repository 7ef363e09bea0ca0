"""IX-F Member Export in the registry: publish it as the standard JSON document, import one.

``export`` builds the document (schema 1.0, 0.7 or 0.6) served at ``/participants.json``
and written by ``lakou ixf export``; ``import_`` creates or updates the registry from any
published document (0.3 to 1.0) in one transaction, with bulk queries. Reading and
checking a document is the Django-free :mod:`lakou.ixf` (the territory and flow engines
read IX-F there too); the official schema check is :mod:`lakou.ixf.schema`.
"""

from __future__ import annotations
