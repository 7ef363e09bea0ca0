"""numba's ``njit`` for the flow kernels, loaded on first use, and run as Python for a
short replay.

numba costs a command about 0.4 CPU-s before any kernel runs: its import (0.2 s), then,
at the first kernel, the registries of every numba type and function (0.13 s). A replay
of a few datagrams would spend more on that than on its work, so the kernels here are
defined lazily: :func:`njit` returns a :class:`Kernel`, importing a module of kernels
imports no numba, and the first call compiles (or loads from the cache) every kernel
defined so far, each module's name rebound to numba's dispatcher so that kernels calling
kernels are compiled together as before. Inside :func:`interpreted`, kernels run their
Python body instead (same code, numpy scalars; a test holds both ways to the same
results on every test capture), and numba is never imported: ``lakou flows replay``
does that for captures of at most :data:`INTERPRETED_BYTES`.

When numba is loaded it is imported without the linear algebra it loads by default: its
array-maths module imports SciPy's BLAS (about 0.15 s of CPU, more than the flow kernels'
own cache load) just to offer ``np.dot`` inside kernels. The flow kernels do no linear
algebra: this module imports that numba module with SciPy's BLAS hidden, once. A kernel
that would use ``np.dot`` fails to compile with numba's "BLAS" message instead; SciPy
itself stays importable for everything else. The same goes for cffi, which numba loads
to type functions called through cffi (the flow kernels call none).

Inside :func:`ahead_of_time` a kernel first looks for its build ahead of time
(:mod:`lakou.flows.aot`, no numba imported); ``lakou flows replay`` makes that build
after its first replay that loaded numba (:func:`build_ahead_of_time`).

All flow kernels use ``cache=True``: numba keeps the compiled code in ``__pycache__``
beside the module, or in its user cache directory when that is not writable
(``NUMBA_CACHE_DIR`` chooses another).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, overload

_BLAS = "scipy.linalg.cython_blas"
F = TypeVar("F", bound=Callable[..., Any])

# Replays of captures up to this size (bytes) run the kernels as Python. Measured: about
# 0.5 µs of CPU per capture byte as Python (sFlow 0.6 ms a 1.3 kB datagram of 5 samples,
# IPFIX 0.27 ms a datagram) against 0.55 s to load numba and its kernels; at 128 kB the
# Python costs 0.06-0.2 s, well under what it saves.
INTERPRETED_BYTES = 128 * 1024

_lock = threading.RLock()
_kernels: list[Kernel] = []
_state = threading.local()
_loaded = False


def _without(hidden: str, module: str) -> None:
    """Import numba's ``module`` with ``hidden`` unimportable meanwhile."""
    if module in sys.modules or hidden in sys.modules:
        return  # too late to matter, or already paid for
    sys.modules[hidden] = None  # type: ignore[assignment]
    try:
        __import__(module)
    finally:
        if sys.modules.get(hidden, 0) is None:
            del sys.modules[hidden]


def _numba_njit() -> Callable[..., Any]:
    _without(_BLAS, "numba.np.arraymath")
    # Likewise cffi (and its C parser), which numba loads to type calls through cffi.
    _without("cffi", "numba.core.typing.cffi_utils")
    from numba import njit as numba_njit

    return numba_njit


class Kernel:
    """A flow kernel: numba's dispatcher once loaded, its Python body when interpreted."""

    def __init__(self, func: Callable[..., Any], options: dict[str, Any]) -> None:
        self.py_func = func
        self.options = options
        self.dispatcher: Any = None
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__module__ = func.__module__
        self.__doc__ = func.__doc__

    def __call__(self, *args: Any) -> Any:
        if getattr(_state, "aot", False):
            from lakou.flows import aot

            compiled = aot.find(f"{self.__module__}.{self.__name__}", args)
            if compiled is not None:
                return compiled(*args)
        if getattr(_state, "interpreted", False):
            return self.py_func(*args)
        if self.dispatcher is None:
            load()
        return self.dispatcher(*args)

    def __repr__(self) -> str:
        return f"<flow kernel {self.__module__}.{self.__qualname__}>"


def load() -> None:
    """Make every kernel defined so far numba's (compiled, or loaded from the cache on
    first call), and rebind its module's name to the dispatcher."""
    global _loaded
    with _lock:
        pending = [k for k in _kernels if k.dispatcher is None]
        if not pending:
            return
        numba_njit = _numba_njit()
        made = [numba_njit(**k.options)(k.py_func) for k in pending]
        # Every module's name rebound before any kernel is handed out: a kernel compiled
        # meanwhile by another thread must find its callees as dispatchers.
        for kernel, dispatcher in zip(pending, made, strict=True):
            module = sys.modules.get(kernel.__module__)
            if module is not None and getattr(module, kernel.__name__, None) is kernel:
                setattr(module, kernel.__name__, dispatcher)
        for kernel, dispatcher in zip(pending, made, strict=True):
            kernel.dispatcher = dispatcher
        _loaded = True


@overload
def njit(func: F, /) -> F: ...


@overload
def njit(**options: Any) -> Callable[[F], F]: ...


def njit(*args: Any, **options: Any) -> Any:
    """numba's ``njit`` (``@njit`` or ``@njit(cache=True, ...)``), loaded on first call;
    typed as the function it wraps."""

    def wrap(func: Callable[..., Any]) -> Any:
        kernel = Kernel(func, options)
        with _lock:
            _kernels.append(kernel)
            if _loaded:  # defined after the others were loaded: load it now
                load()
                return kernel.dispatcher
        return kernel

    if args and callable(args[0]) and not options:
        return wrap(args[0])
    return wrap


@contextmanager
def ahead_of_time(on: bool = True) -> Iterator[None]:
    """Kernels called in this thread meanwhile run compiled ahead of time when such a
    build is kept for these sources and these argument types (:mod:`lakou.flows.aot`);
    they hold the GIL while they run, so the collector's threads do not use them."""
    before = getattr(_state, "aot", False)
    _state.aot = on
    try:
        yield
    finally:
        _state.aot = before


def loaded() -> bool:
    """Whether numba's kernels are loaded in this process."""
    return _loaded


def build_ahead_of_time() -> bool:
    """Compile ahead of time the kernels numba has compiled in this process, unless the
    kept build for these sources has them all (or failed); True when one was made."""
    from lakou.flows import aot

    with _lock:
        try:
            if not _loaded or not aot.wanted(_kernels):
                return False
        except Exception:  # a type the build cannot name: numba's JIT stays
            return False
        return aot.build(list(_kernels))


@contextmanager
def interpreted(on: bool = True) -> Iterator[None]:
    """Kernels called in this thread meanwhile run as Python (``on``), numba unloaded."""
    before = getattr(_state, "interpreted", False)
    _state.interpreted = on and not _loaded
    try:
        yield
    finally:
        _state.interpreted = before


__all__ = [
    "INTERPRETED_BYTES",
    "Kernel",
    "ahead_of_time",
    "build_ahead_of_time",
    "interpreted",
    "load",
    "loaded",
    "njit",
]
