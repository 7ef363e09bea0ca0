"""Portal benchmark: ``lakou serve`` on loopback driven by ``wrk`` (see :mod:`.run`)."""
