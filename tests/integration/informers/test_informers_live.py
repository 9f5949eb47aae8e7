"""Informers over real HTTPS with the real ResourceClient list/watch, on both backends (the fake server and the real
control plane): sync and handlers (threads and asyncio), WatchList streaming, late handlers, listers served from the
cache, metadata-only and typed informers. Fault cases (WatchList refused, clean close, re-list on 410, a stalled
watch) need the fake's fault injection and run on it alone."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from backends import Backend
from informers_live import PODS, ClientLog, Recorder, RequestLog, await_until, param, pod, wait_until

from kubeclient import labels
from kubeclient.cache.aio import AsyncDynamicSharedInformerFactory
from kubeclient.cache.factory import DynamicSharedInformerFactory, MetadataSharedInformerFactory
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.rest import RESTClient
from kubeclient.testing import FakeAPIServer


@pytest.fixture
def server() -> Iterator[FakeAPIServer]:
    with FakeAPIServer() as srv:
        yield srv


@pytest.fixture
def dyn(backend: Backend) -> Iterator[DynamicClient]:
    """The writer's client."""
    with DynamicClient.for_config(backend.config()) as client:
        yield client


@pytest.fixture
def log() -> ClientLog:
    """What the informers' client sends."""
    return ClientLog()


@pytest.fixture
def idyn(backend: Backend, log: ClientLog) -> Iterator[DynamicClient]:
    """The informers' client: its own connection pool, so the writer never picks up a connection a watch is
    closing (see the report on Watch.close shutting down a socket already back in the pool)."""
    with DynamicClient.for_config(log.config(backend.config())) as client:
        yield client


@pytest.fixture
def fake_dyn(server: FakeAPIServer) -> Iterator[DynamicClient]:
    with DynamicClient.for_config(server.config()) as client:
        yield client


@pytest.fixture
def fake_idyn(server: FakeAPIServer) -> Iterator[DynamicClient]:
    with DynamicClient.for_config(server.config()) as client:
        yield client


def test_threads_informer_syncs_then_delivers_add_update_delete(
    backend: Backend, dyn: DynamicClient, idyn: DynamicClient
) -> None:
    ns = backend.namespace
    pods = dyn.resource(PODS, namespaced=True).namespace(ns)
    pods.create(pod("a", ns))
    pods.create(pod("b", ns))
    factory = DynamicSharedInformerFactory(idyn, namespace=ns)
    informer = factory.for_resource(PODS).informer()
    rec = Recorder()
    registration = informer.add_event_handler(rec)
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10) == {PODS: True}
        wait_until(registration.has_synced)
        assert sorted(rec.snapshot()) == [("add", "a", True), ("add", "b", True)]
        assert sorted(informer.get_store().list_keys()) == [f"{ns}/a", f"{ns}/b"]
        created = pods.create(pod("c", ns))
        updated = pods.patch("a", {"metadata": {"labels": {"x": "1"}}})
        pods.delete("b")
        wait_until(lambda: rec.has("delete", "b") and rec.has("add", "c") and rec.has("update", "a"))
        assert ("add", "c", False) in rec.snapshot()
        assert ("delete", "b", False) in rec.snapshot()
        store = informer.get_store()
        assert store.get_by_key(f"{ns}/a")["metadata"]["labels"] == {"x": "1"}
        assert store.get_by_key(f"{ns}/b") is None
        assert store.get_by_key(f"{ns}/c")["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
        assert int(informer.last_sync_resource_version) >= int(updated["metadata"]["resourceVersion"])
    finally:
        factory.shutdown()


def test_asyncio_informer_syncs_then_delivers_events(backend: Backend, dyn: DynamicClient) -> None:
    ns = backend.namespace
    pods = dyn.resource(PODS, namespaced=True).namespace(ns)
    pods.create(pod("a", ns))

    async def main() -> None:
        async with AsyncDynamicClient.for_config(backend.config()) as adyn:
            factory = AsyncDynamicSharedInformerFactory(adyn, namespace=ns)
            informer = factory.for_resource(PODS).informer()
            seen: list[tuple[str, str]] = []

            async def on_add(obj: dict[str, Any], initial: bool) -> None:
                seen.append(("add", obj["metadata"]["name"]))

            informer.add_event_handler(
                on_add=on_add, on_delete=lambda o: seen.append(("delete", o["metadata"]["name"]))
            )
            factory.start()
            try:
                assert await factory.wait_for_cache_sync(10) == {PODS: True}
                await await_until(lambda: ("add", "a") in seen)
                async_pods = adyn.resource(PODS, namespaced=True).namespace(ns)
                await async_pods.create(pod("b", ns))
                await async_pods.delete("a")
                await await_until(lambda: ("add", "b") in seen and ("delete", "a") in seen)
                assert informer.get_store().list_keys() == [f"{ns}/b"]
            finally:
                await factory.shutdown()

    asyncio.run(main())


def test_watch_list_streams_the_initial_state_without_a_list(
    backend: Backend, dyn: DynamicClient, idyn: DynamicClient, log: ClientLog
) -> None:
    ns = backend.namespace
    dyn.resource(PODS, namespaced=True).namespace(ns).create(pod("a", ns))
    factory = DynamicSharedInformerFactory(idyn, namespace=ns)
    informer = factory.for_resource(PODS).informer()
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10)[PODS]
        requests = log.reads(0, "pods")
        assert len(requests) == 1 and requests[0].watch
        assert param(requests[0], "sendInitialEvents") == "true"
        assert param(requests[0], "resourceVersionMatch") == "NotOlderThan"
        assert param(requests[0], "allowWatchBookmarks") == "true"
        assert informer.get_store().list_keys() == [f"{ns}/a"]
    finally:
        factory.shutdown()


