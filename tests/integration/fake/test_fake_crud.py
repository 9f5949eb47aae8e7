"""Storage verbs of the fake API server over HTTPS, compared with what a real kube-apiserver v1.36 answers."""

from __future__ import annotations

import importlib.util
import time
from typing import Any

import httpx
import pytest
from fake_helpers import CM, DEPLOY, client_for, configmap, deployment, shape, wire

from kubeclient.testing import FakeAPIServer


def test_create_get_shape_matches_real_configmap(api: httpx.Client) -> None:
    created = api.post(CM, json=configmap("cfg"), params={"fieldManager": "kubectl-create"})
    assert created.status_code == 201
    got = api.get(f"{CM}/cfg").json()
    real = wire("configmap.json")
    assert shape(got) == shape(real)
    assert got["metadata"]["managedFields"] == [
        {**real["metadata"]["managedFields"][0], "time": got["metadata"]["managedFields"][0]["time"]}
    ]
    assert "generation" not in got["metadata"]


def test_resource_versions_increase_cluster_wide(api: httpx.Client) -> None:
    a = int(api.post(CM, json=configmap("a")).json()["metadata"]["resourceVersion"])
    b = int(api.post(DEPLOY, json=deployment("web")).json()["metadata"]["resourceVersion"])
    c = int(api.put(f"{CM}/a", json=configmap("a", {"a": "2"})).json()["metadata"]["resourceVersion"])
    assert a < b < c


def test_errors_match_real_status_bodies(api: httpx.Client) -> None:
    missing = api.get(f"{CM}/nope")
    assert (missing.status_code, missing.json()) == (404, wire("status-404.json"))
    api.post(CM, json=configmap("cfg"))
    again = api.post(CM, json=configmap("cfg"))
    assert (again.status_code, again.json()) == (409, wire("status-409-alreadyexists.json"))
    stale = configmap("cfg", {"a": "2"})
    stale["metadata"]["resourceVersion"] = "1"
    conflict = api.put(f"{CM}/cfg", json=stale)
    assert (conflict.status_code, conflict.json()) == (409, wire("status-409-conflict.json"))
    bad_field = api.get(CM, params={"fieldSelector": "data.a=1"})
    assert (bad_field.status_code, bad_field.json()) == (400, wire("status-400-fieldselector.json"))


def test_group_resource_not_found_names_group(api: httpx.Client) -> None:
    body = api.get(f"{DEPLOY}/nope").json()
    assert body["message"] == 'deployments.apps "nope" not found'
    assert body["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}


def test_invalid_deployment_matches_real_422(api: httpx.Client) -> None:
    bad = deployment("bad")
    bad["spec"]["selector"] = {"matchLabels": {"a": "b"}}
    bad["spec"]["template"] = {"metadata": {"labels": {"a": "c"}}, "spec": {}}
    answer = api.post(DEPLOY, json=bad)
    assert (answer.status_code, answer.json()) == (422, wire("status-422-invalid.json"))


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({}, 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'),
        (
            {"name": "Bad_Name"},
            'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain',
        ),
    ],
)
def test_name_validation(api: httpx.Client, meta: dict[str, str], message: str) -> None:
    answer = api.post(CM, json={"metadata": meta, "data": {}})
    assert answer.status_code == 422
    assert answer.json()["reason"] == "Invalid"
    assert answer.json()["message"].startswith(message)
    assert answer.json()["details"]["causes"][0]["field"] == "metadata.name"


def test_generate_name(api: httpx.Client) -> None:
    obj = api.post(CM, json={"metadata": {"generateName": "gen-"}, "data": {}}).json()
    assert obj["metadata"]["name"].startswith("gen-") and len(obj["metadata"]["name"]) == 9
    assert obj["metadata"]["generateName"] == "gen-"


