"""Make client-go speak JSON: a local proxy that rewrites the Accept header of every request to application/json.

client-go v1.36's generated clients for built-in types prefer protobuf whenever the rest.Config names no content
type (`gentype.PrefersProtobuf`: `Accept: application/vnd.kubernetes.protobuf,application/json`), and
`clientgo-bench` sets one only for protobuf, so its plain runs are protobuf runs. To measure client-go on JSON, as
kubeclient always is, its requests go through this proxy: plain HTTP from client-go on 127.0.0.1, TLS with the
admin's client certificate to the apiserver, every request head's Accept replaced, every byte after it relayed
unchanged. The proxy runs on a thread of the bench's own process, which is idle while client-go runs; what it
costs (decrypting what the apiserver sends) lands on the same two cores, and client-go's own TLS decryption is
saved, so the figures are close to, not exactly, client-go's over TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

READ = 1 << 18


def rewrite_head(head: bytes, authorization: bytes | None = None) -> bytes:
    """A request head (no final blank line) with Accept: application/json, and the proxy's own credentials when the
    kubeconfig has a token (client-go sends none to the proxy)."""
    lines = head.split(b"\r\n")
    drop = (b"accept:", b"authorization:")
    kept = [line for line in lines[1:] if not line.lower().startswith(drop)]
    auth = [b"Authorization: " + authorization] if authorization else []
    return b"\r\n".join([lines[0], b"Accept: application/json", *auth, *kept])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(READ):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
        pass  # either side hung up: a watch stopped, or the apiserver closed the TLS session
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _client_to_server(
    reader: asyncio.StreamReader, upstream: asyncio.StreamWriter, authorization: bytes | None
) -> None:
    """Request heads are rewritten, bodies (client-go's informers and watches send none) relayed as they come."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            upstream.write(rewrite_head(head[:-4], authorization) + b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            if length:
                upstream.write(await reader.readexactly(length))
            await upstream.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError):
        pass  # client-go hung up
    finally:
        with contextlib.suppress(Exception):
            upstream.close()


@contextlib.contextmanager
def json_proxy(kubeconfig: str, out: Path) -> Iterator[Path]:
    """A proxy to the server of `kubeconfig` (its CA, and its client certificate or token), and a kubeconfig for it
    written to `out`; both live for the `with` block."""
    from kubeclient.config import load_config

    config = load_config(kubeconfig)
    tls: ssl.SSLContext = config.ssl_context()
    authorization = f"Bearer {config.token}".encode() if config.token else None
    target = urlsplit(config.host)
    loop = asyncio.new_event_loop()
    ready: dict[str, Any] = {}
    connections: set[asyncio.Future[Any]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(
            target.hostname, target.port, ssl=tls, server_hostname=target.hostname, limit=READ
        )
        relay = asyncio.gather(_client_to_server(reader, up_writer, authorization), _pipe(up_reader, writer))
        connections.add(relay)
        try:
            await relay
        finally:
            connections.discard(relay)

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=READ)
        ready["port"] = server.sockets[0].getsockname()[1]
        ready["stop"] = asyncio.Event()
        started.set()
        async with server:
            await ready["stop"].wait()
            for relay in list(connections):  # kept-alive connections end with the proxy
                relay.cancel()
            await asyncio.gather(*connections, return_exceptions=True)

    def run() -> None:
        loop.run_until_complete(serve())
        loop.close()

    started = threading.Event()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("the JSON proxy did not start")
    proxied = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "proxy", "cluster": {"server": f"http://127.0.0.1:{ready['port']}"}}],
        "users": [{"name": "proxy", "user": {}}],
        "contexts": [{"name": "proxy", "context": {"cluster": "proxy", "user": "proxy"}}],
        "current-context": "proxy",
    }
    out.write_text(yaml.safe_dump(proxied))
    try:
        yield out
    finally:
        loop.call_soon_threadsafe(ready["stop"].set)
        thread.join(10)
