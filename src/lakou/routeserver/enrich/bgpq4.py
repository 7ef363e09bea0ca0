"""IRR data through the real ``bgpq4`` binary against an IRRd-protocol server.

Two steps per client, chosen so the result is the exact route objects of the exact
origins (what IRR filtering at a route server needs) whatever the server does with ``!a``
(IRRd may aggregate its answer, which would turn an exact filter into a looser one):

1. origins: ``bgpq4 -j -t -l origins AS-SET`` once per AS-SET (``!i AS-SET,1``); one run
   per set so an AS-SET that does not exist or is empty is named in the problems (bgpq4
   itself prints nothing and exits 0 for a missing set);
2. route objects: ``bgpq4 -4|-6 -F '%n/%l\\n' AS1 AS2 ...`` (``!g``/``!6`` per origin,
   pipelined by bgpq4); without ``-A`` nothing is aggregated.

bgpq4 is run with a time-out and killed when it expires; any failure (server down, time
out, non-zero exit, unparsable output) raises :class:`IrrError` so the caller can fall back
to the last good cached data.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from lakou.i18n import gettext as _
from lakou.routeserver.enrich.irrdb import parse_asn
from lakou.routeserver.enrich.model import IrrData, IrrRequest
from lakou.routeserver.enrich.prefixes import canonical_fast, sort_prefixes
from lakou.routeserver.enrich.sources import IrrError
from lakou.vocabulary import is_as_set


def bgpq4_refuses(asn: int) -> bool:
    """ASNs bgpq4 1.9 will not query (documentation/private/reserved ranges)."""
    return asn >= 4200000000 or 64496 <= asn <= 65551 or asn == 0


def _looks_canonical(prefix: str) -> bool:
    try:
        return canonical_fast(prefix) == prefix
    except ValueError:
        return False


class Bgpq4Source:
    """Expand AS-SETs and fetch route objects with ``bgpq4 -h SERVER -S SOURCES``."""

    def __init__(
        self,
        server: str = "rr.ntt.net:43",
        sources: Sequence[str] = (),
        timeout: float = 120.0,
        *,
        binary: str = "bgpq4",
    ) -> None:
        self.server = server
        self.sources = tuple(s.strip().upper() for s in sources if s.strip())
        self.timeout = timeout
        self.binary = binary

    @property
    def description(self) -> str:
        text = f"bgpq4 {self.server}"
        return f"{text} {','.join(self.sources)}" if self.sources else text

    def _base(self) -> list[str]:
        exe = shutil.which(self.binary)
        if exe is None:
            raise IrrError(_("bgpq4 not found (install the Debian package bgpq4)"))
        args = [exe, "-h", self.server]
        if self.sources:
            args += ["-S", ",".join(self.sources)]
        return args

    def _run(self, args: list[str], what: str) -> str:
        try:
            done = subprocess.run(
                args, capture_output=True, text=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise IrrError(
                _("IRR server {server} did not answer within {timeout} s ({what})").format(
                    server=self.server, timeout=self.timeout, what=what
                )
            ) from None
        except OSError as exc:
            raise IrrError(f"bgpq4: {exc.strerror} ({what})") from None
        if done.returncode != 0:
            message = " ".join(done.stderr.split())[:300] or f"exit code {done.returncode}"
            raise IrrError(
                _("bgpq4 failed against {server} ({what}): {message}").format(
                    server=self.server, what=what, message=message
                )
            )
        return done.stdout

    def expand_as_set(self, as_set: str) -> set[int]:
        if not is_as_set(as_set):  # never an option on bgpq4's command line
            raise IrrError(_("{name!r} is not an AS-SET name").format(name=as_set[:60]))
        out = self._run([*self._base(), "-j", "-t", "-l", "origins", "--", as_set], as_set)
        try:
            parsed = json.loads(out)
            values = parsed["origins"]
            return {int(v) for v in values}
        except (ValueError, KeyError, TypeError):
            raise IrrError(
                _("bgpq4 gave unreadable output for {what}").format(what=as_set)
            ) from None

    def route_objects(self, origins: Sequence[int], family: int) -> tuple[str, ...]:
        if not origins:
            return ()
        args = [*self._base(), "-4" if family == 4 else "-6", "-F", "%n/%l\n", "--"]
        args += [f"AS{int(asn)}" for asn in origins]
        what = _("IPv{family} route objects of {count} origins").format(
            family=family, count=len(origins)
        )
        out = self._run(args, what)
        # bgpq4 parses every prefix the server sends and prints its own canonical form, so
        # its output needs no re-parsing; sorting (by address) still checks each line.
        prefixes = [line for line in out.split("\n") if line]
        try:
            return sort_prefixes(prefixes, family)
        except (OSError, ValueError):
            bad = next((p for p in prefixes if not _looks_canonical(p)), "?")
            raise IrrError(f"bgpq4 output ({what}): not a prefix: {bad!r}") from None

    def fetch(self, request: IrrRequest) -> IrrData:
        problems: list[str] = []
        origins = {request.asn}
        for as_set in request.as_sets:
            if parse_asn(as_set) is not None:
                origins.add(parse_asn(as_set) or 0)
                continue
            found = self.expand_as_set(as_set)
            if not found:
                problems.append(
                    _("AS-SET {name} not found or empty on {server}").format(
                        name=as_set, server=self.server
                    )
                )
            origins |= found
        queried = sorted(a for a in origins if not bgpq4_refuses(a))
        if request.asn not in queried:
            problems.append(
                _("AS{asn} is in a reserved range: bgpq4 does not look up its routes").format(
                    asn=request.asn
                )
            )
        # IPv4 and IPv6 in parallel: for the huge client each is a long pipelined run.
        with ThreadPoolExecutor(max_workers=2) as pool:
            v4 = pool.submit(self.route_objects, queried, 4)
            v6 = pool.submit(self.route_objects, queried, 6)
            prefixes_v4, prefixes_v6 = v4.result(), v6.result()
        return IrrData(
            asn=request.asn,
            as_sets=request.as_sets,
            origins=frozenset(origins),
            prefixes_v4=prefixes_v4,
            prefixes_v6=prefixes_v6,
            source=self.description,
            fetched_at=datetime.now(UTC),
            problems=tuple(problems),
        )
