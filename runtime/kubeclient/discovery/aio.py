"""AsyncDiscoveryClient: the asyncio twin of DiscoveryClient (same cache, same interpretation, concurrent fetches)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.discovery.client import DiscoveryCacheMixin, resources_of, version_from
from kubeclient.discovery.core import (
    AGGREGATED_ACCEPT,
    JSON_ACCEPT,
    Discovered,
    interpret_group_version,
    interpret_root,
    preferred_resources,
)
from kubeclient.discovery.transport import AsyncFetch, async_rest_fetch
from kubeclient.rest.aio import AsyncRESTClient

__all__ = ["AsyncDiscoveryClient"]


class AsyncDiscoveryClient(DiscoveryCacheMixin):
    def __init__(
        self,
        fetch: AsyncFetch,
        *,
        host: str,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        closer: Callable[[], Awaitable[None]] | None = None,
    ):
        self._fetch = fetch
        self._closer = closer
        self._init_cache(host, cache_dir, use_cache)

    @classmethod
    def for_config(
        cls,
        cfg: Any,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> AsyncDiscoveryClient:
        rest = AsyncRESTClient.for_config(cfg, transport=transport)
        return cls(async_rest_fetch(rest), host=cfg.host, cache_dir=cache_dir, use_cache=use_cache, closer=rest.aclose)

    async def aclose(self) -> None:
        if self._closer is not None:
            await self._closer()

    async def __aenter__(self) -> AsyncDiscoveryClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def server_version(self) -> dict[str, Any]:
        return version_from(await self._fetch("/version", JSON_ACCEPT))

    async def server_groups(self) -> list[GroupInfo]:
        return (await self.server_groups_and_resources())[0]

    async def server_resources_for_group_version(self, group_version: str) -> list[Resource]:
        return resources_of((await self.server_groups_and_resources())[1], group_version)

    async def server_preferred_resources(self) -> list[Resource]:
        groups, resources = await self.server_groups_and_resources()
        return preferred_resources(groups, resources)

    async def server_groups_and_resources(self) -> tuple[list[GroupInfo], list[Resource]]:
        cached = self._cached()
        if cached is not None:
            return cached
        found = Discovered()
        for path in ("/api", "/apis"):
            interpret_root(path, await self._fetch(path, AGGREGATED_ACCEPT), found)
        if found.pending:
            answers = await asyncio.gather(*(self._try_group_version(gv) for gv in found.pending))
            for gv, answer in zip(found.pending, answers, strict=True):
                if isinstance(answer, BaseException):
                    found.failed[gv] = answer
                else:
                    found.resources += answer
        return self._finish(found)

    async def _try_group_version(self, gv: str) -> list[Resource] | BaseException:
        path = f"/apis/{gv}" if "/" in gv else f"/api/{gv}"
        try:
            return interpret_group_version(gv, await self._fetch(path, JSON_ACCEPT))
        except Exception as exc:  # one failing group-version must not hide the others
            return exc
