"""A WebSocket client connection opened through the Config's httpx client (TLS, client certificates, credentials,
proxy, `wrap_transport`), framed by wsproto.

httpx sends the upgrade request like any other (so authentication flows and token refresh apply) and, on
`101 Switching Protocols`, hands over the raw connection as the `network_stream` response extension; wsproto then
frames messages on it. Messages from the server are read by one task; writes are serialised by a lock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpcore
import httpx
from wsproto.connection import Connection, ConnectionState, ConnectionType
from wsproto.events import BytesMessage, CloseConnection, Message, Ping
from wsproto.utilities import generate_accept_token, generate_nonce

from kubeclient.errors import error_from_response
from kubeclient.remotecommand.protocol import ProtocolNegotiationError
from kubeclient.rest.transport import client_kwargs, request_extensions

__all__ = ["WebSocket", "WebSocketClosedError", "connect"]

_READ_SIZE = 256 * 1024
# client-go's heartbeat (tools/remotecommand/websocket.go): a ping every 5 s, and a connection from which nothing at
# all (not even a pong) arrives for 12 periods and a second is dead.
PING_PERIOD = 5.0
PING_TIMEOUT = PING_PERIOD * 12 + 1


class WebSocketClosedError(ConnectionError):
    """The connection closed before the exchange finished."""


class WebSocket:
    """One open WebSocket: `receive()` returns whole binary messages (None once closed), `send()` writes one."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        response: httpx.Response,
        stream: Any,
        subprotocol: str,
        *,
        ping_period: float = PING_PERIOD,
        ping_timeout: float = PING_TIMEOUT,
    ) -> None:
        self.subprotocol = subprotocol
        self.ping_timeout = ping_timeout
        self._client = client
        self._response = response
        self._stream = stream
        self._ws = Connection(ConnectionType.CLIENT)
        self._write_lock = asyncio.Lock()
        self._partial = bytearray()
        self._pending: list[bytes] = []
        self._closed = False
        self.close_code: int | None = None
        self.close_reason: str = ""
        self._heartbeat = asyncio.create_task(self._ping_every(ping_period)) if ping_period > 0 else None

    async def _ping_every(self, period: float) -> None:
        while not self._closed:
            await asyncio.sleep(period)
            if self._closed or self._ws.state is not ConnectionState.OPEN:
                return
            try:
                await self._write(self._ws.send(Ping(payload=b"")))
            except Exception:
                return  # the reader sees the broken connection and reports it

    async def send(self, data: bytes) -> None:
        if self._closed or self._ws.state is not ConnectionState.OPEN:
            raise WebSocketClosedError("the WebSocket connection is closed")
        await self._write(self._ws.send(BytesMessage(data=data)))

    async def _write(self, data: bytes) -> None:
        async with self._write_lock:
            await self._stream.write(data)

    async def receive(self) -> bytes | None:
        """The next whole message; None when the server closed the connection (normally or not)."""
        while not self._pending:
            if self._closed:
                return None
            try:
                data = await self._stream.read(_READ_SIZE, timeout=self.ping_timeout)
            except httpcore.ReadTimeout:
                raise WebSocketClosedError(
                    f"no answer from the server for {self.ping_timeout:g} s, not even to pings: the connection is dead"
                ) from None
            except Exception as exc:  # httpcore's ReadError and friends, OSError
                if self._closed:
                    return None
                raise WebSocketClosedError(f"WebSocket read failed: {exc}") from exc
            if not data:
                self._closed = True
                return None
            self._ws.receive_data(data)
            await self._handle_events()
        return self._pending.pop(0)

    async def _handle_events(self) -> None:
        for event in self._ws.events():
            if isinstance(event, Message):
                chunk = event.data if isinstance(event, BytesMessage) else event.data.encode()
                if event.message_finished and not self._partial:
                    self._pending.append(bytes(chunk))  # the common case: a whole message in one event, no copy
                    continue
                self._partial += chunk
                if event.message_finished:
                    self._pending.append(bytes(self._partial))
                    self._partial.clear()
            elif isinstance(event, Ping):
                with contextlib.suppress(Exception):
                    await self._write(self._ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                self.close_code, self.close_reason = event.code, event.reason or ""
                with contextlib.suppress(Exception):
                    if self._ws.state is ConnectionState.REMOTE_CLOSING:
                        await self._write(self._ws.send(event.response()))
                self._closed = True

    async def close(self) -> None:
        """Send a normal close (when still open) and release the connection; safe to call more than once."""
        if self._ws.state is ConnectionState.OPEN:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._write(self._ws.send(CloseConnection(code=1000))), 5)
        self._closed = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(BaseException):
                await self._heartbeat
        with contextlib.suppress(Exception):
            await self._stream.aclose()
        with contextlib.suppress(Exception):
            await self._response.aclose()
        with contextlib.suppress(Exception):
            await self._client.aclose()


async def connect(
    cfg: Any,
    path: str,
    query: Sequence[tuple[str, str]],
    protocols: Sequence[str],
    *,
    ping_period: float = PING_PERIOD,
    ping_timeout: float = PING_TIMEOUT,
    before: Callable[[httpx.AsyncClient], Awaitable[None]] | None = None,
) -> WebSocket:
    """Upgrade GET `path?query` to a WebSocket speaking one of `protocols` (most preferred first).

    `before` runs first with the same client (a check that may raise): its requests leave the connection open in the
    pool for the upgrade, so they cost a round trip but no second TLS handshake.
    A refusal before the upgrade raises the typed error for the server's Status (403 → ForbiddenError, 404 →
    NotFoundError, 400 → BadRequestError, ...); an upgrade without an agreed protocol raises ProtocolNegotiationError.
    """
    # HTTP/1.1 only: the WebSocket upgrade does not exist on HTTP/2 connections.
    client = httpx.AsyncClient(**client_kwargs(cfg, http2=False, asynchronous=True))
    try:
        if before is not None:
            await before(client)
        key = generate_nonce().decode()
        headers = {
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Protocol": ", ".join(protocols),
        }
        request = client.build_request(
            "GET", path, params=list(query), headers=headers, extensions=request_extensions(cfg) or {}
        )
        response = await client.send(request, stream=True)
        if response.status_code != 101:
            body = await response.aread()
            await response.aclose()
            if response.status_code == 403 and (not body.strip() or b"negotiate protocol" in body):
                # Refusing every offered subprotocol is a 403 with no body (kube-apiserver) or a plain-text one
                # (wsstream); authorization refusals carry a Status.
                raise ProtocolNegotiationError(protocols, None, body.decode(errors="replace").strip())
            raise error_from_response(response.status_code, body, method="GET")
        stream = response.extensions.get("network_stream")
        if stream is None:
            await response.aclose()
            raise WebSocketClosedError(
                "the transport gave no network stream for the upgraded connection (a wrap_transport must pass "
                "response extensions through)"
            )
        if response.headers.get("sec-websocket-accept") != generate_accept_token(key.encode()).decode():
            await stream.aclose()
            await response.aclose()
            raise WebSocketClosedError("the server's Sec-WebSocket-Accept does not match the key sent")
        subprotocol = response.headers.get("sec-websocket-protocol", "").strip()
        if subprotocol not in protocols:
            await stream.aclose()
            await response.aclose()
            raise ProtocolNegotiationError(protocols, subprotocol or None)
        return WebSocket(client, response, stream, subprotocol, ping_period=ping_period, ping_timeout=ping_timeout)
    except BaseException:
        await client.aclose()
        raise
