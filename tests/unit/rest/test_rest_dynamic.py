"""The dynamic client's verbs on plain dicts: exact wire for namespaced, cluster-scoped and unknown-scope GVRs."""

from __future__ import annotations

import json
from typing import Any

import httpx

from kubeclient import GVR
from kubeclient.config import Config
from kubeclient.dynamic import DynamicClient


def recording_client() -> tuple[DynamicClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"kind": "Certificate", "metadata": {"name": "c"}, "spec": {"x": 1}})

    return DynamicClient.for_config(Config("http://kube.test", qps=-1), transport=httpx.MockTransport(handler)), seen


def test_dynamic_verbs_on_a_custom_resource() -> None:
    dyn, seen = recording_client()
    certs = dyn.resource(GVR("cert-manager.io", "v1", "certificates")).namespace("default")
    obj: dict[str, Any] = certs.get("c")
    assert obj["spec"] == {"x": 1}
    certs.list(label_selector="team=a")
    certs.create({"metadata": {"name": "c"}})
    certs.update({"metadata": {"name": "c"}})
    certs.update_status({"metadata": {"name": "c"}})
    certs.patch("c", {"spec": {"x": 2}})
    certs.patch("c", {"status": {"ready": True}}, "merge", subresource="status")
    certs.apply(
        {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "c"}}, field_manager="m"
    )
    certs.delete("c", dry_run="All")
    certs.delete_collection(label_selector="team=a")
    base = "/apis/cert-manager.io/v1/namespaces/default/certificates"
    assert [(r.method, r.url.path) for r in seen] == [
        ("GET", f"{base}/c"),
        ("GET", base),
        ("POST", base),
        ("PUT", f"{base}/c"),
        ("PUT", f"{base}/c/status"),
        ("PATCH", f"{base}/c"),
        ("PATCH", f"{base}/c/status"),
        ("PATCH", f"{base}/c"),
        ("DELETE", f"{base}/c"),
        ("DELETE", base),
    ]
    assert seen[5].headers["content-type"] == "application/merge-patch+json"
    assert seen[7].headers["content-type"] == "application/apply-patch+yaml"
    assert json.loads(seen[8].content) == {"dryRun": ["All"]}


def test_unknown_scope_writes_namespace_only_when_bound() -> None:
    dyn, seen = recording_client()
    nodes = dyn.resource(GVR("", "v1", "nodes"))
    nodes.get("n1")
    pods = dyn.resource(GVR("", "v1", "pods"))
    pods.list()
    pods.namespace("kube-system").list()
    assert [r.url.path for r in seen] == ["/api/v1/nodes/n1", "/api/v1/pods", "/api/v1/namespaces/kube-system/pods"]
