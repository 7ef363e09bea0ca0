"""``lakou flows decode`` on broken captures (issue 11): an empty, truncated or bad-magic
capture gives one line naming the file and the byte offset, exit status 1, never a
traceback; what could be read is still printed. Mutations of a real capture (every
truncation of its first records, byte flips in its headers) run through the command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from lakou.cli import main
from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.testing import SampledFrame, datagram, netflow_v5

FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1")
ERROR = re.compile(r"^error: (?P<path>\S+\.pcap): .*\bat byte (?P<offset>\d+)\b")


def capture(tmp_path: Path, shared: Path | None = None) -> bytes:
    """The first records of a real capture when the public data is here, else a made one."""
    real = shared / "flows" / "netflow" / "data+templates.pcap" if shared else None
    if real is not None and real.is_file():
        return real.read_bytes()[:4096]
    path = tmp_path / "made.pcap"
    write_pcap(
        path,
        [
            Datagram(1_790_000_000.0 + i, "192.0.2.1", 9, "127.0.0.1", 6343, payload)
            for i, payload in enumerate(
                [datagram("192.0.2.1", [FRAME] * 2, 1), netflow_v5(1_790_000_000)] * 4
            )
        ],
    )
    return path.read_bytes()


def mutations(base: bytes, rng: np.random.Generator) -> list[tuple[str, bytes]]:
    out = [("empty", b""), ("bad-magic", b"\x00\x01\x02\x03" + base[4:])]
    out += [(f"cut-{n}", base[:n]) for n in range(0, min(len(base), 400), 3)]
    for i in range(120):
        data = bytearray(base)
        for _ in range(int(rng.integers(1, 4))):
            data[int(rng.integers(0, min(len(data), 200)))] = int(rng.integers(0, 256))
        out.append((f"flip-{i}", bytes(data)))
    return out


def check(result_code: int, stdout: str, stderr: str, path: Path) -> bool:
    """One clean outcome; True when the capture was refused."""
    assert "Traceback" not in stdout + stderr, stderr
    for line in stdout.splitlines():
        json.loads(line)  # what could be read is whole JSON
    if result_code == 0:
        assert stderr == "", stderr
        return False
    assert result_code == 1, (result_code, stderr)
    lines = stderr.splitlines()
    assert len(lines) == 1, lines
    match = ERROR.match(lines[0])
    assert match and match["path"] == str(path), lines[0]
    assert int(match["offset"]) <= max(path.stat().st_size, 4)
    return True


def test_mutated_captures_through_the_command(tmp_path: Path, request) -> None:  # type: ignore[no-untyped-def]
    shared = None
    if (Path(request.config.rootpath).parent / "shared" / "data").is_dir():
        shared = Path(request.config.rootpath).parent / "shared" / "data"
    base = capture(tmp_path, shared)
    runner = CliRunner()
    refused = 0
    tried = mutations(base, np.random.default_rng(7))
    for name, data in tried:
        path = tmp_path / f"{name}.pcap"
        path.write_bytes(data)
        result = runner.invoke(main, ["flows", "decode", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), name
        refused += check(result.exit_code, result.stdout, result.stderr, path)
    assert len(tried) > 250 and refused > 100, (len(tried), refused)


def test_several_captures_one_broken_in_a_real_process(tmp_path: Path) -> None:
    good = tmp_path / "good.pcap"
    write_pcap(
        good, [Datagram(1.0, "192.0.2.1", 9, "127.0.0.1", 6343, datagram("192.0.2.1", [FRAME]))]
    )
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    short = tmp_path / "short.pcap"
    short.write_bytes(good.read_bytes()[:-7])
    out = subprocess.run(
        [sys.executable, "-m", "lakou", "flows", "decode", str(empty), str(good), str(short)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.splitlines() == [
        f"error: {empty}: not a pcap or pcapng file (magic empty at byte 0)",
        f"error: {short}: truncated record at byte 24",
    ]
    assert [json.loads(x)["file"] for x in out.stdout.splitlines()] == ["good.pcap"]
