"""The live collector as operators run it, against pmacct's ``sfacctd``, on one sender.

Both daemons are whole commands (``lakou flows collect`` with its default LAN hygiene
hook and a DuckDB store; ``sfacctd`` with the ``print`` plugin), listening on loopback.
For each rate (1k, 10k, 100k, 200k datagrams/s by default) a sender in other processes
sends the same pre-built sFlow datagram (5 flow samples) at that rate for ``seconds``,
paced in 1 ms ticks, and the benchmark reads:

- loss: 1 - processed / sent. lakou says what it processed (its stop summary);
  sfacctd's print plugin sums the samples it counted (5 per datagram);
- CPU seconds per datagram of each daemon over the phase (``/proc/PID/stat`` of the
  daemon and its plugin processes, start-up excluded), and their ratio lakou/sfacctd:
  below 1, lakou spends less;
- % of one core over the phase; peak RSS (``VmHWM``, summed over the processes);
- loss at start-up: the sender starts the moment the socket is bound (polling
  ``/proc/net/udp``) and sends at the rate for ``seconds``: a daemon that binds before it
  can read loses the beginning.

Each figure is the median of ``runs`` runs; ratios are taken within the same run.
With ``--prefixes N``, lakou is also given a prefix table of ``N`` prefixes (origin AS and
territory) covering every address sent, as a collector with its territory index runs:
each sample's two addresses are then looked up (sfacctd is given none: it does less).

    python -m benchmarks.flows.live [--rates 1000,10000] [--seconds 4] [--runs 3]
        [--prefixes 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lakou.flows.testing import SampledFrame, datagram

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = 5
FRAMES = [
    SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", f"192.0.2.{i}", "198.51.100.1", vlan=10)
    for i in range(1, SAMPLES + 1)
]
SOCKET_BUFFER = 8 * 1024 * 1024  # lakou's default flows.socket_buffer_bytes, asked by both


def granted_buffer(asked: int = SOCKET_BUFFER) -> int:
    """The receive buffer ``sfacctd`` gets when it asks for ``asked``: pmacct sets
    ``SO_RCVBUF``, which the kernel caps at ``net.core.rmem_max`` (lakou, as root, would
    get all of it through ``SO_RCVBUFFORCE``: it is given the same, for an even match)."""
    try:
        return min(asked, int(Path("/proc/sys/net/core/rmem_max").read_text()))
    except (OSError, ValueError):
        return asked


def prefix_table(count: int) -> str:
    """A prefix table CSV of ``count`` prefixes: /24s spread over 10.0.0.0/8 and
    100.64.0.0/10 and the two the benchmark's addresses fall in, in three territories."""
    lines = ["prefix,asn,territory", "192.0.2.0/24,64500,GP", "198.51.100.0/24,64501,MF"]
    territories = ("GP", "MF", "SX")
    for i in range(max(0, count - 2)):
        base = (10 << 24) + (i << 8) if i < 65536 else (100 << 24) + (64 << 16) + ((i - 65536) << 8)
        lines.append(
            f"{base >> 24}.{(base >> 16) & 255}.{(base >> 8) & 255}.0/24,"
            f"{65000 + i % 500},{territories[i % 3]}"
        )
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bound(port: int) -> bool:
    """Whether a UDP socket is bound to ``port`` (on any address)."""
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        parts = line.split()
        if len(parts) > 2 and int(parts[1].split(":")[1], 16) == port:
            return True
    return False


