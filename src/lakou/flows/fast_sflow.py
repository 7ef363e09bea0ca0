"""sFlow v5 decoder compiled with numba: the collector's hot loop.

A busy exchange switch sends hundreds of thousands of samples per second; decoding them
one Python object at a time costs several microseconds each. This decoder takes a whole
batch of datagrams laid end to end in one byte array and fills the flow-record columns
directly, releasing the GIL so the UDP inlet keeps receiving meanwhile. It accepts and
rejects exactly what the reference decoder (:mod:`lakou.flows.sflow`) does and gives the
same records (a property test holds them to it, on real and mutated datagrams). A
datagram is accepted whole or rejected whole: on any error its samples are rolled back
and its status set to the error code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from lakou.flows.jit import njit
from lakou.flows.records import COLUMNS, SOURCE_SFLOW, FlowBatch

# Column order in the output matrix.
NAMES = tuple(COLUMNS)
C = {name: i for i, name in enumerate(NAMES)}
NCOL = len(NAMES)
C_TIME, C_SOURCE, C_EXP_HI, C_EXP_LO = C["time"], C["source"], C["exporter_hi"], C["exporter_lo"]
C_RATE, C_IN, C_OUT, C_BYTES, C_PKTS = (
    C["sampling_rate"],
    C["in_if"],
    C["out_if"],
    C["bytes"],
    C["packets"],
)
C_SMAC, C_DMAC, C_VLAN, C_ETYPE = C["src_mac"], C["dst_mac"], C["vlan"], C["etype"]
C_SHI, C_SLO, C_DHI, C_DLO = C["src_hi"], C["src_lo"], C["dst_hi"], C["dst_lo"]
C_PROTO, C_SPORT, C_DPORT, C_SAS, C_DAS = (
    C["proto"],
    C["src_port"],
    C["dst_port"],
    C["src_as"],
    C["dst_as"],
)

OK = 0
TRUNCATED = 1
BAD_VERSION = 2
BAD_ADDRESS = 3
TOO_MANY = 4
V4_MAPPED = np.uint64(0xFFFF << 32)


@njit(cache=True, inline="always")
def _u32(b: npt.NDArray[np.uint8], p: int) -> np.uint64:
    return (
        (np.uint64(b[p]) << np.uint64(24))
        | (np.uint64(b[p + 1]) << np.uint64(16))
        | (np.uint64(b[p + 2]) << np.uint64(8))
        | np.uint64(b[p + 3])
    )


@njit(cache=True, inline="always")
def _u16(b: npt.NDArray[np.uint8], p: int) -> np.uint64:
    return (np.uint64(b[p]) << np.uint64(8)) | np.uint64(b[p + 1])


@njit(cache=True, inline="always")
def _u48(b: npt.NDArray[np.uint8], p: int) -> np.uint64:
    return (_u16(b, p) << np.uint64(32)) | _u32(b, p + 2)


@njit(cache=True, inline="always")
def _u64(b: npt.NDArray[np.uint8], p: int) -> np.uint64:
    return (_u32(b, p) << np.uint64(32)) | _u32(b, p + 4)


@njit(cache=True)
def _l4(b, p, end, proto, out, row):
    """Ports (or ICMP type/code) from the transport header at p."""
    n = end - p
    if (proto == 6 or proto == 17) and n >= 4:
        out[C_SPORT, row] = _u16(b, p)
        out[C_DPORT, row] = _u16(b, p + 2)
    elif (proto == 1 or proto == 58) and n >= 2:
        out[C_SPORT, row] = 0
        out[C_DPORT, row] = np.uint64(b[p]) * np.uint64(256) + np.uint64(b[p + 1])


@njit(cache=True)
def _ip(b, p, end, etype, out, row) -> bool:
    """Addresses, protocol and ports of an IP header at p; False when there is none."""
    n = end - p
    if etype == 0x0800 and n >= 20 and (b[p] >> 4) == 4:
        ihl = (b[p] & 0x0F) * 4
        proto = b[p + 9]
        out[C_PROTO, row] = proto
        out[C_SHI, row] = 0
        out[C_SLO, row] = V4_MAPPED | _u32(b, p + 12)
        out[C_DHI, row] = 0
        out[C_DLO, row] = V4_MAPPED | _u32(b, p + 16)
        frag = _u16(b, p + 6) & np.uint64(0x1FFF)
        if frag == 0 and ihl >= 20:
            _l4(b, p + ihl, end, proto, out, row)
        return True
    if etype == 0x86DD and n >= 40 and (b[p] >> 4) == 6:
        out[C_SHI, row] = _u64(b, p + 8)
        out[C_SLO, row] = _u64(b, p + 16)
        out[C_DHI, row] = _u64(b, p + 24)
        out[C_DLO, row] = _u64(b, p + 32)
        nxt = b[p + 6]
        q = p + 40
        while (nxt == 0 or nxt == 43 or nxt == 60 or nxt == 51) and end >= q + 8:
            step = (int(b[q + 1]) + 2) * 4 if nxt == 51 else (int(b[q + 1]) + 1) * 8
            nxt = b[q]
            q += step
        if nxt == 44 and end >= q + 8:
            if (_u16(b, q + 2) >> np.uint64(3)) == 0:
                nxt = b[q]
                q += 8
            else:
                out[C_PROTO, row] = nxt
                return True
        out[C_PROTO, row] = nxt
        _l4(b, q, end, nxt, out, row)
        return True
    return False


@njit(cache=True)
def _clear_l3(out, row):
    out[C_SHI, row] = 0
    out[C_SLO, row] = 0
    out[C_DHI, row] = 0
    out[C_DLO, row] = 0
    out[C_PROTO, row] = 0
    out[C_SPORT, row] = 0
    out[C_DPORT, row] = 0


@njit(cache=True)
def _raw_header(b, p, end, out, row) -> int:
    """Raw packet header record; returns 1 if it carried an IP header, 0 if not, <0 error."""
    if end - p < 16:
        return -TRUNCATED
    proto = _u32(b, p)
    out[C_BYTES, row] = _u32(b, p + 4)
    hlen = int(_u32(b, p + 12))
    h = p + 16
    if hlen > end - h:
        return -TRUNCATED
    if h + hlen + ((4 - hlen % 4) % 4) > end:
        return -TRUNCATED
    hend = h + hlen
    out[C_SMAC, row] = 0
    out[C_DMAC, row] = 0
    out[C_VLAN, row] = 0
    out[C_ETYPE, row] = 0
    _clear_l3(out, row)
    has_ip = False
    if proto == 1:
        if hlen >= 14:
            out[C_DMAC, row] = _u48(b, h)
            out[C_SMAC, row] = _u48(b, h + 6)
            etype = _u16(b, h + 12)
            q = h + 14
            first = True
            while (etype == 0x8100 or etype == 0x88A8 or etype == 0x9100) and hend >= q + 4:
                if first:
                    out[C_VLAN, row] = _u16(b, q) & np.uint64(0x0FFF)
                    first = False
                etype = _u16(b, q + 2)
                q += 4
            out[C_ETYPE, row] = etype
            has_ip = _ip(b, q, hend, etype, out, row)
    elif proto == 11:
        has_ip = _ip(b, h, hend, 0x0800, out, row)
        out[C_ETYPE, row] = 0x0800
    elif proto == 12:
        has_ip = _ip(b, h, hend, 0x86DD, out, row)
        out[C_ETYPE, row] = 0x86DD
    if not has_ip:
        _clear_l3(out, row)
    return 1 if has_ip else 0


@njit(cache=True)
def _address(b, p, end):
    """(error, new position, hi, lo) of an sFlow address."""
    if end - p < 4:
        return TRUNCATED, p, np.uint64(0), np.uint64(0)
    kind = _u32(b, p)
    p += 4
    if kind == 1:
        if end - p < 4:
            return TRUNCATED, p, np.uint64(0), np.uint64(0)
        return OK, p + 4, np.uint64(0), V4_MAPPED | _u32(b, p)
    if kind == 2:
        if end - p < 16:
            return TRUNCATED, p, np.uint64(0), np.uint64(0)
        return OK, p + 16, _u64(b, p), _u64(b, p + 8)
    if kind == 0:
        return OK, p, np.uint64(0), np.uint64(0)
    return BAD_ADDRESS, p, np.uint64(0), np.uint64(0)


@njit(cache=True)
def _gateway(b, p, end, out, row) -> int:
    err, p, _hi, _lo = _address(b, p, end)
    if err != OK:
        return err
    if end - p < 16:
        return TRUNCATED
    router_as = _u32(b, p)
    src_as = _u32(b, p + 4)
    segments = int(_u32(b, p + 12))
    p += 16
    if segments > (end - p) // 8:
        return TOO_MANY
    last = np.uint64(0)
    found = False
    for _ in range(segments):
        if end - p < 8:
            return TRUNCATED
        n = int(_u32(b, p + 4))
        p += 8
        if n > (end - p) // 4:
            return TOO_MANY
        if n > 0:
            last = _u32(b, p + 4 * (n - 1))
            found = True
        p += 4 * n
    if end - p < 4:
        return TRUNCATED
    n = int(_u32(b, p))
    p += 4
    if n > (end - p) // 4:
        return TOO_MANY
    p += 4 * n
    if end - p < 4:
        return TRUNCATED
    out[C_SAS, row] = src_as
    out[C_DAS, row] = last if found else router_as
    return OK


@njit(cache=True)
def _flow_sample(b, p, end, expanded, out, row) -> int:
    need = 44 if expanded else 32
    if end - p < need:
        return TRUNCATED
    out[C_PKTS, row] = 1
    if expanded:
        out[C_RATE, row] = _u32(b, p + 12)
        out[C_IN, row] = _u32(b, p + 28)
        out[C_OUT, row] = _u32(b, p + 36)
        count = int(_u32(b, p + 40))
        p += 44
    else:
        out[C_RATE, row] = _u32(b, p + 8)
        out[C_IN, row] = _u32(b, p + 20) & np.uint64(0x3FFFFFFF)
        out[C_OUT, row] = _u32(b, p + 24) & np.uint64(0x3FFFFFFF)
        count = int(_u32(b, p + 28))
        p += 32
    if count > (end - p) // 8:
        return TOO_MANY
    have_ip = False
    switch_vlan = np.uint64(0)
    for _ in range(count):
        if end - p < 8:
            return TRUNCATED
        fmt = _u32(b, p)
        length = int(_u32(b, p + 4))
        p += 8
        if length > end - p:
            return TRUNCATED
        rend = p + length
        if fmt == 1:
            r = _raw_header(b, p, rend, out, row)
            if r < 0:
                return -r
            have_ip = r == 1
        elif fmt == 2:
            if length < 24:
                return TRUNCATED
            if out[C_SMAC, row] == 0:
                out[C_SMAC, row] = _u48(b, p + 4)
                out[C_DMAC, row] = _u48(b, p + 12)
                if out[C_ETYPE, row] == 0:
                    out[C_ETYPE, row] = _u32(b, p + 20) & np.uint64(0xFFFF)
                if out[C_BYTES, row] == 0:
                    out[C_BYTES, row] = _u32(b, p)
        elif fmt == 3 or fmt == 4:
            size = 4 if fmt == 3 else 16
            if length < 24 + 2 * size:
                return TRUNCATED
            if not have_ip:
                have_ip = True
                if fmt == 3:
                    out[C_SHI, row] = 0
                    out[C_SLO, row] = V4_MAPPED | _u32(b, p + 8)
                    out[C_DHI, row] = 0
                    out[C_DLO, row] = V4_MAPPED | _u32(b, p + 12)
                else:
                    out[C_SHI, row] = _u64(b, p + 8)
                    out[C_SLO, row] = _u64(b, p + 16)
                    out[C_DHI, row] = _u64(b, p + 24)
                    out[C_DLO, row] = _u64(b, p + 32)
                q = p + 8 + 2 * size
                out[C_PROTO, row] = _u32(b, p + 4) & np.uint64(0xFF)
                out[C_SPORT, row] = _u32(b, q) & np.uint64(0xFFFF)
                out[C_DPORT, row] = _u32(b, q + 4) & np.uint64(0xFFFF)
                if out[C_BYTES, row] == 0:
                    out[C_BYTES, row] = _u32(b, p)
                if out[C_ETYPE, row] == 0:
                    out[C_ETYPE, row] = 0x0800 if fmt == 3 else 0x86DD
        elif fmt == 1001:
            if length < 16:
                return TRUNCATED
            v = _u32(b, p)
            switch_vlan = v if v < 4096 else np.uint64(0)
        elif fmt == 1002:
            err, q, _hi, _lo = _address(b, p, rend)
            if err != OK:
                return err
            if rend - q < 8:
                return TRUNCATED
        elif fmt == 1003:
            err = _gateway(b, p, rend, out, row)
            if err != OK:
                return err
        p = rend
    if out[C_VLAN, row] == 0:
        out[C_VLAN, row] = switch_vlan
    return OK


@njit(cache=True)
def _counter_sample(b, p, end, expanded) -> int:
    need = 12 if expanded else 8
    if end - p < need + 4:
        return TRUNCATED
    count = int(_u32(b, p + need))
    p += need + 4
    if count > (end - p) // 8:
        return TOO_MANY
    for _ in range(count):
        if end - p < 8:
            return TRUNCATED
        fmt = _u32(b, p)
        length = int(_u32(b, p + 4))
        p += 8
        if length > end - p:
            return TRUNCATED
        if fmt == 1 and length < 88:
            return TRUNCATED
        if fmt == 2 and length < 52:
            return TRUNCATED
        p += length
    return OK


@njit(cache=True, nogil=True)
def _decode(buf, offsets, times, out, status):
    rows = 0
    counters = 0
    cap = out.shape[1]
    for d in range(len(offsets) - 1):
        start = offsets[d]
        end = offsets[d + 1]
        first_row = rows
        first_counters = counters
        err = OK
        p = start
        if end - p < 4:
            status[d] = TRUNCATED
            continue
        if _u32(buf, p) != 5:
            status[d] = BAD_VERSION
            continue
        err, p, ahi, alo = _address(buf, p + 4, end)
        if err == OK and end - p < 16:
            err = TRUNCATED
        if err == OK:
            nsamples = int(_u32(buf, p + 12))
            p += 16
            if nsamples > (end - start) // 8:
                err = TOO_MANY
            for _ in range(nsamples):
                if err != OK:
                    break
                if end - p < 8:
                    err = TRUNCATED
                    break
                fmt = _u32(buf, p)
                length = int(_u32(buf, p + 4))
                p += 8
                if length > end - p:
                    err = TRUNCATED
                    break
                if fmt == 1 or fmt == 3:
                    if rows >= cap:
                        err = TOO_MANY
                        break
                    for c in range(NCOL):
                        out[c, rows] = 0
                    err = _flow_sample(buf, p, p + length, fmt == 3, out, rows)
                    out[C_TIME, rows] = times[d]
                    out[C_SOURCE, rows] = SOURCE_SFLOW
                    out[C_EXP_HI, rows] = ahi
                    out[C_EXP_LO, rows] = alo
                    rows += 1
                elif fmt == 2 or fmt == 4:
                    err = _counter_sample(buf, p, p + length, fmt == 4)
                    counters += 1
                p += length
        if err != OK:
            rows = first_row
            counters = first_counters
            status[d] = err
    return rows, counters


def decode_batch(
    buf: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64], times: npt.NDArray[np.uint32]
) -> tuple[FlowBatch, npt.NDArray[np.uint8], int]:
    """Decode datagrams ``buf[offsets[i]:offsets[i+1]]``; returns records, status, counters.

    ``status[i]`` is 0 for an accepted datagram, else the reason it was dropped.
    """
    n = len(offsets) - 1
    # A flow sample takes at least 40 bytes (header and fields): a safe upper bound.
    cap = max(1, int(offsets[-1] - offsets[0]) // 40 + 1) if n else 1
    # Not zeroed: the kernel clears each row it fills, and only those are read (zeroing
    # this bound, tens of MB a batch, cost as much as decoding).
    out = np.empty((NCOL, cap), dtype=np.uint64)
    status = np.zeros(max(n, 0), dtype=np.uint8)
    if n <= 0:
        return FlowBatch.empty(), status, 0
    rows, counters = _decode(buf, offsets, times, out, status)
    # The 64-bit columns are the matrix's own rows (no copy); the others are narrowed.
    columns: dict[str, npt.NDArray[Any]] = {
        name: out[i, :rows].astype(COLUMNS[name], copy=False) for i, name in enumerate(NAMES)
    }
    return FlowBatch(columns), status, int(counters)
