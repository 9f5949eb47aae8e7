"""SharedInformerFactory (typed base, dynamic, metadata) and the ListerWatcher adapters."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from informers_fakes import DictIndexer, InOrderFIFO, LiveListerWatcher
from informers_scripted import pod

from kubeclient.cache.aio.factory import AsyncDynamicSharedInformerFactory
from kubeclient.cache.factory import (
    DynamicSharedInformerFactory,
    MetadataSharedInformerFactory,
    SharedInformerFactory,
    UnknownResourceError,
)
from kubeclient.cache.listwatch import (
    METADATA_LIST_ACCEPT,
    METADATA_WATCH_ACCEPT,
    ListOptions,
    MetadataListWatch,
    ResourceListWatch,
    list_page_from,
)
from kubeclient.schema import GVR
from kubeclient.wait import poll_until

PODS = GVR("", "v1", "pods")
STORES: dict[str, Any] = {"indexer_factory": lambda indexers: DictIndexer(), "queue_factory": InOrderFIFO}


class FakeResourceClient:
    """A ResourceClient stand-in: list(**kw) answers a dict PodList, watch(**kw) a live stream; records kwargs."""

    def __init__(self, lw: LiveListerWatcher, namespace: str = "") -> None:
        self.lw = lw
        self.namespace_ = namespace
        self.list_kwargs: list[dict[str, Any]] = []
        self.watch_kwargs: list[dict[str, Any]] = []

    def namespace(self, ns: str) -> FakeResourceClient:
        return FakeResourceClient(self.lw, ns) if not self.list_kwargs else self

    def list(self, **kwargs: Any) -> dict[str, Any]:
        self.list_kwargs.append(kwargs)
        page = self.lw.list(ListOptions())
        return {"kind": "PodList", "metadata": {"resourceVersion": page.resource_version}, "items": page.items}

    def watch(self, **kwargs: Any) -> Any:
        self.watch_kwargs.append(kwargs)
        return self.lw.watch(ListOptions())


def wait_for(cond: Any, timeout: float = 5.0) -> None:
    poll_until(cond, interval=0.002, timeout=timeout)


def test_one_informer_per_resource_start_idempotent_sync_and_shutdown() -> None:
    lw = LiveListerWatcher([pod("a", "1", app="web"), pod("b", "1")])
    clients: list[FakeResourceClient] = []

    def client_for(ns: str) -> FakeResourceClient:
        c = FakeResourceClient(lw, ns)
        clients.append(c)
        return c

    def tweak(o: ListOptions) -> None:
        o.label_selector = "app=web"

    factory = SharedInformerFactory(
        None, resync=0, namespace="default", tweak_list_options=tweak, use_watch_list=False, **STORES
    )
    inf = factory.informer_for(PODS, client_for)
    assert factory.informer_for(PODS, client_for) is inf
    assert len(clients) == 1 and clients[0].namespace_ == "default"
    assert factory.wait_for_cache_sync(0.01) == {}  # nothing started yet
    factory.start()
    factory.start()
    try:
        assert factory.wait_for_cache_sync(5) == {PODS: True}
        wait_for(lambda: bool(clients[0].watch_kwargs))
        # The tweak applies to list and watch; the list keeps the reflector's RV and paging.
        assert clients[0].list_kwargs[0] == {"label_selector": "app=web", "resource_version": "0", "limit": 500}
        watch = clients[0].watch_kwargs[0]
        assert watch["label_selector"] == "app=web"
        assert watch["allow_watch_bookmarks"] is True and watch["resource_version"] == "100"
        assert "timeout" in watch  # the client-side read timeout
    finally:
        factory.shutdown()
    assert inf.is_stopped()


def test_for_resource_unknown_raises_and_registered_resolves() -> None:
    factory = SharedInformerFactory(None, use_watch_list=False, **STORES)
    with pytest.raises(UnknownResourceError, match="no informer found for v1, Resource=pods"):
        factory.for_resource(PODS)
    lw = LiveListerWatcher()
    factory.register(PODS, lambda ns: FakeResourceClient(lw, ns))
    generic = factory.for_resource(PODS)
    assert generic.informer() is factory.informer_for(PODS, lambda ns: pytest.fail("not called again"))


def test_transform_and_custom_resync_apply_per_resource() -> None:
    lw = LiveListerWatcher([pod("a", "1")])
    factory = SharedInformerFactory(
        None,
        resync=30,
        custom_resync={PODS: 5},
        transform=lambda o: dict(o, seen=True),
        use_watch_list=False,
        **STORES,
    )
    inf = factory.informer_for(PODS, lambda ns: FakeResourceClient(lw, ns))
    reg = inf.add_event_handler(on_add=lambda o, i: None)
    assert reg._state.resync_period == 5
    factory.start()
    try:
        assert factory.wait_for_cache_sync(5)[PODS]
        assert inf.get_store().list()[0]["seen"] is True
    finally:
        factory.shutdown()


class FakeDynamic:
    def __init__(self, lw: LiveListerWatcher) -> None:
        self.lw = lw
        self.asked: list[GVR] = []

    def resource(self, gvr: GVR) -> FakeResourceClient:
        self.asked.append(gvr)
        return FakeResourceClient(self.lw)


def test_dynamic_factory_serves_any_gvr() -> None:
    lw = LiveListerWatcher([pod("a", "1")])
    dyn = FakeDynamic(lw)
    factory = DynamicSharedInformerFactory(dyn, use_watch_list=False, **STORES)
    certs = GVR("cert-manager.io", "v1", "certificates")
    generic = factory.for_resource(certs)
    assert dyn.asked == [certs]
    factory.start()
    try:
        assert factory.wait_for_cache_sync(5) == {certs: True}
        assert generic.informer().get_indexer().list()[0]["metadata"]["name"] == "a"
    finally:
        factory.shutdown()


def test_async_dynamic_factory() -> None:
    from informers_fakes import AsyncLiveListerWatcher

    class AsyncClient:
        def __init__(self, lw: AsyncLiveListerWatcher) -> None:
            self.lw = lw

        async def list(self, **kwargs: Any) -> dict[str, Any]:
            page = await self.lw.list(ListOptions())
            return {"metadata": {"resourceVersion": page.resource_version}, "items": page.items}

        async def watch(self, **kwargs: Any) -> Any:
            return await self.lw.watch(ListOptions())

    class Dyn:
        def resource(self, gvr: GVR) -> AsyncClient:
            return AsyncClient(lw)

    lw = AsyncLiveListerWatcher([pod("a", "1"), pod("b", "1")])

    async def main() -> None:
        factory = AsyncDynamicSharedInformerFactory(Dyn(), use_watch_list=False, **STORES)
        generic = factory.for_resource(PODS)
        factory.start()
        assert await factory.wait_for_cache_sync(5) == {PODS: True}
        assert len(generic.informer().get_indexer().list()) == 2
        await factory.shutdown()
        assert generic.informer().is_stopped()

    asyncio.run(main())


class FakeRequest:
    def __init__(self, log: list[Any]) -> None:
        self.log = log

    def abs_path(self, *segments: str) -> FakeRequest:
        self.log.append(("path", "/" + "/".join(segments)))
        return self

    def set_header(self, k: str, v: str) -> FakeRequest:
        self.log.append(("header", k, v))
        return self

    def param(self, k: str, v: str) -> FakeRequest:
        self.log.append(("param", k, v))
        return self

    def timeout(self, t: float) -> FakeRequest:
        self.log.append(("timeout", t))
        return self

    def do(self) -> Any:
        body = {"kind": "PartialObjectMetadataList", "metadata": {"resourceVersion": "7", "continue": "x"}, "items": []}
        return type("R", (), {"json": lambda _self: body})()

    def watch(self) -> Any:
        return iter([])


class FakeRest:
    def __init__(self) -> None:
        self.log: list[Any] = []

    def get(self) -> FakeRequest:
        return FakeRequest(self.log)


def test_metadata_list_watch_pins_the_wire() -> None:
    rest = FakeRest()
    lw = MetadataListWatch(rest, GVR("apps", "v1", "deployments"), namespace="ns1")
    page = lw.list(ListOptions(resource_version="0", limit=500))
    assert (page.resource_version, page.continue_) == ("7", "x")
    assert rest.log == [
        ("path", "/apis/apps/v1/namespaces/ns1/deployments"),
        ("header", "Accept", METADATA_LIST_ACCEPT),
        ("param", "resourceVersion", "0"),
        ("param", "limit", "500"),
    ]
    rest.log.clear()
    lw.watch(ListOptions(resource_version="7", allow_watch_bookmarks=True, timeout_seconds=300), read_timeout=330)
    assert rest.log == [
        ("path", "/apis/apps/v1/namespaces/ns1/deployments"),
        ("header", "Accept", METADATA_WATCH_ACCEPT),
        ("param", "resourceVersion", "7"),
        ("param", "timeoutSeconds", "300"),
        ("param", "allowWatchBookmarks", "true"),
        ("param", "watch", "true"),
        ("timeout", 330),
    ]
    core = MetadataListWatch(FakeRest(), GVR("", "v1", "pods"))
    core.list(ListOptions())
    assert core.rest.log[0] == ("path", "/api/v1/pods")


def test_metadata_factory_for_resource_builds_metadata_list_watch() -> None:
    factory = MetadataSharedInformerFactory(FakeRest(), namespace="ns1", use_watch_list=False, **STORES)
    inf = factory.for_resource(GVR("apps", "v1", "deployments")).informer()
    assert isinstance(inf.lister_watcher, MetadataListWatch)
    assert inf.lister_watcher.namespace == "ns1"


def test_list_options_send_explicit_false_and_skip_zero_values() -> None:
    opts = ListOptions(send_initial_events=False, limit=0, continue_="", timeout_seconds=0)
    assert opts.to_kwargs() == {"timeout_seconds": 0, "send_initial_events": False}
    assert opts.to_query() == [("timeoutSeconds", "0"), ("sendInitialEvents", "false")]


def test_list_page_from_typed_objects() -> None:
    class Meta:
        resource_version = "9"
        continue_ = "tok"

    class PodList:
        metadata = Meta()
        items = [1, 2]

    page = list_page_from(PodList())
    assert (page.items, page.resource_version, page.continue_) == ([1, 2], "9", "tok")


def test_resource_list_watch_drops_timeout_for_clients_without_it() -> None:
    class NoTimeout:
        def watch(self, *, resource_version: str | None = None) -> Any:
            return iter([])

    stream = ResourceListWatch(NoTimeout()).watch(ListOptions(resource_version="1"), read_timeout=5)
    assert list(stream) == []
