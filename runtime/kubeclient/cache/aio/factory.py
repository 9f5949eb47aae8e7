"""asyncio informer factories: the same options and registry as `kubeclient.cache.factory`, over async clients.

`start()` (call on the loop) starts informers not yet started; `await shutdown()`; `await wait_for_cache_sync(timeout)`
returns {gvr: synced} for the started informers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from kubeclient.cache.aio.informer import AsyncSharedIndexInformer
from kubeclient.cache.factory import BaseInformerFactory, FactoryOptions, Indexers
from kubeclient.cache.listwatch import AsyncMetadataListWatch, AsyncResourceListWatch
from kubeclient.schema import GVR

__all__ = [
    "AsyncDynamicSharedInformerFactory",
    "AsyncMetadataSharedInformerFactory",
    "AsyncSharedInformerFactory",
]


class _AsyncFactory(BaseInformerFactory[AsyncSharedIndexInformer[Any]]):
    def _make_informer(self, gvr: GVR, lister_watcher: Any, indexers: Indexers | None) -> AsyncSharedIndexInformer[Any]:
        return AsyncSharedIndexInformer(lister_watcher, **self.options.informer_kwargs(gvr, indexers))

    def start(self) -> None:
        for _, informer in self._to_start():
            informer.start()

    async def shutdown(self) -> None:
        with self._lock:
            self._shutting_down = True
            started = list(self._started_informers().values())
        for informer in started:
            await informer.stop()

    async def wait_for_cache_sync(self, timeout: float | None = None, *, poll: float = 0.01) -> dict[GVR, bool]:
        deadline = None if timeout is None else time.monotonic() + timeout
        informers = self._started_informers()
        while True:
            result = {gvr: inf.has_synced() for gvr, inf in informers.items()}
            if all(result.values()):
                return result
            if deadline is not None and time.monotonic() >= deadline:
                return result
            if all(inf.is_stopped() for gvr, inf in informers.items() if not result[gvr]):
                return result
            await asyncio.sleep(poll)


class AsyncSharedInformerFactory(_AsyncFactory):
    """Typed informers over AsyncResourceClients (the base of the generated async informer factory)."""

    def __init__(self, client: Any = None, *, resync: float = 0.0, **options: Any) -> None:
        super().__init__(FactoryOptions(resync=resync, **options))
        self.client = client

    def _lister_watcher(self, client: Any) -> Any:
        return AsyncResourceListWatch(client, tweak_list_options=self.options.tweak_list_options)


class AsyncDynamicSharedInformerFactory(_AsyncFactory):
    """Informers over an `AsyncDynamicClient`: plain dicts, any GVR."""

    def __init__(self, dynamic_client: Any, *, resync: float = 0.0, **options: Any) -> None:
        super().__init__(FactoryOptions(resync=resync, **options))
        self.client = dynamic_client

    def _lister_watcher(self, client: Any) -> Any:
        return AsyncResourceListWatch(client, tweak_list_options=self.options.tweak_list_options)

    def _client_for(self, gvr: GVR) -> Callable[[str], Any] | None:
        known = self._known.get(gvr)
        if known is not None:
            return known

        def client_for(namespace: str) -> Any:
            resource = self.client.resource(gvr)
            return resource.namespace(namespace) if namespace else resource

        return client_for


class AsyncMetadataSharedInformerFactory(_AsyncFactory):
    """Metadata-only informers (PartialObjectMetadata dicts) over an `AsyncRESTClient`, any GVR."""

    def __init__(self, rest_client: Any, *, resync: float = 0.0, **options: Any) -> None:
        super().__init__(FactoryOptions(resync=resync, **options))
        self.client = rest_client

    def _lister_watcher(self, client: Any) -> Any:
        return client

    def _client_for(self, gvr: GVR) -> Callable[[str], Any] | None:
        def lister_watcher_for(namespace: str) -> Any:
            return AsyncMetadataListWatch(
                self.client, gvr, namespace=namespace, tweak_list_options=self.options.tweak_list_options
            )

        return lister_watcher_for
