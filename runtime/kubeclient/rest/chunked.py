"""A watch body read straight off its connection: large socket reads and our own undoing of the chunked transfer
coding, instead of httpx → httpcore → h11 working per chunk (the API server flushes every watch event as a chunk of
its own, so that stack ran once per event and cost more than decoding the event).

Only the body is taken over. The request, TLS, proxies, credentials, redirects and the status line and headers all
went through httpx as for any request; `take_over()` then takes the open HTTP/1.1 connection under a chunked
response, with the bytes h11 had already buffered. Anything else (HTTP/2, a transport of the user's or
`wrap_transport`, another httpcore version, a body that is not chunked) returns None, and the caller reads the body
through httpx as before. A connection whose body was taken is closed with the response, never reused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import h11
import httpcore
import httpx

__all__ = ["ChunkedDecoder", "take_over", "take_over_async"]

READ_SIZE = 64 * 1024  # below malloc's mmap threshold: a bigger bytes object per read costs page faults
MAX_SIZE_LINE = 4096  # a chunk-size line with extensions; anything longer is not HTTP


class ChunkedDecoder:
    """Incremental decoder of the chunked transfer coding (RFC 9112 §7.1): `feed()` takes whatever bytes arrived
    and returns the payload they completed; `done` once the last chunk and the trailer section were read."""

    __slots__ = ("_buffer", "_left", "_state", "done")

    def __init__(self) -> None:
        self._buffer = b""
        self._left = 0  # payload bytes still to come in the current chunk
        self._state = 0  # 0: size line, 1: payload, 2: CRLF after payload, 3: trailer lines
        self.done = False

    def feed(self, data: bytes) -> bytes:
        if self._buffer:
            data = self._buffer + data
            self._buffer = b""
        out: list[bytes] = []
        pos, end = 0, len(data)
        state, left = self._state, self._left
        while pos < end:
            if state == 1:
                take = min(left, end - pos)
                out.append(data[pos : pos + take])
                pos += take
                left -= take
                if left:
                    break
                state = 2
            elif state == 2:
                if end - pos < 2:
                    break
                if data[pos : pos + 2] != b"\r\n":
                    raise httpx.RemoteProtocolError(f"chunked body: no CRLF after a chunk: {data[pos : pos + 20]!r}")
                pos += 2
                state = 0
            else:
                eol = data.find(b"\r\n", pos)
                if eol < 0:
                    if end - pos > MAX_SIZE_LINE:
                        raise httpx.RemoteProtocolError(f"chunked body: no chunk size: {data[pos : pos + 20]!r}")
                    break
                line = data[pos:eol]
                pos = eol + 2
                if state == 3:
                    if not line:  # the empty line that ends the trailer section
                        self.done = True
                        pos = end
                    continue
                size_text = line.split(b";", 1)[0].strip()
                try:
                    left = int(size_text, 16)
                except ValueError:
                    raise httpx.RemoteProtocolError(f"chunked body: bad chunk size {line[:40]!r}") from None
                if left < 0 or size_text[:1] in (b"+", b"-") or size_text[:2].lower() == b"0x":
                    raise httpx.RemoteProtocolError(f"chunked body: bad chunk size {line[:40]!r}")
                state = 1 if left else 3
        self._state, self._left = state, left
        if pos < end and not self.done:
            self._buffer = data[pos:]
        if not out:
            return b""
        return out[0] if len(out) == 1 else b"".join(out)


def _connection(response: httpx.Response, pool_stream: type[Any]) -> Any:
    """httpcore's HTTP/1.1 connection under a streamed response from httpx's own transport, or None."""
    stream: Any = getattr(response.stream, "_stream", None)  # httpx's Bound(Async|Sync)Stream
    stream = getattr(stream, "_httpcore_stream", None)  # httpx's (Async)ResponseStream
    if type(stream) is not pool_stream:
        return None
    stream = getattr(stream, "_stream", None)  # httpcore's (Async)HTTP11ConnectionByteStream
    connection = getattr(stream, "_connection", None)
    if connection is None or not hasattr(connection, "_h11_state") or not hasattr(connection, "_network_stream"):
        return None
    return connection


def _chunked(response: httpx.Response) -> bool:
    return response.http_version == "HTTP/1.1" and response.headers.get("transfer-encoding", "").lower() == "chunked"


def _read_timeout(response: httpx.Response) -> float | None:
    timeout = (response.request.extensions.get("timeout") or {}).get("read")
    return timeout if isinstance(timeout, int | float) else None


def _leading(connection: Any) -> bytes | None:
    """The body bytes h11 had read along with the headers; None when h11 is past reading the headers."""
    state = connection._h11_state
    if state.their_state is not h11.SEND_BODY:
        return None
    data, closed = state.trailing_data
    return bytes(data) if not closed else None


def _truncated(response: httpx.Response) -> httpx.RemoteProtocolError:
    return httpx.RemoteProtocolError(
        "peer closed connection without sending complete message body (incomplete chunked read)",
        request=response.request,
    )


def _takeable(response: httpx.Response, pool_stream: type[Any]) -> tuple[Any, bytes] | None:
    """httpcore's connection under a chunked HTTP/1.1 response and the body bytes h11 already holds, or None."""
    if not _chunked(response):
        return None
    connection = _connection(response, pool_stream)
    if connection is None:
        return None
    leading = _leading(connection)
    return None if leading is None else (connection, leading)


