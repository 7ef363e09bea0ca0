"""Route-server config builds: lakou versus arouteserver on the same clients and IRR data.

For each scenario (12, 50 and 200 synthetic clients, and one client with an AS-SET of about
28,700 ASNs and 1.5 million prefixes) both tools build a BIRD config for BIRD 2.0.11
(arouteserver ``--target-version 2.0.11``) from the same ``clients.yml``, asking the same
local IRR whois server (lakou's IRRd-protocol stand-in, in its own process) through the
same ``bgpq4``. Cold: empty caches; warm: the median of five runs after it. Both are
whole commands as a user runs them (interpreter start, imports, reading, writing; lakou
from this checkout's ``src``, its bytecode compiled first as an install has it).
Printed: build wall time, CPU time (user + system of the
command and the children it waited for, GNU time), peak memory (the largest process),
config size and ``bird -p`` time (median of 3) and peak memory, and lakou's speed-up by wall
and by CPU. "lakou no set cache" is warm with the rendered-set cache emptied before each run
(the IRR data cached, every set rendered again: what an IRR change gives); on the huge
AS-SET, "lakou registered bh" builds with ``blackholing.irr_more_specifics: false``, the
rule arouteserver applies (a blackhole must be registered itself), for ``bird -p``.
arouteserver's wall time includes two ``time.sleep(1)`` of its queue monitor (2 s a
build, whatever the size): the CPU ratio is the fairer one. arouteserver runs from its
own virtual environment under ``benchmarks/_work`` (installed from PyPI on the first run).
Other helpers load the same
machine: quote the ratios.

    python -m benchmarks.routeserver [--sizes 12,50,200] [--no-huge] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from benchmarks.whole import Measure, compare

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "benchmarks" / "_work" / "routeserver"
RS_ASN = 64999


WARM_RUNS = 5


@dataclass
class Run:
    seconds: float
    peak_mb: float
    cpu: float = 0.0
    size: int = 0
    parse: float = 0.0
    parse_mb: float = 0.0


def _env() -> dict[str, str]:
    """lakou from this checkout (not whichever copy is installed)."""
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _timed(args: list[str], cwd: Path) -> Run:
    """Wall time, CPU time (user + system) and peak RSS (GNU time's %M: the largest
    process of the run)."""
    report = cwd / "time.txt"
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-o", str(report), "-f", "%U %S %M", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}...: {proc.stderr[-2000:]}")
    user, system, peak_kb = report.read_text().split()[-3:]
    return Run(elapsed, int(peak_kb) / 1024, cpu=float(user) + float(system))


def _warm(args: list[str], cwd: Path, before: Callable[[], None] | None = None) -> Run:
    """The median run (by wall time) of :data:`WARM_RUNS` warm ones (``before`` each)."""

    def one() -> Run:
        if before is not None:
            before()
        return _timed(args, cwd)

    runs = sorted((one() for _ in range(WARM_RUNS)), key=lambda r: r.seconds)
    middle = runs[len(runs) // 2]
    middle.cpu = statistics.median(r.cpu for r in runs)
    return middle


def _bird_parse(config: Path) -> tuple[float, float]:
    """Median time of 3 ``bird -p`` and its peak memory (MB, GNU time's %M)."""
    times = []
    peaks = []
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "bird", "-p", "-c", str(config)],
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"bird -p refused {config}: {proc.stderr.strip()[:500]}")
        peaks.append(int(proc.stderr.split()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def ensure_arouteserver() -> Path:
    venv = WORK / "aro-venv"
    exe = venv / "bin" / "arouteserver"
    if not exe.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "arouteserver==1.27.0"], check=True
        )
    return exe


def _aro_package(venv: Path) -> Path:
    found = list(venv.glob("lib/python*/site-packages/pierky/arouteserver"))
    if not found:
        raise RuntimeError("arouteserver package not found in its venv")
    return found[0]


