"""DynamicClient: the verbs of any resource, built-in or custom, over plain dicts (client-go dynamic).

`DynamicClient.for_config(cfg).resource(GVR("cert-manager.io", "v1", "certificates")).namespace("default").list()`
returns the list as a dict with wire names; convert with a generated model's `from_dict` when a type is known
(the counterpart of runtime.DefaultUnstructuredConverter).
"""

from __future__ import annotations

from typing import Any, Self

import httpx

from kubeclient.resource import AsyncResourceClient, ResourceClient
from kubeclient.resource_plan import ALL_VERBS, ResourceInfo
from kubeclient.rest.aio import AsyncRESTClient
from kubeclient.rest.client import RESTClient
from kubeclient.schema import GVR

__all__ = ["AsyncDynamicClient", "DynamicClient", "dynamic_info"]

Unstructured = dict[str, Any]


def dynamic_info(gvr: GVR, *, kind: str = "", namespaced: bool | None = None) -> ResourceInfo:
    """Resource facts for a GVR; scope unknown (None) unless given: the namespace segment is then written
    exactly when the client is bound to a namespace, as client-go's dynamic client does."""
    return ResourceInfo(gvr.group, gvr.version, gvr.resource, kind, namespaced, ALL_VERBS)


class DynamicClient:
    def __init__(self, rest: RESTClient) -> None:
        self.rest = rest

    @classmethod
    def for_config(cls, cfg: Any, *, transport: httpx.BaseTransport | None = None) -> DynamicClient:
        return cls(RESTClient.for_config(cfg, transport=transport))

    def resource(
        self, gvr: GVR, *, kind: str = "", namespaced: bool | None = None
    ) -> ResourceClient[Unstructured, Unstructured]:
        rest = self.rest.for_group_version(gvr.group, gvr.version)
        return ResourceClient(rest, dynamic_info(gvr, kind=kind, namespaced=namespaced))

    def close(self) -> None:
        self.rest.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncDynamicClient:
    def __init__(self, rest: AsyncRESTClient) -> None:
        self.rest = rest

    @classmethod
    def for_config(cls, cfg: Any, *, transport: httpx.AsyncBaseTransport | None = None) -> AsyncDynamicClient:
        return cls(AsyncRESTClient.for_config(cfg, transport=transport))

    def resource(
        self, gvr: GVR, *, kind: str = "", namespaced: bool | None = None
    ) -> AsyncResourceClient[Unstructured, Unstructured]:
        rest = self.rest.for_group_version(gvr.group, gvr.version)
        return AsyncResourceClient(rest, dynamic_info(gvr, kind=kind, namespaced=namespaced))

    async def aclose(self) -> None:
        await self.rest.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
