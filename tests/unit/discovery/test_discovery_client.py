from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from kubeclient.config import Config
from kubeclient.discovery import (
    AmbiguousResourceError,
    DiscoveryClient,
    GroupDiscoveryFailedError,
    NoMatchError,
    RESTMapper,
    safe_host,
)
from kubeclient.schema import GVK, GVR

AGG = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def aggregated(
    groups: list[tuple[str, list[str], list[dict[str, Any]]]], stale: set[str] = frozenset()
) -> dict[str, Any]:
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "items": [
            {
                "metadata": {"name": name},
                "versions": [
                    {
                        "version": v,
                        "freshness": "Stale" if f"{name}/{v}" in stale else "Current",
                        "resources": resources,
                    }
                    for v in versions
                ],
            }
            for name, versions, resources in groups
        ],
    }


def res(plural: str, kind: str, short: list[str] | None = None, scope: str = "Namespaced") -> dict[str, Any]:
    return {
        "resource": plural,
        "singularResource": plural.rstrip("s"),
        "responseKind": {"group": "", "version": "", "kind": kind},
        "scope": scope,
        "verbs": ["get", "list"],
        "shortNames": short or [],
        "subresources": [{"subresource": "status", "verbs": ["get"], "responseKind": {"kind": kind}}],
    }


SYNTHETIC = {
    "/api": aggregated([("", ["v1"], [res("pods", "Pod", ["po"]), res("nodes", "Node", ["no"], "Cluster")])]),
    "/apis": aggregated(
        [
            ("apps", ["v1"], [res("deployments", "Deployment", ["deploy"])]),
            ("cert-manager.io", ["v1"], [res("certificates", "Certificate", ["cert"])]),
            ("other.example.com", ["v1"], [res("certificates", "Certificate")]),
        ]
    ),
}


class Server:
    """A scripted API server: path → (content type, body); counts requests."""

    def __init__(self, docs: dict[str, tuple[str, bytes]]) -> None:
        self.docs = docs
        self.requests: list[str] = []

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            self.requests.append(request.url.path)
            if request.url.path not in self.docs:
                return httpx.Response(
                    404, json={"kind": "Status", "code": 404, "reason": "NotFound", "message": "nope"}
                )
            ctype, body = self.docs[request.url.path]
            return httpx.Response(200, headers={"content-type": ctype}, content=body)

        return httpx.MockTransport(handler)


def client(server: Server, tmp_path: Path) -> DiscoveryClient:
    return DiscoveryClient.for_config(
        Config(host="https://127.0.0.1:6443"), cache_dir=tmp_path, transport=server.transport()
    )


def synthetic_server() -> Server:
    return Server({p: (AGG, json.dumps(d).encode()) for p, d in SYNTHETIC.items()})


def test_aggregated_discovery_and_disk_cache(tmp_path: Path) -> None:
    server = synthetic_server()
    groups, resources = client(server, tmp_path).server_groups_and_resources()
    assert [g.name for g in groups] == ["", "apps", "cert-manager.io", "other.example.com"]
    assert server.requests == ["/api", "/apis"]
    root = tmp_path / "discovery" / "127.0.0.1_6443"
    assert (root / "servergroups.json").exists() and (root / "apps" / "v1" / "serverresources.json").exists()
    assert stat.S_IMODE((root / "v1" / "serverresources.json").stat().st_mode) == 0o660
    assert stat.S_IMODE(root.stat().st_mode) == 0o750

    second = client(server, tmp_path)
    _, resources2 = second.server_groups_and_resources()
    assert server.requests == ["/api", "/apis"] and not second.fresh  # served from disk, no request
    assert {r.gvr for r in resources2} == {r.gvr for r in resources}
    assert [r.subresources["status"].kind for r in resources2 if r.plural == "pods"] == [GVK("", "v1", "Pod")]

    old = time.time() - 7 * 3600
    for path in root.rglob("*.json"):
        os.utime(path, (old, old))
    third = client(server, tmp_path)
    third.server_groups_and_resources()
    assert third.fresh and server.requests.count("/apis") == 2  # expired after six hours
    third.invalidate()
    assert not root.exists()


def test_stale_group_version_is_a_partial_failure(tmp_path: Path) -> None:
    docs = dict(SYNTHETIC)
    docs["/apis"] = aggregated(
        [("apps", ["v1"], [res("deployments", "Deployment")]), ("metrics.k8s.io", ["v1beta1"], [])],
        stale={"metrics.k8s.io/v1beta1"},
    )
    server = Server({p: (AGG, json.dumps(d).encode()) for p, d in docs.items()})
    with pytest.raises(GroupDiscoveryFailedError, match=r"metrics\.k8s\.io/v1beta1") as info:
        client(server, tmp_path).server_groups_and_resources()
    assert {r.plural for r in info.value.resources} >= {"pods", "deployments"}
    assert not (tmp_path / "discovery").exists()  # partial results are not cached