def take_over(response: httpx.Response) -> Iterator[bytes] | None:
    """The payload of a chunked HTTP/1.1 response, read off its socket in large blocks; None when the body is not
    one this can read (then read it through httpx)."""
    taken = _takeable(response, httpcore._sync.connection_pool.PoolByteStream)
    if taken is None:
        return None
    connection, leading = taken
    network = connection._network_stream
    # A socket of its own (TCP or TLS) is read directly; TLS inside a proxy's TLS only through httpcore's stream.
    sock = network.get_extra_info("socket") if type(network).__name__ == "SyncStream" else None
    return _read_sync(response, network, sock, leading, _read_timeout(response))


def _read_sync(
    response: httpx.Response, network: Any, sock: Any, leading: bytes, timeout: float | None
) -> Iterator[bytes]:
    decoder = ChunkedDecoder()
    data = leading
    if sock is not None:
        sock.settimeout(timeout)
    while True:
        if data:
            payload = decoder.feed(data)
            if payload:
                yield payload
            if decoder.done:
                return
        try:
            data = sock.recv(READ_SIZE) if sock is not None else network.read(READ_SIZE, timeout)
        except (TimeoutError, httpcore.ReadTimeout) as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=response.request) from exc
        except (OSError, httpcore.ReadError) as exc:
            raise httpx.ReadError(str(exc), request=response.request) from exc
        if not data:
            raise _truncated(response)


def take_over_async(response: httpx.Response) -> AsyncIterator[bytes] | None:
    """`take_over` for an asyncio response: reads through httpcore's network stream, skipping h11."""
    taken = _takeable(response, httpcore._async.connection_pool.PoolByteStream)
    if taken is None:
        return None
    connection, leading = taken
    return _read_async(response, connection._network_stream, leading, _read_timeout(response))


async def _read_async(
    response: httpx.Response, network: Any, leading: bytes, timeout: float | None
) -> AsyncIterator[bytes]:
    decoder = ChunkedDecoder()
    data = leading
    while True:
        if data:
            payload = decoder.feed(data)
            if payload:
                yield payload
            if decoder.done:
                return
        try:
            data = await network.read(READ_SIZE, timeout)
        except httpcore.ReadTimeout as exc:
            raise httpx.ReadTimeout(str(exc) or "timed out", request=response.request) from exc
        except httpcore.ReadError as exc:
            raise httpx.ReadError(str(exc), request=response.request) from exc
        if not data:
            raise _truncated(response)