def write_inputs(
    scenario: Path, requests: list, address: str, sources: str, arouteserver: bool = True
) -> None:
    clients = []
    for i, request in enumerate(requests):
        clients.append(
            {
                "asn": request.asn,
                "ip": [f"10.0.{i // 250}.{i % 250 + 1}", f"2001:db8::{i + 1:x}"],
                "description": f"client {i}",
                "cfg": {"filtering": {"irrdb": {"as_sets": list(request.as_sets)}}},
            }
        )
    (scenario / "clients.yml").write_text(yaml.safe_dump({"clients": clients}))
    policy = {
        "rs_asn": RS_ASN,
        "router_id": "192.0.2.1",
        "peering_lans": ["10.0.0.0/16", "2001:db8::/64"],
        "rpki": {"enabled": False},
    }
    (scenario / "policy.yml").write_text(yaml.safe_dump(policy))
    exact = {**policy, "blackholing": {"irr_more_specifics": False}}
    (scenario / "policy-exact.yml").write_text(yaml.safe_dump(exact))
    (scenario / "lakou.yml").write_text(
        yaml.safe_dump({"routeserver": {"cache_dir": str(scenario / "lakou-cache")}})
    )
    if not arouteserver:  # the smoke run measures lakou alone
        return
    # arouteserver: the same policy in its own words; nothing that needs the Internet.
    general = {
        "cfg": {
            "rs_as": RS_ASN,
            "router_id": "192.0.2.1",
            "filtering": {
                "irrdb": {"enforce_origin_in_as_set": True, "enforce_prefix_in_as_set": True},
                "rpki_bgp_origin_validation": {"enabled": False},
                "never_via_route_servers": {"peering_db": False},
                "max_prefix": {"peering_db": {"enabled": False}},
            },
            "blackhole_filtering": {"policy_ipv4": "propagate-unchanged",
                                    "policy_ipv6": "propagate-unchanged",
                                    "client_community": {"peering_db": False}},
        }
    }  # fmt: skip
    aro = scenario / "aro"
    aro.mkdir(exist_ok=True)
    (aro / "cache").mkdir(exist_ok=True)
    (aro / "general.yml").write_text(yaml.safe_dump(general))
    package = _aro_package(WORK / "aro-venv")
    for name in ("bogons.yml", "log.ini"):
        shutil.copy(package / "config.d" / name, aro / name)
    (aro / "arouteserver.yml").write_text(
        yaml.safe_dump(
            {
                "cfg_dir": str(aro),
                "cfg_general": str(aro / "general.yml"),
                "cfg_clients": str(scenario / "clients.yml"),
                "cfg_bogons": str(aro / "bogons.yml"),
                "templates_dir": str(package / "templates"),
                "logging_config_file": str(aro / "log.ini"),
                "cache_dir": str(aro / "cache"),
                "bgpq3_path": shutil.which("bgpq4") or "bgpq4",
                "bgpq3_host": address,
                "bgpq3_sources": sources,
                "threads": 4,
                "check_new_release": False,
            }
        )
    )


