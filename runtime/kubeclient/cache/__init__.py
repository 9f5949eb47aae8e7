"""Informer machinery (client-go tools/cache): keys, stores and indexers, delta queues, listers, and — loaded on
first use so `import kubeclient.cache` stays cheap — reflectors, shared informers, factories and list/watch adapters."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kubeclient.cache.delta_fifo import (
    ADDED,
    DELETED,
    REPLACED,
    REPLACED_ALL,
    SYNC,
    UPDATED,
    DeletedFinalStateUnknown,
    Delta,
    DeltaFIFO,
    Deltas,
    FIFOClosedError,
    RequeueError,
)
from kubeclient.cache.fifo import RealFIFO, ReplacedAllInfo
from kubeclient.cache.index import NAMESPACE_INDEX, Indexers, IndexFunc, IndexNotFoundError, meta_namespace_index_func
from kubeclient.cache.keys import (
    ExplicitKey,
    KeyFunc,
    ObjectKeyError,
    deletion_handling_meta_namespace_key,
    meta_namespace_key,
    split_meta_namespace_key,
)
from kubeclient.cache.listers import Lister, NamespaceLister
from kubeclient.cache.store import Indexer, new_indexer, new_store

if TYPE_CHECKING:
    from kubeclient.cache.factory import (
        DynamicSharedInformerFactory,
        GenericInformer,
        MetadataSharedInformerFactory,
        SharedInformerFactory,
        UnknownResourceError,
    )
    from kubeclient.cache.informer import HandlerRegistration, ResourceEventHandlerFuncs, SharedIndexInformer
    from kubeclient.cache.listwatch import ListOptions, ListPage, MetadataListWatch, ResourceListWatch
    from kubeclient.cache.reflector import Reflector

# Lazily imported name -> defining module (these pull in httpx and threads machinery).
_LAZY = {
    "Reflector": "kubeclient.cache.reflector",
    "SharedIndexInformer": "kubeclient.cache.informer",
    "HandlerRegistration": "kubeclient.cache.informer",
    "ResourceEventHandlerFuncs": "kubeclient.cache.informer",
    "SharedInformerFactory": "kubeclient.cache.factory",
    "DynamicSharedInformerFactory": "kubeclient.cache.factory",
    "MetadataSharedInformerFactory": "kubeclient.cache.factory",
    "GenericInformer": "kubeclient.cache.factory",
    "UnknownResourceError": "kubeclient.cache.factory",
    "ListOptions": "kubeclient.cache.listwatch",
    "ListPage": "kubeclient.cache.listwatch",
    "ResourceListWatch": "kubeclient.cache.listwatch",
    "MetadataListWatch": "kubeclient.cache.listwatch",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ADDED",
    "DELETED",
    "NAMESPACE_INDEX",
    "REPLACED",
    "REPLACED_ALL",
    "SYNC",
    "UPDATED",
    "DeletedFinalStateUnknown",
    "Delta",
    "DeltaFIFO",
    "Deltas",
    "DynamicSharedInformerFactory",
    "ExplicitKey",
    "FIFOClosedError",
    "GenericInformer",
    "HandlerRegistration",
    "IndexFunc",
    "IndexNotFoundError",
    "Indexer",
    "Indexers",
    "KeyFunc",
    "ListOptions",
    "ListPage",
    "Lister",
    "MetadataListWatch",
    "MetadataSharedInformerFactory",
    "NamespaceLister",
    "ObjectKeyError",
    "RealFIFO",
    "Reflector",
    "ReplacedAllInfo",
    "RequeueError",
    "ResourceEventHandlerFuncs",
    "ResourceListWatch",
    "SharedIndexInformer",
    "SharedInformerFactory",
    "UnknownResourceError",
    "deletion_handling_meta_namespace_key",
    "meta_namespace_index_func",
    "meta_namespace_key",
    "new_indexer",
    "new_store",
    "split_meta_namespace_key",
]
