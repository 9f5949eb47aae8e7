"""Discovery, version, OpenAPI and health endpoints of the fake API server."""

from __future__ import annotations

import httpx
from fake_helpers import wire

from kubeclient.apidocs import parse_aggregated
from kubeclient.testing import FakeAPIServer

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def test_legacy_discovery(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    versions = api.get("/api").json()
    assert versions["kind"] == "APIVersions" and versions["versions"] == ["v1"]
    core = api.get("/api/v1").json()
    assert core["kind"] == "APIResourceList" and core["groupVersion"] == "v1"
    by_name = {r["name"]: r for r in core["resources"]}
    assert by_name["configmaps"]["shortNames"] == ["cm"] and by_name["configmaps"]["namespaced"] is True
    assert "pods/status" in by_name and by_name["namespaces"]["namespaced"] is False
    groups = api.get("/apis").json()
    assert groups["kind"] == "APIGroupList"
    apps = next(g for g in groups["groups"] if g["name"] == "apps")
    assert apps["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    assert api.get("/apis/apps").json()["kind"] == "APIGroup"
    scale = next(r for r in api.get("/apis/apps/v1").json()["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


def test_aggregated_discovery_by_accept(api: httpx.Client) -> None:
    answer = api.get("/apis", headers={"Accept": f"{AGGREGATED},application/json"})
    assert answer.headers["content-type"] == AGGREGATED
    body = answer.json()
    assert body["kind"] == "APIGroupDiscoveryList" and body["apiVersion"] == "apidiscovery.k8s.io/v2"
    _, resources, stale = parse_aggregated(body, "/apis")
    assert not stale and any(r.plural == "deployments" for r in resources)
    real = wire("aggregated-discovery-with-crd.json")
    real_apps = next(i for i in real["items"] if i["metadata"]["name"] == "apps")
    mine_apps = next(i for i in body["items"] if i["metadata"]["name"] == "apps")
    real_deploy = next(r for r in real_apps["versions"][0]["resources"] if r["resource"] == "deployments")
    mine_deploy = next(r for r in mine_apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert mine_deploy == real_deploy
    core = api.get("/api", headers={"Accept": AGGREGATED}).json()
    assert core["items"][0]["metadata"] == {} and core["items"][0]["versions"][0]["version"] == "v1"


def test_version_health_and_openapi(api: httpx.Client) -> None:
    version = api.get("/version").json()
    assert (version["major"], version["minor"]) == ("1", "36")
    for path in ("/healthz", "/readyz", "/livez"):
        assert api.get(path).text == "ok"
    index = api.get("/openapi/v3").json()["paths"]
    url = index["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/apps/v1?hash=")
    doc = api.get(url).json()
    assert "io.k8s.api.apps.v1.Deployment" in doc["components"]["schemas"]
    assert api.get("/openapi/v2").json()["swagger"] == "2.0"
    assert api.get("/openapi/v3/apis/nope/v1").status_code == 404


def test_not_acceptable(api: httpx.Client) -> None:
    answer = api.get("/api/v1/namespaces", headers={"Accept": "application/vnd.kubernetes.protobuf"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/vnd.kubernetes.protobuf"
    refused = api.get("/api/v1/namespaces", headers={"Accept": "text/html"})
    assert refused.status_code == 406
    assert refused.json()["reason"] == "NotAcceptable"