def run_scenario(name: str, clients: int, huge: bool, aro_exe: Path | None) -> dict[str, Run]:
    from lakou.routeserver.enrich.testing import serve_whois_process, synthetic_irr

    scenario = WORK / name
    shutil.rmtree(scenario, ignore_errors=True)
    scenario.mkdir(parents=True)
    syn = synthetic_irr(clients, huge=huge, seed=1)
    sources = ",".join(syn.sources)
    results: dict[str, Run] = {}
    with serve_whois_process(synthetic=clients, huge=huge, seed=1) as address:
        write_inputs(scenario, syn.requests, address, sources, arouteserver=aro_exe is not None)
        lakou = [
            sys.executable, "-m", "lakou", "--config", str(scenario / "lakou.yml"), "rs",
            "build", "--clients", str(scenario / "clients.yml"), "--policy",
            str(scenario / "policy.yml"), "--daemon", "bird2", "--target-version", "2.0.11",
            "--irr-server", address, "--irr-sources", sources, "--no-check",
            "--out", str(scenario / "lakou.conf"),
        ]  # fmt: skip
        results["lakou cold"] = _timed(lakou, scenario)
        results["lakou warm"] = _warm(lakou, scenario)
        # what an IRR change gives: the IRR data cached, every prefix set rendered again
        sets = scenario / "lakou-cache" / "prefix-sets"
        results["lakou no set cache"] = _warm(
            lakou, scenario, before=lambda: shutil.rmtree(sets, ignore_errors=True)
        )
        if huge:  # RFC 7999 coverage off: blackholes must be registered, as arouteserver asks
            exact = [*lakou[:-1], str(scenario / "lakou-registered.conf")]
            exact[exact.index(str(scenario / "policy.yml"))] = str(scenario / "policy-exact.yml")
            results["lakou registered bh"] = _warm(exact, scenario)
        if aro_exe is not None:
            aro = [
                str(aro_exe), "bird", "--cfg", str(scenario / "aro" / "arouteserver.yml"),
                "--target-version", "2.0.11", "-o", str(scenario / "aro.conf"),
            ]  # fmt: skip
            results["arouteserver cold"] = _timed(aro, scenario)
            results["arouteserver warm"] = _warm(aro, scenario)
    for tool, conf in (("lakou", "lakou.conf"), ("arouteserver", "aro.conf")):
        path = scenario / conf
        if path.exists():
            for phase in ("cold", "warm", "no set cache"):
                if f"{tool} {phase}" in results:
                    results[f"{tool} {phase}"].size = path.stat().st_size
            results[f"{tool} warm"].parse, results[f"{tool} warm"].parse_mb = _bird_parse(path)
    if "lakou registered bh" in results:
        path = scenario / "lakou-registered.conf"
        results["lakou registered bh"].size = path.stat().st_size
        results["lakou registered bh"].parse, results["lakou registered bh"].parse_mb = _bird_parse(
            path
        )
    return results


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b > 0 else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="12,50,200")
    parser.add_argument("--no-huge", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="3 clients, no arouteserver")
    args = parser.parse_args(argv)
    if args.smoke:
        scenarios = [("smoke-3", 3, False)]
        aro_exe = None
    else:
        scenarios = [(f"clients-{n}", int(n), False) for n in args.sizes.split(",") if n]
        if not args.no_huge:
            scenarios.append(("huge-as-set", 0, True))
        aro_exe = ensure_arouteserver()
    print(f"{'scenario':<14} {'tool':<20} {'build s':>8} {'CPU s':>7} {'peak MB':>8} "
          f"{'size MB':>8} {'bird -p s':>9}")  # fmt: skip
    # An installed lakou has its bytecode compiled (pip and Debian do it at install), and
    # so has arouteserver's venv: compile this checkout's too, even under
    # PYTHONDONTWRITEBYTECODE, so lakou's times do not include compiling its own sources.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "lakou")], check=True
    )
    summary = []
    for name, clients, huge in scenarios:
        results = run_scenario(name, clients, huge, aro_exe)
        for tool, run in results.items():
            parse = f"{run.parse:9.2f}" if run.parse else " " * 9
            print(f"{name:<14} {tool:<20} {run.seconds:8.2f} {run.cpu:7.2f} {run.peak_mb:8.0f} "
                  f"{run.size / 1e6:8.2f} {parse}", flush=True)  # fmt: skip
        if "arouteserver warm" in results:
            lw, aw = results["lakou warm"], results["arouteserver warm"]
            lc, ac = results["lakou cold"], results["arouteserver cold"]
            summary.append(
                f"{name:<14} lakou faster: warm {_ratio(aw.seconds, lw.seconds)} by wall, "
                f"{_ratio(aw.cpu, lw.cpu)} by CPU; cold {_ratio(ac.seconds, lc.seconds)} by wall, "
                f"{_ratio(ac.cpu, lc.cpu)} by CPU; memory {_ratio(aw.peak_mb, lw.peak_mb)} "
                f"less; config {lw.size / max(aw.size, 1):.2f}x the size; bird -p "
                f"{lw.parse / max(aw.parse, 1e-9):.2f}x arouteserver's time, "
                f"{lw.parse_mb:.0f} vs {aw.parse_mb:.0f} MB"
            )
            ln = results["lakou no set cache"]
            for case, ours, theirs in (
                ("warm", lw, aw),
                ("cold", lc, ac),
                ("no set cache", ln, aw),
            ):
                compare(
                    "routeserver",
                    f"{name} build, {case}",
                    Measure(ours.seconds, ours.cpu, ours.peak_mb, WARM_RUNS),
                    Measure(theirs.seconds, theirs.cpu, theirs.peak_mb, WARM_RUNS),
                    "arouteserver",
                    "arouteserver's wall can include time.sleep of its queue monitor",
                )
            summary.append(
                f"{name:<14} without the rendered-set cache (an IRR change): lakou faster "
                f"{_ratio(aw.seconds, ln.seconds)} by wall, {_ratio(aw.cpu, ln.cpu)} by CPU"
            )
            if "lakou registered bh" in results:
                lr = results["lakou registered bh"]
                summary.append(
                    f"{name:<14} blackholing.irr_more_specifics false (arouteserver's rule): "
                    f"bird -p {lr.parse / max(aw.parse, 1e-9):.2f}x arouteserver's time, "
                    f"{lr.parse_mb:.0f} vs {aw.parse_mb:.0f} MB"
                )
    print()
    for line in summary:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
