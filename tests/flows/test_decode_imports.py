"""``lakou flows decode`` reads captures with the reference decoders and loads no numpy
(the columns' numpy types are made on first use), so its start costs what Python and the
CLI cost."""

from __future__ import annotations

import json
import subprocess
import sys
from ipaddress import ip_address
from pathlib import Path

from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.records import COLUMNS, FlowBatch, columns
from lakou.flows.testing import SampledFrame, datagram

PROBE = """
import sys
from lakou.cli import main
sys.argv = ["lakou", "flows", "decode", "--format", sys.argv[1], sys.argv[2]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps({"numpy": "numpy" in sys.modules}))
"""


def test_decode_loads_no_numpy(tmp_path: Path) -> None:
    frame = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "192.0.2.2")
    capture = tmp_path / "one.pcap"
    payload = datagram("192.0.2.250", [frame, frame])
    write_pcap(
        capture,
        [Datagram(1.7e9, ip_address("192.0.2.250"), 6343, ip_address("192.0.2.1"), 6343, payload)],
    )
    for fmt in ("jsonl", "records"):
        out = subprocess.run(
            [sys.executable, "-c", "import json\n" + PROBE, fmt, str(capture)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert out.returncode == 0, out.stderr
        lines = out.stdout.strip().splitlines()
        assert len(lines) == 3  # two samples, then the probe's line
        assert json.loads(lines[0])["sampling_rate"] == 1024
        assert json.loads(lines[-1]) == {"numpy": False}


def test_the_columns_are_made_once_in_order() -> None:
    assert COLUMNS is columns()
    assert list(COLUMNS)[:4] == ["time", "source", "exporter_hi", "exporter_lo"]
    empty = FlowBatch.empty(2)
    assert [empty[name].dtype.type for name in COLUMNS] == list(COLUMNS.values())
    assert len(FlowBatch.concat([empty, empty])) == 4