def test_missing_namespace_is_404(api: httpx.Client) -> None:
    answer = api.post("/api/v1/namespaces/nowhere/configmaps", json=configmap("x"))
    assert answer.status_code == 404
    assert answer.json()["message"] == 'namespaces "nowhere" not found'
    names = [n["metadata"]["name"] for n in api.get("/api/v1/namespaces").json()["items"]]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]


def test_namespace_mismatch_and_name_mismatch_are_400(api: httpx.Client) -> None:
    body = configmap("x")
    body["metadata"]["namespace"] = "kube-system"
    assert api.post(CM, json=body).status_code == 400
    api.post(CM, json=configmap("x"))
    answer = api.put(f"{CM}/x", json=configmap("y"))
    assert answer.status_code == 400
    assert answer.json()["message"] == "the name of the object (y) does not match the name on the URL (x)"


def test_cluster_scoped_paths(api: httpx.Client) -> None:
    created = api.post("/api/v1/namespaces", json={"metadata": {"name": "team"}})
    assert created.status_code == 201
    assert created.json()["status"] == {"phase": "Active"}
    assert "namespace" not in created.json()["metadata"]
    assert api.get("/api/v1/namespaces/team/nodes").status_code == 404
    assert api.post("/api/v1/namespaces/team/configmaps", json=configmap("c")).status_code == 201
    assert len(api.get("/api/v1/configmaps").json()["items"]) == 1


def test_generation_bumps_on_spec_change_only(api: httpx.Client) -> None:
    obj = api.post(DEPLOY, json=deployment("web")).json()
    assert obj["metadata"]["generation"] == 1
    obj["metadata"]["labels"]["extra"] = "x"
    obj = api.put(f"{DEPLOY}/web", json=obj).json()
    assert obj["metadata"]["generation"] == 1
    obj["spec"]["replicas"] = 5
    obj = api.put(f"{DEPLOY}/web", json=obj).json()
    assert obj["metadata"]["generation"] == 2


def test_noop_update_keeps_resource_version(api: httpx.Client) -> None:
    obj = api.post(CM, json=configmap("same")).json()
    again = api.put(f"{CM}/same", json=obj).json()
    assert again["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]


def test_status_subresource_semantics(api: httpx.Client) -> None:
    obj = api.post(DEPLOY, json={**deployment("web"), "status": {"replicas": 9}}).json()
    assert obj["status"] == {}
    obj["status"] = {"replicas": 3}
    obj["spec"]["replicas"] = 4
    main = api.put(f"{DEPLOY}/web", json=obj).json()
    assert main["status"] == {} and main["spec"]["replicas"] == 4
    main["status"] = {"replicas": 3}
    main["spec"]["replicas"] = 7
    status = api.put(f"{DEPLOY}/web/status", json=main).json()
    assert status["status"] == {"replicas": 3}
    assert status["spec"]["replicas"] == 4
    assert api.get(f"{DEPLOY}/web/status").json()["status"] == {"replicas": 3}
    entries = status["metadata"]["managedFields"]
    assert any(e.get("subresource") == "status" for e in entries)


def test_scale_subresource(api: httpx.Client) -> None:
    api.post(DEPLOY, json=deployment("web", replicas=2))
    scale = api.get(f"{DEPLOY}/web/scale").json()
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {"replicas": 2}
    assert scale["status"] == {"replicas": 0, "selector": "app=web"}
    scale["spec"]["replicas"] = 5
    updated = api.put(f"{DEPLOY}/web/scale", json=scale).json()
    assert updated["spec"]["replicas"] == 5
    assert api.get(f"{DEPLOY}/web").json()["spec"]["replicas"] == 5
    assert api.get(f"{CM}/x/scale").status_code == 404


def test_finalizers_delay_deletion(api: httpx.Client) -> None:
    body = configmap("fin")
    body["metadata"]["finalizers"] = ["example.com/hold"]
    api.post(CM, json=body)
    deleted = api.delete(f"{CM}/fin")
    assert deleted.status_code == 200
    held = deleted.json()
    assert held["metadata"]["deletionTimestamp"]
    assert held["metadata"]["deletionGracePeriodSeconds"] == 0
    assert api.get(f"{CM}/fin").status_code == 200
    held["metadata"]["finalizers"] = []
    assert api.put(f"{CM}/fin", json=held).status_code == 200
    assert api.get(f"{CM}/fin").status_code == 404


def test_delete_answers_status_or_object(api: httpx.Client) -> None:
    uid = api.post(CM, json=configmap("gone")).json()["metadata"]["uid"]
    status = api.delete(f"{CM}/gone", params={"gracePeriodSeconds": "0", "propagationPolicy": "Background"}).json()
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {"name": "gone", "kind": "configmaps", "uid": uid},
    }
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    api.post("/api/v1/namespaces/default/pods", json=pod)
    deleted = api.delete("/api/v1/namespaces/default/pods/p").json()
    assert deleted["kind"] == "Pod"
    bad = api.request("DELETE", f"{CM}/x", json={"propagationPolicy": "Sideways"})
    assert bad.status_code == 422