def test_watch_list_refused_falls_back_to_list_then_watch(
    server: FakeAPIServer, fake_dyn: DynamicClient, fake_idyn: DynamicClient
) -> None:
    dyn, idyn = fake_dyn, fake_idyn
    dyn.resource(PODS, namespaced=True).namespace("default").create(pod("a"))
    log = RequestLog(server)
    # A non-retryable refusal of the streaming request (no Retry-After, so the REST layer does not retry it).
    server.faults.fail_next(1, status=500, retry_after=None, match=lambda r: "sendInitialEvents" in r.query)
    factory = DynamicSharedInformerFactory(idyn)
    informer = factory.for_resource(PODS).informer()
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10)[PODS]
        wait_until(lambda: len(log.reads(0, "pods")) >= 3)
        refused, listed, watched = log.reads(0, "pods")[:3]
        assert refused.watch and param(refused, "sendInitialEvents") == "true"
        assert listed.verb == "list" and param(listed, "resourceVersion") == "0" and param(listed, "limit") == "500"
        assert watched.watch and param(watched, "sendInitialEvents") is None
        assert param(watched, "resourceVersion") == informer.last_sync_resource_version
        assert informer.get_store().list_keys() == ["default/a"]
    finally:
        factory.shutdown()


def test_clean_close_rewatches_from_the_last_rv_without_relisting(
    server: FakeAPIServer, fake_dyn: DynamicClient, fake_idyn: DynamicClient
) -> None:
    dyn, idyn = fake_dyn, fake_idyn
    pods = dyn.resource(PODS, namespaced=True).namespace("default")
    factory = DynamicSharedInformerFactory(idyn)
    informer = factory.for_resource(PODS).informer()
    rec = Recorder()
    informer.add_event_handler(rec)
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10)[PODS]
        pods.create(pod("a"))
        wait_until(lambda: rec.has("add", "a"))
        last_rv = informer.last_sync_resource_version
        log = RequestLog(server)
        assert server.faults.close_watches() == 1
        pods.create(pod("b"))
        wait_until(lambda: rec.has("add", "b"))
        requests = log.reads(0, "pods")
        assert [r.verb for r in requests] == ["watch"]
        assert param(requests[0], "resourceVersion") == last_rv
        assert param(requests[0], "sendInitialEvents") is None
        assert [e for e in rec.snapshot() if e[0] == "add"] == [("add", "a", False), ("add", "b", False)]
    finally:
        factory.shutdown()


