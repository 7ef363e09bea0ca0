"""``lakou flows decode``: what a capture holds, one JSON object per sample or record.

Meant to be read beside ``tshark -V``: sFlow samples keep the datagram's agent and
sequence number and every record with tshark-like field names; NetFlow/IPFIX records
carry their IANA element names. Templates persist across the files given, so a template
capture followed by a data capture decodes like their ``mergecap -a`` join. A datagram
that cannot be decoded yields an ``error`` object naming the file, frame and byte offset.
A capture that cannot be read further (empty, truncated, not a capture) ends that file:
its message, naming the file and byte offset, goes to ``problems`` and the next file is
read (without ``problems`` the :class:`~lakou.flows.pcap.CaptureError` is raised).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from lakou.flows import sflow
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.pcap import CaptureError, Datagram, read_datagrams
from lakou.flows.records import SOURCE_NAMES, int_to_mac
from lakou.flows.sflow import MalformedDatagram

T = TypeVar("T")

NETFLOW_NAMES = {5: "netflow5", 9: "netflow9", 10: "ipfix"}


def decode_captures(
    paths: list[Path], flat: bool = False, problems: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    netflow = NetflowDecoder()
    yield from each_capture(paths, problems, lambda path: _decode_capture(path, netflow, flat))


def each_capture(
    paths: list[Path], problems: list[str] | None, read: Callable[[Path], Iterator[T]]
) -> Iterator[T]:
    """What ``read`` gives for each of ``paths`` in turn. A capture that cannot be read
    further ends there: its message (file and place) goes to ``problems`` and the next
    one is read; without ``problems`` the error is raised."""
    for path in paths:
        try:
            yield from read(path)
        except (CaptureError, OSError) as exc:
            if problems is None:
                raise
            if isinstance(exc, OSError):
                problems.append(f"{path}: {exc.strerror or exc}")
            else:
                problems.append(str(exc))


def _decode_capture(path: Path, netflow: NetflowDecoder, flat: bool) -> Iterator[dict[str, Any]]:
    for frame, d in enumerate(read_datagrams(path), start=1):
        where = {"file": path.name, "frame": frame, "exporter": str(d.src), "time": d.time}
        yield from datagram_objects(d, where, netflow, flat)


def datagram_objects(
    d: Datagram, where: dict[str, Any], netflow: NetflowDecoder, flat: bool
) -> Iterator[dict[str, Any]]:
    """The objects of one datagram, each starting with ``where`` (file, frame, exporter,
    time); one ``error`` object where it breaks its format."""
    try:
        if d.payload[:4] == b"\x00\x00\x00\x05":
            decoded = sflow.decode(d.payload)
            if flat:
                yield from (_flat(r, where) for r in sflow.rows(decoded, int(d.time)))
                return
            head = {k: v for k, v in decoded.items() if k != "samples"}
            for sample in decoded["samples"]:
                yield {**where, "protocol": "sflow", **head, **sample}
        else:
            decoded = netflow.decode(d.payload, str(d.src))
            if flat:
                yield from (_flat(r, where) for r in netflow.rows(decoded))
                return
            version = decoded["version"]
            domain = decoded.get("source_id", decoded.get("observation_domain_id", 0))
            for rec in decoded.get("ordered", decoded["records"]):
                rate = (
                    max(1, decoded["sampling_interval"])
                    if version == 5
                    else netflow.sampling_rate(str(d.src), version, domain, rec)
                )
                yield {
                    **where,
                    "protocol": NETFLOW_NAMES[version],
                    "domain": domain,
                    "sampling_rate": rate,
                    **rec,
                }
    except MalformedDatagram as exc:
        yield {**where, "error": str(exc), "offset": exc.offset}


def _flat(row: Any, where: dict[str, Any]) -> dict[str, Any]:
    out = {**where, **dataclasses.asdict(row)}
    out["source"] = SOURCE_NAMES.get(row.source, str(row.source))
    out["src_mac"], out["dst_mac"] = int_to_mac(row.src_mac), int_to_mac(row.dst_mac)
    return out
