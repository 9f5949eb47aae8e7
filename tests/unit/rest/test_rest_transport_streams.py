"""The transports built from a Config: asyncio clients on asyncio's own streams (aiostream.py), sync ones on
httpcore's; bodies intact both ways over TLS, verification on, timeouts, and an abrupt end of the connection still
an error."""

from __future__ import annotations

import asyncio
import http.server
import socketserver
import ssl
import threading
from collections.abc import Iterator

import pytest
import trustme

from kubeclient.config import Config
from kubeclient.errors import TransportError
from kubeclient.rest import AsyncRESTClient, RESTClient
from kubeclient.rest.aiostream import AsyncioBackend, AsyncioStream

BIG = bytes(range(256)) * 12_000  # 3 MB: many TLS records and many socket reads


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = BIG if self.path == "/big" else b'{"kind":"Status"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path == "/cut":
            self.wfile.write(body[:10])
            self.wfile.flush()
            self.connection.shutdown(2)  # no close_notify: a peer that died
            return
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@pytest.fixture
def tls_server() -> Iterator[tuple[str, trustme.CA]]:
    ca = trustme.CA()
    httpd = _Server(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", ca
    httpd.shutdown()
    httpd.server_close()


def test_bodies_arrive_whole_both_ways(tls_server: tuple[str, trustme.CA]) -> None:
    url, ca = tls_server
    client = RESTClient.for_config(Config(host=url, ca_data=ca.cert_pem.bytes()))
    assert client.http.get("/big").content == BIG
    assert client.http.post("/echo", content=BIG).content == BIG
    for _ in range(3):  # the connection is reused between requests
        assert client.http.get("/small").content == b'{"kind":"Status"}'
    client.close()


def test_verification_stays_on(tls_server: tuple[str, trustme.CA]) -> None:
    url, _ = tls_server
    client = RESTClient.for_config(Config(host=url, ca_data=trustme.CA().cert_pem.bytes()))
    with pytest.raises(TransportError, match="certificate did not verify"):
        client.get().abs_path("/small").do()
    client.close()


def test_a_connection_that_dies_mid_body_is_an_error(tls_server: tuple[str, trustme.CA]) -> None:
    url, ca = tls_server
    client = RESTClient.for_config(Config(host=url, ca_data=ca.cert_pem.bytes()))
    client.reset_retry_delay = 0  # a GET whose connection broke is retried, as client-go retries it
    with pytest.raises(TransportError, match="/cut"):
        client.get().abs_path("/cut").do()
    client.close()


def test_not_under_a_proxy(tls_server: tuple[str, trustme.CA]) -> None:
    url, ca = tls_server

    async def main() -> None:
        cfg = Config(host=url, ca_data=ca.cert_pem.bytes(), proxy_url="http://127.0.0.1:9")
        client = AsyncRESTClient.for_config(cfg)
        pool = client.http._transport._pool  # type: ignore[attr-defined]
        assert not isinstance(pool._network_backend, AsyncioBackend)
        await client.aclose()

    asyncio.run(main())


# The asyncio transport: asyncio's own streams (aiostream.py) under the same server.


def test_asyncio_clients_use_asyncio_streams(tls_server: tuple[str, trustme.CA]) -> None:
    url, ca = tls_server

    async def main() -> None:
        client = AsyncRESTClient.for_config(Config(host=url, ca_data=ca.cert_pem.bytes()))
        async with client.http.stream("GET", "/small") as response:
            await response.aread()
            assert type(response.extensions["network_stream"]) is AsyncioStream
            assert response.extensions["network_stream"].get_extra_info("ssl_object") is not None
        assert (await client.http.get("/big")).content == BIG
        assert (await client.http.post("/echo", content=BIG)).content == BIG
        for _ in range(3):
            assert (await client.http.get("/small")).content == b'{"kind":"Status"}'
        client.reset_retry_delay = 0
        with pytest.raises(TransportError, match="/cut"):
            await client.get().abs_path("/cut").do()
        await client.aclose()

        stranger = AsyncRESTClient.for_config(Config(host=url, ca_data=trustme.CA().cert_pem.bytes()))
        with pytest.raises(TransportError, match="certificate did not verify"):
            await stranger.get().abs_path("/small").do()
        await stranger.aclose()

    asyncio.run(main())


def test_asyncio_read_timeout_and_refused_connection() -> None:
    async def main() -> None:
        silent = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = silent.sockets[0].getsockname()[1]
        client = AsyncRESTClient.for_config(Config(host=f"http://127.0.0.1:{port}"))
        with pytest.raises(TransportError, match="timed out"):
            await client.get().abs_path("/x").timeout(0.3).do()
        await client.aclose()
        silent.close()
        await silent.wait_closed()
        client = AsyncRESTClient.for_config(Config(host=f"http://127.0.0.1:{port}"))
        client.reset_retry_delay = 0
        with pytest.raises(TransportError, match=f"127.0.0.1:{port}"):
            await client.get().abs_path("/x").do()
        await client.aclose()

    asyncio.run(main())
