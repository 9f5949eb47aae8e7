"""Port-forward for asyncio (client-go's tools/portforward), over the kubelet's WebSocket protocol
(`v4.channel.k8s.io` with `ports=`: data channel 0 and error channel 1, each opened by the port number).

One WebSocket carries one connection, so any number of connections to a port run side by side.
`open_stream(port)` is one connection for in-process use; `port_forward(ports)` listens on local ports and forwards
every accepted connection through a stream of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from kubeclient.remotecommand import protocol as p
from kubeclient.remotecommand.websocket import WebSocket, connect

__all__ = ["AsyncPortForwarder", "AsyncPortStream", "PortForwardError", "PortMapping", "open_stream", "port_forward"]

_DATA, _ERROR = 0, 1
_CHUNK = 32 * 1024


class PortForwardError(ConnectionError):
    """The kubelet could not forward the connection (its message on the port's error channel)."""


class AsyncPortStream:
    """One forwarded connection: `read()` returns b"" at the end, `write()` sends, `aclose()` ends it."""

    def __init__(self, ws: WebSocket, port: int) -> None:
        self._ws = ws
        self.port = port
        self._prefix_left = {_DATA: 2, _ERROR: 2}
        self._error = bytearray()
        self._buffer = bytearray()
        self._eof = False

    async def _next(self) -> bytes | None:
        """The next data bytes; None at the end (raising the kubelet's error when it sent one)."""
        while True:
            message = await self._ws.receive()
            if message is None:
                if self._error:
                    raise PortForwardError(self._error.decode(errors="replace"))
                return None
            if not message:
                continue
            channel, data = message[0], message[1:]
            skip = self._prefix_left.get(channel, 0)
            if skip:
                taken = min(skip, len(data))
                self._prefix_left[channel] = skip - taken
                data = data[taken:]
            if channel == _ERROR:
                self._error += data
            elif channel == _DATA and data:
                return data

    async def read(self, n: int = -1) -> bytes:
        """Up to `n` bytes (any amount available when n < 0); b"" once the pod side closed."""
        if not self._buffer and not self._eof:
            data = await self._next()
            if data is None:
                self._eof = True
            elif n < 0 or n >= len(data):
                return data  # no buffering needed: hand the message's bytes over as they are
            else:
                self._buffer += data
        if n < 0 or n >= len(self._buffer):
            out = bytes(self._buffer)
            self._buffer.clear()
        else:
            out = bytes(self._buffer[:n])
            del self._buffer[:n]
        return out

    async def write(self, data: bytes) -> None:
        view = memoryview(data)
        for start in range(0, len(view), _CHUNK):
            await self._ws.send(p.frame(_DATA, bytes(view[start : start + _CHUNK])))

    async def aclose(self) -> None:
        await self._ws.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def open_stream(cfg: Any, namespace: str, name: str, port: int) -> AsyncPortStream:
    """One connection to `port` of the pod (forbidden users, missing pods... raise the typed errors)."""
    path = p.pod_path(namespace, name, "portforward")
    ws = await connect(cfg, path, p.portforward_query([port]), p.PORTFORWARD_PROTOCOLS)
    return AsyncPortStream(ws, port)


@dataclass(frozen=True)
class PortMapping:
    """A local listening port and the pod port it forwards to."""

    local: int
    remote: int


def parse_ports(ports: Sequence[int | str | tuple[int, int]]) -> list[PortMapping]:
    """kubectl's spellings: 8080 (same port locally), "8000:80", ":80" or "0:80" (a free local port), (8000, 80)."""
    out = []
    for spec in ports:
        if isinstance(spec, tuple):
            local, remote = spec
        elif isinstance(spec, int):
            local, remote = spec, spec
        else:
            left, sep, right = str(spec).partition(":")
            try:
                local, remote = (int(left or 0), int(right)) if sep else (int(left), int(left))
            except ValueError:
                raise ValueError(f"invalid port specification {spec!r}: expected PORT or [LOCAL]:REMOTE") from None
        if not 0 < remote < 65536 or not 0 <= local < 65536:
            raise ValueError(f"invalid port specification {spec!r}: ports must be in 1..65535 (0 locally: any)")
        out.append(PortMapping(local, remote))
    if not out:
        raise ValueError("at least one port is required")
    return out


class AsyncPortForwarder:
    """Local listeners forwarding each accepted connection to the pod; `mappings` tells the ports actually bound."""

    def __init__(self, cfg: Any, namespace: str, name: str, ports: Sequence[PortMapping], address: str) -> None:
        self._cfg, self._namespace, self._name = cfg, namespace, name
        self._wanted = list(ports)
        self.address = address
        self.mappings: list[PortMapping] = []
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.errors: list[BaseException] = []

    async def start(self) -> Self:
        try:
            for mapping in self._wanted:
                server = await asyncio.start_server(
                    functools.partial(self._accept, remote=mapping.remote), self.address, mapping.local
                )
                self._servers.append(server)
                self.mappings.append(PortMapping(server.sockets[0].getsockname()[1], mapping.remote))
        except BaseException:
            await self.aclose()
            raise
        return self

    def local_port(self, remote: int) -> int:
        """The local port forwarding to pod port `remote`."""
        for mapping in self.mappings:
            if mapping.remote == remote:
                return mapping.local
        raise KeyError(f"pod port {remote} is not forwarded")

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, remote: int) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._forward(reader, writer, remote)
        except Exception as exc:  # one connection's failure must not end the others; callers can read errors
            self.errors.append(exc)
        except asyncio.CancelledError:
            # Closing the forwarder cancels its connections; the task ends quietly (asyncio's stream server
            # would log a cancelled connection task as an error).
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, remote: int) -> None:
        stream = await open_stream(self._cfg, self._namespace, self._name, remote)
        try:

            async def upstream() -> None:
                while data := await reader.read(_CHUNK):
                    await stream.write(data)
                # The protocol has no half-close: the pod side keeps its connection until it closes it or we do.

            up = asyncio.create_task(upstream())
            try:
                while data := await stream.read():
                    writer.write(data)
                    await writer.drain()
            finally:
                up.cancel()
                with contextlib.suppress(BaseException):
                    await up
        except PortForwardError:
            raise
        except ConnectionError:
            pass  # either side went away: the connection is over
        finally:
            await stream.aclose()

    async def aclose(self) -> None:
        """Stop listening and end every forwarded connection."""
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._servers.clear()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def port_forward(
    cfg: Any,
    namespace: str,
    name: str,
    ports: Sequence[int | str | tuple[int, int]],
    *,
    address: str = "127.0.0.1",
) -> AsyncPortForwarder:
    """Listen on `address` for each of `ports` (kubectl's spellings: 8080, "8000:80", ":80") and forward; use the
    result as an async context manager to stop."""
    return await AsyncPortForwarder(cfg, namespace, name, parse_ports(ports), address).start()
