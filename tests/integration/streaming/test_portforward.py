"""Port-forward through the WebSocket protocol, sync and asyncio, on both backends: single streams, a local listener
with many concurrent connections, throughput of a few MB intact, the kubelet's error for a closed port, and
nothing left behind after close."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from backends import Backend
from streaming_helpers import Pod

from kubeclient import portforward
from kubeclient.portforward import aio


class EchoServer:
    """A TCP echo server on 127.0.0.1 (the pod port the stub and the fake forward to)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def echo(backend: Backend, pod: Pod) -> Iterator[EchoServer]:
    server = EchoServer()
    if backend.fake is not None:
        backend.fake.forward_port(pod.namespace, pod.name, server.port, ("127.0.0.1", server.port))
    yield server
    server.close()


def _roundtrip(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    got = bytearray()
    while len(got) < len(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    return bytes(got)


def test_open_stream_sync_and_async(backend: Backend, pod: Pod, echo: EchoServer) -> None:
    cfg = backend.config()
    with portforward.open_stream(cfg, pod.namespace, pod.name, echo.port) as conn:
        conn.write(b"ping")
        got = b""
        while len(got) < 4:
            got += conn.read()
        assert got == b"ping"

    async def main() -> bytes:
        async with await aio.open_stream(cfg, pod.namespace, pod.name, echo.port) as stream:
            payload = bytes(range(256)) * 4096
            await stream.write(payload)
            got = bytearray()
            while len(got) < len(payload):
                got += await stream.read()
            return bytes(got)

    assert asyncio.run(main()) == bytes(range(256)) * 4096


def test_listener_many_concurrent_connections(backend: Backend, pod: Pod, echo: EchoServer) -> None:
    before = [t.name for t in threading.enumerate() if t.name.startswith("kubeclient")]
    with portforward.port_forward(backend.config(), pod.namespace, pod.name, [f":{echo.port}"]) as fwd:
        local = fwd.local_port(echo.port)
        assert local != 0

        def one(i: int) -> bool:
            payload = (b"%d-" % i) * 20000
            with socket.create_connection(("127.0.0.1", local), timeout=30) as sock:
                return _roundtrip(sock, payload) == payload

        with ThreadPoolExecutor(16) as pool:
            assert all(pool.map(one, range(32)))
    assert [t.name for t in threading.enumerate() if t.name.startswith("kubeclient")] == before


def test_listener_async_throughput_intact(backend: Backend, pod: Pod, echo: EchoServer) -> None:
    data = bytes(range(256)) * (4 * 1024 * 1024 // 256)

    async def main() -> None:
        async with await aio.port_forward(backend.config(), pod.namespace, pod.name, [(0, echo.port)]) as fwd:
            reader, writer = await asyncio.open_connection("127.0.0.1", fwd.local_port(echo.port))

            async def send() -> None:
                writer.write(data)
                await writer.drain()

            sender = asyncio.create_task(send())
            got = await reader.readexactly(len(data))
            await sender
            writer.close()
            assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()

    asyncio.run(main())


def test_closed_pod_port_is_an_error(backend: Backend, pod: Pod) -> None:
    free = socket.create_server(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    if backend.fake is not None:
        backend.fake.forward_port(pod.namespace, pod.name, port, ("127.0.0.1", port))
    with (
        portforward.open_stream(backend.config(), pod.namespace, pod.name, port) as conn,
        pytest.raises(portforward.PortForwardError, match=str(port)),
    ):
        conn.read(timeout=30)
