"""Many long-lived watches on one client never starve its short requests: watches have a connection pool of their
own (kubeclient.rest.transport.WATCH_LIMITS), so a plain list answers while more watches are open than the request
pool's 100 connections. A client asking for HTTP/2 still watches over HTTP/1.1 (kubeclient.rest.transport.WATCH_HTTP2):
every watch opens while the others are being read, past one HTTP/2 connection's 100 streams."""

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


def test_over_http2_every_watch_opens_while_the_others_are_being_read(backend: Backend) -> None:
    """Each watch is read by its own thread, as informers read theirs, while the next opens. Over one multiplexed
    HTTP/2 connection (WATCH_HTTP2 = True) httpcore's reader of an idle watch holds the connection's read lock and
    the next watch's headers wait for whatever frame comes next: this test then fails (the second watch hangs)."""
    outcome: dict[str, Any] = {}
    first_events: list[str] = []

    def drain(watch: Any, first: threading.Event) -> None:
        for event in watch:  # read on after the first event, as an informer does: an idle watch's reader waits
            if not first.is_set():
                first_events.append(event.type)
                first.set()

    def scenario() -> None:
        with Clientset(RESTClient.for_config(backend.config(qps=1000), http2=True)) as cs:
            outcome["version"] = cs.core_v1.rest.http.get("/version").http_version
            config_maps = cs.core_v1.config_maps(backend.namespace)
            config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-h2-watches"), data={"a": "1"}))
            watches, firsts = [], []
            try:
                for _ in range(H2_WATCHES):
                    watches.append(config_maps.watch(resource_version="0", timeout_seconds=300))
                    firsts.append(threading.Event())
                    threading.Thread(target=drain, args=(watches[-1], firsts[-1]), daemon=True).start()
                outcome["listed"] = [c.metadata.name for c in config_maps.list().items if c.metadata]
                for first in firsts:
                    first.wait(GUARD)
            finally:
                for watch in watches:
                    watch.close()

    worker = threading.Thread(target=scenario, daemon=True)
    worker.start()
    worker.join(GUARD)
    assert not worker.is_alive(), f"a watch or a list waited ({len(first_events)} of {H2_WATCHES} watches live)"
    # The fake server speaks HTTP/1.1 only (its ALPN offers nothing else).
    assert outcome["version"] == ("HTTP/2" if backend.is_real else "HTTP/1.1")
    assert outcome["listed"] == ["many-h2-watches"]
    assert first_events == ["ADDED"] * H2_WATCHES


def test_asyncio_over_http2_every_watch_opens_while_the_others_are_being_read(backend: Backend) -> None:
    async def scenario() -> tuple[str, list[str], list[str]]:
        async with AsyncClientset(AsyncRESTClient.for_config(backend.config(qps=1000), http2=True)) as cs:
            version = (await cs.core_v1.rest.http.get("/version")).http_version
            config_maps = cs.core_v1.config_maps(backend.namespace)
            await config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-h2-watches-aio"), data={"a": "1"}))
            watches, readers = [], []
            firsts: list[asyncio.Future[str]] = []

            async def drain(watch: Any, first: asyncio.Future[str]) -> None:
                async for event in watch:  # read on, as an informer does: an idle watch's reader waits
                    if not first.done():
                        first.set_result(event.type)

            try:
                for _ in range(H2_WATCHES):
                    watches.append(await config_maps.watch(resource_version="0", timeout_seconds=300))
                    firsts.append(asyncio.get_running_loop().create_future())
                    readers.append(asyncio.create_task(drain(watches[-1], firsts[-1])))
                listed = [c.metadata.name for c in (await config_maps.list()).items if c.metadata]
                events = [await first for first in firsts]
                return version, listed, events
            finally:
                for reader in readers:
                    reader.cancel()
                for watch in watches:
                    await watch.aclose()

    version, listed, events = asyncio.run(asyncio.wait_for(scenario(), GUARD))
    assert version == ("HTTP/2" if backend.is_real else "HTTP/1.1")
    assert listed == ["many-h2-watches-aio"]
    assert events == ["ADDED"] * H2_WATCHES
