"""Watch bodies read off the connection: the chunked decoder on any split of the bytes, and the take-over of a real
HTTP/1.1 connection (plain and TLS) with what h11 had buffered, ending, truncation and the fallbacks."""

from __future__ import annotations

import asyncio
import http.server
import socketserver
import ssl
import threading
import types
from collections.abc import Iterator

import httpx
import pytest
import trustme
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.config import Config
from kubeclient.errors import TransportError
from kubeclient.rest import AsyncRESTClient, RESTClient
from kubeclient.rest.chunked import ChunkedDecoder, take_over


def encode(chunks: list[bytes], *, extension: bool = False, trailers: list[bytes] = ()) -> bytes:  # type: ignore[assignment]
    ext = b";name=value" if extension else b""
    body = b"".join(b"%x%s\r\n%s\r\n" % (len(c), ext, c) for c in chunks if c)
    return body + b"0\r\n" + b"".join(t + b"\r\n" for t in trailers) + b"\r\n"


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True) if b > a]


@given(
    chunks=st.lists(st.binary(min_size=1, max_size=300), max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=30),
    extension=st.booleans(),
    trailers=st.lists(st.sampled_from([b"X-Trailer: 1", b"Y: two"]), max_size=2),
)
def test_any_split_gives_the_payload_back(
    chunks: list[bytes], cuts: list[int], extension: bool, trailers: list[bytes]
) -> None:
    decoder = ChunkedDecoder()
    out = b""
    for piece in split(encode(chunks, extension=extension, trailers=trailers), cuts):
        assert not decoder.done
        out += decoder.feed(piece)
    assert decoder.done
    assert out == b"".join(chunks)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"zz\r\nabc", "bad chunk size"),
        (b"-1\r\n", "bad chunk size"),
        (b"0x3\r\nabc\r\n", "bad chunk size"),
        (b"3\r\nabcXY", "no CRLF after a chunk"),
        (b"1" * 5000, "no chunk size"),
    ],
)
def test_malformed_bodies_are_protocol_errors(data: bytes, message: str) -> None:
    with pytest.raises(httpx.RemoteProtocolError, match=message):
        ChunkedDecoder().feed(data)


LINES = [b'{"type":"ADDED","object":{"metadata":{"name":"n%d"}}}\n' % i for i in range(50)]


class _Chunked(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body = encode(LINES)

    def do_GET(self) -> None:
        body = self.body[: len(self.body) // 2] if self.path.startswith("/truncated") else self.body
        # Headers and the start of the body in one write: h11 reads part of the body along with the headers.
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        self.wfile.write(head + body[:100])
        self.wfile.flush()
        for start in range(100, len(body), 37):  # then in small odd pieces
            self.wfile.write(body[start : start + 37])
            self.wfile.flush()
        if self.path.startswith("/truncated"):
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@pytest.fixture(params=["http", "https"])
def server(request: pytest.FixtureRequest) -> Iterator[Config]:
    httpd = _Server(("127.0.0.1", 0), _Chunked)
    cfg = Config(host=f"http://127.0.0.1:{httpd.server_address[1]}")
    if request.param == "https":
        ca = trustme.CA()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        cfg = Config(host=f"https://127.0.0.1:{httpd.server_address[1]}", ca_data=ca.cert_pem.bytes())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield cfg
    httpd.shutdown()
    httpd.server_close()


def test_the_body_is_taken_over_and_read_whole(server: Config) -> None:
    client = RESTClient.for_config(server)
    with client.watch_pool.get().stream("GET", "/watch") as response:  # type: ignore[union-attr]
        direct = take_over(response)
        assert direct is not None, "the pinned httpx/httpcore no longer lets a watch body be read directly"
        assert b"".join(direct) == b"".join(LINES)
    client.close()


def test_a_watch_reads_every_event_through_it(server: Config) -> None:
    client = RESTClient.for_config(server)
    with client.get().abs_path("/watch").watch() as watch:
        names = [event.object["metadata"]["name"] for event in watch]
    assert names == [f"n{i}" for i in range(50)]
    client.close()


def test_a_body_cut_short_is_an_error_not_an_end(server: Config) -> None:
    client = RESTClient.for_config(server)
    seen = []
    with (
        pytest.raises(TransportError, match="incomplete chunked read"),
        client.get().abs_path("/truncated").watch() as w,
    ):
        seen.extend(w)
    assert 0 < len(seen) < 50
    client.close()


def test_other_bodies_are_left_to_httpx() -> None:
    response = httpx.Response(200, headers={"Transfer-Encoding": "chunked"}, content=b"x")
    assert take_over(response) is None  # not from httpcore's pool
    response = httpx.Response(200, content=b"x")
    assert take_over(response) is None  # not chunked


def test_an_asyncio_watch_reads_every_event_through_it(server: Config) -> None:
    async def main() -> list[str]:
        client = AsyncRESTClient.for_config(server)
        async with client.get().abs_path("/watch").watch() as watch:
            assert isinstance(watch._chunks, types.AsyncGeneratorType), "the asyncio watch body was not taken over"
            names = [event.object["metadata"]["name"] async for event in watch]
        async with client.get().abs_path("/truncated").watch() as watch:
            with pytest.raises(TransportError, match="incomplete chunked read"):
                async for _ in watch:
                    pass
        await client.aclose()
        return names

    assert asyncio.run(main()) == [f"n{i}" for i in range(50)]
