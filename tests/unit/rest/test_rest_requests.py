"""The wire of every verb, pinned: method, path, query and body (kube-rs style), through httpx.MockTransport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from kubeclient.config import Config
from kubeclient.resource import ResourceClient
from kubeclient.resource_plan import ResourceInfo, go_duration
from kubeclient.rest import RequestError, RESTClient

PODS = ResourceInfo("", "v1", "pods", "Pod", True)
NODES = ResourceInfo("", "v1", "nodes", "Node", False)
DEPLOYMENTS = ResourceInfo("apps", "v1", "deployments", "Deployment", True)


class Recorder:
    def __init__(self, answer: Any = None, status: int = 200) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer if answer is not None else {"kind": "Pod", "metadata": {"name": "p"}}
        self.status = status

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.answer)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def rest_for(recorder: Recorder, group: str = "", version: str = "v1") -> RESTClient:
    cfg = Config("http://kube.test", qps=-1)
    return RESTClient.for_config(cfg, group=group, version=version, transport=httpx.MockTransport(recorder))


def query(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())


def test_builder_paths_and_repeated_params() -> None:
    rec = Recorder()
    rc = rest_for(rec)
    rc.get().namespace("default").resource("pods").param("limit", 100).do()
    assert rec.last.url.path == "/api/v1/namespaces/default/pods"
    assert query(rec.last) == [("limit", "100")]
    rc.post().resource("nodes").param("dryRun", "All").param("dryRun", "All").body({"a": 1}).do()
    assert rec.last.url.path == "/api/v1/nodes"
    assert query(rec.last) == [("dryRun", "All"), ("dryRun", "All")]
    assert json.loads(rec.last.content) == {"a": 1}
    assert rec.last.headers["content-type"] == "application/json"
    assert rec.last.headers["accept"] == "application/json, */*"
    apps = rest_for(rec, "apps", "v1")
    apps.get().namespace("ns").resource("deployments").name("web").subresource("scale").do()
    assert rec.last.url.path == "/apis/apps/v1/namespaces/ns/deployments/web/scale"
    rc.get().abs_path("/openapi/v3").do()
    assert rec.last.url.path == "/openapi/v3"


@pytest.mark.parametrize("bad", ["", ".", "..", "a/b", "a%b"])
def test_invalid_names_never_reach_the_wire(bad: str) -> None:
    rec = Recorder()
    rc = rest_for(rec)
    with pytest.raises(RequestError):
        rc.get().namespace("default").resource("pods").name(bad).do()
    assert rec.requests == []


def test_empty_namespace_lists_across_namespaces() -> None:
    rec = Recorder({"items": []})
    client: ResourceClient[Any, Any] = ResourceClient(rest_for(rec), PODS, namespace="")
    client.list()
    assert rec.last.url.path == "/api/v1/pods"


def test_list_options_encoding() -> None:
    rec = Recorder({"items": []})
    client: ResourceClient[Any, Any] = ResourceClient(rest_for(rec), PODS, namespace="default")
    client.list(limit=0, label_selector="app=web", timeout_seconds=0, send_initial_events=False)
    # timeoutSeconds=0 and sendInitialEvents=false are explicitly set optionals: sent; limit=0 is not.
    assert query(rec.last) == [("labelSelector", "app=web"), ("timeoutSeconds", "0"), ("sendInitialEvents", "false")]
    client.list(timeout_seconds=90, limit=5, continue_="tok")
    assert query(rec.last) == [("timeoutSeconds", "90"), ("limit", "5"), ("continue", "tok"), ("timeout", "1m30s")]


def test_verbs_wire() -> None:
    rec = Recorder()
    client: ResourceClient[Any, Any] = ResourceClient(rest_for(rec, "apps", "v1"), DEPLOYMENTS, namespace="ns")
    obj = {"metadata": {"name": "web"}, "spec": {"replicas": 1}}
    client.get("web", resource_version="0")
    assert (rec.last.method, rec.last.url.path, query(rec.last)) == (
        "GET",
        "/apis/apps/v1/namespaces/ns/deployments/web",
        [("resourceVersion", "0")],
    )
    client.create(obj, dry_run=True, field_manager="me")
    assert (rec.last.method, rec.last.url.path) == ("POST", "/apis/apps/v1/namespaces/ns/deployments")
    assert query(rec.last) == [("dryRun", "All"), ("fieldManager", "me")]
    assert json.loads(rec.last.content) == obj
    client.update(obj, field_validation="Strict")
    assert (rec.last.method, rec.last.url.path) == ("PUT", "/apis/apps/v1/namespaces/ns/deployments/web")
    assert query(rec.last) == [("fieldValidation", "Strict")]
    client.update_status(obj)
    assert rec.last.url.path == "/apis/apps/v1/namespaces/ns/deployments/web/status"
    client.patch("web", [{"op": "replace", "path": "/spec/replicas", "value": 3}], "json")
    assert rec.last.method == "PATCH"
    assert rec.last.headers["content-type"] == "application/json-patch+json"
    client.patch("web", {"spec": {"replicas": 2}}, "strategic", subresource="scale")
    assert rec.last.url.path == "/apis/apps/v1/namespaces/ns/deployments/web/scale"
    assert rec.last.headers["content-type"] == "application/strategic-merge-patch+json"
    client.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}, field_manager="ctl")
    assert rec.last.headers["content-type"] == "application/apply-patch+yaml"
    assert query(rec.last) == [("force", "false"), ("fieldManager", "ctl")]
    client.apply_status({"metadata": {"name": "web"}}, field_manager="ctl", force=True)
    assert rec.last.url.path.endswith("/web/status")
    assert query(rec.last) == [("force", "true"), ("fieldManager", "ctl")]
    with pytest.raises(ValueError, match="field_manager"):
        client.apply({"metadata": {"name": "web"}}, field_manager="")
    client.delete("web", propagation_policy="Foreground", grace_period_seconds=0, preconditions={"uid": "u"})
    assert (rec.last.method, rec.last.url.path) == ("DELETE", "/apis/apps/v1/namespaces/ns/deployments/web")
    assert json.loads(rec.last.content) == {
        "gracePeriodSeconds": 0,
        "preconditions": {"uid": "u"},
        "propagationPolicy": "Foreground",
    }
    client.delete_collection(label_selector="app=web", dry_run="All")
    assert (rec.last.method, rec.last.url.path) == ("DELETE", "/apis/apps/v1/namespaces/ns/deployments")
    assert query(rec.last) == [("labelSelector", "app=web")]
    assert json.loads(rec.last.content) == {"dryRun": ["All"]}


def test_cluster_scoped_and_namespace_required() -> None:
    rec = Recorder()
    nodes: ResourceClient[Any, Any] = ResourceClient(rest_for(rec), NODES)
    nodes.get("n1")
    assert rec.last.url.path == "/api/v1/nodes/n1"
    with pytest.raises(ValueError, match="cluster-scoped"):
        nodes.namespace("x")
    pods: ResourceClient[Any, Any] = ResourceClient(rest_for(rec), PODS)
    with pytest.raises(ValueError, match="namespaced"):
        pods.get("p")
    # create falls back to the object's namespace
    pods.create({"metadata": {"name": "p", "namespace": "team"}})
    assert rec.last.url.path == "/api/v1/namespaces/team/pods"


def test_watch_sets_watch_and_timeout() -> None:
    body = b'{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n'

    def handler(request: httpx.Request) -> httpx.Response:
        handler.seen = request  # type: ignore[attr-defined]
        return httpx.Response(200, content=body)

    rc = RESTClient.for_config(Config("http://kube.test"), transport=httpx.MockTransport(handler))
    client: ResourceClient[Any, Any] = ResourceClient(rc, PODS, namespace="default")
    events = list(client.watch(resource_version="5", allow_watch_bookmarks=True, timeout_seconds=300))
    seen: httpx.Request = handler.seen  # type: ignore[attr-defined]
    assert query(seen) == [
        ("watch", "true"),
        ("allowWatchBookmarks", "true"),
        ("resourceVersion", "5"),
        ("timeoutSeconds", "300"),
        ("timeout", "5m0s"),
    ]
    assert [(e.type, e.object["metadata"]["name"]) for e in events] == [("ADDED", "a")]


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (5, "5s"), (60, "1m0s"), (90, "1m30s"), (3600, "1h0m0s"), (1.5, "1.5s")]
)
def test_go_duration(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text
