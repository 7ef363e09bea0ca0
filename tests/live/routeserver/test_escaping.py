"""Values from outside cannot change a configuration's structure: refused, or inert.

Hypothesis writes arbitrary text (and known injection payloads) into every text field a
policy or a client can carry: the RTR host, the log file, a member's description, its
MD5 password, AS-SET names, custom communities and daemon lines. Each build either
refuses the value with a message, or gives a configuration in which the daemon's own
parser sees exactly the same protocols, filters and symbols (BIRD: ``show symbols`` of a
BIRD started on it) or the same neighbours and rules (OpenBGPD: ``bgpd -nv``) as with a
plain value.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from lakou.routeserver.build import BuildError, build_config
from lakou.routeserver.clients import ClientsError, parse_clients
from lakou.routeserver.enrich.model import Enriched
from lakou.routeserver.lg.birdsock import BirdError, BirdSocket
from lakou.routeserver.policy import Policy, PolicyError

pytestmark = pytest.mark.live

INJECTIONS = [
    '127.0.0.1" port 8282; } protocol static INJECTED { ipv4; route 0.0.0.0/0 blackhole; } #',
    "x\n} protocol static INJECTED { ipv4; route 0.0.0.0/0 blackhole; }\n",
    '"; neighbor 192.0.2.200 { remote-as 65000 } #',
    "-h127.0.0.2",
    "AS-FOO; rm -rf /",
    "hold time 5; } protocol static INJECTED { ipv4; }",
    "65501:1\nmatch from any set localpref 1",
]
TEXT = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.text(st.sampled_from('abc019 ;{}"#\\\n:-.$'), max_size=30),
)
FIELDS = [
    "rtr_host", "log_file", "description", "password", "as_set", "community", "custom_line",
]  # fmt: skip
PLAIN = {
    "rtr_host": "127.0.0.1",
    "log_file": "bird.log",
    "description": "Member",
    "password": "secret",
    "as_set": "AS-MEMBER",
    "community": "65501:100",
    "custom_line": "hold time 240;",
}


def _build(daemon: str, field: str, value: str) -> str:
    """The configuration with ``value`` in ``field``; raises when lakou refuses it."""
    rpki: dict[str, Any] = {"enabled": True, "source": "rtr"}
    if field == "rtr_host":
        rpki["rtr_host"] = value
    policy = Policy.model_validate(
        {"rs_asn": 59999, "router_id": "192.0.2.1", "peering_lans": ["192.0.2.0/24"], "rpki": rpki}
    )
    entry: dict[str, Any] = {"asn": 10001, "ip": "192.0.2.11", "description": "Member"}
    cfg: dict[str, Any] = {}
    if field == "description":
        entry["description"] = value
    if field == "password":
        entry["password"] = value
    if field == "as_set":
        cfg["filtering"] = {"irrdb": {"as_sets": [value]}}
    if field == "community":
        cfg["attach_custom_communities"] = [value]
    if field == "custom_line":
        section = "protocol" if daemon == "bird2" else "client"
        cfg["custom_options"] = {
            "bird" if daemon == "bird2" else "openbgpd": {
                "any": {section: {"config_lines": [value]}}
            }
        }
    entry["cfg"] = cfg
    clients = parse_clients({"clients": [entry]}, "clients.yml")
    version = (2, 0, 12) if daemon == "bird2" else (7, 7)
    log_file = value if field == "log_file" else None
    return build_config(
        clients, policy, Enriched(), daemon=daemon, version=version, log_file=log_file
    ).text


def _bird_structure(text: str) -> frozenset[str] | None:
    """The symbols (protocols, filters, functions, tables, constants) BIRD loaded.

    None when BIRD refuses it (a log file it cannot open, an operator's custom line it
    cannot parse): ``rs build --check`` and ``rs deploy`` run the same parser first, so
    such a value is refused before it reaches a running route server.
    """
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "bird.conf"
        conf.write_text(text)
        sock = Path(tmp) / "bird.ctl"
        proc = subprocess.Popen(
            ["bird", "-f", "-c", str(conf), "-s", str(sock), "-P", str(Path(tmp) / "pid")],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(100):
                if sock.exists() or proc.poll() is not None:
                    break
                time.sleep(0.05)
            if proc.poll() is not None:
                proc.communicate()
                return None
            time.sleep(0.05)
            try:
                with BirdSocket(sock, timeout=10) as bird:
                    lines = [r.text for r in bird.command("show symbols")]
            except BirdError:
                if proc.poll() is None:
                    raise
                return None  # BIRD stopped on the config after opening its socket
            # "undefined" rows are words the lexer met (keywords), not things defined.
            rows = (" ".join(line.split()) for line in lines)
            return frozenset(row for row in rows if not row.endswith(" undefined"))
        finally:
            proc.terminate()
            proc.communicate(timeout=10)  # also closes the pipe


def _openbgpd_structure(text: str) -> Counter[str] | None:
    """What ``bgpd -nv`` parsed: neighbours, rules, sets (by kind and address)."""
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "bgpd.conf"
        conf.write_text(text)
        done = subprocess.run(
            ["bgpd", "-n", "-v", "-f", str(conf)], capture_output=True, text=True, timeout=60
        )
    if done.returncode != 0:
        return None  # refused by bgpd -n, as `rs build --check` would
    kinds: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        words = line.split()
        if not words or words[0] in ("descr", "tcp", "#"):
            continue
        if words[0] in ("neighbor", "match", "allow", "deny", "rtr", "as-set", "prefix-set"):
            kinds[" ".join(words[:3] if words[0] != "rtr" else words[:1])] += 1
        else:
            kinds[words[0]] += 1
    return kinds


def _structure(daemon: str, text: str) -> object:
    return _bird_structure(text) if daemon == "bird2" else _openbgpd_structure(text)


REFUSALS = (BuildError, ClientsError, PolicyError, ValidationError)


@pytest.mark.parametrize("daemon", ["bird2", "openbgpd"])
@pytest.mark.parametrize("field", FIELDS)
def test_outside_text_is_refused_or_inert(daemon: str, field: str) -> None:
    binary = "bird" if daemon == "bird2" else "bgpd"
    if shutil.which(binary) is None:
        pytest.skip(f"needs {binary}")
    if daemon == "openbgpd" and field == "log_file":
        pytest.skip("OpenBGPD logs through syslog: no log file in its configuration")
    value = PLAIN[field]
    if field == "custom_line" and daemon == "openbgpd":
        value = "announce refresh yes"
    plain = _structure(daemon, _build(daemon, field, value))
    assert plain is not None

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(TEXT)
    def check(value: str) -> None:
        try:
            text = _build(daemon, field, value)
        except REFUSALS:
            return
        seen = _structure(daemon, text)
        assert seen is None or seen == plain, (field, value)

    check()