def test_410_on_rewatch_relists_and_announces_what_vanished_as_tombstones(
    server: FakeAPIServer, fake_dyn: DynamicClient, fake_idyn: DynamicClient
) -> None:
    dyn, idyn = fake_dyn, fake_idyn
    pods = dyn.resource(PODS, namespaced=True).namespace("default")
    pods.create(pod("gone"))
    factory = DynamicSharedInformerFactory(idyn)
    informer = factory.for_resource(PODS).informer()
    rec = Recorder()
    informer.add_event_handler(rec)
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10)[PODS]
        # One event on the stream first: a watch that ends within 1 s having sent nothing is "very short" and
        # makes client-go (and us) re-list after back-off instead of re-watching.
        pods.create(pod("kept"))
        wait_until(lambda: rec.has("add", "kept"))
        # The informer misses these (its stream is silent), then history is compacted past them.
        assert server.faults.stall_watches() == 1
        pods.delete("gone")
        pods.create(pod("new"))
        server.faults.compact()
        log = RequestLog(server)
        server.faults.close_watches()
        wait_until(lambda: rec.has("delete", "gone") and rec.has("add", "new"))
        assert ("delete", "gone", True) in rec.snapshot()  # a DeletedFinalStateUnknown tombstone
        requests = log.reads(0, "pods")
        assert param(requests[0], "sendInitialEvents") is None  # re-watch from the last RV: answered 410
        assert any(param(r, "sendInitialEvents") == "true" for r in requests[1:])  # then the re-list (WatchList)
        assert sorted(informer.get_store().list_keys()) == ["default/kept", "default/new"]
    finally:
        factory.shutdown()


def test_handler_added_after_start_gets_the_cache_as_initial_adds(
    backend: Backend, dyn: DynamicClient, idyn: DynamicClient
) -> None:
    ns = backend.namespace
    pods = dyn.resource(PODS, namespaced=True).namespace(ns)
    pods.create(pod("a", ns))
    pods.create(pod("b", ns))
    factory = DynamicSharedInformerFactory(idyn, namespace=ns)
    informer = factory.for_resource(PODS).informer()
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10)[PODS]
        late = Recorder()
        registration = informer.add_event_handler(late)
        wait_until(registration.has_synced)
        assert sorted(late.snapshot()) == [("add", "a", True), ("add", "b", True)]
        pods.create(pod("c", ns))
        wait_until(lambda: late.has("add", "c"))
        assert late.snapshot()[-1] == ("add", "c", False)
    finally:
        factory.shutdown()


def test_lister_reads_the_cache_without_requests_after_sync(
    backend: Backend, dyn: DynamicClient, idyn: DynamicClient, log: ClientLog
) -> None:
    ns, other = backend.namespace, backend.new_namespace()
    web = f"web-{ns}"  # unique to this test: the informer watches every namespace of a shared server
    pods = dyn.resource(PODS, namespaced=True)
    for name, where, app in (("w1", ns, web), ("w2", ns, web), ("d", ns, "db"), ("w3", other, web)):
        pods.namespace(where).create(pod(name, where, app=app))
    factory = DynamicSharedInformerFactory(idyn)
    generic = factory.for_resource(PODS)
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10)[PODS]
        mark = log.mark()
        lister = generic.lister()
        found = lister.namespaced(ns).list(labels.parse(f"app={web}"))
        assert sorted(p["metadata"]["name"] for p in found) == ["w1", "w2"]
        assert len(lister.list(labels.parse(f"app in ({web})"))) == 3
        assert lister.namespaced(ns).get("d")["metadata"]["labels"] == {"app": "db"}
        with pytest.raises(Exception, match='pods "nope" not found'):
            lister.namespaced(ns).get("nope")
        assert log.since(mark) == []
    finally:
        factory.shutdown()


