"""A local IRR whois server speaking the IRRd query protocol, for tests and benchmarks only.

The IRR is an Internet service that CI cannot reach, so tests and benchmarks run the real
``bgpq4`` (and anything else that talks IRRd's "!" protocol) against this stand-in, which
answers from an :class:`IrrDatabase` (built in memory or read from RPSL files). It speaks
what bgpq4 1.9 actually sends, captured from the binary: ``!!`` (stay connected), ``!n``
(client name), ``!a`` probe and ``!a4``/``!a6`` set-prefix queries, ``!s-lc`` and ``!s``
(sources), ``!i SET`` and ``!i SET,1`` (recursive), ``!g``/``!6`` (routes of an origin),
plus ``!j``, ``!m``, ``!r``, ``!v`` and ``!q``. Answers are ``A<len>\\n<data>\\nC\\n``,
``C\\n`` (no data), ``D\\n`` (key not found) or ``F <message>\\n``.

Each connection is served by its own thread that reads whatever the client pipelined and
writes all the answers in one send, so the ~57,000 ``!g``/``!6`` queries bgpq4 pipelines
for the benchmark's huge AS-SET cost tens of milliseconds, not one round trip each.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lakou.routeserver.enrich.irrdb import IrrDatabase, is_set_name, parse_asn, split_source

MAX_QUERY_BYTES = 1 << 20
A_QUERY_PROBE_ANSWER = b"F Missing required set name for A query\n"  # what IRRd 4 says


def _answer(data: str) -> bytes:
    if not data:
        return b"C\n"
    body = data.encode() + b"\n"
    return b"A%d\n%sC\n" % (len(body), body)


class WhoisSession:
    """The state of one client connection and the answer to each query line."""

    def __init__(
        self,
        db: IrrDatabase,
        *,
        aquery: bool = True,
        answers: dict[tuple[int, tuple[str, ...], int], bytes] | None = None,
    ) -> None:
        self.db = db
        # Answers to !g/!6 shared by the server's sessions: the database does not change
        # while it is served, and benchmarks ask the same 57,000 questions again and again.
        self.answers = answers if answers is not None else {}
        self.aquery = aquery
        self.sources: list[str] = list(db.source_order)
        self.persistent = False
        self.closed = False
        self.queries: list[str] = []  # every query line, for tests that check what was asked

    def handle(self, line: str) -> bytes:
        self.queries.append(line)
        if not line.startswith("!"):
            return b"F Only IRRd '!' queries are supported by this server\n"
        cmd, arg = line[1:2], line[2:].strip()
        if cmd == "!":
            self.persistent = True
            return b""
        if cmd == "q":
            self.closed = True
            return b""
        handler = getattr(self, f"_q_{cmd}", None) if cmd.isalnum() else None
        if handler is None:
            return b"F Unrecognized command\n"
        answer: bytes = handler(arg)
        return answer

    # !n<client name>: identification, acknowledged
    def _q_n(self, arg: str) -> bytes:
        return b"C\n"

    def _q_v(self, arg: str) -> bytes:
        return _answer("IRRd -- version 4.4 (lakou local stand-in)")

    def _q_s(self, arg: str) -> bytes:
        if arg.lower() == "-lc":
            return _answer(",".join(self.sources))
        wanted = [s.strip().upper() for s in arg.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in self.db.source_order]
        if unknown or not wanted:
            return ("F Unknown source(s): " + (",".join(unknown) or "(none)") + "\n").encode()
        self.sources = wanted
        return b"C\n"

    def _q_j(self, arg: str) -> bytes:
        wanted = self.db.source_order if arg in ("-*", "") else arg.upper().split(",")
        lines = [f"{s}:Y:0-0" for s in wanted if s in self.db.source_order]
        return _answer("\n".join(lines)) if lines else b"D\n"

    def _q_i(self, arg: str) -> bytes:
        name, _, flag = arg.partition(",")
        recursive = flag.strip() == "1"
        obj = self.db.find_as_set(name, self.sources)
        if obj is None:
            return b"D\n"
        if recursive:
            asns = self.db.expand([name], self.sources).asns
            return _answer(" ".join(f"AS{a}" for a in sorted(asns)))
        return _answer(" ".join(self.db.direct_members(obj)))

    def _origin(self, arg: str) -> int | None:
        return parse_asn(arg)

    def _q_g(self, arg: str) -> bytes:
        return self._routes(arg, 4)

    def _q_6(self, arg: str) -> bytes:
        return self._routes(arg, 6)

    def _routes(self, arg: str, family: int) -> bytes:
        origin = self._origin(arg)
        if origin is None:
            return b"F Invalid AS number\n"
        key = (family, tuple(self.sources), origin)
        answer = self.answers.get(key)
        if answer is None:
            answer = _answer(" ".join(sorted(self.db.prefixes([origin], family, self.sources))))
            self.answers[key] = answer
        return answer

    def _q_a(self, arg: str) -> bytes:
        if not self.aquery:
            return b"F Unrecognized command\n"
        if not arg:
            return A_QUERY_PROBE_ANSWER
        families: tuple[int, ...] = (4, 6)
        if arg[0] in "46":
            families = (int(arg[0]),)
            arg = arg[1:]
        if is_set_name(arg):
            if self.db.find_as_set(arg, self.sources) is None:
                return b"D\n"
            origins = self.db.expand([arg], self.sources).asns
        else:
            asn = parse_asn(split_source(arg)[1])
            if asn is None:
                return b"F Invalid set name\n"
            origins = {asn}
        # Route objects as registered (not aggregated), so exact filters stay exact.
        prefixes: list[str] = []
        for family in families:
            prefixes += sorted(self.db.prefixes(origins, family, self.sources))
        return _answer(" ".join(prefixes))

    def _q_m(self, arg: str) -> bytes:
        kind, _, key = arg.partition(",")
        kind = kind.lower()
        if kind == "aut-num":
            asn = parse_asn(key)
            by_source = self.db.aut_nums.get(asn) if asn is not None else None
            for source in self.sources:
                if by_source and source in by_source:
                    aut = by_source[source]
                    lines = [f"aut-num:        AS{aut.asn}"]
                    lines += [f"member-of:      {m}" for m in aut.member_of]
                    lines += [f"mnt-by:         {m}" for m in aut.mnt_by]
                    lines.append(f"source:         {aut.source}")
                    return _answer("\n".join(lines))
            return b"D\n"
        if kind == "as-set":
            obj = self.db.find_as_set(key, self.sources)
            if obj is None:
                return b"D\n"
            lines = [f"as-set:         {obj.name}"]
            lines += [f"members:        {m}" for m in obj.members]
            lines += [f"mbrs-by-ref:    {m}" for m in obj.mbrs_by_ref]
            lines += [f"mnt-by:         {m}" for m in obj.mnt_by]
            lines.append(f"source:         {obj.source}")
            return _answer("\n".join(lines))
        return b"F Unsupported object class for !m on this server\n"

    def _q_r(self, arg: str) -> bytes:
        prefix, _, option = arg.partition(",")
        if option not in ("o", ""):
            return b"F Only exact-match !r queries are supported by this server\n"
        prefix = prefix.strip()
        tables = self.db.routes6 if ":" in prefix else self.db.routes4
        origins = sorted(
            {
                origin
                for source in self.sources
                for origin, prefixes in tables.get(source, {}).items()
                if prefix in prefixes
            }
        )
        if not origins:
            return b"D\n"
        return _answer(" ".join(f"AS{o}" for o in origins))


class _Handler(socketserver.BaseRequestHandler):
    server: _WhoisServer

    def handle(self) -> None:
        conn: socket.socket = self.request
        if self.server.stall:
            # Accept and say nothing: an IRR server that hangs, for time-out tests.
            self.server.stop_event.wait()
            return
        session = WhoisSession(
            self.server.db, aquery=self.server.aquery, answers=self.server.answers
        )
        self.server.sessions.append(session)
        pending = b""
        first = True
        while not session.closed:
            try:
                chunk = conn.recv(1 << 16)
            except OSError:
                return
            if not chunk:
                return
            pending += chunk
            if len(pending) > MAX_QUERY_BYTES and b"\n" not in pending:
                # A line that never ends is not an IRR query: answer and hang up.
                with contextlib.suppress(OSError):
                    conn.sendall(b"F Query too long\n")
                return
            out: list[bytes] = []
            while b"\n" in pending and not session.closed:
                raw, pending = pending.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                if not line.strip():
                    continue
                out.append(session.handle(line))
                if first and not session.persistent:
                    session.closed = True  # IRRd answers one query without "!!"
                first = False
            if out:
                try:
                    conn.sendall(b"".join(out))
                except OSError:
                    return


class _WhoisServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, db: IrrDatabase, *, aquery: bool, stall: bool) -> None:
        self.db = db
        self.aquery = aquery
        self.stall = stall
        self.stop_event = threading.Event()
        self.sessions: list[WhoisSession] = []
        self.answers: dict[tuple[int, tuple[str, ...], int], bytes] = {}
        super().__init__(("127.0.0.1", 0), _Handler)


class WhoisServer:
    """A running local IRR whois server; use :func:`serve_whois` for the usual case."""

    def __init__(self, db: IrrDatabase, *, aquery: bool = True, stall: bool = False) -> None:
        self._server = _WhoisServer(db, aquery=aquery, stall=stall)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="lakou-whois", daemon=True
        )

    @property
    def address(self) -> str:
        port = self._server.server_address[1]
        return f"127.0.0.1:{port}"

    @property
    def sessions(self) -> list[WhoisSession]:
        return self._server.sessions

    def start(self) -> WhoisServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stop_event.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _as_database(data: IrrDatabase | Path | str) -> IrrDatabase:
    if isinstance(data, IrrDatabase):
        return data
    from lakou.routeserver.enrich.rpsl import load_rpsl

    return load_rpsl(Path(data)).database


@contextmanager
def serve_whois(
    data: IrrDatabase | Path | str, *, aquery: bool = True, stall: bool = False
) -> Iterator[str]:
    """Serve ``data`` (a database, or a directory/file of RPSL) on 127.0.0.1, a free port.

    Yields ``"127.0.0.1:PORT"`` (what ``bgpq4 -h`` and :class:`Bgpq4Source` take) and stops
    the server on exit. ``aquery=False`` behaves like an IRRd without ``!a``; ``stall=True``
    accepts connections and never answers (an IRR server that times out).
    """
    server = WhoisServer(_as_database(data), aquery=aquery, stall=stall).start()
    try:
        yield server.address
    finally:
        server.stop()


@contextmanager
def run_whois_server(
    data: IrrDatabase | Path | str, *, aquery: bool = True, stall: bool = False
) -> Iterator[WhoisServer]:
    """Like :func:`serve_whois` but yields the server (its address and recorded queries)."""
    server = WhoisServer(_as_database(data), aquery=aquery, stall=stall).start()
    try:
        yield server
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    """``python -m lakou.routeserver.enrich.testing.whois``: serve until stdin closes or a signal.

    Prints ``127.0.0.1:PORT`` on the first line of stdout when ready. Benchmarks run the
    server in its own process so it does not share the measured process's CPU and GIL.
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Local IRR whois server (IRRd protocol).")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--rpsl", type=Path, help="RPSL file or directory to serve")
    group.add_argument("--synthetic", type=int, metavar="N", help="N synthetic clients")
    parser.add_argument("--huge", action="store_true", help="add the huge synthetic AS-SET")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-aquery", action="store_true", help="behave without !a")
    args = parser.parse_args(argv)
    if args.rpsl is not None:
        db = _as_database(args.rpsl)
    else:
        from lakou.routeserver.enrich.testing import synthetic_irr

        db = synthetic_irr(args.synthetic, seed=args.seed, huge=args.huge).database
    server = WhoisServer(db, aquery=not args.no_aquery).start()
    try:
        print(server.address, flush=True)
        sys.stdin.read()  # returns when the parent closes our stdin (or exits)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
