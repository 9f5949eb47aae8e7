"""TLS that reads the socket in large blocks, for the sync transport.

`ssl.SSLSocket` hands out one TLS record per read and reads each record with two system calls (header, then body),
polling first when the socket has a timeout. kube-apiserver writes a watch event as several 4 KiB records, so a
watch of 10 KiB pods cost ~2.5 reads, ~6 system calls and ~40 µs of CPU per event in TLS alone. Here TLS runs
over memory buffers, as asyncio's does: one `recv` takes whatever the kernel holds (up to 256 KiB, dozens of
records), and a read returns the plaintext of every complete record buffered.

`install(transport)` puts this under an `httpx.HTTPTransport` without a proxy; through proxies (TLS inside the
proxy's TLS) httpcore's own streams are kept.
"""

from __future__ import annotations

import functools
import select
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpcore
import httpx

__all__ = ["BlockTLSBackend", "BlockTLSStream", "errors_as", "install"]

READ_SIZE = 256 * 1024
R = TypeVar("R")


def install(transport: httpx.HTTPTransport) -> bool:
    """Make `transport` open its connections through `BlockTLSBackend`; False when it is not a transport this can
    change (a proxy's pool, another httpx or httpcore layout), which then works as before."""
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.ConnectionPool or not hasattr(pool, "_network_backend"):
        return False
    pool._network_backend = BlockTLSBackend()
    return True


class BlockTLSBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, except that `start_tls` gives a `BlockTLSStream`."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _PlainStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _PlainStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _PlainStream(httpcore.NetworkStream):
    """A connection before TLS: httpcore's stream, upgraded to a BlockTLSStream."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        sock = self._stream.get_extra_info("socket")
        if not isinstance(sock, socket.socket) or isinstance(sock, ssl.SSLSocket):
            return self._stream.start_tls(ssl_context, server_hostname, timeout)
        try:
            return BlockTLSStream(sock, ssl_context, server_hostname, timeout)
        except BaseException:
            self._stream.close()
            raise

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class BlockTLSStream(httpcore.NetworkStream):
    """A TLS client connection over `sock`, run through memory BIOs."""

    def __init__(
        self, sock: socket.socket, ssl_context: ssl.SSLContext, server_hostname: str | None, timeout: float | None
    ) -> None:
        self._sock = sock
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = ssl_context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        with errors_as(httpcore.ConnectTimeout, httpcore.ConnectError):
            sock.settimeout(timeout)
            self._io(self._tls.do_handshake)

    def _io(self, operation: Callable[[], R]) -> R:
        """Run a TLS operation to completion, sending what it writes and receiving what it waits for."""
        while True:
            try:
                result = operation()
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()
                continue
            self._flush()
            return result

    def _flush(self) -> None:
        if self._outgoing.pending:
            self._sock.sendall(self._outgoing.read())

    def _fill(self) -> None:
        scratch = _scratch().received
        received = self._sock.recv_into(scratch)
        if received:
            self._incoming.write(scratch[:received])
        else:
            self._incoming.write_eof()

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """The plaintext of every complete record buffered (at most `max_bytes`), receiving once if there is none;
        b"" at the end of the connection."""
        plain = _scratch().plain
        limit = min(max_bytes, len(plain))
        size = 0
        with errors_as(httpcore.ReadTimeout, httpcore.ReadError):
            self._sock.settimeout(timeout)
            while size < limit:
                try:
                    # With a buffer, read() returns the count (typeshed says bytes).
                    count: int = self._tls.read(limit - size, plain[size:limit])  # type: ignore[assignment]
                except ssl.SSLWantReadError:
                    if size:
                        break
                    self._flush()  # a TLS 1.3 key update may have an answer queued
                    self._fill()
                    continue
                except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                    break  # close_notify, or a peer that closed without one (as SSLSocket's ragged EOFs)
                if not count:
                    break
                size += count
        return bytes(plain[:size])

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        with errors_as(httpcore.WriteTimeout, httpcore.WriteError):
            self._sock.settimeout(timeout)
            view = memoryview(buffer)
            while view:
                written = self._io(functools.partial(self._tls.write, view))
                view = view[written:]

    def close(self) -> None:
        self._sock.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.UnsupportedProtocol("TLS inside TLS is left to httpcore's own streams")

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._tls
        if info == "socket":
            return self._sock
        if info == "client_addr":
            return self._sock.getsockname()
        if info == "server_addr":
            return self._sock.getpeername()
        if info == "is_readable":
            # An idle connection that is readable was closed by the server (or sent what nobody asked for).
            if self._incoming.pending:
                return True
            poller = select.poll()
            poller.register(self._sock, select.POLLIN)
            return bool(poller.poll(0))
        return None


class _Scratch(threading.local):
    # Reads go into buffers made once per thread and copied out before a read returns: a fresh 256 KiB bytes
    # object per read is an mmap and page faults, and buffers per connection would weigh 0.5 MB a watch.
    def __init__(self) -> None:
        self.received = memoryview(bytearray(READ_SIZE))
        self.plain = memoryview(bytearray(READ_SIZE))


_scratch_of_thread = _Scratch()


def _scratch() -> _Scratch:
    return _scratch_of_thread


class errors_as:
    """Socket and TLS errors as httpcore's, which httpx maps to its own (as httpcore's streams do)."""

    def __init__(self, timeout: type[Exception], error: type[Exception]) -> None:
        self._timeout = timeout
        self._error = error

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, TimeoutError):
            raise self._timeout(str(exc) or "timed out") from exc
        if isinstance(exc, OSError):  # ssl.SSLError included
            raise self._error(str(exc)) from exc
