"""A short replay runs the flow kernels as Python (no numba loaded), and a replay with the
kernels compiled ahead of time runs them without numba too; both get exactly what
numba's compiled kernels get: the same records, counters, malformed datagrams and sums,
on every public capture and on seeded mutations and truncations of them (each mode in a
fresh process, so the interpreted and ahead-of-time ones have never loaded numba)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from ipaddress import ip_address
from pathlib import Path

import pytest

from lakou.flows.jit import INTERPRETED_BYTES
from lakou.flows.pcap import CaptureError, Datagram, read_datagrams, write_pcap
from lakou.flows.testing import SampledFrame, datagram

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "flows"

SCRIPT = """
import json, sys
from pathlib import Path
from lakou.flows import aot, jit
from lakou.flows.capture_replay import replay
from lakou.flows.enrich import Enricher
from lakou.flows.pipeline import Pipeline
mode, aot.DIRECTORY, paths = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
if mode == "compiled":
    jit.load()
out = {}
for path in paths:
    pipeline = Pipeline(Enricher(), store=None, keep_records=True)
    warnings = []
    stats = replay(pipeline, [path], warn=warnings.append, build=False)
    records = [
        {name: batch[name].tolist() for name in batch.columns} for batch in pipeline.records
    ]
    summed = pipeline.summed()
    rows = sorted(json.dumps(r, sort_keys=True) for r in summed.to_pylist())
    out[path] = {
        "counters": dict(pipeline.counters),
        "malformed": dict(pipeline.malformed),
        "log": pipeline.malformed_log.last(50),
        "frames": [stats.frames, stats.datagrams, stats.skipped],
        "warnings": warnings,
        "records": records,
        "sums": rows,
    }
if mode == "compiled":
    jit.build_ahead_of_time()  # every kernel with the types seen, for the next run
out["numba loaded"] = "numba" in sys.modules
out["ahead of time"] = aot.calls
print(json.dumps(out, sort_keys=True, default=str))
"""


def run(mode: str, built: Path, paths: list[Path]) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(built), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def mutations(source: Path, target: Path, seed: int) -> list[Path]:
    """Copies of ``source`` with bytes of its payloads changed, cut short, or the file
    itself cut; each small enough to be interpreted."""
    rng = random.Random(seed)
    try:
        items = list(read_datagrams(source))
    except CaptureError:
        return []
    out = []
    for k in range(3):
        changed = []
        for d in items:
            payload = bytearray(d.payload)
            if payload and k == 0:
                for _ in range(rng.randint(1, 4)):
                    payload[rng.randrange(len(payload))] = rng.randrange(256)
            elif payload and k == 1:
                del payload[rng.randrange(len(payload)) :]
            changed.append(Datagram(d.time, d.src, d.src_port, d.dst, d.dst_port, bytes(payload)))
        path = target / f"{source.stem}-{seed}-{k}.pcap"
        write_pcap(path, changed)
        if k == 2:  # the file itself cut inside a record
            raw = path.read_bytes()
            path.write_bytes(raw[: max(24, len(raw) - rng.randint(1, 40))])
        out.append(path)
    return out


def test_interpreted_and_ahead_of_time_kernels_give_what_compiled_ones_give(
    tmp_path: Path,
) -> None:
    v4 = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "192.0.2.2")
    v6 = SampledFrame("02:00:00:00:00:03", "02:00:00:00:00:04", "2001:db8::1", "2001:db8::2")
    own = tmp_path / "own.pcap"
    write_pcap(
        own,
        [
            Datagram(
                1_700_000_000.0 + i,
                ip_address(src),
                6343,
                ip_address(dst),
                6343,
                datagram("192.0.2.250", [v4, v6][: i + 1], sequence=i + 1),
            )
            for i, (src, dst) in enumerate([("192.0.2.250", "192.0.2.1"), ("2001:db8::fa", "::1")])
        ],
    )
    captures = [own]
    if SHARED.exists():
        captures += sorted(SHARED.rglob("*.pcap"))
    inputs = list(captures)
    for seed, capture in enumerate(captures):
        inputs += mutations(capture, tmp_path, seed)
    assert all(p.stat().st_size <= INTERPRETED_BYTES for p in inputs)
    built = tmp_path / "built"
    interpreted = run("interpreted", built, inputs)
    compiled = run("compiled", built, inputs)
    assert sorted(p.suffix for p in built.iterdir()) == [".json", ".so"]
    ahead = run("ahead of time", built, inputs)
    assert interpreted.pop("numba loaded") is False
    assert interpreted.pop("ahead of time") == 0
    assert compiled.pop("numba loaded") is True
    compiled.pop("ahead of time")
    assert ahead.pop("numba loaded") is False
    assert ahead.pop("ahead of time") > len(inputs)  # every kernel call, not Python
    for path in map(str, inputs):
        assert interpreted[path] == compiled[path], path
        assert ahead[path] == compiled[path], path
    results = list(compiled.values())
    assert sum(len(v["records"]) for v in results) > 0  # type: ignore[index,arg-type]
    assert sum(v["counters"].get("datagrams_malformed", 0) for v in results) > 0  # type: ignore[index,union-attr]
    assert sum(bool(v["warnings"]) for v in results) > 0  # type: ignore[index,arg-type]


@pytest.mark.skipif(not SHARED.exists(), reason=f"{SHARED} not found")
def test_the_shared_captures_are_all_read() -> None:
    assert len(list(SHARED.rglob("*.pcap"))) >= 20
