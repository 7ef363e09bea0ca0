"""The looking glass over OpenBGPD: ``bgpctl -j`` JSON into the same views as for BIRD.

OpenBGPD keeps filtered routes in its RIB tagged with their ``RS:1101:x`` reasons (the
rendered filters never send them on), so one ``show rib detail`` gives accepted and
filtered routes alike; the reasons decode with the same table as BIRD's.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from lakou.i18n import language
from lakou.routeserver.communities import parse_large_community
from lakou.routeserver.lg.bird_parse import Route
from lakou.routeserver.lg.birdsock import BirdError
from lakou.routeserver.lg.model import Reason, RouteView


def bgpctl_json(socket: Path, *args: str) -> dict[str, Any]:
    proc = subprocess.run(
        ["bgpctl", "-j", "-s", str(socket), *args], capture_output=True, text=True, timeout=60
    )
    if proc.returncode != 0:
        raise BirdError(f"bgpctl {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    try:
        data = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError as exc:
        raise BirdError(f"bgpctl {' '.join(args)}: not JSON at byte {exc.pos}") from None
    if not isinstance(data, dict):
        raise BirdError(f"bgpctl {' '.join(args)}: unexpected JSON")
    return data


def rib_routes(socket: Path, rs_name: str, rs_asn: int, lang: str = "en") -> list[RouteView]:
    """Every route in the RIB with its reasons (``filtered`` when it carries any)."""
    from lakou.routeserver.lg.model import RouteServerEndpoint
    from lakou.routeserver.lg.model import view as _view

    endpoint = RouteServerEndpoint(name=rs_name, socket=socket, rs_asn=rs_asn)
    out = []
    with language(lang):
        for entry in bgpctl_json(socket, "show", "rib", "detail").get("rib", []):
            large = []
            for text in entry.get("large_communities", []) or []:
                try:
                    large.append(parse_large_community(str(text)))
                except ValueError:
                    continue
            route = Route(
                prefix=str(entry.get("prefix", "")),
                protocol=str((entry.get("neighbor") or {}).get("description", "")),
                primary=bool(entry.get("best")),
                next_hop=str(entry.get("exit_nexthop", "")),
                as_path_text=str(entry.get("aspath", "")),
                large_communities=large,
                local_pref=entry.get("localpref"),
            )
            route.filtered = any(a == rs_asn and f == 1101 for a, f, _ in large)
            out.append(_view(endpoint, route, route.protocol))
    return out


__all__ = ["Reason", "RouteView", "bgpctl_json", "rib_routes"]
