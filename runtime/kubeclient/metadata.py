"""MetadataClient: get/list/watch/delete/patch of any resource as `PartialObjectMetadata` (client-go `metadata`).

    meta = MetadataClient.for_config(cfg)
    pods = meta.resource(GVR("", "v1", "pods")).namespace("default")
    pods.get("web")            # {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": {...}}
    pods.list()                # PartialObjectMetadataList; .watch() yields PartialObjectMetadata events
    pods.patch("web", {"metadata": {"labels": {"a": "b"}}})

The server sends only type and object metadata (labels, annotations, owners, finalizers...), never spec or status:
the cheap way to look at many objects, or at kinds whose schema is unknown. Reads and patches ask for the
`as=PartialObjectMetadata[List];g=meta.k8s.io;v=v1` representation; delete and delete_collection send nothing back.
There is no create or update: the server needs whole objects for those. The informers over this client are
`kubeclient.cache.factory.MetadataSharedInformerFactory`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Self

import httpx

from kubeclient.cache.listwatch import METADATA_LIST_ACCEPT, METADATA_WATCH_ACCEPT
from kubeclient.dynamic import dynamic_info
from kubeclient.resource_async import AsyncResourceClient
from kubeclient.resource_base import AbsentVerb
from kubeclient.resource_plan import Call
from kubeclient.resource_sync import ResourceClient
from kubeclient.rest.aio import AsyncRESTClient
from kubeclient.rest.client import RESTClient
from kubeclient.rest.flow import Result
from kubeclient.schema import GVR

__all__ = [
    "METADATA_ACCEPT",
    "METADATA_LIST_ACCEPT",
    "AsyncMetadataClient",
    "AsyncMetadataResourceClient",
    "MetadataClient",
    "MetadataResourceClient",
]

METADATA_ACCEPT = METADATA_WATCH_ACCEPT  # one object: GET, PATCH, and each watch event

PartialObjectMetadata = dict[str, Any]


def with_metadata_accept(call: Call) -> Call:
    """The call asking for the metadata-only representation (list form for a collection GET)."""
    if call.method == "GET":
        is_watch = any(k == "watch" for k, _ in call.params)
        accept = METADATA_LIST_ACCEPT if call.name is None and not is_watch else METADATA_ACCEPT
    elif call.method == "PATCH":
        accept = METADATA_ACCEPT
    else:
        return call
    return dataclasses.replace(call, headers={**call.headers, "Accept": accept})


class MetadataResourceClient(ResourceClient[PartialObjectMetadata, PartialObjectMetadata]):
    """The metadata verbs of one resource: get, list, list_all, watch, patch, delete, delete_collection."""

    create = AbsentVerb("create")
    update = AbsentVerb("update")
    update_status = AbsentVerb("update_status")
    apply = AbsentVerb("apply")
    apply_status = AbsentVerb("apply_status")

    def _do(self, call: Call) -> Result:
        return with_metadata_accept(call).configure(self.rest.verb(call.method)).do()

    def _watch(self, options: dict[str, Any], read_timeout: float | None) -> Call:
        return with_metadata_accept(super()._watch(options, read_timeout))


class AsyncMetadataResourceClient(AsyncResourceClient[PartialObjectMetadata, PartialObjectMetadata]):
    """`MetadataResourceClient` on asyncio."""

    create = AbsentVerb("create")
    update = AbsentVerb("update")
    update_status = AbsentVerb("update_status")
    apply = AbsentVerb("apply")
    apply_status = AbsentVerb("apply_status")

    async def _do(self, call: Call) -> Result:
        return await with_metadata_accept(call).configure(self.rest.verb(call.method)).do()

    def _watch(self, options: dict[str, Any], read_timeout: float | None) -> Call:
        return with_metadata_accept(super()._watch(options, read_timeout))


class MetadataClient:
    """Metadata-only access to every resource of a server (client-go metadata.NewForConfig)."""

    def __init__(self, rest: RESTClient) -> None:
        self.rest = rest

    @classmethod
    def for_config(cls, cfg: Any, *, transport: httpx.BaseTransport | None = None) -> MetadataClient:
        return cls(RESTClient.for_config(cfg, transport=transport))

    def resource(self, gvr: GVR, *, namespaced: bool | None = None) -> MetadataResourceClient:
        rest = self.rest.for_group_version(gvr.group, gvr.version)
        return MetadataResourceClient(rest, dynamic_info(gvr, namespaced=namespaced))

    def close(self) -> None:
        self.rest.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncMetadataClient:
    def __init__(self, rest: AsyncRESTClient) -> None:
        self.rest = rest

    @classmethod
    def for_config(cls, cfg: Any, *, transport: httpx.AsyncBaseTransport | None = None) -> AsyncMetadataClient:
        return cls(AsyncRESTClient.for_config(cfg, transport=transport))

    def resource(self, gvr: GVR, *, namespaced: bool | None = None) -> AsyncMetadataResourceClient:
        rest = self.rest.for_group_version(gvr.group, gvr.version)
        return AsyncMetadataResourceClient(rest, dynamic_info(gvr, namespaced=namespaced))

    async def aclose(self) -> None:
        await self.rest.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
