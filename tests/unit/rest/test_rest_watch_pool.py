"""The watches' own pool: unbounded, and HTTP/1.1 even when the client speaks HTTP/2 (see WATCH_HTTP2 in
kubeclient.rest.transport; tests/integration/typed/test_typed_many_watches.py shows it on a real server)."""

from __future__ import annotations

import httpx

from kubeclient.config import Config
from kubeclient.rest import AsyncRESTClient, RESTClient
from kubeclient.rest.transport import LIMITS, WATCH_LIMITS, client_kwargs
from kubeclient.testing import FakeAPIServer


def test_watches_use_http11_and_short_requests_http2_when_asked() -> None:
    cfg = Config(host="https://server:6443")
    assert client_kwargs(cfg, http2=True)["http2"] is True
    assert client_kwargs(cfg, http2=True, watch=True)["http2"] is False
    assert client_kwargs(cfg, http2=True, watch=True, asynchronous=True)["http2"] is False
    assert client_kwargs(cfg, http2=True, watch=True)["limits"] is WATCH_LIMITS
    assert client_kwargs(cfg, http2=True)["limits"] is LIMITS


def test_a_client_for_config_builds_its_watch_pool_on_http11() -> None:
    cfg = Config(host="https://server:6443")
    with RESTClient.for_config(cfg, http2=True) as rest:
        assert rest.watch_pool is not None
        watch_http = rest.watch_pool.get()
        assert isinstance(watch_http, httpx.Client)
        pool = watch_http._transport._pool  # type: ignore[attr-defined]
        assert (pool._http1, pool._http2) == (True, False)
        short = rest.http._transport._pool  # type: ignore[attr-defined]
        assert short._http2 is True


async def _async_pool_versions() -> tuple[bool, bool]:
    async with AsyncRESTClient.for_config(Config(host="https://server:6443"), http2=True) as rest:
        assert rest.watch_pool is not None
        pool = rest.watch_pool.get()._transport._pool  # type: ignore[attr-defined]
        return pool._http1, pool._http2


def test_asyncio_watch_pool_is_http11_too() -> None:
    import asyncio

    assert asyncio.run(_async_pool_versions()) == (True, False)


def test_streamed_answers_go_through_the_watch_pool(kube_fake: FakeAPIServer) -> None:
    # A followed log may stay open for minutes: never on a short request's connection (nor an HTTP/2 stream of it).
    with RESTClient.for_config(kube_fake.config(), http2=True) as rest:
        assert rest.watch_pool is not None
        with rest.get().abs_path("/version").stream() as answer:
            answer.read()
        watch_pool = rest.watch_pool.get()._transport._pool  # type: ignore[attr-defined]
        short_pool = rest.http._transport._pool  # type: ignore[attr-defined]
        assert len(watch_pool.connections) == 1
        assert len(short_pool.connections) == 0
