"""asyncio variants of the reflector, shared informer and informer factories, over the same stores and flow."""

from __future__ import annotations

from kubeclient.cache.aio.factory import (
    AsyncDynamicSharedInformerFactory,
    AsyncMetadataSharedInformerFactory,
    AsyncSharedInformerFactory,
)
from kubeclient.cache.aio.informer import AsyncSharedIndexInformer
from kubeclient.cache.aio.reflector import AsyncReflector

__all__ = [
    "AsyncDynamicSharedInformerFactory",
    "AsyncMetadataSharedInformerFactory",
    "AsyncReflector",
    "AsyncSharedIndexInformer",
    "AsyncSharedInformerFactory",
]
