"""Bilateral BGP sessions between members, seen in sFlow samples of TCP port 179.

Two members that peer directly (not through the route servers) keep a BGP session over the
peering LAN between their routers' addresses: TCP with port 179 on one side. A sampled
packet of it, whose source and destination are both peering-LAN addresses of members
(the registry's, as the enricher holds them: ``MemberTable.by_lan_ip``) of two different
networks, says the pair peers bilaterally. Sampling sees keepalives rarely (one in N
packets), so a pair is kept with when it was first and last seen and how many samples
showed it; the peering manager reads "seen within the last days".

:class:`BgpSessionSink` sits where the pipeline hands sFlow batches to the LAN hygiene
sink (and passes them on to it), and on each flush merges what it saw into
``<store>/bgp/sessions.json`` (written whole under a temporary name, then renamed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lakou.flows.records import FlowBatch
from lakou.private import private_dir

BGP_PORT = 179
TCP = 6
FILE = Path("bgp") / "sessions.json"


@dataclass
class Seen:
    """A pair of networks (lower ASN first) seen speaking BGP to each other."""

    a: int
    b: int
    first: int  # seconds since 1970, the first sample's time
    last: int
    samples: int

    def merge(self, other: Seen) -> None:
        self.first = min(self.first, other.first)
        self.last = max(self.last, other.last)
        self.samples += other.samples


def detect(batch: FlowBatch, routers: Mapping[tuple[int, int], int]) -> dict[tuple[int, int], Seen]:
    """The member pairs a batch shows speaking BGP between their peering-LAN addresses."""
    found: dict[tuple[int, int], Seen] = {}
    if not len(batch) or not routers:
        return found
    c = batch.columns
    bgp = (c["proto"] == TCP) & ((c["src_port"] == BGP_PORT) | (c["dst_port"] == BGP_PORT))
    for row in np.nonzero(bgp)[0].tolist():
        src = routers.get((int(c["src_hi"][row]), int(c["src_lo"][row])))
        dst = routers.get((int(c["dst_hi"][row]), int(c["dst_lo"][row])))
        if src is None or dst is None or src == dst:
            continue
        key = (min(src, dst), max(src, dst))
        when = int(c["time"][row])
        seen = Seen(key[0], key[1], when, when, 1)
        if key in found:
            found[key].merge(seen)
        else:
            found[key] = seen
    return found


def read_sessions(store_dir: str | Path) -> list[Seen]:
    """What the collector recorded (empty when nothing yet)."""
    path = Path(store_dir) / FILE
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Seen(**row) for row in data.get("pairs", [])]


def write_sessions(store_dir: str | Path, seen: list[Seen]) -> Path:
    path = Path(store_dir) / FILE
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    rows = [vars(s) for s in sorted(seen, key=lambda s: (s.a, s.b))]
    tmp.write_text(json.dumps({"pairs": rows}, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


@dataclass
class BgpSessionSink:
    """Detects BGP between members in each sFlow batch, then hands it to ``inner``."""

    store_dir: Path
    routers: Mapping[tuple[int, int], int]
    inner: Any = None  # the LAN hygiene sink, or None
    pending: dict[tuple[int, int], Seen] = field(default_factory=dict)

    @property
    def counters(self) -> dict[str, int]:
        """The LAN sink's counters (the collector's summary shows them)."""
        return dict(getattr(self.inner, "counters", None) or {})

    def observe(
        self,
        batch: FlowBatch,
        datagram: npt.NDArray[np.int64],
        payloads: Sequence[bytes],
        exporters: list[str],
    ) -> None:
        for key, seen in detect(batch, self.routers).items():
            if key in self.pending:
                self.pending[key].merge(seen)
            else:
                self.pending[key] = seen
        if self.inner is not None:
            self.inner.observe(batch, datagram, payloads, exporters)

    def flush(self) -> int:
        """Merge what was seen into the file; returns the inner sink's rows written."""
        if self.pending:
            known = {(s.a, s.b): s for s in read_sessions(self.store_dir)}
            for key, seen in self.pending.items():
                if key in known:
                    known[key].merge(seen)
                else:
                    known[key] = seen
            write_sessions(self.store_dir, list(known.values()))
            self.pending = {}
        return int(self.inner.flush()) if self.inner is not None else 0