def send(port: int, rate: float, seconds: float, wait_bound: bool) -> int:
    """Send at ``rate`` datagrams/s for ``seconds`` (after the port is bound, if asked);
    returns how many were sent."""
    payload = datagram("127.0.0.1", FRAMES, 1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", port)
    print("ready", flush=True)
    if wait_bound:
        deadline = time.monotonic() + 120
        while not bound(port) and time.monotonic() < deadline:
            time.sleep(0.0005)
    sendto = sock.sendto
    start = time.perf_counter()
    sent = 0
    total = int(rate * seconds)
    while sent < total:
        due = min(total, int((time.perf_counter() - start + 0.001) * rate))
        while sent < due:
            try:  # noqa: SIM105 - cheaper than contextlib.suppress in this loop
                sendto(payload, target)
            except OSError:
                pass
            sent += 1
        ahead = sent / rate - (time.perf_counter() - start)
        if ahead > 0:
            time.sleep(ahead)
    sock.close()
    return sent


def senders(
    port: int, rate: float, seconds: float, wait_bound: bool
) -> list[subprocess.Popen[str]]:
    """One sender process per 100k datagrams/s (a Python sender tops out near 150k/s)."""
    count = max(1, int(-(-rate // 100_000)))
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.flows.live",
                "send",
                str(port),
                str(rate / count),
                str(seconds),
                "1" if wait_bound else "0",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(count)
    ]


def ready(procs: list[subprocess.Popen[str]]) -> list[subprocess.Popen[str]]:
    """Wait until each sender has its datagram built (and polls for the port)."""
    for p in procs:
        assert p.stdout is not None
        p.stdout.readline()
    return procs


def sent_by(procs: list[subprocess.Popen[str]]) -> int:
    return sum(int(p.communicate(timeout=600)[0].split()[-1]) for p in procs)


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (sfacctd forks its plugin)."""
    out = [pid]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            out += family(int(entry.name))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """CPU time of the processes, from each thread's ``schedstat`` (nanoseconds: clock
    ticks are too coarse for a daemon spending milliseconds a second)."""
    total = 0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue
    return total / 1e9


def peak_rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@dataclass
class Phase:
    sent: int
    processed: int
    cpu: float
    seconds: float
    rss_mib: float

    @property
    def loss(self) -> float:
        return 100.0 * (1 - self.processed / self.sent) if self.sent else 0.0

    @property
    def per_datagram_us(self) -> float:
        """CPU per datagram processed (a datagram lost in the kernel cost the daemon none)."""
        return 1e6 * self.cpu / self.processed if self.processed else float("nan")

    @property
    def core(self) -> float:
        return 100.0 * self.cpu / self.seconds


class Lakou:
    name = "lakou"

    def __init__(self, work: Path, lan: bool = True, buffer: int = 0, prefixes: int = 0) -> None:
        self.work, self.lan, self.buffer = work, lan, buffer  # buffer 0: lakou's default
        self.prefixes = self.work / "prefixes.csv" if prefixes else None
        if self.prefixes is not None:
            self.prefixes.write_text(prefix_table(prefixes))

    def start(self, port: int) -> subprocess.Popen[str]:
        store = self.work / f"store-{port}"
        members = self.work / "members.csv"
        members.write_text(
            "asn,name,vlan,mac\n64500,A,10,02:00:00:00:00:01\n64501,B,10,02:00:00:00:00:02\n"
        )
        command = [sys.executable, "-m", "lakou", "flows", "collect"]
        command += ["--listen", f"127.0.0.1:{port}:sflow", "--allow-exporter", "127.0.0.1"]
        command += ["--store", str(store), "--members", str(members)]
        if not self.lan:
            command.append("--no-lan")
        if self.prefixes is not None:
            command += ["--prefixes", str(self.prefixes)]
        env = {**os.environ, "LAKOU_CORE__DATA_DIR": str(self.work / "data")}
        if self.buffer:
            env["LAKOU_FLOWS__SOCKET_BUFFER_BYTES"] = str(self.buffer)
        return subprocess.Popen(
            command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
        )

    def ready(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        while True:
            line = proc.stderr.readline()
            if not line:
                raise RuntimeError("lakou flows collect ended before listening")
            if "LAN" in line:  # the last line it prints once listening
                return

    def stop(self, proc: subprocess.Popen[str]) -> int:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=120)
        summary = json.loads(err.strip().splitlines()[-1])
        return int(summary.get("datagrams", 0))


class Sfacctd:
    name = "sfacctd"

    def __init__(self, work: Path) -> None:
        self.work = work
        self.out: Path | None = None

    def start(self, port: int) -> subprocess.Popen[str]:
        self.out = self.work / f"sfacctd-{port}.csv"
        conf = self.work / f"sfacctd-{port}.conf"
        conf.write_text(
            f"daemonize: false\nsfacctd_ip: 127.0.0.1\nsfacctd_port: {port}\n"
            f"sfacctd_pipe_size: {SOCKET_BUFFER}\nplugin_pipe_size: 67108864\n"
            "plugin_buffer_size: 1048576\n"
            "plugins: print\naggregate: src_mac, dst_mac, vlan\n"
            f"print_output: csv\nprint_output_file: {self.out}\nprint_output_file_append: true\n"
            "print_refresh_time: 10\n"  # lakou's flows.flush_seconds: both write every 10 s
            f"logfile: {self.work}/sfacctd-{port}.log\n"
        )
        return subprocess.Popen(
            ["sfacctd", "-f", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )

    def ready(self, proc: subprocess.Popen[str], port: int) -> None:
        deadline = time.monotonic() + 60
        while not bound(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("sfacctd did not start")
            time.sleep(0.01)
        time.sleep(0.2)  # its plugin process forks after the socket

    def stop(self, proc: subprocess.Popen[str]) -> int:
        proc.send_signal(signal.SIGINT)  # pmacct writes its caches on SIGINT
        proc.wait(timeout=120)
        assert self.out is not None
        deadline = time.monotonic() + 30
        while not self.out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        samples = 0
        if self.out.exists():
            col = -1
            for line in self.out.read_text().splitlines():  # a header before each write
                fields = line.split(",")
                if "PACKETS" in fields:
                    col = fields.index("PACKETS")
                elif col >= 0 and len(fields) > col:
                    samples += int(fields[col])
        return samples // SAMPLES


def phase(daemon: Lakou | Sfacctd, rate: float, seconds: float, startup: bool) -> Phase:
    port = free_port()
    group = ready(senders(port, rate, seconds, wait_bound=True)) if startup else []
    proc = daemon.start(port)
    try:
        if startup:
            if isinstance(daemon, Lakou):
                daemon.ready(proc)
            else:
                daemon.ready(proc, port)
            pids = family(proc.pid)
            before = 0.0
        else:
            if isinstance(daemon, Lakou):
                daemon.ready(proc)
            else:
                daemon.ready(proc, port)
            pids = family(proc.pid)
            group = ready(senders(port, rate, seconds, wait_bound=False))
            before = cpu_seconds(pids)
        start = time.monotonic()
        sent = sent_by(group)
        time.sleep(1.0)  # let the daemon finish what reached it (lakou: batch_seconds)
        elapsed = time.monotonic() - start
        pids = family(proc.pid)
        cpu = cpu_seconds(pids) - before
        rss = peak_rss_mib(pids)
        processed = daemon.stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Phase(sent, processed, cpu, elapsed, rss)


def run(
    rates: list[int],
    seconds: float,
    runs: int,
    lan: bool = True,
    least: int = 20_000,
    buffer: int | None = None,
    prefixes: int = 0,
) -> list[dict[str, float]]:
    """``buffer``: lakou's receive buffer (None: what sfacctd gets, 0: lakou's default);
    ``prefixes``: the size of lakou's prefix table (0: none)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lakou = Lakou(work, lan, granted_buffer() if buffer is None else buffer, prefixes)
        pmacct = Sfacctd(work)
        # compile/load lakou's kernels once, outside the figures
        phase(lakou, 100, 0.2, startup=False)
        for rate in rates:
            got: dict[str, list[float]] = {}
            # At low rates a phase lasts long enough for ``least`` datagrams (20 s at most).
            length = max(seconds, min(20.0, least / rate))
            for _ in range(runs):
                lk = phase(lakou, rate, length, startup=False)
                pm = phase(pmacct, rate, length, startup=False)
                lk_start = phase(lakou, rate, min(seconds, 2.0), startup=True)
                pm_start = phase(pmacct, rate, min(seconds, 2.0), startup=True)
                for key, value in (
                    ("lakou_loss", lk.loss),
                    ("sfacctd_loss", pm.loss),
                    ("lakou_us", lk.per_datagram_us),
                    ("sfacctd_us", pm.per_datagram_us),
                    ("ratio", lk.per_datagram_us / pm.per_datagram_us),
                    ("lakou_core", lk.core),
                    ("sfacctd_core", pm.core),
                    ("lakou_rss", lk.rss_mib),
                    ("sfacctd_rss", pm.rss_mib),
                    ("lakou_startup_loss", lk_start.loss),
                    ("sfacctd_startup_loss", pm_start.loss),
                ):
                    got.setdefault(key, []).append(value)
            rows.append({"rate": rate, **{k: statistics.median(v) for k, v in got.items()}})
    return rows


def print_rows(
    rows: list[dict[str, float]],
    runs: int,
    lan: bool,
    buffer: int | None = None,
    prefixes: int = 0,
) -> None:
    hook = "with its LAN hygiene hook" if lan else "--no-lan"
    if prefixes:
        hook += f", a table of {prefixes:,} prefixes"
    print(
        f"Live collector on loopback: `lakou flows collect` ({hook}) vs `sfacctd` (print plugin), "
        f"sFlow datagrams of {SAMPLES} samples; medians of {runs} runs"
    )
    theirs = granted_buffer() // 1024
    ours = theirs if buffer is None else (buffer or SOCKET_BUFFER) // 1024
    print(
        f"receive buffers: sfacctd {theirs} KiB (SO_RCVBUF, capped by rmem_max), lakou {ours} KiB"
    )
    print(
        f"{'rate/s':>8} {'loss % lakou':>12} {'sfacctd':>8} {'CPU us/dgram lakou':>18} "
        f"{'sfacctd':>8} {'ratio':>6} {'% core lakou':>12} {'sfacctd':>8} "
        f"{'peak RSS MiB lakou':>18} {'sfacctd':>8} {'start-up loss % lakou':>21} {'sfacctd':>8}"
    )
    for r in rows:
        print(
            f"{r['rate']:>8,.0f} {r['lakou_loss']:>12.2f} {r['sfacctd_loss']:>8.2f} "
            f"{r['lakou_us']:>18.2f} {r['sfacctd_us']:>8.2f} {r['ratio']:>6.2f} "
            f"{r['lakou_core']:>12.2f} {r['sfacctd_core']:>8.2f} {r['lakou_rss']:>18.0f} "
            f"{r['sfacctd_rss']:>8.0f} {r['lakou_startup_loss']:>21.2f} "
            f"{r['sfacctd_startup_loss']:>8.2f}"
        )
    print(
        "(CPU per datagram processed; ratio = lakou's / sfacctd's in the same run, below 1: "
        f"lakou spends less; load average at the end: {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores)"
    )


def main(argv: list[str] | None = None) -> None:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in and args_in[0] == "send":
        port, rate, seconds, wait = args_in[1:5]
        print(send(int(port), float(rate), float(seconds), wait == "1"), flush=True)
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.flows.live")
    parser.add_argument("--rates", default="1000,10000,100000,200000")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each phase")
    parser.add_argument("--runs", type=int, default=3, help="runs per rate (medians)")
    parser.add_argument("--no-lan", action="store_true", help="lakou without its LAN hook")
    parser.add_argument(
        "--lakou-buffer",
        type=int,
        default=None,
        help="lakou's receive buffer in bytes (default: what sfacctd gets; 0: lakou's own)",
    )
    parser.add_argument(
        "--prefixes",
        type=int,
        default=0,
        help="give lakou a prefix table of this many prefixes (its territory lookups)",
    )
    parser.add_argument(
        "--least", type=int, default=20_000, help="datagrams a phase sends at least (≤ 20 s)"
    )
    args = parser.parse_args(args_in)
    if shutil.which("sfacctd") is None:
        print("live collector: skipped, pmacct (sfacctd) is not installed")
        return
    rates = [int(x) for x in args.rates.split(",") if x]
    lan = not args.no_lan
    rows = run(rates, args.seconds, args.runs, lan, args.least, args.lakou_buffer, args.prefixes)
    print_rows(rows, args.runs, lan, args.lakou_buffer, args.prefixes)


if __name__ == "__main__":
    main()
