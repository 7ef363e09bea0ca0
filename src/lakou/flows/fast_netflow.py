"""NetFlow v9 and IPFIX data sets decoded by a numba kernel: the border routers' hot loop.

A template says where each field of a record sits; in steady state every datagram of an
exporter is data records laid out by templates already known. So templates are compiled
once into a table (per template: record length, and offset and length of each element the
flow record uses), and one kernel call walks the sets of a whole batch of datagrams and
fills the record columns, releasing the GIL. Python only looks at what changes state:

- the kernel stops at the first datagram it cannot take alone (a new or changed template,
  options data carrying sampling rates, a data set whose template is unknown or not
  compiled, a malformed datagram); the reference decoder
  (:class:`~lakou.flows.netflow.NetflowDecoder`) decodes that one, updates the templates
  and samplers, and the kernel resumes after it;
- a template set identical, byte for byte, to one already applied and still current (the
  periodic re-announcement) is skipped by the kernel;
- templates with variable-length fields, a ``dataLinkFrameSection``, per-record sampling
  elements or elements of unexpected sizes are not compiled: their data goes through the
  reference decoder (the slower path).
The records are the reference decoder's (a property test holds them to it on real and
mutated datagrams); only their order within a batch differs (fast ones first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from lakou.flows.counters import DECODER_ERROR
from lakou.flows.fast_sflow import (
    C_BYTES,
    C_DAS,
    C_DHI,
    C_DLO,
    C_DMAC,
    C_DPORT,
    C_ETYPE,
    C_EXP_HI,
    C_EXP_LO,
    C_IN,
    C_OUT,
    C_PKTS,
    C_PROTO,
    C_RATE,
    C_SAS,
    C_SHI,
    C_SLO,
    C_SMAC,
    C_SOURCE,
    C_SPORT,
    C_TIME,
    C_VLAN,
    NAMES,
    NCOL,
)
from lakou.flows.ipfix_fields import VARIABLE_LENGTH
from lakou.flows.jit import njit
from lakou.flows.netflow import NetflowDecoder, Template
from lakou.flows.records import COLUMNS, SOURCE_IPFIX, SOURCE_NETFLOW9, FlowBatch, ip_to_halves
from lakou.flows.sflow import MalformedDatagram

# Elements the flow record reads, in slot order, with the size they must have.
SLOTS: tuple[tuple[int, str], ...] = (
    (1, "u"),  # octetDeltaCount
    (85, "u"),  # octetTotalCount
    (352, "u"),  # layer2OctetDeltaCount
    (2, "u"),  # packetDeltaCount
    (86, "u"),  # packetTotalCount
    (10, "u"),  # ingressInterface
    (14, "u"),  # egressInterface
    (8, "ip4"),  # sourceIPv4Address
    (27, "ip6"),  # sourceIPv6Address
    (12, "ip4"),  # destinationIPv4Address
    (28, "ip6"),  # destinationIPv6Address
    (4, "u"),  # protocolIdentifier
    (7, "u"),  # sourceTransportPort
    (11, "u"),  # destinationTransportPort
    (32, "u"),  # icmpTypeCodeIPv4
    (139, "u"),  # icmpTypeCodeIPv6
    (56, "mac"),  # sourceMacAddress
    (80, "mac"),  # destinationMacAddress
    (58, "u"),  # vlanId
    (243, "u"),  # dot1qVlanId
    (16, "u"),  # bgpSourceAsNumber
    (17, "u"),  # bgpDestinationAsNumber
    (48, "u"),  # samplerId
    (302, "u"),  # selectorId
)
SLOT = {element: i for i, (element, _k) in enumerate(SLOTS)}
NSLOT = len(SLOTS)
(S_OCT, S_OCTTOT, S_L2OCT, S_PKT, S_PKTTOT, S_IN, S_OUT, S_SRC4, S_SRC6, S_DST4, S_DST6) = range(11)
(S_PROTO, S_SPORT, S_DPORT, S_ICMP4, S_ICMP6, S_SMAC, S_DMAC, S_VLAN, S_DOT1Q) = range(11, 20)
S_SAS, S_DAS, S_SAMPLER, S_SELECTOR = range(20, 24)
SIZES = {"ip4": 4, "ip6": 16, "mac": 6}
# Per-record sampling and frame sections need the reference decoder's logic.
SLOW_ELEMENTS = frozenset({34, 50, 305, 309, 310, 315})

DONE = 0
STOP = 1  # the reference decoder takes this datagram
FULL = 2  # the output columns are full: grow them and resume


def compile_template(t: Template) -> tuple[int, npt.NDArray[np.int64]] | None:
    """(record length, slot table) of a data template, or None if it needs the slow path."""
    if t.options or not t.fields:
        return None
    slots = np.full((NSLOT, 2), -1, dtype=np.int64)
    offset = 0
    for f in t.fields:
        if f.length == VARIABLE_LENGTH:
            return None
        if not f.enterprise:
            if f.element in SLOW_ELEMENTS:
                return None
            slot = SLOT.get(f.element)
            if slot is not None and slots[slot, 0] < 0:  # the first occurrence is the one read
                kind = SLOTS[slot][1]
                if (kind == "u" and f.length > 8) or (kind != "u" and f.length != SIZES[kind]):
                    return None
                slots[slot, 0], slots[slot, 1] = offset, f.length
        offset += f.length
    return (offset, slots) if offset > 0 else None


@njit(cache=True, inline="always")
def _uint(b: npt.NDArray[np.uint8], p: int, n: int) -> np.uint64:
    v = np.uint64(0)
    for i in range(n):
        v = (v << np.uint64(8)) | np.uint64(b[p + i])
    return v


@njit(cache=True)
def _find2(hi, lo, khi, klo) -> int:
    """Index of (khi, klo) in arrays sorted lexicographically, or -1."""
    a, z = 0, len(hi)
    while a < z:
        m = (a + z) // 2
        if hi[m] < khi or (hi[m] == khi and lo[m] < klo):
            a = m + 1
        else:
            z = m
    if a < len(hi) and hi[a] == khi and lo[a] == klo:
        return a
    return -1


@njit(cache=True, inline="always")
def _slot(b, p, slots, t, s) -> np.uint64:
    off = slots[t, s, 0]
    if off < 0:
        return np.uint64(0)
    return _uint(b, p + off, slots[t, s, 1])


@njit(cache=True, inline="always")
def _has(slots, t, s) -> bool:
    return slots[t, s, 0] >= 0


@njit(cache=True)
def _record(b, p, slots, t, out, row, rate_default, dom, samp_dom, samp_id, samp_rate):
    if _has(slots, t, S_OCT):
        nbytes = _slot(b, p, slots, t, S_OCT)
    else:
        nbytes = _slot(b, p, slots, t, S_OCTTOT)
    if nbytes == 0:
        nbytes = _slot(b, p, slots, t, S_L2OCT)
    out[C_BYTES, row] = nbytes
    if _has(slots, t, S_PKT):
        out[C_PKTS, row] = _slot(b, p, slots, t, S_PKT)
    else:
        out[C_PKTS, row] = _slot(b, p, slots, t, S_PKTTOT)
    out[C_IN, row] = _slot(b, p, slots, t, S_IN) & np.uint64(0xFFFFFFFF)
    out[C_OUT, row] = _slot(b, p, slots, t, S_OUT) & np.uint64(0xFFFFFFFF)
    v4 = np.uint64(0xFFFF) << np.uint64(32)
    if _has(slots, t, S_SRC4):
        out[C_SLO, row] = v4 | _slot(b, p, slots, t, S_SRC4)
        out[C_ETYPE, row] = 0x0800
    elif _has(slots, t, S_SRC6):
        q = p + slots[t, S_SRC6, 0]
        out[C_SHI, row] = _uint(b, q, 8)
        out[C_SLO, row] = _uint(b, q + 8, 8)
        out[C_ETYPE, row] = 0x86DD
    if _has(slots, t, S_DST4):
        out[C_DLO, row] = v4 | _slot(b, p, slots, t, S_DST4)
    elif _has(slots, t, S_DST6):
        q = p + slots[t, S_DST6, 0]
        out[C_DHI, row] = _uint(b, q, 8)
        out[C_DLO, row] = _uint(b, q + 8, 8)
    proto = _slot(b, p, slots, t, S_PROTO) & np.uint64(0xFF)
    out[C_PROTO, row] = proto
    out[C_SPORT, row] = _slot(b, p, slots, t, S_SPORT) & np.uint64(0xFFFF)
    out[C_DPORT, row] = _slot(b, p, slots, t, S_DPORT) & np.uint64(0xFFFF)
    if (_has(slots, t, S_ICMP4) or _has(slots, t, S_ICMP6)) and (proto == 1 or proto == 58):
        if _has(slots, t, S_ICMP4):
            icmp = _slot(b, p, slots, t, S_ICMP4)
        else:
            icmp = _slot(b, p, slots, t, S_ICMP6)
        out[C_SPORT, row] = 0
        out[C_DPORT, row] = icmp & np.uint64(0xFFFF)
    out[C_SMAC, row] = _slot(b, p, slots, t, S_SMAC)
    out[C_DMAC, row] = _slot(b, p, slots, t, S_DMAC)
    if _has(slots, t, S_VLAN):
        out[C_VLAN, row] = _slot(b, p, slots, t, S_VLAN) & np.uint64(0x0FFF)
    else:
        out[C_VLAN, row] = _slot(b, p, slots, t, S_DOT1Q) & np.uint64(0x0FFF)
    out[C_SAS, row] = _slot(b, p, slots, t, S_SAS) & np.uint64(0xFFFFFFFF)
    out[C_DAS, row] = _slot(b, p, slots, t, S_DAS) & np.uint64(0xFFFFFFFF)
    rate = rate_default
    if _has(slots, t, S_SAMPLER) or _has(slots, t, S_SELECTOR):
        if _has(slots, t, S_SAMPLER):
            sid = _slot(b, p, slots, t, S_SAMPLER)
        else:
            sid = _slot(b, p, slots, t, S_SELECTOR)
        k = _find2(samp_dom, samp_id, np.uint64(dom), sid)
        if k >= 0:
            rate = samp_rate[k]
    out[C_RATE, row] = max(np.uint64(1), rate)


@njit(cache=True, nogil=True)
def _decode(
    buf,
    offsets,
    first,
    exp_index,
    exp_hi,
    exp_lo,
    dom_keys,
    dom_rate,
    tmpl_dom,
    tmpl_id,
    tmpl_len,
    slots,
    samp_dom,
    samp_id,
    samp_rate,
    blob_dom,
    blob_off,
    blob_len,
    blob_count,
    blobs,
    out,
    row0,
):
    """Decode datagrams from ``first`` on; returns (next datagram, rows, templates, status)."""
    rows = row0
    templates = 0
    cap = out.shape[1]
    for d in range(first, len(offsets) - 1):
        start = offsets[d]
        n = offsets[d + 1] - start
        if n < 2:
            return d, rows, templates, STOP
        version = _uint(buf, start, 2)
        if version == 9:
            if n < 20:
                return d, rows, templates, STOP
            secs = _uint(buf, start + 8, 4)
            domain = _uint(buf, start + 16, 4)
            p, end = start + 20, start + n
            source = SOURCE_NETFLOW9
        elif version == 10:
            if n < 16:
                return d, rows, templates, STOP
            length = int(_uint(buf, start + 2, 2))
            if length < 16 or length > n:
                return d, rows, templates, STOP
            secs = _uint(buf, start + 4, 4)
            domain = _uint(buf, start + 12, 4)
            p, end = start + 16, start + length
            source = SOURCE_IPFIX
        else:
            return d, rows, templates, STOP
        key = (np.uint64(exp_index[d]) << np.uint64(40)) | (version << np.uint64(32)) | domain
        dom = -1
        a, z = 0, len(dom_keys)
        while a < z:
            m = (a + z) // 2
            if dom_keys[m] < key:
                a = m + 1
            else:
                z = m
        if a < len(dom_keys) and dom_keys[a] == key:
            dom = a
        first_row = rows
        first_templates = templates
        stop = False
        full = False
        while p + 4 <= end and not stop:
            set_id = int(_uint(buf, p, 2))
            set_len = int(_uint(buf, p + 2, 2))
            if set_len < 4 or p + set_len > end:
                stop = True
                break
            body, body_end = p + 4, p + set_len
            is_template = set_id == 0 or set_id == 1 if version == 9 else set_id == 2 or set_id == 3
            if is_template:
                # A re-announcement of templates already applied and still current.
                hit = -1
                if dom >= 0:
                    for k in range(len(blob_dom)):
                        if blob_dom[k] != dom or blob_len[k] != set_len - 4:
                            continue
                        same = True
                        for i in range(set_len - 4):
                            if blobs[blob_off[k] + i] != buf[body + i]:
                                same = False
                                break
                        if same:
                            hit = k
                            break
                if hit < 0:
                    stop = True
                    break
                templates += blob_count[hit]
            elif set_id >= 256:
                t = _find2(tmpl_dom, tmpl_id, np.int64(dom), np.int64(set_id)) if dom >= 0 else -1
                if t < 0:
                    stop = True
                    break
                reclen = tmpl_len[t]
                q = body
                while body_end - q >= reclen:
                    if rows >= cap:
                        full = True
                        break
                    # Only the columns _record may leave unwritten (no address of a
                    # family): it writes every other one.
                    out[C_SHI, rows] = 0
                    out[C_SLO, rows] = 0
                    out[C_DHI, rows] = 0
                    out[C_DLO, rows] = 0
                    out[C_ETYPE, rows] = 0
                    _record(
                        buf,
                        q,
                        slots,
                        t,
                        out,
                        rows,
                        dom_rate[dom],
                        dom,
                        samp_dom,
                        samp_id,
                        samp_rate,
                    )
                    out[C_TIME, rows] = secs
                    out[C_SOURCE, rows] = source
                    out[C_EXP_HI, rows] = exp_hi[exp_index[d]]
                    out[C_EXP_LO, rows] = exp_lo[exp_index[d]]
                    out[NCOL, rows] = d  # the datagram, for dating by its receive time
                    rows += 1
                    q += reclen
                if full:
                    break
            p = body_end
        if full:
            return d, first_row, first_templates, FULL
        if stop:
            return d, first_row, first_templates, STOP
    return len(offsets) - 1, rows, templates, DONE


@dataclass
class FastNetflow:
    """The reference decoder's state, compiled for the kernel; decodes batches."""

    reference: NetflowDecoder = field(default_factory=NetflowDecoder)
    exporters: dict[str, int] = field(default_factory=dict)
    _exp_hi: list[int] = field(default_factory=list)
    _exp_lo: list[int] = field(default_factory=list)
    # Template-set bodies applied before: (domain key, bytes) -> templates they define.
    _blobs: dict[tuple[int, bytes], list[tuple[tuple[str, int, int, int], Template]]] = field(
        default_factory=dict
    )
    _tables: tuple[Any, ...] | None = None

    def _exporter(self, name: str) -> int:
        index = self.exporters.get(name)
        if index is None:
            hi, lo = ip_to_halves(name)  # ValueError for a name that is no address
            index = self.exporters[name] = len(self._exp_hi)
            self._exp_hi.append(hi)
            self._exp_lo.append(lo)
        return index

    def _domain_key(self, exporter: str, version: int, domain: int) -> int:
        return (self._exporter(exporter) << 40) | (version << 32) | domain

    def _exporter_indexes(self, exporters: list[str]) -> npt.NDArray[np.int64]:
        """Each datagram's exporter index (-1: a name that is no address), each exporter
        looked up once, whatever the number of its datagrams."""
        n = len(exporters)
        if n and exporters.count(exporters[0]) == n:  # one exporter: no lookup per datagram
            names = [exporters[0]]
        else:
            names = list(dict.fromkeys(exporters))
        known: dict[str, int] = {}
        for name in names:
            try:
                known[name] = self._exporter(name)
            except ValueError:
                known[name] = -1
        if len(names) == 1:
            return np.full(n, known[names[0]], dtype=np.int64)
        return np.fromiter(map(known.__getitem__, exporters), dtype=np.int64, count=n)

    def _compile(self) -> tuple[Any, ...]:
        """Arrays the kernel reads, rebuilt only when templates or samplers changed."""
        if self._tables is not None:
            return self._tables
        ref = self.reference
        domains = sorted(
            {self._domain_key(e, v, d) for (e, v, d, _t) in ref.templates}
            | {self._domain_key(e, v, d) for (e, v, d) in ref.sampling}
        )
        dom_index = {k: i for i, k in enumerate(domains)}
        dom_rate = np.ones(len(domains), dtype=np.uint64)
        samplers: list[tuple[int, int, int]] = []
        for (e, v, d), table in ref.sampling.items():
            i = dom_index[self._domain_key(e, v, d)]
            dom_rate[i] = max(1, table.get(-1, 1))
            samplers += [(i, sid, rate) for sid, rate in table.items() if sid >= 0]
        samplers.sort()
        compiled: list[tuple[int, int, int, npt.NDArray[np.int64]]] = []
        for (e, v, d, tid), t in ref.templates.items():
            c = compile_template(t)
            if c is not None:
                compiled.append((dom_index[self._domain_key(e, v, d)], tid, c[0], c[1]))
        compiled.sort(key=lambda x: (x[0], x[1]))
        blob_dom, blob_off, blob_len, blob_count, parts = [], [], [], [], []
        offset = 0
        for (dkey, body), defined in self._blobs.items():
            # Only bodies whose templates are all still the current ones may be skipped.
            if dkey in dom_index and all(ref.templates.get(k) == t for k, t in defined):
                blob_dom.append(dom_index[dkey])
                blob_off.append(offset)
                blob_len.append(len(body))
                blob_count.append(len(defined))
                parts.append(body)
                offset += len(body)
        self._tables = (
            np.array(domains, dtype=np.uint64),
            dom_rate,
            np.array([c[0] for c in compiled], dtype=np.int64),
            np.array([c[1] for c in compiled], dtype=np.int64),
            np.array([c[2] for c in compiled], dtype=np.int64),
            np.stack([c[3] for c in compiled])
            if compiled
            else np.zeros((0, NSLOT, 2), dtype=np.int64),
            np.array([s[0] for s in samplers], dtype=np.uint64),
            np.array([s[1] for s in samplers], dtype=np.uint64),
            np.array([s[2] for s in samplers], dtype=np.uint64),
            np.array(blob_dom, dtype=np.int64),
            np.array(blob_off, dtype=np.int64),
            np.array(blob_len, dtype=np.int64),
            np.array(blob_count, dtype=np.int64),
            np.frombuffer(b"".join(parts) or b"\0", dtype=np.uint8),
        )
        return self._tables

    def decode(
        self, payloads: list[bytes], exporters: list[str]
    ) -> tuple[FlowBatch, list[tuple[MalformedDatagram, str]], list[Any]]:
        """Records of the datagrams; (error, exporter) of the malformed ones; the reference
        decoder's rows (FlowRow) for the datagrams it decoded."""
        fast, _fi, drops, slow_rows, _si = self.decode_indexed(payloads, exporters)
        return fast, drops, slow_rows

    def decode_indexed(
        self,
        payloads: list[bytes],
        exporters: list[str],
        joined: tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]] | None = None,
    ) -> tuple[
        FlowBatch,
        npt.NDArray[np.int64],
        list[tuple[MalformedDatagram, str]],
        list[Any],
        list[int],
    ]:
        """As :meth:`decode`, with the datagram each record came from: an array for the
        fast records, a list for the reference decoder's rows. ``joined`` (the payloads
        laid end to end and their offsets, a capture reader's batch) replaces
        ``payloads``."""
        n = len(exporters)
        if joined is None:
            buf = np.frombuffer(b"".join(payloads) or b"\0", dtype=np.uint8)
            offsets = np.zeros(n + 1, dtype=np.int64)
            offsets[1:] = np.cumsum([len(p) for p in payloads])
        else:
            buf, offsets = joined
            if not len(buf):
                buf = np.zeros(1, dtype=np.uint8)

        def payload(i: int) -> bytes:
            if joined is None:
                return payloads[i]
            return bytes(buf[int(offsets[i]) : int(offsets[i + 1])])

        exp_index = self._exporter_indexes(exporters)
        lengths = self._compile()[4]
        shortest = int(lengths.min()) if len(lengths) else 64
        # One row more than the record's columns: the datagram each record came from. Not
        # zeroed: the kernel clears each row it fills, and only those are read.
        out = np.empty((NCOL + 1, int(offsets[-1]) // max(1, shortest) + 16), dtype=np.uint64)
        rows = 0
        drops: list[tuple[MalformedDatagram, str]] = []
        slow_rows: list[Any] = []
        slow_index: list[int] = []
        # Exporters are all indexed above: their address halves do not change in the loop.
        eh = np.array(self._exp_hi, dtype=np.uint64)
        el = np.array(self._exp_lo, dtype=np.uint64)
        # The kernel takes only v9 and IPFIX; a datagram of another version (v5, garbage)
        # goes to the reference decoder without a kernel call.
        starts = offsets[:-1]
        sized = (offsets[1:] - starts) >= 2
        version = np.zeros(n, dtype=np.int64)
        version[sized] = buf[starts[sized]].astype(np.int64) * 256 + buf[starts[sized] + 1]
        kernel = ((version == 9) | (version == 10)) & (exp_index >= 0)
        d = 0
        while d < n:
            if not kernel[d]:
                status, nxt = STOP, d
            else:
                tables = self._compile()
                nxt, new_rows, templates, status = _decode(  # type: ignore[call-arg]
                    buf, offsets, d, exp_index, eh, el, *tables, out, rows
                )
                fast = new_rows - rows
                self.reference.stats.datagrams += nxt - d
                self.reference.stats.records += fast
                self.reference.stats.templates += templates
                rows = new_rows
            if status == DONE:
                break
            if status == FULL:
                out = np.concatenate([out, np.empty_like(out)], axis=1)
                d = nxt
                continue
            before = len(slow_rows)
            self._slow(payload(nxt), exporters[nxt], drops, slow_rows)
            slow_index += [nxt] * (len(slow_rows) - before)
            d = nxt + 1
        columns: dict[str, npt.NDArray[Any]] = {
            # The 64-bit ones are views of ``out`` (made for this call), the others copies.
            name: out[i, :rows].astype(COLUMNS[name], copy=False)
            for i, name in enumerate(NAMES)
        }
        index = out[NCOL, :rows].astype(np.int64)
        return FlowBatch(columns), index, drops, slow_rows, slow_index

    def _slow(
        self,
        payload: bytes,
        exporter: str,
        drops: list[tuple[MalformedDatagram, str]],
        rows: list[Any],
    ) -> None:
        ref = self.reference
        state = (ref.stats.templates, ref.stats.withdrawals, ref.stats.option_records)
        sampled = len(ref.sampling)
        try:
            decoded = ref.decode(payload, exporter)
            rows.extend(ref.rows(decoded))
        except MalformedDatagram as exc:
            # Without its traceback: a kept traceback holds the decoder's frames alive.
            drops.append((exc.with_traceback(None), exporter))
            return
        except Exception as exc:  # a decoder bug must not take the collector down
            error = MalformedDatagram(f"decoder error: {type(exc).__name__}", 0, DECODER_ERROR)
            drops.append((error, exporter))
            return
        version = decoded["version"]
        if version not in (9, 10):
            return
        if state == (
            ref.stats.templates,
            ref.stats.withdrawals,
            ref.stats.option_records,
        ) and sampled == len(ref.sampling):
            return  # no template, withdrawal or sampler came: the compiled tables still hold
        domain = decoded.get("source_id", decoded.get("observation_domain_id", 0))
        try:
            dkey = self._domain_key(exporter, version, domain)
        except ValueError:
            return
        # Remember template sets, so their periodic re-announcements stay on the fast path.
        hdr = 20 if version == 9 else 16
        pos, end = hdr, len(payload) if version == 9 else decoded["length"]
        while pos + 4 <= end:
            set_id = int.from_bytes(payload[pos : pos + 2], "big")
            set_len = int.from_bytes(payload[pos + 2 : pos + 4], "big")
            if set_id in ((0, 1) if version == 9 else (2, 3)):
                body = payload[pos + 4 : pos + set_len]
                if (dkey, body) not in self._blobs and len(self._blobs) < 4096:
                    self._bind_blob(dkey, body, payload, pos, set_len, version)
            pos += set_len
        self._tables = None

    def _bind_blob(
        self, dkey: int, body: bytes, payload: bytes, pos: int, set_len: int, version: int
    ) -> None:
        """The templates one template set defines, as the reference decoder now holds them."""
        from lakou.flows.netflow import _parse_templates

        options = payload[pos : pos + 2] in (b"\x00\x01", b"\x00\x03")
        try:
            found = _parse_templates(payload, pos + 4, pos + set_len, version, options)
        except MalformedDatagram:
            return
        if not found or any(not t.fields for t in found):
            return  # a withdrawal changes state each time it comes: never skipped
        exporter_index = dkey >> 40
        exporter = next(e for e, i in self.exporters.items() if i == exporter_index)
        domain = dkey & 0xFFFFFFFF
        self._blobs[(dkey, body)] = [((exporter, version, domain, t.template_id), t) for t in found]
