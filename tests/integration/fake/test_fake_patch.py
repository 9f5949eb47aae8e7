"""PATCH on the fake API server: JSON, merge and strategic merge patches and server-side apply."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import httpx
import pytest
from fake_helpers import CM, DEPLOY, configmap, deployment, wire

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("kubeclient.testing.patching") is None,
    reason="kubeclient.testing.patching (the patch engines) is not importable yet",
)

JSON_PATCH = "application/json-patch+json"
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


def patch(api: httpx.Client, path: str, ctype: str, body: Any, **params: str) -> httpx.Response:
    content = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return api.patch(path, content=content, headers={"Content-Type": ctype}, params=params)


def test_json_patch(api: httpx.Client) -> None:
    api.post(CM, json=configmap("p"))
    ops = [
        {"op": "add", "path": "/metadata/labels", "value": {"a": "b"}},
        {"op": "replace", "path": "/data/a", "value": "2"},
    ]
    done = patch(api, f"{CM}/p", JSON_PATCH, ops)
    assert done.status_code == 200
    assert done.json()["metadata"]["labels"] == {"a": "b"} and done.json()["data"] == {"a": "2"}
    failed = patch(api, f"{CM}/p", JSON_PATCH, [{"op": "test", "path": "/data/a", "value": "nope"}])
    assert failed.status_code == 422 and failed.json()["reason"] == "Invalid"


def test_merge_patch_and_stale_resource_version(api: httpx.Client) -> None:
    api.post(CM, json=configmap("p", {"a": "1", "b": "2"}))
    done = patch(api, f"{CM}/p", MERGE, {"data": {"a": None, "c": "3"}}).json()
    assert done["data"] == {"b": "2", "c": "3"}
    stale = patch(api, f"{CM}/p", MERGE, {"metadata": {"resourceVersion": "1"}, "data": {"b": "x"}})
    assert stale.status_code == 409
    assert stale.json()["message"].endswith(
        "the object has been modified; please apply your changes to the latest version and try again"
    )
    assert patch(api, f"{CM}/missing", MERGE, {"data": {}}).status_code == 404
    unknown = patch(api, f"{CM}/p", "text/plain", "x")
    assert unknown.status_code == 415


def test_strategic_merge_patch_merges_containers_by_name(api: httpx.Client) -> None:
    api.post(DEPLOY, json=deployment("web"))
    body = {"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox"}]}}}}
    done = patch(api, f"{DEPLOY}/web", STRATEGIC, body).json()
    names = [c["name"] for c in done["spec"]["template"]["spec"]["containers"]]
    assert names == ["sidecar", "nginx"]  # new patch items come first, as the real server merges
    assert done["metadata"]["generation"] == 2
    merge = patch(api, f"{DEPLOY}/web", MERGE, body).json()
    assert [c["name"] for c in merge["spec"]["template"]["spec"]["containers"]] == ["sidecar"]


def test_apply_creates_then_conflicts_like_real_server(api: httpx.Client) -> None:
    api.post(CM, json=configmap("cfg"), params={"fieldManager": "kubectl-create"})
    applied = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: changed\n"
    conflict = patch(api, f"{CM}/cfg", APPLY, applied, fieldManager="kubectl")
    assert (conflict.status_code, conflict.json()) == (409, wire("status-409-apply-conflict.json"))
    forced = patch(api, f"{CM}/cfg", APPLY, applied, fieldManager="kubectl", force="true")
    assert forced.status_code == 200 and forced.json()["data"] == {"a": "changed"}
    managers = {e["manager"]: e["operation"] for e in forced.json()["metadata"]["managedFields"]}
    assert managers.get("kubectl") == "Apply"
    created = patch(api, f"{CM}/fresh", APPLY, applied.replace("name: cfg", "name: fresh"), fieldManager="me")
    assert created.status_code == 201 and created.json()["metadata"]["uid"]
    as_json = json.dumps(configmap("fresh", {"a": "x"}))
    assert patch(api, f"{CM}/fresh", APPLY, as_json, fieldManager="me").json()["data"] == {"a": "x"}


def test_apply_of_the_same_value_shares_the_field(api: httpx.Client) -> None:
    applied = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: same\n"
    first = patch(api, f"{CM}/cfg", APPLY, applied, fieldManager="alice").json()
    # Nothing in the object changes, but ownership does: the write happens and both managers own data.a.
    second = patch(api, f"{CM}/cfg", APPLY, applied, fieldManager="bob").json()
    owners = {e["manager"]: e["fieldsV1"] for e in second["metadata"]["managedFields"]}
    assert owners == {"alice": {"f:data": {"f:a": {}}}, "bob": {"f:data": {"f:a": {}}}}
    assert int(second["metadata"]["resourceVersion"]) > int(first["metadata"]["resourceVersion"])
    # Applying it again changes nothing at all: no write, the resourceVersion stays.
    again = patch(api, f"{CM}/cfg", APPLY, applied, fieldManager="bob").json()
    assert again["metadata"]["resourceVersion"] == second["metadata"]["resourceVersion"]


def test_apply_requires_field_manager_and_force_requires_apply(api: httpx.Client) -> None:
    api.post(CM, json=configmap("cfg"))
    missing = patch(api, f"{CM}/cfg", APPLY, json.dumps(configmap("cfg")))
    assert missing.status_code == 422
    assert missing.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
    )
    forced = patch(api, f"{CM}/cfg", MERGE, {}, force="true")
    assert forced.status_code == 422
    assert "force: Forbidden: may not be specified for non-apply patch" in forced.json()["message"]


def test_patch_status_scale_and_dry_run(api: httpx.Client) -> None:
    api.post(DEPLOY, json=deployment("web", replicas=1))
    status = patch(api, f"{DEPLOY}/web/status", MERGE, {"status": {"replicas": 1}, "spec": {"replicas": 9}}).json()
    assert status["status"] == {"replicas": 1} and status["spec"]["replicas"] == 1
    main = patch(api, f"{DEPLOY}/web", MERGE, {"status": {"replicas": 5}}).json()
    assert main["status"] == {"replicas": 1}
    scale = patch(api, f"{DEPLOY}/web/scale", MERGE, {"spec": {"replicas": 3}}).json()
    assert scale["kind"] == "Scale" and scale["spec"]["replicas"] == 3
    dry = patch(api, f"{DEPLOY}/web", MERGE, {"spec": {"replicas": 7}}, dryRun="All").json()
    assert dry["spec"]["replicas"] == 7
    assert api.get(f"{DEPLOY}/web").json()["spec"]["replicas"] == 3
