"""The flow kernels compiled ahead of time: a replay without numba's 0.4 CPU-s start.

A replay of a large capture loads numba (its import, then the registries of every numba
type, about 0.4 CPU-s) before its first kernel runs. Once such a replay has run, the
kernels it called are known with their argument types, so :func:`build` compiles them
again with numba's ahead-of-time compiler (``numba.pycc``) into one small C extension
module, kept in the cache beside numba's (``lakou/flows/__pycache__``, or the user's
cache directory when that is not writable; ``NUMBA_CACHE_DIR`` chooses another). The
next replays import that module (about a millisecond, numba not imported) and call its
functions inside :func:`lakou.flows.jit.ahead_of_time`.

The module's name holds a digest of every ``lakou/flows`` source file, Python's and
numpy's versions: an edited kernel (or a constant it reads) makes a new one, and the old
ones are removed when it is built. A call whose argument types are not exactly those
compiled (an array of another type, order or writability, a scalar of another kind)
goes to numba instead, as does everything when no C compiler is found (the build then
fails once, and is not tried again for that digest). The functions are numba's own
code for the same Python body, typed once more: a test holds a replay through them to
the same records, counters, errors and sums as through numba's JIT and as Python, on
every public capture and on mutations of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import sys
import tempfile
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PREFIX = "lakou_flow_kernels_"
FLOWS = Path(__file__).resolve().parent

# Where the modules go; None: chosen on first use (see :func:`directory`).
DIRECTORY: Path | None = None

_loaded: dict[str, list[tuple[Callable[..., Any], tuple[str, ...]]]] | None = None
calls = 0  # kernel calls that ran compiled ahead of time, in this process


def directory() -> Path:
    """Where the compiled kernels are kept: numba's cache directory when it is chosen,
    else ``__pycache__`` beside the kernels when writable, else the user's cache."""
    if DIRECTORY is not None:
        return DIRECTORY
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if chosen:
        return Path(chosen) / "lakou-aot"
    beside = FLOWS / "__pycache__"
    if os.access(beside if beside.exists() else FLOWS, os.W_OK):
        return beside
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "lakou" / "kernels"


