"""Port-forward (client-go's tools/portforward), blocking API; `kubeclient.portforward.aio` is the asyncio one.

    with portforward.port_forward(cfg, "default", "web-0", [":8080"]) as fwd:
        httpx.get(f"http://127.0.0.1:{fwd.local_port(8080)}/")
    with portforward.open_stream(cfg, "default", "web-0", 5432) as conn:      # one connection, no listener
        conn.write(b"..."); conn.read()

The listener and its connections run on a private event loop thread that ends when the forwarder closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

from kubeclient.portforward import aio
from kubeclient.portforward.aio import AsyncPortForwarder, AsyncPortStream, PortForwardError, PortMapping, parse_ports
from kubeclient.remotecommand.portal import Portal

__all__ = [
    "AsyncPortForwarder",
    "AsyncPortStream",
    "PortForwardError",
    "PortForwarder",
    "PortMapping",
    "PortStream",
    "open_stream",
    "parse_ports",
    "port_forward",
]


class PortStream:
    """One forwarded connection, blocking: read(n) (b"" at the end), write(data), close()."""

    def __init__(self, portal: Portal, stream: AsyncPortStream) -> None:
        self._portal = portal
        self._stream = stream
        self.port = stream.port

    def read(self, n: int = -1, timeout: float | None = None) -> bytes:
        return self._portal.run(self._stream.read(n), timeout)

    def write(self, data: bytes) -> None:
        self._portal.run(self._stream.write(data))

    def close(self) -> None:
        try:
            self._portal.run(self._stream.aclose(), 10)
        finally:
            self._portal.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class PortForwarder:
    """Local listeners forwarding to the pod until `close()`; `local_port(remote)` and `mappings` tell the ports."""

    def __init__(self, portal: Portal, forwarder: AsyncPortForwarder) -> None:
        self._portal = portal
        self._forwarder = forwarder
        self.address = forwarder.address
        self.mappings = list(forwarder.mappings)

    @property
    def errors(self) -> list[BaseException]:
        """Failures of single connections so far (the kubelet's refusals among them)."""
        return list(self._forwarder.errors)

    def local_port(self, remote: int) -> int:
        return self._forwarder.local_port(remote)

    def close(self) -> None:
        try:
            self._portal.run(self._forwarder.aclose(), 30)
        finally:
            self._portal.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_stream(cfg: Any, namespace: str, name: str, port: int) -> PortStream:
    """One connection to the pod's `port`; close it (or use `with`) to end it."""
    portal = Portal("kubeclient-portforward")
    try:
        return PortStream(portal, portal.run(aio.open_stream(cfg, namespace, name, port)))
    except BaseException:
        portal.close()
        raise


def port_forward(
    cfg: Any, namespace: str, name: str, ports: Sequence[int | str | tuple[int, int]], *, address: str = "127.0.0.1"
) -> PortForwarder:
    """Listen on `address` for each of `ports` (8080, "8000:80", ":80") and forward every accepted connection."""
    mappings = parse_ports(ports)
    portal = Portal("kubeclient-portforward")
    try:
        return PortForwarder(portal, portal.run(AsyncPortForwarder(cfg, namespace, name, mappings, address).start()))
    except BaseException:
        portal.close()
        raise