def test_delete_preconditions(api: httpx.Client) -> None:
    obj = api.post(CM, json=configmap("pre")).json()
    wrong = api.request("DELETE", f"{CM}/pre", json={"preconditions": {"uid": "other"}})
    assert wrong.status_code == 409
    # kube-apiserver's storage layer words it so, naming the Kind (see tests/differential).
    assert wrong.json()["message"] == (
        f'Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (other) does not match the '
        f"UID in record ({obj['metadata']['uid']}). The object might have been deleted and then recreated"
    )
    assert wrong.json()["details"] == {"name": "pre", "kind": "ConfigMap"}
    stale = api.request("DELETE", f"{CM}/pre", json={"preconditions": {"resourceVersion": "1"}})
    assert stale.status_code == 409
    assert stale.json()["message"] == (
        'Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not '
        f"match the ResourceVersion in record ({obj['metadata']['resourceVersion']}). The object might have been "
        "modified"
    )
    ok = api.request("DELETE", f"{CM}/pre", json={"preconditions": {"uid": obj["metadata"]["uid"]}})
    assert ok.status_code == 200


def test_dry_run_on_every_write(api: httpx.Client) -> None:
    dry = {"dryRun": "All"}
    assert api.post(CM, json=configmap("dry"), params=dry).status_code == 201
    assert api.get(f"{CM}/dry").status_code == 404
    rv = api.post(CM, json=configmap("real")).json()["metadata"]["resourceVersion"]
    changed = api.put(f"{CM}/real", json=configmap("real", {"a": "2"}), params=dry).json()
    assert changed["data"] == {"a": "2"}
    assert api.get(f"{CM}/real").json()["data"] == {"a": "1"}
    assert api.delete(f"{CM}/real", params=dry).status_code == 200
    assert api.get(f"{CM}/real").json()["metadata"]["resourceVersion"] == rv
    assert api.delete(CM, params=dry).status_code == 200
    assert len(api.get(CM).json()["items"]) == 1


def test_label_and_field_selectors(api: httpx.Client) -> None:
    for name, labels in [("a", {"env": "prod", "tier": "web"}), ("b", {"env": "dev"}), ("c", {})]:
        api.post(CM, json=configmap(name, labels=labels))

    def names(**params: str) -> list[str]:
        return [o["metadata"]["name"] for o in api.get(CM, params=params).json()["items"]]

    assert names(labelSelector="env=prod") == ["a"]
    assert names(labelSelector="env==dev") == ["b"]
    assert names(labelSelector="env!=prod") == ["b", "c"]
    assert names(labelSelector="env in (prod,dev)") == ["a", "b"]
    assert names(labelSelector="env notin (prod)") == ["b", "c"]
    assert names(labelSelector="tier") == ["a"]
    assert names(labelSelector="!tier") == ["b", "c"]
    assert names(fieldSelector="metadata.name=b") == ["b"]
    assert names(fieldSelector="metadata.name!=b,metadata.namespace=default") == ["a", "c"]
    assert api.get(CM, params={"labelSelector": "a in (b"}).status_code == 400