def test_legacy_fallback_matches_aggregated(shared_fixtures: Path, tmp_path: Path) -> None:
    disc = shared_fixtures / "kubernetes-1.36" / "discovery"
    legacy: dict[str, tuple[str, bytes]] = {"/api": ("application/json", (disc / "api.json").read_bytes())}
    for f in disc.glob("apis*.json"):
        path = "/" + f.stem.replace("__", "/")
        legacy[path] = ("application/json", f.read_bytes())
    legacy_server = Server(legacy)
    legacy_server.docs["/api/v1"] = ("application/json", (disc / "api__v1.json").read_bytes())
    groups, resources = client(legacy_server, tmp_path / "a").server_groups_and_resources()
    assert "/apis/apps/v1" in legacy_server.requests

    agg_server = Server(
        {
            "/api": ("application/json", (disc / "api.json").read_bytes()),
            "/api/v1": ("application/json", (disc / "api__v1.json").read_bytes()),
            "/apis": (AGG, (disc / "aggregated_v2.json").read_bytes()),
        }
    )
    groups2, resources2 = client(agg_server, tmp_path / "b").server_groups_and_resources()
    assert {(r.gvr, r.kind, r.namespaced) for r in resources} == {(r.gvr, r.kind, r.namespaced) for r in resources2}
    assert [g.name for g in groups] == [g.name for g in groups2]


def test_wire_aggregated_discovery_with_a_crd(shared_fixtures: Path, tmp_path: Path) -> None:
    body = (shared_fixtures / "wire" / "aggregated-discovery-with-crd.json").read_bytes()
    server = Server({"/apis": (AGG, body), "/api": (AGG, json.dumps(SYNTHETIC["/api"]).encode())})
    disc = client(server, tmp_path)
    lines = [f"name: {r.plural}, group: {r.group}, version: {r.version}" for r in disc.server_preferred_resources()]
    assert "name: certificates, group: cert-manager.io, version: v1" in lines
    mapper = RESTMapper.from_discovery(disc)
    assert mapper.resource_for("cert") == GVR("cert-manager.io", "v1", "certificates")


def test_restmapper_names_and_ambiguity(tmp_path: Path) -> None:
    mapper = RESTMapper.from_discovery(client(synthetic_server(), tmp_path))
    assert mapper.resource_for("po") == GVR("", "v1", "pods")
    assert mapper.resource_for("Deployment") == GVR("apps", "v1", "deployments")
    assert mapper.resource_for("deployments.apps") == GVR("apps", "v1", "deployments")
    assert mapper.resource_for("deployment.v1.apps") == GVR("apps", "v1", "deployments")
    assert mapper.kind_for(GVR("apps", "v1", "deployments")) == GVK("apps", "v1", "Deployment")
    assert not mapper.rest_mapping(GVK("", "v1", "Node")).namespaced
    with pytest.raises(
        AmbiguousResourceError, match=r"certificates\.v1\.cert-manager\.io, certificates\.v1\.other\.example\.com"
    ):
        mapper.resource_for("certificates")
    assert mapper.resource_for("certificates.cert-manager.io").group == "cert-manager.io"
    with pytest.raises(NoMatchError, match="doesn't have a resource type 'widgets'"):
        mapper.resource_for("widgets")


def test_builtin_groups_win_over_custom_ones(snapshot_dir: Path) -> None:
    from kubeclient.apidocs import APIDocuments

    docs = APIDocuments.from_directory(snapshot_dir)
    mapper = RESTMapper(docs.groups(), docs.resources())
    assert mapper.resource_for("events") == GVR("", "v1", "events")
    assert mapper.resource_for("hpa") == GVR("autoscaling", "v2", "horizontalpodautoscalers")
    assert set(mapper.resources_for_category("all")) >= {GVR("", "v1", "pods"), GVR("apps", "v1", "deployments")}


def test_safe_host() -> None:
    assert safe_host("https://127.0.0.1:6443") == "127.0.0.1_6443"
    assert safe_host("https://example.com/k8s/clusters/c-1") == "example.com/k8s/clusters/c_1"


def test_server_version_and_errors(tmp_path: Path) -> None:
    server = Server({"/version": ("application/json", b'{"gitVersion": "v1.36.2"}')})
    disc = client(server, tmp_path)
    assert disc.server_version()["gitVersion"] == "v1.36.2"
    server.docs.clear()
    from kubeclient.errors import NotFoundError

    with pytest.raises(NotFoundError):
        disc.server_version()


def test_async_discovery_matches_sync(tmp_path: Path) -> None:
    import asyncio

    from kubeclient.discovery import AsyncDiscoveryClient

    server = synthetic_server()
    sync_groups, sync_resources = client(server, tmp_path / "sync").server_groups_and_resources()

    class AsyncTransport(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.inner = server.transport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = self.inner.handle_request(request)
            response.read()
            return response

    async def main() -> tuple[list[str], set[object], bool]:
        async with AsyncDiscoveryClient.for_config(
            Config(host="https://127.0.0.1:6443"), cache_dir=tmp_path / "async", transport=AsyncTransport()
        ) as disc:
            groups, resources = await disc.server_groups_and_resources()
            return [g.name for g in groups], {r.gvr for r in resources}, disc.fresh

    names, gvrs, fresh = asyncio.run(main())
    assert names == [g.name for g in sync_groups] and fresh
    assert gvrs == {r.gvr for r in sync_resources}
