"""SharedInformerFactory: one shared informer per resource, started and synced together (client-go informer-gen's
factory, dynamicinformer and metadatainformer).

- `informer_for(gvr, client_for_namespace, indexers=)` is the hook typed (generated) code calls: it returns the one
  informer of `gvr`, creating it on first use over `client_for_namespace(namespace)` — a `ResourceClient` for the
  factory's namespace ("" = all namespaces). Options apply to every informer: `namespace`, `tweak_list_options`
  (mutates the ListOptions of both list and watch), `transform`, `resync` and per-resource `custom_resync`.
- `register(gvr, client_for_namespace)` makes a resource known to `for_resource(gvr)` (which raises
  `UnknownResourceError` for others); the dynamic and metadata factories know every GVR.
- `start()` starts the informers not yet started (call it again after adding informers); `shutdown()` stops them
  all and waits; `wait_for_cache_sync(timeout)` waits for the started informers and returns {gvr: synced}.

`SharedInformerFactory` (typed, over any ResourceClient), `DynamicSharedInformerFactory` (plain dicts for any GVR
over a `DynamicClient`) and `MetadataSharedInformerFactory` (PartialObjectMetadata dicts over a REST client) run on
threads; their asyncio counterparts live in `kubeclient.cache.aio.factory`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from kubeclient.cache.informer import SharedIndexInformer, Transform
from kubeclient.cache.listwatch import MetadataListWatch, ResourceListWatch, TweakListOptions
from kubeclient.schema import GVR

logger = logging.getLogger("kubeclient.cache")

__all__ = [
    "DynamicSharedInformerFactory",
    "FactoryOptions",
    "GenericInformer",
    "MetadataSharedInformerFactory",
    "SharedInformerFactory",
    "UnknownResourceError",
]

InformerT = TypeVar("InformerT")
Indexers = dict[str, Callable[[Any], list[str]]]


class UnknownResourceError(LookupError):
    """for_resource() was asked for a resource the factory does not know."""

    def __init__(self, gvr: GVR) -> None:
        super().__init__(f"no informer found for {gvr}")
        self.gvr = gvr


class FactoryOptions:
    """The options every informer of a factory shares."""

    def __init__(
        self,
        *,
        resync: float = 0.0,
        namespace: str = "",
        tweak_list_options: TweakListOptions | None = None,
        transform: Transform | None = None,
        custom_resync: dict[GVR, float] | None = None,
        use_watch_list: bool = True,
        reflector_options: dict[str, Any] | None = None,
        indexer_factory: Callable[[Indexers | None], Any] | None = None,
        queue_factory: Callable[[Callable[[Any], str], Any], Any] | None = None,
    ) -> None:
        self.resync = resync
        self.namespace = namespace
        self.tweak_list_options = tweak_list_options
        self.transform = transform
        self.custom_resync = dict(custom_resync or {})
        self.use_watch_list = use_watch_list
        self.reflector_options = dict(reflector_options or {})
        # Store choices: the default indexer and the in-order FIFO unless given (e.g. a DeltaFIFO).
        self.indexer_factory = indexer_factory
        self.queue_factory = queue_factory

    def informer_kwargs(self, gvr: GVR, indexers: Indexers | None) -> dict[str, Any]:
        """Keyword arguments for a (sync or async) shared informer of `gvr`."""
        return {
            "indexers": indexers,
            "resync": self.resync_for(gvr),
            "name": gvr.resource,
            "use_watch_list": self.use_watch_list,
            "reflector_options": self.reflector_options,
            "indexer": self.indexer_factory(indexers) if self.indexer_factory is not None else None,
            "queue_factory": self.queue_factory,
        }

    def resync_for(self, gvr: GVR) -> float:
        return self.custom_resync.get(gvr, self.resync)


class GenericInformer(Generic[InformerT]):
    """An informer and a lister over its indexer (client-go GenericInformer)."""

    def __init__(self, informer: InformerT, gvr: GVR) -> None:
        self._informer = informer
        self.gvr = gvr

    def informer(self) -> InformerT:
        return self._informer

    def lister(self) -> Any:
        from kubeclient.cache.listers import Lister

        return Lister(self._informer.get_indexer(), resource=self.gvr)  # type: ignore[attr-defined]


class BaseInformerFactory(Generic[InformerT]):
    """Options, the one-informer-per-GVR registry and for_resource; subclasses say how informers are built and run."""

    def __init__(self, options: FactoryOptions) -> None:
        self.options = options
        self.namespace = options.namespace
        self._lock = threading.RLock()
        self._informers: dict[GVR, InformerT] = {}
        self._started: set[GVR] = set()
        self._known: dict[GVR, Callable[[str], Any]] = {}
        self._shutting_down = False
        self._start_called = False
        self._warned_late = False

    def _make_informer(self, gvr: GVR, lister_watcher: Any, indexers: Indexers | None) -> InformerT:
        raise NotImplementedError

    def _lister_watcher(self, client: Any) -> Any:
        raise NotImplementedError

    def _client_for(self, gvr: GVR) -> Callable[[str], Any] | None:
        return self._known.get(gvr)

    def informer_for(
        self, gvr: GVR, client_for_namespace: Callable[[str], Any], *, indexers: Indexers | None = None
    ) -> InformerT:
        """The factory's informer for `gvr`, created over `client_for_namespace(self.namespace)` on first use."""
        with self._lock:
            informer = self._informers.get(gvr)
            if informer is None:
                lw = self._lister_watcher(client_for_namespace(self.namespace))
                informer = self._make_informer(gvr, lw, indexers)
                transform = self.options.transform
                if transform is not None:
                    informer.set_transform(transform)  # type: ignore[attr-defined]
                self._informers[gvr] = informer
                late = self._start_called and not self._shutting_down
                warn, self._warned_late = late and not self._warned_late, self._warned_late or late
            else:
                late = warn = False
        if late:
            # client-go leaves such an informer unstarted until Start is called again (a silent empty lister);
            # start it now, as a second start() would, and say once how to do it the usual way.
            if warn:
                logger.warning(
                    "informer for %s requested after the factory started: starting it now; request informers "
                    "before start() (or call start() again after requesting more)",
                    gvr,
                )
            self.start()
        return informer

    def start(self) -> None:
        raise NotImplementedError

    def register(self, gvr: GVR, client_for_namespace: Callable[[str], Any]) -> None:
        """Make `gvr` known to `for_resource` (generated factories register every resource they serve)."""
        with self._lock:
            self._known[gvr] = client_for_namespace

    def for_resource(self, gvr: GVR) -> GenericInformer[InformerT]:
        client_for = self._client_for(gvr)
        if client_for is None:
            raise UnknownResourceError(gvr)
        return GenericInformer(self.informer_for(gvr, client_for), gvr)

    def informers(self) -> dict[GVR, InformerT]:
        with self._lock:
            return dict(self._informers)

    def _to_start(self) -> list[tuple[GVR, InformerT]]:
        with self._lock:
            self._start_called = True
            if self._shutting_down:
                return []
            todo = [(gvr, inf) for gvr, inf in self._informers.items() if gvr not in self._started]
            self._started.update(gvr for gvr, _ in todo)
            return todo

    def _started_informers(self) -> dict[GVR, InformerT]:
        with self._lock:
            return {gvr: self._informers[gvr] for gvr in self._started}


