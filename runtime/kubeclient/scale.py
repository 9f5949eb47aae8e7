"""ScaleClient: the `scale` subresource of any resource that has one (client-go's polymorphic `scale` client).

    scales = ScaleClient.for_config(cfg).scales("default")
    s = scales.get("deployments.apps", "web")          # autoscaling/v1 Scale: spec.replicas, status.replicas/selector
    s["spec"]["replicas"] = 3; scales.update("deployments.apps", s)
    scales.patch("statefulsets", "db", {"spec": {"replicas": 0}})
    scales.get("crontabs.stable.example.com", "c")       # a CRD with subresources.scale works the same

The resource is named as kubectl names it (plural, singular, short name or kind, optionally `.group` or
`.version.group`; or a GVR) and resolved through discovery and the RESTMapper to the group's preferred version, as
client-go's `PreferredResourceMapper` does. A name the mapper does not know causes one refresh of discovery (a CRD
created after the client was made); a resource that has no scale subresource is refused before any request
(`NoScaleSubresourceError`). Scales are the wire-form dicts the server returns (autoscaling/v1 `Scale` for every
served API since extensions/v1beta1 went away); server errors propagate as `StatusError`s (a stale
resourceVersion in `update` is a ConflictError).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

import httpx

from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.discovery import AsyncDiscoveryClient, DiscoveryClient, RESTMapper
from kubeclient.discovery.restmapper import NoMatchError
from kubeclient.dynamic import dynamic_info
from kubeclient.resource import AsyncResourceClient, ResourceClient
from kubeclient.resource_plan import object_name
from kubeclient.rest.aio import AsyncRESTClient
from kubeclient.rest.client import RESTClient
from kubeclient.schema import GVR

__all__ = ["AsyncScaleClient", "NoScaleSubresourceError", "ScaleClient", "ScaleResolver"]

Scale = dict[str, Any]
ResourceName = str | GVR


class NoScaleSubresourceError(LookupError):
    """The resource exists but discovery lists no `scale` subresource for it."""


class ScaleResolver:
    """Resource name → (GVR, namespaced) of a resource with a scale subresource, from discovery facts (no I/O)."""

    def __init__(self, groups: Iterable[GroupInfo], resources: Iterable[Resource]) -> None:
        resources = list(resources)
        self.mapper = RESTMapper(groups, resources)
        self._by_gvr = {r.gvr: r for r in resources if "/" not in r.plural}
        self._scaled = {
            GVR(r.group, r.version, r.plural.partition("/")[0]) for r in resources if r.plural.endswith("/scale")
        }
        for r in resources:
            if "scale" in r.subresources:
                self._scaled.add(r.gvr)

    def resolve(self, resource: ResourceName) -> tuple[GVR, bool]:
        gvr = resource if isinstance(resource, GVR) else self.mapper.resource_for(resource)
        if not gvr.version:
            gvr = self.mapper.resource_for(f"{gvr.resource}.{gvr.group}" if gvr.group else gvr.resource)
        found = self._by_gvr.get(gvr)
        if found is None:
            raise NoMatchError(f"the server doesn't serve {gvr}")
        if gvr not in self._scaled:
            where = f"{gvr.resource}.{gvr.group}" if gvr.group else gvr.resource
            raise NoScaleSubresourceError(f"{where}/{gvr.version} has no scale subresource")
        return gvr, found.namespaced


class ScaleClient:
    """Scales of any scalable resource; `scales(namespace)` binds a namespace ("" for cluster-scoped ones)."""

    def __init__(self, rest: RESTClient, discovery: Any) -> None:
        self.rest = rest
        self.discovery = discovery
        self._resolver: ScaleResolver | None = None

    @classmethod
    def for_config(cls, cfg: Any, *, transport: httpx.BaseTransport | None = None) -> ScaleClient:
        rest = RESTClient.for_config(cfg, transport=transport)
        return cls(rest, DiscoveryClient.for_config(cfg, transport=transport))

    def _resolve(self, resource: ResourceName) -> tuple[GVR, bool]:
        for attempt in (0, 1):
            if self._resolver is None:
                self._resolver = ScaleResolver(*self.discovery.server_groups_and_resources())
            try:
                return self._resolver.resolve(resource)
            except NoMatchError:
                if attempt:
                    raise
                # A kind created after discovery was read (a new CRD): look once more, as a deferred mapper does.
                self.discovery.invalidate()
                self._resolver = None
        raise AssertionError("unreachable")

    def _client(self, resource: ResourceName, namespace: str) -> ResourceClient[Any, Any]:
        gvr, namespaced = self._resolve(resource)
        rest = self.rest.for_group_version(gvr.group, gvr.version)
        client: ResourceClient[Any, Any] = ResourceClient(rest, dynamic_info(gvr, namespaced=namespaced))
        return client.namespace(namespace) if namespaced else client

    def scales(self, namespace: str = "") -> NamespacedScales:
        return NamespacedScales(self, namespace)

    def close(self) -> None:
        self.rest.close()
        self.discovery.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NamespacedScales:
    def __init__(self, client: ScaleClient, namespace: str) -> None:
        self._client = client
        self.namespace = namespace

    def get(self, resource: ResourceName, name: str) -> Scale:
        result: Scale = self._client._client(resource, self.namespace).get_subresource(name, "scale")
        return result

    def update(
        self, resource: ResourceName, scale: Any, *, dry_run: Any = None, field_manager: str | None = None
    ) -> Scale:
        """PUT the Scale (its metadata.resourceVersion, when set, is a precondition)."""
        client = self._client._client(resource, self.namespace)
        result: Scale = client.update_subresource(
            object_name(scale), "scale", scale, dry_run=dry_run, field_manager=field_manager
        )
        return result

    def patch(
        self,
        resource: ResourceName,
        name: str,
        body: Any,
        patch_type: str = "merge",
        *,
        dry_run: Any = None,
        field_manager: str | None = None,
    ) -> Scale:
        client = self._client._client(resource, self.namespace)
        result: Scale = client.patch_subresource(
            name, "scale", body, patch_type, dry_run=dry_run, field_manager=field_manager
        )
        return result


class AsyncScaleClient:
    """`ScaleClient` on asyncio."""

    def __init__(self, rest: AsyncRESTClient, discovery: Any) -> None:
        self.rest = rest
        self.discovery = discovery
        self._resolver: ScaleResolver | None = None

    @classmethod
    def for_config(cls, cfg: Any, *, transport: httpx.AsyncBaseTransport | None = None) -> AsyncScaleClient:
        rest = AsyncRESTClient.for_config(cfg, transport=transport)
        return cls(rest, AsyncDiscoveryClient.for_config(cfg, transport=transport))

    async def _resolve(self, resource: ResourceName) -> tuple[GVR, bool]:
        for attempt in (0, 1):
            if self._resolver is None:
                self._resolver = ScaleResolver(*(await self.discovery.server_groups_and_resources()))
            try:
                return self._resolver.resolve(resource)
            except NoMatchError:
                if attempt:
                    raise
                self.discovery.invalidate()
                self._resolver = None
        raise AssertionError("unreachable")

    async def _client(self, resource: ResourceName, namespace: str) -> AsyncResourceClient[Any, Any]:
        gvr, namespaced = await self._resolve(resource)
        rest = self.rest.for_group_version(gvr.group, gvr.version)
        client: AsyncResourceClient[Any, Any] = AsyncResourceClient(rest, dynamic_info(gvr, namespaced=namespaced))
        return client.namespace(namespace) if namespaced else client

    def scales(self, namespace: str = "") -> AsyncNamespacedScales:
        return AsyncNamespacedScales(self, namespace)

    async def aclose(self) -> None:
        await self.rest.aclose()
        await self.discovery.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncNamespacedScales:
    def __init__(self, client: AsyncScaleClient, namespace: str) -> None:
        self._client = client
        self.namespace = namespace

    async def get(self, resource: ResourceName, name: str) -> Scale:
        client = await self._client._client(resource, self.namespace)
        result: Scale = await client.get_subresource(name, "scale")
        return result

    async def update(
        self, resource: ResourceName, scale: Any, *, dry_run: Any = None, field_manager: str | None = None
    ) -> Scale:
        client = await self._client._client(resource, self.namespace)
        result: Scale = await client.update_subresource(
            object_name(scale), "scale", scale, dry_run=dry_run, field_manager=field_manager
        )
        return result

    async def patch(
        self,
        resource: ResourceName,
        name: str,
        body: Any,
        patch_type: str = "merge",
        *,
        dry_run: Any = None,
        field_manager: str | None = None,
    ) -> Scale:
        client = await self._client._client(resource, self.namespace)
        result: Scale = await client.patch_subresource(
            name, "scale", body, patch_type, dry_run=dry_run, field_manager=field_manager
        )
        return result
