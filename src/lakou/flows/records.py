"""The flow record every decoder produces, as a row and as columns.

sFlow samples, NetFlow v5/v9 and IPFIX records all become the same record: who
exported it and at what sampling rate, the interfaces, the layer-2 view (MACs, VLAN),
the layer-3/4 view (addresses, protocol, ports), the byte and packet counts as seen
(before renormalisation) and any AS numbers the exporter added. The pipeline moves
records in columns (numpy arrays, :class:`FlowBatch`) so the fast decoders can fill them
without Python objects; :class:`FlowRow` is the same record one at a time, for the
readable decoders and the tests. Addresses are 128-bit, IPv4 mapped into IPv6
(``::ffff:a.b.c.d``), held as two 64-bit halves.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy.typing as npt

    COLUMNS: dict[str, type]  # the columns' numpy types, made on first use

# Which export protocol a record came from.
SOURCE_SFLOW = 1
SOURCE_NETFLOW5 = 5
SOURCE_NETFLOW9 = 9
SOURCE_IPFIX = 10
SOURCE_NAMES = {
    SOURCE_SFLOW: "sflow",
    SOURCE_NETFLOW5: "netflow5",
    SOURCE_NETFLOW9: "netflow9",
    SOURCE_IPFIX: "ipfix",
}

# Each column and its numpy type (``COLUMNS``, made on first use: reading a capture
# with the reference decoders, as ``flows decode`` does, needs no numpy).
_TYPES = {
    "time": "uint32",
    "source": "uint8",
    "exporter_hi": "uint64",
    "exporter_lo": "uint64",
    "sampling_rate": "uint32",
    "in_if": "uint32",
    "out_if": "uint32",
    "bytes": "uint64",
    "packets": "uint64",
    "src_mac": "uint64",
    "dst_mac": "uint64",
    "vlan": "uint16",
    "etype": "uint16",
    "src_hi": "uint64",
    "src_lo": "uint64",
    "dst_hi": "uint64",
    "dst_lo": "uint64",
    "proto": "uint8",
    "src_port": "uint16",
    "dst_port": "uint16",
    "src_as": "uint32",
    "dst_as": "uint32",
}
_columns: dict[str, type] = {}


def columns() -> dict[str, type]:
    """:data:`COLUMNS`: each column's numpy type, in column order."""
    if not _columns:
        import numpy as np

        _columns.update({name: getattr(np, kind) for name, kind in _TYPES.items()})
    return _columns


def __getattr__(name: str) -> Any:
    if name == "COLUMNS":
        return columns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_V4_MAPPED = 0xFFFF << 32


def ip_to_halves(addr: str | IPv4Address | IPv6Address | None) -> tuple[int, int]:
    if addr is None or addr == "":
        return 0, 0
    ip = ip_address(addr) if isinstance(addr, str) else addr
    value = int(ip) | _V4_MAPPED if ip.version == 4 else int(ip)
    return value >> 64, value & 0xFFFFFFFFFFFFFFFF


def halves_to_ip(hi: int, lo: int) -> str:
    if hi == 0 and lo == 0:
        return ""
    value = (int(hi) << 64) | int(lo)
    if value >> 32 == 0xFFFF:
        return str(IPv4Address(value & 0xFFFFFFFF))
    return str(IPv6Address(value))


def mac_to_int(mac: str | bytes | None) -> int:
    if not mac:
        return 0
    if isinstance(mac, bytes):
        return int.from_bytes(mac[:6], "big")
    return int(mac.replace(":", "").replace("-", "").replace(".", ""), 16)


def int_to_mac(value: int) -> str:
    return ":".join(f"{(int(value) >> s) & 0xFF:02x}" for s in range(40, -8, -8))


@dataclass(slots=True)
class FlowRow:
    """One flow record (an sFlow sample or a NetFlow/IPFIX record), as decoded."""

    time: int = 0
    source: int = 0
    exporter: str = ""
    sampling_rate: int = 1
    in_if: int = 0
    out_if: int = 0
    bytes: int = 0
    packets: int = 0
    src_mac: int = 0
    dst_mac: int = 0
    vlan: int = 0
    etype: int = 0
    src_ip: str = ""
    dst_ip: str = ""
    proto: int = 0
    src_port: int = 0
    dst_port: int = 0
    src_as: int = 0
    dst_as: int = 0


class FlowBatch:
    """Flow records in columns: one numpy array per field of :data:`COLUMNS`."""

    def __init__(self, columns: dict[str, npt.NDArray[Any]]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns["time"])

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self.columns[name]

    @classmethod
    def empty(cls, size: int = 0) -> FlowBatch:
        import numpy as np

        return cls({name: np.zeros(size, dtype=dtype) for name, dtype in columns().items()})

    @classmethod
    def from_rows(cls, rows: list[FlowRow]) -> FlowBatch:
        batch = cls.empty(len(rows))
        cols = batch.columns
        for i, row in enumerate(rows):
            for f in fields(FlowRow):
                if f.name in ("exporter", "src_ip", "dst_ip"):
                    continue
                cols[f.name][i] = getattr(row, f.name)
            cols["exporter_hi"][i], cols["exporter_lo"][i] = ip_to_halves(row.exporter)
            cols["src_hi"][i], cols["src_lo"][i] = ip_to_halves(row.src_ip)
            cols["dst_hi"][i], cols["dst_lo"][i] = ip_to_halves(row.dst_ip)
        return batch

    @classmethod
    def concat(cls, batches: list[FlowBatch]) -> FlowBatch:
        if not batches:
            return cls.empty()
        import numpy as np

        return cls({name: np.concatenate([b.columns[name] for b in batches]) for name in columns()})

    def take(self, index: npt.NDArray[Any] | slice) -> FlowBatch:
        return FlowBatch({k: v[index] for k, v in self.columns.items()})

    def rows(self) -> list[FlowRow]:
        out = []
        c = self.columns
        for i in range(len(self)):
            out.append(
                FlowRow(
                    time=int(c["time"][i]),
                    source=int(c["source"][i]),
                    exporter=halves_to_ip(c["exporter_hi"][i], c["exporter_lo"][i]),
                    sampling_rate=int(c["sampling_rate"][i]),
                    in_if=int(c["in_if"][i]),
                    out_if=int(c["out_if"][i]),
                    bytes=int(c["bytes"][i]),
                    packets=int(c["packets"][i]),
                    src_mac=int(c["src_mac"][i]),
                    dst_mac=int(c["dst_mac"][i]),
                    vlan=int(c["vlan"][i]),
                    etype=int(c["etype"][i]),
                    src_ip=halves_to_ip(c["src_hi"][i], c["src_lo"][i]),
                    dst_ip=halves_to_ip(c["dst_hi"][i], c["dst_lo"][i]),
                    proto=int(c["proto"][i]),
                    src_port=int(c["src_port"][i]),
                    dst_port=int(c["dst_port"][i]),
                    src_as=int(c["src_as"][i]),
                    dst_as=int(c["dst_as"][i]),
                )
            )
        return out
