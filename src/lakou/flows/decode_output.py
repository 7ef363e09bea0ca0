"""``lakou flows decode``'s output: the text of :func:`~lakou.flows.decode.decode_captures`'s
objects, one ``json.dumps`` line each, written without building most of them.

The objects are the reference's (:mod:`lakou.flows.decode`), and so is the text, byte for
byte; only the way to it is shorter, for sFlow (nearly all of what an exchange exports):

- a sample's text comes from :mod:`lakou.flows.sflow_json` (no dicts, no encoder); a
  datagram it does not cover, and every NetFlow/IPFIX datagram (their decoding depends on
  the templates seen before), goes through the reference and ``json.dumps``;
- a frame's own fields (file, frame, exporter, time) are its samples' common prefix, and
  the rest of their text depends only on the datagram's bytes; so the text of the last
  :data:`CACHE_SIZE` distinct sFlow payloads is kept, and a payload seen again (a capture
  that loops the same traffic, a benchmark's copies) costs only its new prefixes. Real
  agents number every datagram, so on live captures it never hits: the figures in
  ``docs/90-benchmarks.md`` say which is which;
- text is written in chunks of :data:`CHUNK_FRAMES` frames, not a line at a time.

A reader that closes the pipe (``| head``) ends the output quietly (:func:`write_decoded`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from lakou.flows.decode import datagram_objects, each_capture
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.pcap import Datagram, read_datagrams
from lakou.flows.sflow_json import samples_json

CACHE_SIZE = 512  # distinct sFlow payloads whose text is kept (a few MB at most)
CHUNK_FRAMES = 64
SFLOW_5 = b"\x00\x00\x00\x05"
_esc = json.encoder.encode_basestring_ascii


def write_decoded(
    paths: list[Path], flat: bool, out: TextIO, problems: list[str] | None = None
) -> bool:
    """Write the decode of ``paths`` to ``out``; False if its reader closed the pipe first.

    Then nothing more is read or written (as ``cat`` or ``ripgrep`` stop), and ``out``'s
    descriptor is pointed at ``/dev/null`` so that the interpreter's last flush of what
    is still buffered does not fail at exit."""
    try:
        for text in decoded_text(paths, flat, problems):
            out.write(text)
        out.flush()
    except BrokenPipeError:
        try:
            target = out.fileno()
        except (OSError, ValueError):  # not a file (a test's buffer): nothing to flush later
            return False
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, target)
        os.close(devnull)
        return False
    return True


def decoded_text(
    paths: list[Path], flat: bool = False, problems: list[str] | None = None
) -> Iterator[str]:
    """The lines of ``flows decode`` for ``paths``, a chunk of frames at a time: the text of
    :func:`~lakou.flows.decode.decode_captures`, with the same handling of ``problems``."""
    netflow = NetflowDecoder()
    cache: dict[bytes, list[str]] = {}
    yield from each_capture(paths, problems, lambda path: _capture_text(path, netflow, flat, cache))


def _capture_text(
    path: Path, netflow: NetflowDecoder, flat: bool, cache: dict[bytes, list[str]]
) -> Iterator[str]:
    """One capture's text; what was decoded before a failure is given before it is raised."""
    file_text = _esc(path.name)
    lines: list[str] = []
    failure: Exception | None = None
    try:
        for frame, d in enumerate(read_datagrams(path), start=1):
            exporter = str(d.src)
            texts = None
            if not flat and d.payload[:4] == SFLOW_5:
                prefix = (
                    f'{{"file": {file_text}, "frame": {frame}, "exporter": {_esc(exporter)}, '
                    f'"time": {_number(d.time)}, '
                )
                texts = cache.get(d.payload)
                if texts is None:
                    texts = _sflow_texts(d, prefix, path.name, frame)
                    if len(cache) >= CACHE_SIZE:
                        cache.clear()
                    if texts is not None:
                        cache[d.payload] = texts
            if texts is not None:
                lines.append(prefix.join(texts))
            else:
                where = {"file": path.name, "frame": frame, "exporter": exporter, "time": d.time}
                lines.extend(_dumps(o) for o in datagram_objects(d, where, netflow, flat))
            if frame % CHUNK_FRAMES == 0:
                yield "".join(lines)
                lines = []
    except Exception as exc:  # raised again below, after the text that came before
        failure = exc
    if lines:
        yield "".join(lines)
    if failure is not None:
        raise failure


def _sflow_texts(d: Datagram, prefix: str, name: str, frame: int) -> list[str] | None:
    """An sFlow datagram's samples as ``["", text after the prefix, ...]``, so that
    ``prefix.join`` writes them all; None if the reference's text does not start with
    ``prefix`` (it always does: the frame's fields come first and no sample has them)."""
    fast = samples_json(d.payload)
    if fast is not None:
        return ["", *fast]
    where = {"file": name, "frame": frame, "exporter": str(d.src), "time": d.time}
    texts = [""]
    for obj in datagram_objects(d, where, NetflowDecoder(), False):
        line = _dumps(obj)
        if not line.startswith(prefix):
            return None
        texts.append(line[len(prefix) :])
    return texts


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj) + "\n"


def _number(value: float) -> str:
    """A number as ``json.dumps`` writes it (``repr`` but for NaN and the infinities)."""
    if type(value) is float and value - value == 0:
        return float.__repr__(value)
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value)