def test_pod_field_selectors(api: httpx.Client) -> None:
    pods = "/api/v1/namespaces/default/pods"
    for name, node in [("p1", "n1"), ("p2", "n2")]:
        api.post(
            pods,
            json={
                "metadata": {"name": name},
                "spec": {"nodeName": node, "containers": [{"name": "c", "image": "busybox"}]},
            },
        )
    listed = api.get(pods, params={"fieldSelector": "spec.nodeName=n2"}).json()["items"]
    assert [p["metadata"]["name"] for p in listed] == ["p2"]
    assert len(api.get(pods, params={"fieldSelector": "status.phase=Pending"}).json()["items"]) == 2
    unsupported = api.get(pods, params={"fieldSelector": "spec.bogus=x"})
    assert unsupported.status_code == 400


def test_paging_matches_real_list_shape(api: httpx.Client) -> None:
    for i in range(5):
        api.post(CM, json=configmap(f"cm{i}"))
    first = api.get(CM, params={"limit": "2"}).json()
    real = wire("list-page.json")
    assert first["kind"] == real["kind"] and first["apiVersion"] == real["apiVersion"]
    assert set(first["items"][0]) == set(real["items"][0])
    assert first["metadata"]["remainingItemCount"] == 3
    api.post(CM, json=configmap("cm9"))  # paging continues from the first page's snapshot
    second = api.get(CM, params={"limit": "2", "continue": first["metadata"]["continue"]}).json()
    third = api.get(CM, params={"limit": "2", "continue": second["metadata"]["continue"]}).json()
    names = [o["metadata"]["name"] for page in (first, second, third) for o in page["items"]]
    assert names == [f"cm{i}" for i in range(5)]
    assert "continue" not in third["metadata"]
    assert third["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]


def test_expired_continue_is_410(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    for i in range(3):
        api.post(CM, json=configmap(f"cm{i}"))
    token = api.get(CM, params={"limit": "1"}).json()["metadata"]["continue"]
    api.post(CM, json=configmap("later"))
    kube_fake.faults.compact()
    answer = api.get(CM, params={"limit": "1", "continue": token})
    assert answer.status_code == 410
    assert answer.json()["reason"] == "Expired"
    assert answer.json()["message"].startswith("The provided continue parameter is too old")
    assert api.get(CM, params={"continue": "garbage"}).status_code == 400


def test_resource_version_semantics(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    rv = api.post(CM, json=configmap("one")).json()["metadata"]["resourceVersion"]
    api.post(CM, json=configmap("two"))
    exact = api.get(CM, params={"resourceVersion": rv, "resourceVersionMatch": "Exact"}).json()
    assert [o["metadata"]["name"] for o in exact["items"]] == ["one"]
    assert exact["metadata"]["resourceVersion"] == rv
    newer = api.get(CM, params={"resourceVersion": rv, "resourceVersionMatch": "NotOlderThan"}).json()
    assert len(newer["items"]) == 2
    assert len(api.get(CM, params={"resourceVersion": "0"}).json()["items"]) == 2
    future = api.get(CM, params={"resourceVersion": "999999"})
    assert future.status_code == 504
    assert future.json()["reason"] == "Timeout"
    no_rv = api.get(CM, params={"resourceVersionMatch": "Exact"})
    assert no_rv.status_code == 422
    kube_fake.faults.compact()
    gone = api.get(CM, params={"resourceVersion": rv, "resourceVersionMatch": "Exact"})
    assert gone.status_code == 410
    assert gone.json()["message"] == "The resourceVersion for the provided list is too old."


def test_deletecollection(api: httpx.Client) -> None:
    for name, env in [("a", "x"), ("b", "x"), ("c", "y")]:
        api.post(CM, json=configmap(name, labels={"env": env}))
    deleted = api.delete(CM, params={"labelSelector": "env=x"}).json()
    assert deleted["kind"] == "ConfigMapList"
    assert sorted(o["metadata"]["name"] for o in deleted["items"]) == ["a", "b"]
    assert [o["metadata"]["name"] for o in api.get(CM).json()["items"]] == ["c"]


def test_authentication_and_authorization(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    with httpx.Client(base_url=kube_fake.url, verify=kube_fake.config().ssl_context()) as anonymous:
        answer = anonymous.get(CM)
        assert (answer.status_code, answer.json()) == (401, wire("status-401-unauthorized.json"))
        assert anonymous.get("/healthz").text == "ok"
    with client_for(kube_fake, token="wrong") as bad:
        assert bad.get("/version").status_code == 401
    viewer = kube_fake.add_user("viewer", read_only=True)
    api.post("/api/v1/namespaces", json={"metadata": {"name": "wire"}})
    with client_for(kube_fake, token=viewer.token) as client:
        assert client.get("/api/v1/namespaces/wire/configmaps").status_code == 200
        denied = client.post("/api/v1/namespaces/wire/configmaps", json=configmap("cfg"))
        assert (denied.status_code, denied.json()) == (403, wire("status-403-forbidden.json"))


def test_method_not_allowed_and_unknown_paths(api: httpx.Client) -> None:
    assert api.post(f"{CM}/x", json={}).status_code == 405
    assert api.get("/api/v1/namespaces/default/widgets").json()["message"] == (
        "the server could not find the requested resource"
    )
    assert api.get("/apis/nope.example.com/v1").status_code == 404


@pytest.mark.skipif(
    importlib.util.find_spec("kubeclient.testing.patching") is None,
    reason="managedFields like the real server's need kubeclient.testing.patching, not importable yet",
)
def test_deployment_defaults_and_managed_fields_match_real(api: httpx.Client) -> None:
    real = wire("deployment.json")
    api.post("/api/v1/namespaces", json={"metadata": {"name": "wire"}})
    sent = deployment("web", replicas=2)
    sent["spec"]["template"]["spec"]["containers"][0]["resources"] = {}
    sent["spec"]["strategy"] = {}
    mine = api.post("/apis/apps/v1/namespaces/wire/deployments", json=sent, params={"fieldManager": "kubectl-create"})

    def without_server_values(obj: dict[str, Any]) -> dict[str, Any]:
        meta = {k: v for k, v in obj["metadata"].items() if k not in ("uid", "resourceVersion", "creationTimestamp")}
        meta["managedFields"] = [{k: v for k, v in e.items() if k != "time"} for e in meta["managedFields"]]
        return {**obj, "metadata": meta}

    assert without_server_values(mine.json()) == without_server_values(real)


def test_pod_eviction_binding_and_table(api: httpx.Client) -> None:
    pods = "/api/v1/namespaces/default/pods"
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}
    created = api.post(pods, json=pod).json()
    assert created["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert created["spec"]["restartPolicy"] == "Always" and created["status"]["phase"] == "Pending"
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "p"},
        "target": {"kind": "Node", "name": "n1"},
    }
    assert api.post(f"{pods}/p/binding", json=binding).status_code == 201
    assert api.get(f"{pods}/p").json()["spec"]["nodeName"] == "n1"
    assert api.post(f"{pods}/p/binding", json=binding).status_code == 409
    table = api.get(pods, headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}).json()
    assert [c["name"] for c in table["columnDefinitions"]][:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    assert table["rows"][0]["cells"][:4] == ["p", "0/1", "Pending", "0"]
    assert table["rows"][0]["cells"][6] == "n1"
    eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "p"}}
    evicted = api.post(f"{pods}/p/eviction", json=eviction)
    assert evicted.status_code == 201 and evicted.json()["status"] == "Success"
    assert api.get(f"{pods}/p").status_code == 404


