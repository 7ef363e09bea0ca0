"""Many datagrams per system call: Linux's ``recvmmsg`` through ctypes.

Python's socket module reads one datagram per call, and at 200,000 datagrams a second the
interpreter's work around each call costs as much as the decoding. ``recvmmsg`` fills up
to ``slots`` datagrams in one call, each into its own 2 KiB slot of one compact area (a
datagram of an MTU fits; the slots stay few pages, which the kernel and the copy below
walk faster than 64 KiB apart) that continues, for a longer datagram, in its own overflow
slot of a sparse area (any UDP payload fits, nothing is truncated; only the overflow
pages a datagram touches become resident), with its sender's address and the kernel's
receive time beside it. A small numba kernel then lays the accepted datagrams end to
end in the batch buffer the decoders read.

:func:`available` says whether the C library has ``recvmmsg`` (Linux, glibc or musl);
without it the receiver falls back to one ``recvfrom_into`` per datagram.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import mmap
import socket
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

SLOT = 2048  # bytes per datagram slot in the compact area
OVERFLOW = 65536 - SLOT  # and in its overflow: together larger than any UDP payload
NAME = 28  # bytes per sender address slot: a sockaddr_in6 (a sockaddr_in takes 16)
CONTROL = 32  # bytes per ancillary-data slot: one cmsghdr (16) and a timespec (16)
MSG_DONTWAIT = 0x40
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux's; also the cmsg type


class _IOVec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class _MsgHdr(ctypes.Structure):
    _fields_ = [
        ("msg_name", ctypes.c_void_p),
        ("msg_namelen", ctypes.c_uint32),
        ("msg_iov", ctypes.POINTER(_IOVec)),
        ("msg_iovlen", ctypes.c_size_t),
        ("msg_control", ctypes.c_void_p),
        ("msg_controllen", ctypes.c_size_t),
        ("msg_flags", ctypes.c_int),
    ]


class _MMsgHdr(ctypes.Structure):
    _fields_ = [("msg_hdr", _MsgHdr), ("msg_len", ctypes.c_uint)]


def _libc() -> Any:
    # Called through PyDLL, keeping the GIL: the call never blocks (MSG_DONTWAIT) and
    # takes microseconds, while giving the GIL up would cost the receive thread up to
    # a switch interval to take it back whenever the worker is busy in Python.
    try:
        libc = ctypes.PyDLL(None, use_errno=True)
        fn = libc.recvmmsg
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_void_p]
    fn.restype = ctypes.c_int
    return fn


_RECVMMSG = _libc()


def available() -> bool:
    return _RECVMMSG is not None


class MultiReader:
    """Reads up to ``slots`` datagrams of one socket per call (non-blocking)."""

    def __init__(self, sock: socket.socket, slots: int = 512) -> None:
        self.fd = sock.fileno()
        self.family = sock.family
        self.slots = slots
        self._data = ctypes.create_string_buffer(slots * SLOT)
        self._spill = mmap.mmap(-1, slots * OVERFLOW)  # pages made only when touched
        self._overflow = (ctypes.c_char * (slots * OVERFLOW)).from_buffer(self._spill)
        self._names = ctypes.create_string_buffer(slots * NAME)
        self._control = ctypes.create_string_buffer(slots * CONTROL)
        # The kernel stamps each datagram when it arrives: the time a datagram is dated
        # by, however long it waited in the socket buffer.
        with contextlib.suppress(OSError):  # then dated by the read (times())
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        self._iov = (_IOVec * (2 * slots))()
        self._msgs = (_MMsgHdr * slots)()
        base, names = ctypes.addressof(self._data), ctypes.addressof(self._names)
        spill = ctypes.addressof(self._overflow)
        control = ctypes.addressof(self._control)
        for i in range(slots):
            self._iov[2 * i].iov_base = base + i * SLOT
            self._iov[2 * i].iov_len = SLOT
            self._iov[2 * i + 1].iov_base = spill + i * OVERFLOW
            self._iov[2 * i + 1].iov_len = OVERFLOW
            hdr = self._msgs[i].msg_hdr
            hdr.msg_name = names + i * NAME
            hdr.msg_namelen = NAME
            hdr.msg_iov = ctypes.pointer(self._iov[2 * i])
            hdr.msg_iovlen = 2
            hdr.msg_control = control + i * CONTROL
            hdr.msg_controllen = CONTROL
        self.data = np.frombuffer(memoryview(self._data), dtype=np.uint8).reshape(slots, SLOT)
        self.overflow = np.frombuffer(self._spill, dtype=np.uint8).reshape(slots, OVERFLOW)
        self.names = np.frombuffer(memoryview(self._names), dtype=np.uint8).reshape(slots, NAME)
        size = ctypes.sizeof(_MMsgHdr)
        view = np.frombuffer(memoryview(self._msgs).cast("B"), dtype=np.uint8).reshape(slots, size)
        self._view = view
        at = _MMsgHdr.msg_len.offset
        self._lengths = view[:, at : at + 4]
        at = _MsgHdr.msg_namelen.offset
        self._namelens = view[:, at : at + 4]
        self._full = np.frombuffer(np.uint32(NAME).tobytes(), dtype=np.uint8)
        at = _MsgHdr.msg_controllen.offset
        self._controllens = view[:, at : at + 8]
        self._control_full = np.frombuffer(np.uint64(CONTROL).tobytes(), dtype=np.uint8)
        self.control = np.frombuffer(memoryview(self._control), dtype=np.uint8).reshape(
            slots, CONTROL
        )

    def read(self) -> int:
        """Datagrams read (0: none waiting); raises OSError on a socket error."""
        assert _RECVMMSG is not None
        # Each call says how long each address and ancillary data was: give the room back.
        self._namelens[:] = self._full
        self._controllens[:] = self._control_full
        while True:
            got = int(
                _RECVMMSG(self.fd, ctypes.addressof(self._msgs), self.slots, MSG_DONTWAIT, None)
            )
            if got >= 0:
                return got
            err = ctypes.get_errno()
            if err in (errno.EAGAIN, errno.EWOULDBLOCK):
                return 0
            if err != errno.EINTR:
                raise OSError(err, errno.errorcode.get(err, str(err)))

    def unpack(
        self, got: int, now: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], bool]:
        """In one kernel call: each datagram's length, when the kernel received it
        (``now`` where it did not say), and whether they all came from one sender (then
        :meth:`senders` is not needed: :meth:`first_sender` names it)."""
        key_at, key_len = (4, 4) if self.family == socket.AF_INET else (8, 20)
        return _unpack(
            self._view,
            _MMsgHdr.msg_len.offset,
            _MsgHdr.msg_controllen.offset,
            self.control,
            self.names,
            key_at,
            key_len,
            got,
            now,
            socket.SOL_SOCKET,
            SO_TIMESTAMPNS,
        )

    def first_sender(self) -> str:
        return self._name(self.names[0])

    def lengths(self, got: int) -> npt.NDArray[np.int64]:
        return self._lengths[:got].copy().view(np.uint32).ravel().astype(np.int64)

    def times(self, got: int, now: float) -> npt.NDArray[np.float64]:
        """When the kernel received each datagram (``now`` where it did not say)."""
        used = self._controllens[:got].copy().view(np.uint64).ravel()
        head = self.control[:got, 8:16].copy().view(np.int32)  # cmsg_level, cmsg_type
        c = self.control[:got, 16:32].copy().view(np.int64)  # tv_sec, tv_nsec
        stamped = (
            (used >= CONTROL) & (head[:, 0] == socket.SOL_SOCKET) & (head[:, 1] == SO_TIMESTAMPNS)
        )
        return np.where(stamped, c[:, 0] + c[:, 1] * 1e-9, now)

    def senders(self, got: int) -> tuple[list[str], npt.NDArray[np.int64]]:
        """The distinct sender addresses (as Python names them) and, per datagram, which."""
        names = self.names[:got]
        if self.family == socket.AF_INET:
            keys = np.ascontiguousarray(names[:, 4:8]).view(np.uint32).ravel()
        else:
            keys = np.ascontiguousarray(names[:, 8:28]).view("V20").ravel()
        if got and (keys == keys[0]).all():
            return [self._name(names[0])], np.zeros(got, dtype=np.int64)
        _uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return [self._name(names[i]) for i in first.tolist()], inverse.astype(np.int64)

    def _name(self, raw: npt.NDArray[np.uint8]) -> str:
        if self.family == socket.AF_INET:
            return socket.inet_ntop(socket.AF_INET, raw[4:8].tobytes())
        host = socket.inet_ntop(socket.AF_INET6, raw[8:24].tobytes())
        scope = int(raw[24:28].view(np.uint32)[0])
        if scope:
            try:
                host += "%" + socket.if_indextoname(scope)
            except OSError:
                host += f"%{scope}"
        return host


@njit(cache=True)  # keeps the GIL: a short copy, as the receive thread's other steps
def lay_end_to_end(data, overflow, lengths, chosen, dst, pos):
    """Copy the chosen slots' datagrams (slot, then overflow) into ``dst`` from ``pos``;
    returns their ends. Element loops over one-dimensional views, which LLVM vectorizes
    (numba's slice assignment checks for overlap, and copied at a fifth of the speed)."""
    slot = data.shape[1]
    ends = np.empty(len(chosen), dtype=np.int64)
    for k in range(len(chosen)):
        i = chosen[k]
        n = lengths[i]
        src = data[i]
        out = dst[pos : pos + n]
        for j in range(min(n, slot)):
            out[j] = src[j]
        if n > slot:
            spill = overflow[i]
            for j in range(n - slot):
                out[slot + j] = spill[j]
        pos += n
        ends[k] = pos
    return ends


@njit(cache=True)
def _le(row, at, size):
    """The little-endian unsigned integer of ``size`` bytes at ``row[at:]``."""
    value = 0
    for j in range(size - 1, -1, -1):
        value = (value << 8) | int(row[at + j])
    return value


@njit(cache=True)
def _unpack(headers, at_len, at_clen, control, names, key_at, key_len, got, now, level, kind):
    """:meth:`MultiReader.unpack`'s kernel (x86-64 and other little-endian Linux)."""
    lengths = np.empty(got, dtype=np.int64)
    times = np.empty(got, dtype=np.float64)
    one = True
    for k in range(got):
        lengths[k] = _le(headers[k], at_len, 4)
        c = control[k]
        if _le(headers[k], at_clen, 8) >= 32 and _le(c, 8, 4) == level and _le(c, 12, 4) == kind:
            times[k] = _le(c, 16, 8) + _le(c, 24, 8) * 1e-9
        else:
            times[k] = now
        if one and k:
            for j in range(key_at, key_at + key_len):
                if names[k, j] != names[0, j]:
                    one = False
                    break
    return lengths, times, one
