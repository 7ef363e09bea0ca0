"""The demo's facts, read from the files beside this module (no Django, no database).

``exchanges.yml`` holds the invented infrastructure (facilities, switches, peering LANs,
route servers); ``networks.csv``, ``prefixes.csv`` and ``members.csv`` are derived from
public data by ``scripts/make-demo-data`` (sources and licences in ``README.md``). The
registry loader (:mod:`lakou.demo.registry`), the traffic generator
(:mod:`lakou.demo.traffic`) and the live route server (:mod:`lakou.demo.routeserver`)
all read them through here.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from importlib import resources
from typing import Any

import yaml

from lakou import yamlload
from lakou.i18n import gettext


class DemoDataError(ValueError):
    """A demo fact table is malformed; the message names the file and the line."""


def _read_text(name: str) -> str:
    return resources.files("lakou.demo").joinpath(name).read_text(encoding="utf-8")


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a demo CSV (``#`` lines are comments), each checked for its columns."""
    text = _read_text(name)
    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines:
        raise DemoDataError(gettext("%(file)s: empty") % {"file": name})
    reader = csv.reader(io.StringIO("\n".join(line for _, line in lines)))
    header = next(reader)
    rows = []
    for (n, _), values in zip(lines[1:], reader, strict=True):
        if len(values) != len(header):
            raise DemoDataError(
                gettext("%(file)s:%(line)d: %(n)d columns, expected %(expected)d (%(header)s)")
                % {
                    "file": name,
                    "line": n,
                    "n": len(values),
                    "expected": len(header),
                    "header": ",".join(header),
                }
            )
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def read_exchanges() -> list[dict[str, Any]]:
    try:
        data = yamlload.safe_load(_read_text("exchanges.yml"))
    except yaml.YAMLError as exc:
        raise DemoDataError(
            gettext("%(file)s: not valid YAML: %(error)s") % {"file": "exchanges.yml", "error": exc}
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("exchanges"), list):
        raise DemoDataError(
            gettext("%(file)s: expected a mapping with a list 'exchanges'")
            % {"file": "exchanges.yml"}
        )
    return data["exchanges"]


def demo_prefixes() -> dict[int, list[str]]:
    """The demo networks' prefixes (IPv4 and IPv6) by ASN, from ``prefixes.csv``."""
    out: dict[int, list[str]] = defaultdict(list)
    for row in read_table("prefixes.csv"):
        out[int(row["asn"])].append(row["prefix"])
    return dict(out)
