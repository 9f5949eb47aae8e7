"""client-go's heartbeat: pings go out every period, and a server from which nothing arrives (not even pongs) for
the timeout is a dead connection, reported instead of waited on forever. The server here upgrades, then goes silent."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
from wsproto.utilities import generate_accept_token

from kubeclient.config import Config
from kubeclient.remotecommand.websocket import WebSocketClosedError, connect


class SilentServer:
    """Answers one WebSocket upgrade with v5.channel.k8s.io, then reads (counting bytes) and never writes."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received_after_upgrade = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            key = next(
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: " + generate_accept_token(key) + b"\r\n"
                b"Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n"
            )
            conn.settimeout(5)
            try:
                while data := conn.recv(4096):
                    self.received_after_upgrade += len(data)
            except OSError:
                pass


def test_a_silent_server_is_a_dead_connection() -> None:
    server = SilentServer()
    cfg = Config(f"http://127.0.0.1:{server.port}")

    async def main() -> float:
        ws = await connect(cfg, "/api/v1/namespaces/ns/pods/p/exec", [("command", "x")], ["v5.channel.k8s.io"],
                           ping_period=0.1, ping_timeout=0.8)  # fmt: skip
        start = time.monotonic()
        try:
            with pytest.raises(WebSocketClosedError, match="not even to pings"):
                await ws.receive()
        finally:
            await ws.close()
        return time.monotonic() - start

    elapsed = asyncio.run(main())
    assert 0.7 < elapsed < 5
    server.thread.join(10)
    # Pings (client frames: at least 6 bytes each, masked) went out while it waited.
    assert server.received_after_upgrade >= 6 * 4
    server.sock.close()
