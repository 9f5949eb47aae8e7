"""Connections for the asyncio transport on asyncio's own streams.

httpcore's default asyncio backend goes through anyio: every read opens a cancel scope for its timeout and returns
one TLS record, and kube-apiserver writes a watch event as several 4 KiB records, so a watch paid that per record.
Here a protocol buffers whatever arrives (asyncio's TLS decrypts every record it holds at once) and a read hands out
everything buffered without waiting when there is something, setting up a timeout only when it has to wait.

`install(transport)` puts this under an `httpx.AsyncHTTPTransport` without a proxy; under another event loop
library than asyncio, connections are made by httpcore's own backend as before.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = ["AsyncioBackend", "AsyncioStream", "install"]

HIGH_WATER = 4 * 1024 * 1024  # stop reading the socket while this much is unread


def install(transport: httpx.AsyncHTTPTransport) -> bool:
    """Make `transport` open its connections through `AsyncioBackend`; False when it cannot (a proxy's pool, another
    httpx or httpcore layout), which then works as before."""
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool or not hasattr(pool, "_network_backend"):
        return False
    pool._network_backend = AsyncioBackend()
    return True


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._other = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if not _on_asyncio():
            return await self._other.connect_tcp(host, port, timeout, local_address, socket_options)
        loop = asyncio.get_running_loop()
        with errors_as(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_connection(
                    _Buffer, host, port, local_addr=(local_address, 0) if local_address else None
                )
        sock = transport.get_extra_info("socket")
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        if not _on_asyncio():
            return await self._other.connect_unix_socket(path, timeout, socket_options)
        loop = asyncio.get_running_loop()
        with errors_as(httpcore.ConnectTimeout, httpcore.ConnectError):
            async with asyncio.timeout(timeout):
                transport, protocol = await loop.create_unix_connection(_Buffer, path)
        return AsyncioStream(transport, protocol)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


# One scratch buffer per thread (an event loop runs in one thread, and asyncio calls get_buffer and buffer_updated
# back to back): asyncio's TLS decrypts every record it holds into it, and the bytes are then appended to the
# connection's own buffer. A protocol without get_buffer gets a fresh 256 KiB bytes object per read instead.
_SCRATCH = threading.local()
SCRATCH_SIZE = 256 * 1024


class _Buffer(asyncio.BufferedProtocol):
    """What arrived and is not read yet, the end of the connection, and flow control both ways."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.transport: asyncio.Transport | None = None
        self.paused = False
        self._readable: asyncio.Future[None] | None = None
        self._writable: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        scratch: memoryview | None = getattr(_SCRATCH, "view", None)
        if scratch is None:
            scratch = _SCRATCH.view = memoryview(bytearray(SCRATCH_SIZE))
        return scratch

    def buffer_updated(self, nbytes: int) -> None:
        self.data += _SCRATCH.view[:nbytes]
        if len(self.data) > HIGH_WATER and self.transport is not None and not self.paused:
            self.paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        writable, self._writable = self._writable, None
        if writable is not None and not writable.done():
            writable.set_result(None)

    def pause_writing(self) -> None:
        if self._writable is None:
            self._writable = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        writable, self._writable = self._writable, None
        if writable is not None and not writable.done():
            writable.set_result(None)

    def _wake(self) -> None:
        readable, self._readable = self._readable, None
        if readable is not None and not readable.done():
            readable.set_result(None)

    async def readable(self) -> None:
        if self._readable is None:
            self._readable = asyncio.get_running_loop().create_future()
        await self._readable

    async def writable(self) -> None:
        if self._writable is not None:
            await self._writable

    def take(self, max_bytes: int) -> bytes:
        data = self.data
        if len(data) <= max_bytes:
            out = bytes(data)
            data.clear()
        else:
            out = bytes(memoryview(data)[:max_bytes])
            del data[:max_bytes]
        if self.paused and len(data) < HIGH_WATER // 2 and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        return out


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _Buffer) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.data and not protocol.eof:
            with errors_as(httpcore.ReadTimeout, httpcore.ReadError):
                async with asyncio.timeout(timeout):
                    while not protocol.data and not protocol.eof:
                        await protocol.readable()
        if protocol.data:
            return protocol.take(max_bytes)
        if protocol.error is not None and not isinstance(protocol.error, ssl.SSLEOFError):
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__) from protocol.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.eof and self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        with errors_as(httpcore.WriteTimeout, httpcore.WriteError):
            async with asyncio.timeout(timeout):
                await protocol.writable()

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with errors_as(httpcore.ConnectTimeout, httpcore.ConnectError):
            try:
                async with asyncio.timeout(timeout):
                    transport = await loop.start_tls(
                        self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                    )
            except BaseException:
                self._transport.abort()
                raise
        if transport is None:
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        transport = self._transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "is_readable":
            # An idle connection that is readable was closed by the server (or sent what nobody asked for).
            return bool(self._protocol.data) or self._protocol.eof or transport.is_closing()
        return None


def _on_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # trio, or no loop: httpcore's own backend
        return False
    return True


class errors_as:
    """Socket, TLS and timeout errors as httpcore's, which httpx maps to its own (as httpcore's streams do)."""

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
