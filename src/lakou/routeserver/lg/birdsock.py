"""A client for BIRD's control socket (the protocol ``birdc`` speaks).

BIRD answers each command with lines that start with a four-digit reply code: ``NNNN-``
continues, ``NNNN `` (a space) ends the reply, and a line starting with a space continues
the previous code's text. 0000 is success, 8xxx a run-time error, 9xxx a parse error.
Talking to the socket directly (no ``birdc`` process, no scraping of its prompt) makes
the looking glass one connection per query and keeps the reply codes, which say what
each line is.
"""

from __future__ import annotations

import socket
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from lakou.i18n import gettext as _

MAX_REPLY_BYTES = 512 * 1024 * 1024  # a full table of a big route server stays below
BATCH_BYTES = 1000  # BIRD's control socket reads commands into a 1 KiB buffer


class BirdError(Exception):
    """BIRD refused the command or the socket failed; the message says which, in the
    user's language, and ``reason`` says it to programs: ``unreachable`` (no daemon at the
    socket, or it hung up), ``timeout``, or empty."""

    def __init__(self, message: str, code: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.code = code  # BIRD's reply code (8001 "Network not found"), 0 for socket errors
        self.reason = reason


NETWORK_NOT_FOUND = 8001
UNREACHABLE = "unreachable"  # BirdError.reason: no daemon at the socket, or it hung up
TIMEOUT = "timeout"  # BirdError.reason: the daemon did not answer in time


@dataclass(frozen=True)
class ReplyLine:
    code: int
    text: str


class BirdSocket:
    """One connection to BIRD's control socket; ``with BirdSocket(path) as bird: ...``."""

    def __init__(self, path: str | Path, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._reader: BinaryIO | None = None
        self.version = ""

    def __enter__(self) -> BirdSocket:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.path)
        except OSError as exc:
            sock.close()
            raise BirdError(
                _("{socket}: cannot connect to BIRD: {error}").format(socket=self.path, error=exc),
                reason=UNREACHABLE,
            ) from None
        self._sock = sock
        self._reader = sock.makefile("rb")
        try:
            hello = self._read_reply()
            if not hello or hello[0].code != 1:
                raise BirdError(_("{socket}: not a BIRD control socket").format(socket=self.path))
        except BaseException:
            self.close()  # a failed greeting must not leak the socket
            raise
        self.version = hello[0].text.strip()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def command(self, line: str) -> list[ReplyLine]:
        """Send one command; the reply's lines (success) or BirdError (8xxx/9xxx)."""
        (reply,) = self.commands([line])
        failed = reply_error(line, reply)
        if failed is not None:
            raise failed
        return reply

    def commands(self, lines: Sequence[str]) -> list[list[ReplyLine]]:
        """Send several commands at once and read their replies, in order, unchecked.

        BIRD answers the commands waiting on its control socket one after the other, so a
        batch costs one round trip instead of one per command (an address lookup asks for
        every prefix length). BIRD drops a client that sends more than its input buffer
        holds (1 KiB) at once, so batches go in slices below that. Check each reply with
        :func:`reply_error`.
        """
        encoded = []
        for line in lines:
            if "\n" in line or "\r" in line:
                raise BirdError("a BIRD command is one line")
            encoded.append(line.encode() + b"\n")
            if len(encoded[-1]) > BATCH_BYTES:
                raise BirdError("a BIRD command is at most 1000 bytes")
        if self._sock is None:
            self.connect()
        assert self._sock is not None
        replies: list[list[ReplyLine]] = []
        start = 0
        while start < len(encoded):
            end, size = start, 0
            while end < len(encoded) and size + len(encoded[end]) <= BATCH_BYTES:
                size += len(encoded[end])
                end += 1
            try:
                self._sock.sendall(b"".join(encoded[start:end]))
            except OSError as exc:
                raise BirdError(f"{self.path}: {exc}") from None
            replies.extend(self._read_reply() for _ in range(start, end))
            start = end
        return replies

    def _read_line(self) -> bytes:
        # A buffered reader over the socket: one copy per chunk (slicing a growing bytes
        # buffer line by line copied the rest of the buffer for every line of a big reply).
        assert self._reader is not None
        try:
            line = self._reader.readline(MAX_REPLY_BYTES + 1)
        except OSError as exc:
            raise BirdError(f"{self.path}: {exc}") from None
        if not line.endswith(b"\n"):
            if len(line) > MAX_REPLY_BYTES:
                raise BirdError(_("{socket}: reply line too long").format(socket=self.path))
            raise BirdError(
                _("{socket}: BIRD closed the connection").format(socket=self.path),
                reason=UNREACHABLE,
            )
        return line[:-1]

    def stream(self, line: str) -> Generator[ReplyLine, None, None]:
        """One command's reply, line by line, for replies too long to hold at once.

        Stopping early (a page of a long table) closes the connection, which makes BIRD
        stop writing; the next command reconnects. The reply's error, if any (8xxx,
        9xxx), is raised at its end as BirdError.
        """
        if "\n" in line or "\r" in line or len(line) >= BATCH_BYTES:
            raise BirdError("a BIRD command is one line, at most 1000 bytes")
        if self._sock is None:
            self.connect()
        assert self._sock is not None
        try:
            self._sock.sendall(line.encode() + b"\n")
        except OSError as exc:
            raise BirdError(f"{self.path}: {exc}") from None
        finished = False
        try:
            last = ReplyLine(0, "")
            for last in self._iter_reply():
                if last.code < 8000:
                    yield last
            finished = True
        finally:
            if not finished:
                self.close()
        if last.code >= 8000:
            raise BirdError(f"BIRD: {line}: {last.text.strip()}", last.code)

    def _read_reply(self) -> list[ReplyLine]:
        return list(self._iter_reply())

    def _iter_reply(self) -> Iterator[ReplyLine]:
        code = 0
        total = 0
        while True:
            raw = self._read_line()
            total += len(raw)
            if total > MAX_REPLY_BYTES:
                raise BirdError(f"{self.path}: reply larger than {MAX_REPLY_BYTES} bytes")
            text = raw.decode("utf-8", errors="replace")
            if text.startswith(" "):
                yield ReplyLine(code, text[1:])
                continue
            if len(text) < 5 or not text[:4].isdigit() or text[4] not in " -":
                raise BirdError(f"{self.path}: unexpected reply line {text[:80]!r}")
            code = int(text[:4])
            yield ReplyLine(code, text[5:])
            if text[4] == " ":
                return


def reply_error(line: str, reply: list[ReplyLine]) -> BirdError | None:
    """The error BIRD answered ``line`` with (8xxx run-time, 9xxx parse), else None."""
    last = reply[-1] if reply else ReplyLine(0, "")
    if last.code >= 8000:
        return BirdError(f"BIRD: {line}: {last.text.strip()}", last.code)
    return None