def test_update_with_other_uid_is_conflict(api: httpx.Client) -> None:
    obj = api.post(CM, json=configmap("u")).json()
    obj_uid = obj["metadata"]["uid"]
    obj["metadata"]["uid"] = "other"
    answer = api.put(f"{CM}/u", json=obj)
    assert answer.status_code == 409
    assert answer.json()["message"] == (
        'Operation cannot be fulfilled on configmaps "u": StorageError: invalid object, Code: 4, '
        "Key: /registry/configmaps/default/u, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: "
        f"UID in precondition: other, UID in object meta: {obj_uid}"
    )


def test_yaml_bodies_and_unsupported_encodings(api: httpx.Client) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: b\n"
    created = api.post(CM, content=text, headers={"Content-Type": "application/yaml"})
    assert created.status_code == 201 and created.json()["data"] == {"a": "b"}
    # Protobuf is decoded (an envelope naming no kind is refused as kube-apiserver refuses it); CBOR is not.
    proto = api.post(CM, content=b"k8s\x00", headers={"Content-Type": "application/vnd.kubernetes.protobuf"})
    assert proto.status_code == 400 and proto.json()["reason"] == "BadRequest"
    cbor = api.post(CM, content=b"\xa0", headers={"Content-Type": "application/cbor"})
    assert cbor.status_code == 415 and cbor.json()["reason"] == "UnsupportedMediaType"