class _ThreadFactory(BaseInformerFactory[SharedIndexInformer[Any]]):
    def _make_informer(self, gvr: GVR, lister_watcher: Any, indexers: Indexers | None) -> SharedIndexInformer[Any]:
        return SharedIndexInformer(lister_watcher, **self.options.informer_kwargs(gvr, indexers))

    def start(self) -> None:
        """Start every informer created since the last call (idempotent)."""
        for _, informer in self._to_start():
            informer.start()

    def shutdown(self, timeout: float | None = 5.0) -> None:
        """Stop every started informer and wait for them; the factory cannot start informers afterwards."""
        with self._lock:
            self._shutting_down = True
            started = list(self._started_informers().values())
        for informer in started:
            informer.stop(timeout)

    def wait_for_cache_sync(self, timeout: float | None = None, *, poll: float = 0.01) -> dict[GVR, bool]:
        """Wait until every started informer has synced (or `timeout` passes); returns {gvr: synced}."""
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
            time.sleep(poll)


class SharedInformerFactory(_ThreadFactory):
    """Typed informers over ResourceClients (the base the generated `kubeapi.informers` factory builds on).

    `client` is whatever the generated accessors need to build ResourceClients (the Clientset); the factory itself
    only keeps it for them.
    """

    def __init__(self, client: Any = None, *, resync: float = 0.0, **options: Any) -> None:
        super().__init__(FactoryOptions(resync=resync, **options))
        self.client = client

    def _lister_watcher(self, client: Any) -> Any:
        return ResourceListWatch(client, tweak_list_options=self.options.tweak_list_options)


class DynamicSharedInformerFactory(_ThreadFactory):
    """Informers over a `DynamicClient`: plain dicts, for any GVR (`for_resource` never refuses)."""

    def __init__(self, dynamic_client: Any, *, resync: float = 0.0, **options: Any) -> None:
        super().__init__(FactoryOptions(resync=resync, **options))
        self.client = dynamic_client

    def _lister_watcher(self, client: Any) -> Any:
        return ResourceListWatch(client, tweak_list_options=self.options.tweak_list_options)

    def _client_for(self, gvr: GVR) -> Callable[[str], Any] | None:
        known = self._known.get(gvr)
        if known is not None:
            return known

        def client_for(namespace: str) -> Any:
            resource = self.client.resource(gvr)
            return resource.namespace(namespace) if namespace else resource

        return client_for


class MetadataSharedInformerFactory(_ThreadFactory):
    """Metadata-only informers (PartialObjectMetadata dicts) for any GVR over a `RESTClient` of the server."""

    def __init__(self, rest_client: Any, *, resync: float = 0.0, **options: Any) -> None:
        super().__init__(FactoryOptions(resync=resync, **options))
        self.client = rest_client

    def _lister_watcher(self, client: Any) -> Any:
        return client

    def _client_for(self, gvr: GVR) -> Callable[[str], Any] | None:
        def lister_watcher_for(namespace: str) -> Any:
            return MetadataListWatch(
                self.client, gvr, namespace=namespace, tweak_list_options=self.options.tweak_list_options
            )

        return lister_watcher_for
