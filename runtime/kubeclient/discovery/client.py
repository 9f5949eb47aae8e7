"""DiscoveryClient: what the server serves, with kubectl's disk cache (client-go discovery + disk cache)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.discovery.cache import DiskCache
from kubeclient.discovery.core import (
    AGGREGATED_ACCEPT,
    JSON_ACCEPT,
    Discovered,
    Fetch,
    GroupDiscoveryFailedError,
    interpret_group_version,
    interpret_root,
    preferred_resources,
)
from kubeclient.discovery.transport import rest_fetch
from kubeclient.errors import error_from_response
from kubeclient.rest.client import RESTClient


def version_from(answer: tuple[int, str, bytes]) -> dict[str, Any]:
    status, _, body = answer
    if status >= 300:
        raise error_from_response(status, body)
    version = json.loads(body)
    return version if isinstance(version, dict) else {}


def resources_of(resources: list[Resource], group_version: str) -> list[Resource]:
    group, _, version = group_version.rpartition("/")
    return [r for r in resources if r.group == group and r.version == version]


class DiscoveryCacheMixin:
    """The disk-cache and memo handling shared by the sync and asyncio discovery clients."""

    cache: DiskCache | None
    fresh: bool
    _memo: tuple[list[GroupInfo], list[Resource]] | None

    def _init_cache(self, host: str, cache_dir: str | os.PathLike[str] | None, use_cache: bool) -> None:
        self.cache = DiskCache(host, cache_dir) if use_cache else None
        self.fresh = False
        self._memo = None

    def invalidate(self) -> None:
        """Forget the memo and the disk cache: the next question goes to the server."""
        self._memo = None
        if self.cache is not None:
            self.cache.invalidate()

    def _cached(self) -> tuple[list[GroupInfo], list[Resource]] | None:
        if self._memo is not None:
            return self._memo
        cached = self._from_cache()
        if cached is not None:
            self.fresh = False
            self._memo = cached
        return cached

    def _finish(self, found: Discovered) -> tuple[list[GroupInfo], list[Resource]]:
        self.fresh = True
        if found.failed:
            raise GroupDiscoveryFailedError(found.failed, found.groups, found.resources)
        self._store(found.groups, found.resources)
        self._memo = (found.groups, found.resources)
        return self._memo

    def _from_cache(self) -> tuple[list[GroupInfo], list[Resource]] | None:
        if self.cache is None:
            return None
        groups = self.cache.read_groups()
        if groups is None:
            return None
        resources: list[Resource] = []
        for g in groups:
            for v in g.versions:
                part = self.cache.read_resources(g.name, v)
                if part is None:
                    return None
                resources += part
        return groups, resources

    def _store(self, groups: list[GroupInfo], resources: list[Resource]) -> None:
        if self.cache is None:
            return
        self.cache.write_groups(groups)
        for g in groups:
            for v in g.versions:
                self.cache.write_resources(g.name, v, [r for r in resources if r.group == g.name and r.version == v])


class DiscoveryClient(DiscoveryCacheMixin):
    """Groups, resources and the server version; answers come from the disk cache while it is fresh.

    `fresh` tells whether the last answer came from the network. Partial failures raise
    `GroupDiscoveryFailedError` carrying what could be discovered.
    """

    def __init__(
        self,
        fetch: Fetch,
        *,
        host: str,
        cache_dir: str | os.PathLike[str] | None = None,
        use_cache: bool = True,
        closer: Callable[[], None] | None = None,
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
        transport: httpx.BaseTransport | None = None,
    ) -> DiscoveryClient:
        """Over a RESTClient of `cfg`; the disk cache at `cache_dir`, else $KUBECACHEDIR or ~/.kube/cache."""
        rest = RESTClient.for_config(cfg, transport=transport)
        return cls(rest_fetch(rest), host=cfg.host, cache_dir=cache_dir, use_cache=use_cache, closer=rest.close)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()

    def __enter__(self) -> DiscoveryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def server_version(self) -> dict[str, Any]:
        return version_from(self._fetch("/version", JSON_ACCEPT))

    def server_groups(self) -> list[GroupInfo]:
        return self.server_groups_and_resources()[0]

    def server_resources_for_group_version(self, group_version: str) -> list[Resource]:
        return resources_of(self.server_groups_and_resources()[1], group_version)

    def server_preferred_resources(self) -> list[Resource]:
        groups, resources = self.server_groups_and_resources()
        return preferred_resources(groups, resources)

    def server_groups_and_resources(self) -> tuple[list[GroupInfo], list[Resource]]:
        cached = self._cached()
        if cached is not None:
            return cached
        found = Discovered()
        for path in ("/api", "/apis"):
            interpret_root(path, self._fetch(path, AGGREGATED_ACCEPT), found)
        if found.pending:
            with ThreadPoolExecutor(max_workers=min(16, len(found.pending))) as pool:
                answers = dict(
                    zip(
                        found.pending,
                        pool.map(self._try_group_version, found.pending),
                        strict=True,
                    )
                )
            for gv, answer in answers.items():
                if isinstance(answer, BaseException):
                    found.failed[gv] = answer
                else:
                    found.resources += answer
        return self._finish(found)

    def _try_group_version(self, gv: str) -> list[Resource] | BaseException:
        path = f"/apis/{gv}" if "/" in gv else f"/api/{gv}"
        try:
            return interpret_group_version(gv, self._fetch(path, JSON_ACCEPT))
        except Exception as exc:  # one failing group-version must not hide the others
            return exc