def test_field_validation_of_unknown_fields(api: httpx.Client) -> None:
    body = {**configmap("f"), "bogus": 1}
    body["metadata"]["nope"] = "x"
    strict = api.post(CM, json=body, params={"fieldValidation": "Strict"})
    assert strict.status_code == 400
    assert strict.json()["message"] == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
        'unknown field "metadata.nope", unknown field "bogus"'
    )
    warned = api.post(CM, json=body)
    assert warned.status_code == 201 and "bogus" not in warned.json() and "nope" not in warned.json()["metadata"]
    assert warned.headers.get_list("warning") == [
        '299 - "unknown field \\"metadata.nope\\""',
        '299 - "unknown field \\"bogus\\""',
    ]
    quiet = api.put(f"{CM}/f", json=body, params={"fieldValidation": "Ignore"})
    assert quiet.status_code == 200 and "warning" not in quiet.headers
    assert api.post(CM, json=configmap("g"), params={"fieldValidation": "Loud"}).status_code == 422
    nested = deployment("web")
    nested["spec"]["template"]["spec"]["containers"][0]["imagee"] = "typo"
    typo = api.post(DEPLOY, json=nested, params={"fieldValidation": "Strict"})
    assert 'unknown field "spec.template.spec.containers[0].imagee"' in typo.json()["message"]


def test_namespace_deletion_terminates_then_removes_content(api: httpx.Client) -> None:
    api.post("/api/v1/namespaces", json={"metadata": {"name": "gone"}})
    api.post("/api/v1/namespaces/gone/configmaps", json=configmap("c"))
    deleted = api.delete("/api/v1/namespaces/gone").json()
    assert deleted["status"] == {"phase": "Terminating"} and deleted["metadata"]["deletionTimestamp"]
    for _ in range(100):
        if api.get("/api/v1/namespaces/gone").status_code == 404:
            break
        refused = api.post("/api/v1/namespaces/gone/configmaps", json=configmap("d"))
        assert refused.status_code in (403, 404)
        if refused.status_code == 403:
            assert refused.json()["message"] == (
                'configmaps "d" is forbidden: unable to create new content in namespace gone because it is being '
                "terminated"
            )
        time.sleep(0.01)
    assert api.get("/api/v1/namespaces/gone").status_code == 404
    assert api.get("/api/v1/namespaces/gone/configmaps").json()["items"] == []


