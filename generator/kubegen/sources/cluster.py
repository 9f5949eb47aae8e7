"""A live cluster: the `/openapi/v3` index and every group-version document, plus discovery.

Aggregated discovery (`/api` and `/apis` as APIGroupDiscoveryList) is asked for first; a server that answers with
the legacy documents is read the legacy way (`/api/v1`, `/apis/<group>/<version>`). OpenAPI documents are fetched
concurrently over one connection pool. The raw documents are kept under the file names of kubegen's directory
layout, so a fetch can be saved as a snapshot and read back identically.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from kubeclient.apidocs import (
    APIDocuments,
    DocumentError,
    group_version_path,
    parse_aggregated,
    parse_group_list,
    parse_resource_list,
)
from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.config import Config
from kubeclient.discovery.core import AGGREGATED_ACCEPT, JSON_ACCEPT
from kubeclient.rest import RESTClient

__all__ = ["ClusterDocuments", "fetch_cluster"]

# Documents under /openapi/v3 that are not group-versions (and not needed to generate clients).
_NON_GROUP_VERSION_PATHS = ("api", "apis", "logs", "version", ".well-known")

Progress = Callable[[str], None]
DISCOVERY_QPS = 50.0
OPENAPI_WAIT = 30.0
OPENAPI_POLL_INTERVAL = 0.25
DISCOVERY_BURST = 300


@dataclass
class ClusterDocuments:
    """What a cluster served: discovery documents by file name, OpenAPI v3 documents by path."""

    source: str
    discovery: dict[str, Any] = field(default_factory=dict)
    openapi_v3: dict[str, Any] = field(default_factory=dict)
    version: Any | None = None

    def api_documents(self) -> APIDocuments:
        groups: list[GroupInfo] = []
        resources: list[Resource] = []
        for name in ("aggregated_api_v2.json", "aggregated_v2.json"):
            if name in self.discovery:
                g, r, _ = parse_aggregated(self.discovery[name], f"{self.source}/discovery/{name}")
                groups += g
                resources += r
        if "aggregated_api_v2.json" not in self.discovery and "api__v1.json" in self.discovery:
            groups.append(GroupInfo("", ("v1",)))
            resources += parse_resource_list(self.discovery["api__v1.json"], f"{self.source}/api/v1")
        if "aggregated_v2.json" not in self.discovery and "apis.json" in self.discovery:
            for group in parse_group_list(self.discovery["apis.json"], f"{self.source}/apis"):
                groups.append(group)
                for version in group.versions:
                    doc = self.discovery.get(f"apis__{group.name}__{version}.json")
                    if doc is not None:
                        resources += parse_resource_list(doc, f"{self.source}/apis/{group.name}/{version}")
        return APIDocuments(
            groups, resources, openapi_docs=dict(self.openapi_v3), version=self.version, source=self.source
        )


def _get(rest: RESTClient, path: str, accept: str) -> Any:
    return rest.get().abs_path(*path.strip("/").split("/")).set_header("Accept", accept).do().json()


def _is_aggregated(doc: Any) -> bool:
    return isinstance(doc, Mapping) and doc.get("kind") == "APIGroupDiscoveryList"


def _openapi_index(
    rest: RESTClient, host: str, wanted: Collection[str], wait: float, progress: Progress | None
) -> Mapping[str, Any]:
    """The `/openapi/v3` index once it lists every group-version discovery serves. kube-apiserver publishes a new
    CRD's document a few seconds after discovery lists it, so the index is polled for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    announced: set[str] = set()
    while True:
        index = _get(rest, "/openapi/v3", JSON_ACCEPT)
        paths = index.get("paths") if isinstance(index, Mapping) else None
        if not isinstance(paths, Mapping):
            raise DocumentError(f"{host}/openapi/v3", "/paths", "expected the OpenAPI v3 index (an object of paths)")
        missing = sorted(set(wanted) - set(paths))
        if not missing:
            return paths
        if time.monotonic() >= deadline:
            raise DocumentError(
                f"{host}/openapi/v3",
                "/paths",
                f"discovery serves {', '.join(missing)} but the OpenAPI v3 index has no document for "
                f"{'it' if len(missing) == 1 else 'them'} after {wait:.0f} s",
            )
        for path in missing:
            if progress and path not in announced:
                progress(f"waiting for the OpenAPI v3 document of {path}")
            announced.add(path)
        time.sleep(OPENAPI_POLL_INTERVAL)