def test_metadata_informer_caches_partial_object_metadata(backend: Backend, dyn: DynamicClient, log: ClientLog) -> None:
    ns = backend.namespace
    pods = dyn.resource(PODS, namespaced=True).namespace(ns)
    pods.create(pod("a", ns, app="web"))
    with RESTClient.for_config(log.config(backend.config())) as rest:
        factory = MetadataSharedInformerFactory(rest, namespace=ns)
        informer = factory.for_resource(PODS).informer()
        rec = Recorder()
        informer.add_event_handler(rec)
        factory.start()
        try:
            assert factory.wait_for_cache_sync(10)[PODS]
            pods.create(pod("b", ns))
            wait_until(lambda: rec.has("add", "b"))
            cached = informer.get_store().get_by_key(f"{ns}/a")
            assert cached["kind"] == "PartialObjectMetadata" and cached["apiVersion"] == "meta.k8s.io/v1"
            assert "spec" not in cached and cached["metadata"]["labels"] == {"app": "web"}
            first = log.reads(0, "pods")[0]
            assert first.watch and param(first, "sendInitialEvents") == "true"
        finally:
            factory.shutdown()


def test_stalled_watch_is_abandoned_after_the_read_timeout_and_rewatched_without_relist() -> None:
    # Bookmarks every 0.1 s keep a healthy watch talking; only the stalled one stays silent past 0.5 s.
    with FakeAPIServer(bookmark_interval=0.1) as srv, DynamicClient.for_config(srv.config()) as writer:
        client = DynamicClient.for_config(srv.config())
        factory = DynamicSharedInformerFactory(client, reflector_options={"watch_read_timeout": 0.5})
        informer = factory.for_resource(PODS).informer()
        rec = Recorder()
        informer.add_event_handler(rec)
        factory.start()
        try:
            assert factory.wait_for_cache_sync(10)[PODS]
            pods = writer.resource(PODS, namespaced=True).namespace("default")
            pods.create(pod("a"))
            wait_until(lambda: rec.has("add", "a"))
            last_rv = informer.last_sync_resource_version
            log = RequestLog(srv)
            assert srv.faults.stall_watches() == 1
            pods.create(pod("b"))  # held back by the stalled stream
            wait_until(lambda: rec.has("add", "b"), timeout=5)
            first = log.reads(0, "pods")[0]
            assert first.watch and param(first, "sendInitialEvents") is None
            assert param(first, "resourceVersion") == last_rv
        finally:
            factory.shutdown()
            client.close()


def test_typed_informers_of_the_generated_clientset(backend: Backend) -> None:
    kubeapi = pytest.importorskip("kubeapi", reason="the generated kubeapi package is not importable")
    from kubeapi.core.v1 import Pod
    from kubeapi.informers import AsyncSharedInformerFactory, SharedInformerFactory

    ns = backend.namespace
    cs = kubeapi.Clientset.for_config(backend.config())
    cs.core_v1.pods(ns).create(Pod.from_dict(pod("typed", ns, app="web")))
    factory = SharedInformerFactory(cs, namespace=ns)
    pods = factory.core_v1.pods()
    seen: list[str] = []
    pods.informer().add_event_handler(on_add=lambda obj, _initial: seen.append(type(obj).__name__))
    factory.start()
    try:
        assert factory.wait_for_cache_sync(10) == {PODS: True}
        wait_until(lambda: seen == ["Pod"])
        (cached,) = pods.lister().pods(ns).list(labels.parse("app=web"))
        assert isinstance(cached, Pod) and cached.to_dict()["metadata"]["name"] == "typed"
    finally:
        factory.shutdown()

    async def main() -> None:
        async with kubeapi.AsyncClientset.for_config(backend.config()) as acs:
            afactory = AsyncSharedInformerFactory(acs, namespace=ns)
            apods = afactory.core_v1.pods()
            apods.informer()
            afactory.start()
            try:
                assert await afactory.wait_for_cache_sync(10) == {PODS: True}
                assert [p.to_dict()["metadata"]["name"] for p in apods.lister().list(None)] == ["typed"]
            finally:
                await afactory.shutdown()

    asyncio.run(main())