def test_subresources_the_fake_does_not_model(api: httpx.Client) -> None:
    pods = "/api/v1/namespaces/default/pods"
    api.post(pods, json={"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}})
    log = api.get(f"{pods}/p/log")
    assert (log.status_code, log.text) == (200, "")
    # exec is served (kubeclient.testing.streaming): a pod no node runs is refused as kube-apiserver refuses it
    unscheduled = api.get(f"{pods}/p/exec", params={"command": "ls"})
    assert (unscheduled.status_code, unscheduled.json()["message"]) == (400, "pod p does not have a host assigned")
    approval = "/apis/certificates.k8s.io/v1/certificatesigningrequests/csr/approval"
    assert api.put(approval, json={"metadata": {"name": "csr"}}).status_code == 405


def test_ephemeral_containers_resize_and_finalize_write_only_their_fields(api: httpx.Client) -> None:
    pods = "/api/v1/namespaces/default/pods"
    container = {"name": "c", "image": "i", "resources": {"requests": {"cpu": "100m"}}}
    api.post(pods, json={"metadata": {"name": "p", "labels": {"a": "1"}}, "spec": {"containers": [container]}})
    live = api.get(f"{pods}/p/ephemeralcontainers").json()
    assert live["kind"] == "Pod" and "ephemeralContainers" not in live["spec"]

    live["spec"]["ephemeralContainers"] = [{"name": "dbg", "image": "busybox"}]
    live["metadata"]["labels"] = {"a": "changed"}
    answer = api.put(f"{pods}/p/ephemeralcontainers", json=live).json()
    assert answer["spec"]["ephemeralContainers"][0]["terminationMessagePolicy"] == "File"  # defaulted
    assert answer["metadata"]["labels"] == {"a": "1"} and answer["metadata"]["generation"] == 2
    entry = answer["metadata"]["managedFields"][-1]
    assert entry["subresource"] == "ephemeralcontainers"
    removed = api.patch(
        f"{pods}/p/ephemeralcontainers",
        json={"spec": {"ephemeralContainers": None}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert removed.status_code == 422
    assert removed.json()["details"]["causes"] == [
        {
            "reason": "FieldValueForbidden",
            "message": 'Forbidden: existing ephemeral containers "dbg" may not be removed',
            "field": "spec.ephemeralContainers",
        }
    ]

    resize = {"spec": {"containers": [{"name": "c", "image": "other", "resources": {"requests": {"cpu": "200m"}}}]}}
    resized = api.patch(
        f"{pods}/p/resize", json=resize, headers={"Content-Type": "application/strategic-merge-patch+json"}
    ).json()
    assert resized["spec"]["containers"][0]["resources"] == {"requests": {"cpu": "200m"}}
    assert resized["spec"]["containers"][0]["image"] == "i"

    namespace = api.get("/api/v1/namespaces/default").json()
    assert namespace["spec"]["finalizers"] == ["kubernetes"]
    namespace["spec"]["finalizers"] = []
    namespace["status"] = {"phase": "Terminating"}
    finalized = api.put("/api/v1/namespaces/default/finalize", json=namespace).json()
    assert not finalized["spec"].get("finalizers")
    assert finalized["status"] == {"phase": "Active"}  # the status stays the live one
    merge = {"Content-Type": "application/merge-patch+json"}
    # finalize serves update only
    assert api.patch("/api/v1/namespaces/default/finalize", json={}, headers=merge).status_code == 405


def test_all_namespaces_path_only_lists_and_watches(api: httpx.Client) -> None:
    api.post(CM, json=configmap("x"))
    assert api.get("/api/v1/configmaps").json()["items"][0]["metadata"]["name"] == "x"
    assert api.post("/api/v1/configmaps", json=configmap("y")).status_code == 405
    assert api.delete("/api/v1/configmaps").status_code == 405
    assert api.get("/api/v1/configmaps/x").status_code == 404
