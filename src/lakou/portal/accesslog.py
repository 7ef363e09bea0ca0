"""The access log and the HTTP request counters of ``lakou serve``.

A WSGI wrapper around the whole app (static files included): one line per request on
standard output in the Common Log Format (``host - user [time] "request" status bytes``,
what every log tool reads; under systemd it goes to the journal), and the request
counters and durations of ``/metrics``. waitress itself logs nothing per request, so
without this a production portal leaves no trace of who asked what.

Metric labels stay bounded whatever is requested: the method (the usual verbs, else
``other``), the status code, and the area of the site (the first path segment among the
portal's own, else ``other``), never the path itself.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
AREAS = {
    "",
    "admin",
    "api",
    "lg",
    "traffic",
    "exchanges",
    "static",
    "metrics",
    "operations",
    "i18n",
    "participants.json",
}

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "lakou_http_requests",
    "HTTP requests answered by the portal, by method, status and area of the site.",
    ["method", "status", "area"],
    registry=REGISTRY,
)
DURATION = Histogram(
    "lakou_http_request_duration_seconds",
    "Time to answer a request (until the last byte was handed to the server), by area.",
    ["area"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ProcessCollector(registry=REGISTRY)  # the portal's memory, CPU time, open files


def area_of(path: str) -> str:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in AREAS else "other"


def clf_line(environ: dict[str, Any], status: str, size: int | None, when: float) -> str:
    """One request in the Common Log Format."""
    host = environ.get("REMOTE_ADDR") or "-"
    user = environ.get("REMOTE_USER") or "-"
    stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(when))
    path = environ.get("PATH_INFO", "") or "/"
    query = environ.get("QUERY_STRING")
    target = f"{path}?{query}" if query else path
    request = f"{environ.get('REQUEST_METHOD', '-')} {target} {environ.get('SERVER_PROTOCOL', '-')}"
    request = request.replace("\\", "\\\\").replace('"', '\\"')
    request = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in request)
    code = status.split(" ", 1)[0] or "-"
    return f'{host} - {user} [{stamp}] "{request}" {code} {size if size is not None else "-"}'


class AccessLog:
    """Wrap a WSGI app: log each request when its answer is done, count it."""

    def __init__(self, app: Callable[..., Any], stream: IO[str] | None = None) -> None:
        self.app = app
        self.stream = stream
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.monotonic()
        when = time.time()
        seen: dict[str, str] = {}

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            seen["status"] = status
            return start_response(status, headers, exc_info)

        try:
            body = self.app(environ, recording_start_response)
        except Exception:
            self._done(environ, "500 Internal Server Error", None, when, started)
            raise
        return _Counted(
            body, lambda size: self._done(environ, seen.get("status", "500"), size, when, started)
        )

    def _done(
        self, environ: dict[str, Any], status: str, size: int | None, when: float, started: float
    ) -> None:
        method = environ.get("REQUEST_METHOD", "")
        area = area_of(environ.get("PATH_INFO", ""))
        REQUESTS.labels(
            method if method in METHODS else "other", status.split(" ", 1)[0], area
        ).inc()
        DURATION.labels(area).observe(time.monotonic() - started)
        line = clf_line(environ, status, size, when)
        stream = self.stream or sys.stdout
        with self.lock:
            stream.write(line + "\n")
            stream.flush()


class _Counted:
    """The response body, counting its bytes; calls ``done(size)`` once, at close."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.size = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.size)