def digest() -> str:
    """What the compiled code depends on: the flows sources, Python's and numpy's versions."""
    h = hashlib.sha256()
    h.update(f"{sys.version_info[:3]}|{np.__version__}|".encode())
    for path in sorted(FLOWS.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _name() -> str:
    return PREFIX + digest()


# ``dtype.name`` is Python code in numpy, and every argument of every kernel call is
# keyed: remembered, the keys of 21 arguments took 8 µs instead of 39.
_DTYPE_NAMES: dict[np.dtype[Any], str] = {}


def value_key(value: Any) -> str | None:
    """The numba type a value is given when passed to a kernel, as a string."""
    if isinstance(value, np.ndarray):
        flags = value.flags
        layout = "C" if flags.c_contiguous else "F" if flags.f_contiguous else "A"
        ro = "" if flags.writeable else ":ro"
        return f"a:{_dtype_name(value.dtype)}:{value.ndim}:{layout}{ro}"
    if isinstance(value, (bool, np.bool_)):
        return "s:bool"
    if isinstance(value, int):
        return "s:int64" if -(1 << 63) <= value < (1 << 63) else None
    if isinstance(value, float):
        return "s:float64"
    if isinstance(value, np.generic):
        return f"s:{_dtype_name(value.dtype)}"
    return None


def _dtype_name(dtype: np.dtype[Any]) -> str:
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = dtype.name
    return name


def type_key(t: Any) -> str | None:
    """:func:`value_key` of a numba type (None: a type not compiled ahead of time)."""
    from numba.core import types as nt

    if isinstance(t, nt.Literal):  # a callee's constant argument: not called from Python
        return None
    if isinstance(t, nt.Array):
        ro = "" if t.mutable else ":ro"
        return f"a:{np.dtype(str(t.dtype)).name}:{t.ndim}:{t.layout}{ro}"
    if isinstance(t, nt.Boolean):
        return "s:bool"
    if isinstance(t, (nt.Integer, nt.Float)):
        return f"s:{np.dtype(str(t)).name}"
    return None


def _load() -> dict[str, list[tuple[Callable[..., Any], tuple[str, ...]]]]:
    """The compiled module's functions per kernel (empty when there is none)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    _loaded = {}
    where = directory()
    name = _name()
    table = where / f"{name}.json"
    if not table.exists():
        return _loaded
    try:
        exports = json.loads(table.read_text())
        found = [p for p in where.glob(f"{name}.*") if p.suffix in (".so", ".pyd")]
        spec = importlib.util.spec_from_file_location(name, found[0]) if found else None
        if spec is None or spec.loader is None:
            return _loaded
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except (OSError, ValueError, ImportError) as exc:
        log.info("flow kernels compiled ahead of time not loaded: %s", exc)
        return _loaded
    for kernel, entries in exports.items():
        _loaded[kernel] = [(getattr(module, e), tuple(keys)) for e, keys in entries]
    return _loaded


def find(kernel: str, args: tuple[Any, ...]) -> Callable[..., Any] | None:
    """The compiled function of ``kernel`` (``module.name``) for exactly these arguments."""
    entries = _load().get(kernel)
    if not entries:
        return None
    global calls
    keys = tuple(value_key(a) for a in args)
    for func, want in entries:
        if want == keys:
            calls += 1
            return func
    return None


def _kept() -> dict[str, list[list[Any]]]:
    """The kept module's exports for these sources: kernel -> [export, argument keys]."""
    table = directory() / f"{_name()}.json"
    try:
        kept: dict[str, list[list[Any]]] = json.loads(table.read_text())
    except (OSError, ValueError):
        return {}
    return kept


def wanted(kernels: list[Any]) -> bool:
    """Whether a build would add something: a kernel numba compiled in this process for
    argument types the kept module lacks (never again after a failed build)."""
    if (directory() / f"{_name()}.failed").exists():
        return False
    kept = _kept()
    for kernel in kernels:
        d = kernel.dispatcher
        if d is None or not kernel.__module__.startswith("lakou.flows."):
            continue
        have = [keys for _e, keys in kept.get(f"{kernel.__module__}.{kernel.__name__}", [])]
        for sig in d.signatures:
            keys = [type_key(t) for t in sig]
            if None not in keys and keys not in have:
                return True
    return False


def _numba_type(key: str) -> Any:
    """The numba type of a :func:`value_key`."""
    from numba.core import types as nt

    parts = key.split(":")
    if parts[0] == "s":
        return nt.boolean if parts[1] == "bool" else getattr(nt, parts[1])
    dtype = nt.boolean if parts[1] == "bool" else getattr(nt, parts[1])
    layout: Any = parts[3]
    return nt.Array(dtype, int(parts[2]), layout, readonly=parts[-1] == "ro")


def _unliteral(func: Any) -> Any:
    """``func`` reading its integer constants as int64 values rather than literals: numba's
    ahead-of-time typing refuses a variable given two integer constants in turn."""
    names = func.__code__.co_names
    glb = {
        k: (np.int64(v) if type(v) is int and k in names else v)
        for k, v in func.__globals__.items()
    }
    return types.FunctionType(func.__code__, glb, func.__name__, func.__defaults__)


def build(kernels: list[Any]) -> bool:
    """Compile ahead of time every flow kernel in ``kernels`` (:class:`~lakou.flows.jit.
    Kernel`) numba has compiled in this process, with the argument types it saw. True
    when the module was built; a failure is remembered for these sources."""
    where, name = directory(), _name()
    exports: dict[str, list[tuple[str, list[str]]]] = {}
    chosen: list[tuple[str, Any, Any]] = []
    kept = _kept()
    for kernel in kernels:  # what the kept module has, numba's too (from its cache)
        d = kernel.dispatcher
        for _export, keys in kept.get(f"{kernel.__module__}.{kernel.__name__}", []):
            if d is not None:
                d.compile(tuple(_numba_type(k) for k in keys))
    for kernel in kernels:
        d = kernel.dispatcher
        if d is None or not kernel.__module__.startswith("lakou.flows."):
            continue
        for sig in d.signatures:
            keys = [type_key(t) for t in sig]
            if None in keys:
                continue
            export = f"k{len(chosen)}"
            ret = d.overloads[sig].signature.return_type
            chosen.append((export, ret(*sig), kernel.py_func))
            exports.setdefault(f"{kernel.__module__}.{kernel.__name__}", []).append(
                (export, [str(k) for k in keys])
            )
    if not chosen:
        return False
    try:
        where.mkdir(parents=True, exist_ok=True)
        for old in where.glob(PREFIX + "*"):  # the builds of other sources
            if not old.name.startswith(name):
                old.unlink(missing_ok=True)
        with (
            tempfile.TemporaryDirectory(prefix="lakou-aot-", dir=where) as tmp,
            warnings.catch_warnings(),
        ):
            # pycc is "pending deprecation" in numba: when it goes, the build fails once
            # for these sources and numba's JIT stays.
            warnings.simplefilter("ignore")
            from numba.pycc import CC

            cc = CC(name)
            cc.output_dir = tmp
            cc.verbose = False
            # Any CPU of this architecture (a cache copied to an older machine still
            # runs); measured as fast as numba's JIT for this machine's CPU.
            cc.target_cpu = "generic"
            for export, sig, func in chosen:
                cc.export(export, sig)(_unliteral(func))
            cc.compile()
            built = [p for p in Path(tmp).iterdir() if p.name.startswith(name + ".")]
            if not built:
                raise OSError("no module written")
            os.replace(built[0], where / built[0].name)
            staged = Path(tmp) / "exports.json"
            staged.write_text(json.dumps(exports))
            os.replace(staged, where / f"{name}.json")
    except Exception as exc:  # no compiler, a numba refusal: numba's JIT stays
        log.info("flow kernels not compiled ahead of time: %s", exc)
        with contextlib.suppress(OSError):
            (where / f"{name}.failed").write_text(f"{type(exc).__name__}: {exc}\n")
        return False
    return True


__all__ = ["build", "digest", "directory", "find", "value_key", "wanted"]
