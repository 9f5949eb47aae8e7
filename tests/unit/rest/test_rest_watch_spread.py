"""The watch pool's HTTP/2 transport spreads long-lived streams over connections, at most
H2_STREAMS_PER_CONNECTION open on each, and gives a slot back when a response is closed (or never came)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from kubeclient.config import Config
from kubeclient.rest.transport import (
    H2_STREAMS_PER_CONNECTION,
    AsyncSpreadTransport,
    SpreadTransport,
    client_kwargs,
)


def answering(made: list[str]) -> httpx.MockTransport:
    name = f"t{len(made)}"
    made.append(name)
    # A stream, as a watch answers (a response made with content= counts as closed from the start); the header
    # says which transport answered without reading the body, which would close it.
    return httpx.MockTransport(
        lambda request: httpx.Response(200, headers={"x-transport": name}, stream=httpx.ByteStream(b"{}"))
    )


def test_streams_fill_one_transport_then_open_the_next_and_reuse_freed_slots() -> None:
    made: list[str] = []
    transport = SpreadTransport(lambda: answering(made), streams=2)
    with httpx.Client(transport=transport, base_url="https://server") as client:
        responses = [client.send(client.build_request("GET", "/w"), stream=True) for _ in range(5)]
        assert [r.headers["x-transport"] for r in responses] == ["t0", "t0", "t1", "t1", "t2"]
        assert transport.spread.open_streams() == [2, 2, 1]
        responses[1].close()
        responses[1].close()  # a second close gives nothing back twice
        assert transport.spread.open_streams() == [1, 2, 1]
        again = client.send(client.build_request("GET", "/w"), stream=True)
        assert again.headers["x-transport"] == "t0"  # the first transport with room, not a new one
        for response in [*responses, again]:
            response.close()
        assert transport.spread.open_streams() == [0, 0, 0]
        assert len(made) == 3


def test_a_request_that_fails_gives_its_slot_back() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    transport = SpreadTransport(lambda: httpx.MockTransport(refuse), streams=1)
    with httpx.Client(transport=transport, base_url="https://server") as client:
        for _ in range(3):
            with pytest.raises(httpx.ConnectError):
                client.get("/w")
    assert transport.spread.open_streams() == []  # closed with the client


def test_asyncio_streams_are_spread_and_released() -> None:
    made: list[str] = []

    def make() -> httpx.MockTransport:
        return answering(made)

    async def scenario() -> list[list[int]]:
        transport = AsyncSpreadTransport(make, streams=3)
        seen = []
        async with httpx.AsyncClient(transport=transport, base_url="https://server") as client:
            responses = [await client.send(client.build_request("GET", "/w"), stream=True) for _ in range(7)]
            seen.append(transport.spread.open_streams())
            assert [r.headers["x-transport"] for r in responses] == ["t0"] * 3 + ["t1"] * 3 + ["t2"]
            await responses[0].aread()  # read to the end: closed, so released
            for response in responses:
                await response.aclose()
            seen.append(transport.spread.open_streams())
        return seen

    assert asyncio.run(scenario()) == [[3, 3, 1], [0, 0, 0]]


def test_the_watch_pool_spreads_only_http2() -> None:
    cfg = Config(host="https://server:6443", proxy_url="http://proxy:3128")
    assert isinstance(client_kwargs(cfg, http2=True, watch=True)["transport"], SpreadTransport)
    assert isinstance(client_kwargs(cfg, http2=True, watch=True, asynchronous=True)["transport"], AsyncSpreadTransport)
    # The proxy lives in the connections' transports: httpx must not mount it in front of the spread.
    assert client_kwargs(cfg, http2=True, watch=True)["proxy"] is None
    assert "transport" not in client_kwargs(cfg, watch=True)  # HTTP/1.1: one connection per watch already
    assert "transport" not in client_kwargs(cfg, http2=True)  # short requests multiplex on one pool
    assert H2_STREAMS_PER_CONNECTION == 100  # kube-apiserver's SETTINGS_MAX_CONCURRENT_STREAMS, and httpcore's cap
