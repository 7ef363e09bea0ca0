"""Prometheus textfiles: how processes without a web server hand their figures to /metrics.

The flow collector, ``rs build`` and ``rs deploy`` run in their own processes (a service,
a job), so their counters cannot live in the portal's memory. Each writes what it knows
to ``<data_dir>/metrics/<name>.prom`` in the Prometheus text format, atomically (a
temporary file renamed over the old one), and the portal's ``/metrics`` reads every such
file and serves their series with its own. The same files suit node_exporter's textfile
collector, so the figures survive a portal that is down. No Django here.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

_LABEL_VALUE = re.compile(r'[\\"\n]')


def metrics_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / "metrics"


@dataclass
class Family:
    """One metric: name, help, type (counter or gauge) and its samples."""

    name: str
    help: str
    type: str = "gauge"
    samples: list[tuple[Mapping[str, str], float]] = field(default_factory=list)

    def add(self, value: float, **labels: str) -> Family:
        self.samples.append((labels, float(value)))
        return self


def _escape(value: str) -> str:
    return _LABEL_VALUE.sub(lambda m: {"\\": "\\\\", '"': '\\"', "\n": "\\n"}[m.group()], value)


def render(families: Iterable[Family]) -> str:
    lines: list[str] = []
    for fam in families:
        lines.append(f"# HELP {fam.name} {fam.help}")
        lines.append(f"# TYPE {fam.name} {fam.type}")
        sample_name = f"{fam.name}_total" if fam.type == "counter" else fam.name
        for labels, value in fam.samples:
            text = ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(labels.items()))
            lines.append(
                f"{sample_name}{{{text}}} {value!r}" if text else f"{sample_name} {value!r}"
            )
    return "\n".join(lines) + "\n"


def write_textfile(path: Path, families: Iterable[Family]) -> None:
    """Replace ``path`` with the families, in one rename (a reader sees old or new)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(render(families))
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_name(text: str) -> str:
    """A file-name part from a route-server name (rs1, rs-2.example)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:100] or "_"
