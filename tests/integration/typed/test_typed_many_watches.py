"""Many long-lived watches on one client never starve its short requests: watches have a connection pool of their
own (kubeclient.rest.transport.WATCH_LIMITS), so a plain list answers while more watches are open than the request
pool's 100 connections; over HTTP/2 the watch pool spreads watches over connections of at most 100 streams each
(kubeclient.rest.transport.SpreadTransport), so every watch opens past one connection's stream limit."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from backends import Backend

from kubeapi import AsyncClientset, Clientset
from kubeapi.core.v1.models import ConfigMap
from kubeapi.meta.v1.models import ObjectMeta
from kubeclient.rest import AsyncRESTClient, RESTClient

WATCHES = 110  # more than the request pool's 100 connections
GUARD = 120.0  # seconds: only so that a regression fails instead of hanging the run


def test_a_list_answers_while_more_than_100_watches_are_open(backend: Backend) -> None:
    outcome: dict[str, Any] = {}

    def scenario() -> None:
        with Clientset.for_config(backend.config(qps=1000)) as cs:
            config_maps = cs.core_v1.config_maps(backend.namespace)
            config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-watches"), data={"a": "1"}))
            watches = [config_maps.watch(resource_version="0", timeout_seconds=300) for _ in range(WATCHES)]
            try:
                outcome["listed"] = [c.metadata.name for c in config_maps.list().items if c.metadata]
                outcome["got"] = config_maps.get("many-watches").data
                first = next(iter(watches[-1]))  # the last watch opened is live too
                outcome["event"] = (first.type, first.object.metadata.name if first.object.metadata else None)
            finally:
                for watch in watches:
                    watch.close()

    worker = threading.Thread(target=scenario, daemon=True)
    worker.start()
    worker.join(GUARD)
    assert not worker.is_alive(), f"a list or get waited for watches to end ({WATCHES} watches open)"
    assert "many-watches" in outcome["listed"]
    assert outcome["got"] == {"a": "1"}
    assert outcome["event"] == ("ADDED", "many-watches")


def test_asyncio_a_list_answers_while_more_than_100_watches_are_open(backend: Backend) -> None:
    async def scenario() -> tuple[list[str], tuple[str, str | None]]:
        async with AsyncClientset.for_config(backend.config(qps=1000)) as cs:
            config_maps = cs.core_v1.config_maps(backend.namespace)
            await config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-watches-aio"), data={"a": "1"}))
            watches = [await config_maps.watch(resource_version="0", timeout_seconds=300) for _ in range(WATCHES)]
            try:
                listed = [c.metadata.name for c in (await config_maps.list()).items if c.metadata]
                first = await anext(aiter(watches[-1]))
                return listed, (first.type, first.object.metadata.name if first.object.metadata else None)
            finally:
                for watch in watches:
                    await watch.aclose()

    listed, event = asyncio.run(asyncio.wait_for(scenario(), GUARD))
    assert "many-watches-aio" in listed
    assert event[0] == "ADDED"


H2_WATCHES = 150  # more than one HTTP/2 connection carries (kube-apiserver allows 100 streams on one)


def h2_connections(watch_http: Any) -> list[int]:
    """Open watches on each of the watch pool's connections (its SpreadTransport over HTTP/2)."""
    spread = watch_http._transport.spread
    counts: list[int] = spread.open_streams()
    return counts


def test_over_http2_every_watch_opens_past_one_connections_stream_limit(backend: Backend) -> None:
    outcome: dict[str, Any] = {}

    def scenario() -> None:
        with Clientset(RESTClient.for_config(backend.config(qps=1000), http2=True)) as cs:
            rest = cs.core_v1.rest
            outcome["version"] = rest.http.get("/version").http_version
            config_maps = cs.core_v1.config_maps(backend.namespace)
            config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-h2-watches"), data={"a": "1"}))
            watches = [config_maps.watch(resource_version="0", timeout_seconds=300) for _ in range(H2_WATCHES)]
            try:
                outcome["listed"] = [c.metadata.name for c in config_maps.list().items if c.metadata]
                outcome["events"] = [next(iter(watch)).type for watch in watches]  # every watch is live
                assert rest.watch_pool is not None
                outcome["spread"] = h2_connections(rest.watch_pool.get())
            finally:
                for watch in watches:
                    watch.close()
            outcome["after"] = h2_connections(rest.watch_pool.get())

    worker = threading.Thread(target=scenario, daemon=True)
    worker.start()
    worker.join(GUARD)
    assert not worker.is_alive(), f"a watch or a list waited ({H2_WATCHES} watches over HTTP/2)"
    # The fake server speaks HTTP/1.1 only (its ALPN offers nothing else): there the spread carries HTTP/1.1
    # connections, one per watch, and changes nothing.
    assert outcome["version"] == ("HTTP/2" if backend.is_real else "HTTP/1.1")
    assert outcome["listed"] == ["many-h2-watches"]
    assert outcome["events"] == ["ADDED"] * H2_WATCHES
    assert outcome["spread"] == [100, 50]
    assert outcome["after"] == [0, 0]


def test_asyncio_over_http2_every_watch_opens_past_one_connections_stream_limit(backend: Backend) -> None:
    async def scenario() -> tuple[str, list[str], list[int]]:
        async with AsyncClientset(AsyncRESTClient.for_config(backend.config(qps=1000), http2=True)) as cs:
            rest = cs.core_v1.rest
            version = (await rest.http.get("/version")).http_version
            config_maps = cs.core_v1.config_maps(backend.namespace)
            await config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-h2-watches-aio"), data={"a": "1"}))
            watches = [await config_maps.watch(resource_version="0", timeout_seconds=300) for _ in range(H2_WATCHES)]
            try:
                events = [(await anext(aiter(watch))).type for watch in watches]
                assert rest.watch_pool is not None
                return version, events, h2_connections(rest.watch_pool.get())
            finally:
                for watch in watches:
                    await watch.aclose()

    version, events, spread = asyncio.run(asyncio.wait_for(scenario(), GUARD))
    assert version == ("HTTP/2" if backend.is_real else "HTTP/1.1")
    assert events == ["ADDED"] * H2_WATCHES
    assert spread == [100, 50]