def fetch_cluster(
    config: Any,
    *,
    transport: httpx.BaseTransport | None = None,
    concurrency: int = 8,
    progress: Progress | None = None,
    groups: Collection[str] | None = None,
    openapi_wait: float = OPENAPI_WAIT,
) -> ClusterDocuments:
    """Fetch discovery and every group-version OpenAPI v3 document from the server `config` points at; with
    `groups` (API group names, "core" or "" for the core group) only the OpenAPI documents of those groups.
    A group-version that discovery lists but the OpenAPI index does not yet (a CRD created a moment ago) is waited
    for up to `openapi_wait` seconds.

    Errors are `kubeclient.errors.StatusError` subclasses for HTTP failures and `DocumentError` for documents that
    are not what the path should serve.
    """
    host = str(getattr(config, "host", "<cluster>"))
    chosen = None if groups is None else {"" if g == "core" else g for g in groups}
    out = ClusterDocuments(source=host)
    if isinstance(config, Config) and config.qps < DISCOVERY_QPS:
        # Like kubectl's discovery client: a one-off burst of document reads should not crawl at 5 requests/s.
        config = dataclasses.replace(config, qps=DISCOVERY_QPS, burst=max(config.burst, DISCOVERY_BURST))
    with RESTClient.for_config(config, transport=transport) as rest:
        core = _get(rest, "/api", AGGREGATED_ACCEPT)
        if _is_aggregated(core):
            out.discovery["aggregated_api_v2.json"] = core
        else:
            out.discovery["api.json"] = core
            out.discovery["api__v1.json"] = _get(rest, "/api/v1", JSON_ACCEPT)
        group_list = _get(rest, "/apis", AGGREGATED_ACCEPT)
        if _is_aggregated(group_list):
            out.discovery["aggregated_v2.json"] = group_list
        else:
            out.discovery["apis.json"] = group_list
            for group in parse_group_list(group_list, f"{host}/apis"):
                for version in group.versions:
                    path = f"/apis/{group.name}/{version}"
                    out.discovery[f"apis__{group.name}__{version}.json"] = _get(rest, path, JSON_ACCEPT)
        if progress:
            progress("discovery")

        wanted = {
            group_version_path(r.group, r.version)
            for r in out.api_documents().resources()
            if chosen is None or r.group in chosen
        }
        paths = _openapi_index(rest, host, wanted, openapi_wait, progress)
        todo = sorted(p for p in paths if p in wanted and p not in _NON_GROUP_VERSION_PATHS)

        def fetch(path: str) -> tuple[str, Any]:
            entry = paths[path]
            url = entry.get("serverRelativeURL") if isinstance(entry, Mapping) else None
            target = str(url).split("?", 1) if url else [f"/openapi/v3/{path}"]
            request = rest.get().abs_path(*target[0].strip("/").split("/")).set_header("Accept", "application/json")
            if len(target) == 2:
                for pair in target[1].split("&"):
                    key, _, value = pair.partition("=")
                    request = request.param(key, value)
            return path, request.do().json()

        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            for path, doc in pool.map(fetch, todo):
                if not isinstance(doc, Mapping):
                    raise DocumentError(f"{host}/openapi/v3/{path}", "", "expected a JSON object")
                out.openapi_v3[path] = doc
                if progress:
                    progress(path)
    return out
