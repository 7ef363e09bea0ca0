"""numba's ``njit`` for the flow kernels, without the linear algebra numba loads by default.

When numba compiles or loads its first function it imports its array-maths module, which
imports SciPy's BLAS (about 0.15 s of CPU, more than the flow kernels' own cache load) just
to offer ``np.dot`` inside kernels. The flow kernels do no linear algebra, and a one-datagram
``lakou flows replay`` should not pay for it: this module imports that numba module with
SciPy's BLAS hidden, once, before the kernels are defined. A kernel that would use
``np.dot`` fails to compile with numba's "BLAS" message instead; SciPy itself stays
importable for everything else. The same goes for cffi, which numba loads to type
functions called through cffi (the flow kernels call none).

All flow kernels use ``cache=True``: numba keeps the compiled code in ``__pycache__``
beside the module, or in its user cache directory when that is not writable
(``NUMBA_CACHE_DIR`` chooses another).
"""

from __future__ import annotations

import sys

_BLAS = "scipy.linalg.cython_blas"


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


_without(_BLAS, "numba.np.arraymath")
# Likewise cffi (and its C parser), which numba loads to type calls through cffi.
_without("cffi", "numba.core.typing.cffi_utils")

from numba import njit  # noqa: E402

__all__ = ["njit"]
