"""Inputs for the fuzz suite: seeded mutations of real files, and structural attacks.

``mutants`` bends a real input the way a bad disk, a cut download or a careless editor
would (bit flips, bytes set to 0x00/0xff, chunks cut, doubled or inserted, truncation);
``truncations`` cuts a small file at every offset (or a seeded sample of offsets);
``json_attacks`` and ``yaml_attacks`` are what an attacker writes on purpose (depth,
5,000-digit numbers, lone surrogates, NUL and ESC, non-UTF-8 bytes, an alias bomb).
Everything is drawn from ``random.Random(seed)`` so a failure replays exactly.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

SCALE = max(1, int(os.environ.get("LAKOU_FUZZ_SCALE", "1")))
SEED = int(os.environ.get("LAKOU_FUZZ_SEED", "11"))


def rng(name: str) -> random.Random:
    """One generator per reader, so adding a reader never changes another's inputs."""
    return random.Random(f"{SEED}:{name}")


def _mutate(data: bytes, r: random.Random) -> bytes:
    b = bytearray(data)
    if not b:
        return bytes(r.randrange(256) for _ in range(r.randrange(1, 16)))
    kind = r.randrange(7)
    at = r.randrange(len(b))
    if kind == 0:  # flip 1 to 4 bits
        for _ in range(r.randrange(1, 5)):
            b[r.randrange(len(b))] ^= 1 << r.randrange(8)
    elif kind == 1:  # a byte set to an edge value
        b[at] = r.choice((0x00, 0xFF, 0x7F, 0x80, 0x1B, 0x22, 0x5C))
    elif kind == 2:  # cut a chunk
        del b[at : at + r.randrange(1, 64)]
    elif kind == 3:  # double a chunk
        b[at:at] = b[at : at + r.randrange(1, 64)]
    elif kind == 4:  # insert random bytes
        b[at:at] = bytes(r.randrange(256) for _ in range(r.randrange(1, 8)))
    elif kind == 5:  # truncate
        del b[at:]
    else:  # several of the above
        for _ in range(r.randrange(2, 5)):
            b = bytearray(_mutate(bytes(b), r))
    return bytes(b)


def mutants(data: bytes, r: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    for i in range(count):
        yield f"mutant-{i}", _mutate(data, r)


def truncations(data: bytes, r: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    """The file cut at every offset when it is small enough, else at ``count`` offsets."""
    offsets = range(len(data)) if len(data) <= count else sorted(r.sample(range(len(data)), count))
    for offset in offsets:
        yield f"cut-at-{offset}", data[:offset]


def json_attacks() -> Iterator[tuple[str, bytes]]:
    yield "deep-array", b"[" * 5000 + b"]" * 5000
    yield "deep-object", b'{"a":' * 5000 + b"1" + b"}" * 5000
    yield "deep-unclosed", b"[" * 100_000
    yield "huge-int", b'{"version": "1.0", "n": ' + b"9" * 5000 + b"}"
    yield "huge-float", b'{"version": 1e999999, "n": -' + b"9" * 5000 + b".5}"
    yield "lone-surrogate", b'{"version": "1.0", "name": "x\\ud800y"}'
    yield "nul-escape", b'{"version": "1.0", "name": "x\\u0000y"}'
    yield "esc-escape", b'{"version": "1.0", "name": "\\u001b[31mred"}'
    yield "raw-nul", b'{"version": "1.0\x00"}'
    yield "not-utf8", b'{"version": "1.0", "name": "\xff\xfe"}'
    yield "bom", b'\xef\xbb\xbf{"version": "1.0"}'
    yield "utf16", '{"version": "1.0"}'.encode("utf-16")
    yield "empty", b""
    yield "whitespace", b" \n\t\r\n"
    yield "wrong-top", b'"just a string"'
    yield "nan", b'{"version": NaN, "x": Infinity}'


def yaml_attacks() -> Iterator[tuple[str, bytes]]:
    yield "deep-flow", b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n"
    yield "deep-block", b"".join(b"  " * i + b"k:\n" for i in range(300)) + b"  " * 300 + b"v\n"
    yield "huge-int", b"asn: " + b"9" * 5000 + b"\n"
    yield "lone-surrogate", b'name: "x\\ud800y"\n'
    yield "nul", b'name: "x\\0y"\n'
    yield "esc", b'name: "\\e[31mred"\n'
    yield "not-utf8", b"name: \xff\xfe\n"
    yield "tab-indent", b"a:\n\tb: 1\n"
    yield "python-tag", b"a: !!python/object/apply:os.system ['true']\n"
    yield (
        "alias-bomb",
        (
            b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + b"".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
                for i in range(8)
            )
        ),
    )
    yield "empty", b""
    yield "scalar", b"just text\n"
    yield "list-top", b"- 1\n- 2\n"
    yield "dup-keys", b"a: 1\na: 2\n"
