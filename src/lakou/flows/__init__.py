"""lakou.flows.

Door (loaded on first use, so ``lakou.config`` importing ``lakou.flows.config`` stays
light): ``read_bgp_sessions`` (the member pairs seen speaking BGP over the LAN, from
``lakou.flows.bgp_sessions``).
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "read_bgp_sessions":
        from lakou.flows.bgp_sessions import read_sessions

        return read_sessions
    raise AttributeError(name)
