"""IX-F Member Export: publish the registry as the standard JSON document, and read one.

``export`` builds the document (schema 1.0, 0.7 or 0.6) served at ``/participants.json``
and written by ``lakou ixf export``; ``import_`` creates or updates the registry from any
published document (0.3 to 1.0) in one transaction; ``schema`` checks a document against
Euro-IX's official schema with format checking on.
"""

from __future__ import annotations
