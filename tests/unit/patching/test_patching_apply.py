"""Server-side apply and managedFields tracking against the real v1.36 schemas and the real server's answers."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest

from kubeclient.managedfields import FieldSet, extract
from kubeclient.testing.patching import ApplyConflictError, PatchError, server_side_apply, track_update

WIRE = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "wire"
T0, T1, T2 = "2026-11-22T12:00:00Z", "2026-11-22T12:00:01Z", "2026-11-22T12:00:02Z"


class KindSchema(Protocol):
    @property
    def schema(self) -> Mapping[str, Any]: ...

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]: ...


def wire(name: str) -> Any:
    path = WIRE / name
    if not path.is_file():
        pytest.skip(f"real fixtures not available: {path} is absent (a fresh clone has no ../shared)")
    return json.loads(path.read_text())


def apply(kind: KindSchema, live: Any, applied: Any, manager: str, *, force: bool = False, now: str = T1) -> Any:
    return server_side_apply(
        live, applied, manager=manager, force=force, schema=kind.schema, resolve=kind.resolve, now=now
    )


def update(kind: KindSchema, old: Any, new: Any, manager: str, *, now: str = T0, subresource: str = "") -> Any:
    out = copy.deepcopy(new)
    entries = track_update(
        old,
        new,
        manager=manager,
        operation="Update",
        subresource=subresource,
        schema=kind.schema,
        resolve=kind.resolve,
        now=now,
    )
    out.setdefault("metadata", {})["managedFields"] = entries
    return out


def owned(obj: Any, manager: str, operation: str = "Apply") -> set[str]:
    for entry in obj["metadata"].get("managedFields", []):
        if entry["manager"] == manager and entry["operation"] == operation:
            return {"".join(p) for p in (FieldSet.from_fields_v1(entry["fieldsV1"]).leaves().paths)}
    return set()


def deployment_config(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1"}]},
            },
            **spec,
        },
    }


# --- tracking non-apply writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["deployment.json", "configmap.json"])
def test_create_records_what_the_real_server_records(fixture: str, request: pytest.FixtureRequest) -> None:
    real = wire(fixture)
    kind: KindSchema = request.getfixturevalue("deployment" if fixture == "deployment.json" else "configmap")
    created = copy.deepcopy(real)
    expected = created["metadata"].pop("managedFields")
    created.pop("status", None)
    entries = track_update(
        None,
        created,
        manager=expected[0]["manager"],
        operation="Update",
        subresource="",
        schema=kind.schema,
        resolve=kind.resolve,
        now=expected[0]["time"],
    )
    assert json.dumps(entries) == json.dumps(expected)


def test_create_of_a_custom_resource_without_schema_matches_the_real_server() -> None:
    real = wire("certificate.json")
    expected = real["metadata"]["managedFields"][0]
    created = copy.deepcopy(real)
    del created["metadata"]["managedFields"]
    created.pop("status", None)
    [entry] = track_update(
        None, created, manager=expected["manager"], subresource="", schema=None, resolve=None, now=expected["time"]
    )
    assert json.dumps(entry["fieldsV1"]) == json.dumps(expected["fieldsV1"])


def test_update_takes_changed_fields_from_other_managers(configmap: KindSchema) -> None:
    base = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "uid": "u1"},
        "data": {"a": "1", "b": "2"},
    }
    created = update(configmap, None, base, "creator")
    changed = copy.deepcopy(created)
    changed["data"]["a"] = "9"
    del changed["data"]["b"]
    after = update(configmap, created, changed, "editor", now=T1)
    assert owned(after, "creator", "Update") == {"f:data"}
    assert owned(after, "editor", "Update") == {"f:dataf:a"}
    times = {e["manager"]: e["time"] for e in after["metadata"]["managedFields"]}
    assert times == {"creator": T0, "editor": T1}


def test_update_without_changes_keeps_entries_and_times(configmap: KindSchema) -> None:
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "uid": "u1"}, "data": {"a": "1"}}
    created = update(configmap, None, base, "creator")
    again = update(configmap, created, copy.deepcopy(created), "creator", now=T2)
    assert again["metadata"]["managedFields"] == created["metadata"]["managedFields"]


def test_untracked_objects_stay_untracked_and_an_empty_list_resets(configmap: KindSchema) -> None:
    old: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "uid": "u1"},
        "data": {"a": "1"},
    }
    new = copy.deepcopy(old)
    new["data"]["a"] = "2"
    assert track_update(old, new, manager="m", schema=configmap.schema, resolve=configmap.resolve, now=T1) == []
    created = update(configmap, None, old, "creator")
    reset = copy.deepcopy(created)
    reset["metadata"]["managedFields"] = []
    reset["data"]["a"] = "2"
    # An empty list clears the record, and an existing object without one is not tracked again (as documented).
    assert track_update(created, reset, manager="m", schema=configmap.schema, resolve=configmap.resolve, now=T1) == []


def test_more_than_ten_updaters_fold_into_ancient_changes(configmap: KindSchema) -> None:
    obj: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}
    obj = update(configmap, None, obj, "m00", now="2026-01-01T00:00:00Z")
    obj["metadata"]["uid"] = "u"
    for i in range(1, 11):
        new = copy.deepcopy(obj)
        new["data"][f"k{i}"] = "v"
        obj = update(configmap, obj, new, f"m{i:02}", now=f"2026-01-01T00:00:{i:02}Z")
    managers = [e["manager"] for e in obj["metadata"]["managedFields"]]
    assert len(managers) == 10
    assert managers[0] == "ancient-changes" and "m00" not in managers and "m01" not in managers
    ancient = obj["metadata"]["managedFields"][0]
    assert ancient["time"] == "2026-01-01T00:00:01Z"
    assert ancient["fieldsV1"] == {"f:data": {".": {}, "f:k1": {}}}


def test_status_subresource_entries_are_separate(deployment: KindSchema) -> None:
    created = update(deployment, None, deployment_config(replicas=1), "creator")
    created["metadata"]["uid"] = "u1"
    with_status = copy.deepcopy(created)
    with_status["status"] = {"replicas": 1}
    after = update(deployment, created, with_status, "controller", now=T1, subresource="status")
    entry = next(e for e in after["metadata"]["managedFields"] if e["manager"] == "controller")
    assert entry["subresource"] == "status"
    assert entry["fieldsV1"] == {"f:status": {".": {}, "f:replicas": {}}}


# --- server-side apply ---------------------------------------------------------------------------------------


def test_apply_creates_with_an_apply_entry(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(replicas=2), "kubectl")
    assert obj["spec"]["replicas"] == 2 and obj["metadata"]["name"] == "web"
    [entry] = obj["metadata"]["managedFields"]
    assert {k: v for k, v in entry.items() if k != "fieldsV1"} == {
        "manager": "kubectl",
        "operation": "Apply",
        "apiVersion": "apps/v1",
        "time": T1,
        "fieldsType": "FieldsV1",
    }
    assert entry["fieldsV1"] == {
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {"f:containers": {'k:{"name":"nginx"}': {".": {}, "f:image": {}, "f:name": {}}}},
            },
        }
    }


def test_same_value_from_two_managers_is_shared_not_a_conflict(deployment: KindSchema) -> None:
    first = apply(deployment, None, deployment_config(replicas=2), "a")
    both = apply(deployment, first, deployment_config(replicas=2), "b")
    assert ".spec.replicas" in {p for p in _display(both, "a")} & {p for p in _display(both, "b")}


def _display(obj: Any, manager: str) -> set[str]:
    from kubeclient.managedfields import format_path

    for entry in obj["metadata"]["managedFields"]:
        if entry["manager"] == manager:
            return {format_path(p) for p in FieldSet.from_fields_v1(entry["fieldsV1"])}
    return set()


def test_conflict_names_manager_and_path_like_the_server(deployment: KindSchema) -> None:
    created = update(deployment, None, deployment_config(replicas=1), "kubectl")
    created["metadata"]["uid"] = "u1"
    with pytest.raises(ApplyConflictError) as info:
        apply(deployment, created, deployment_config(replicas=3), "other")
    err = info.value
    assert err.conflicts == [("kubectl", ".spec.replicas")]
    assert err.message == 'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas'
    assert err.status()["details"] == {
        "causes": [
            {
                "reason": "FieldManagerConflict",
                "message": 'conflict with "kubectl" using apps/v1',
                "field": ".spec.replicas",
            }
        ]
    }


def test_conflict_status_matches_the_real_server(configmap: KindSchema) -> None:
    real = wire("configmap.json")
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": real["metadata"]["name"]},
        "data": {"a": "2"},
    }
    with pytest.raises(ApplyConflictError) as info:
        apply(configmap, real, config, "someone-else")
    assert info.value.status() == wire("status-409-apply-conflict.json")


def test_several_conflicts_are_listed_per_manager(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(replicas=1, minReadySeconds=5), "alpha")
    obj = apply(
        deployment,
        obj,
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"paused": False}},
        "beta",
    )
    config = deployment_config(replicas=4, minReadySeconds=9, paused=True)
    config["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
    with pytest.raises(ApplyConflictError) as info:
        apply(deployment, obj, config, "gamma")
    assert info.value.message == (
        "Apply failed with 4 conflicts: "
        'conflicts with "alpha":\n'
        "- .spec.minReadySeconds\n"
        "- .spec.replicas\n"
        '- .spec.template.spec.containers[name="nginx"].image\n'
        'conflicts with "beta":\n'
        "- .spec.paused"
    )
    assert info.value.conflicts[2] == ("alpha", '.spec.template.spec.containers[name="nginx"].image')


def test_force_moves_ownership(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(replicas=1), "alpha")
    obj = apply(deployment, obj, deployment_config(replicas=5), "beta", force=True, now=T2)
    assert obj["spec"]["replicas"] == 5
    assert ".spec.replicas" not in _display(obj, "alpha")
    assert ".spec.replicas" in _display(obj, "beta")
    # alpha no longer owns replicas, so alpha dropping it from its configuration keeps beta's value.
    config = deployment_config()
    obj = apply(deployment, obj, config, "alpha", now=T2)
    assert obj["spec"]["replicas"] == 5


def test_fields_dropped_from_the_configuration_are_removed(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(replicas=1, minReadySeconds=3), "alpha")
    obj = apply(deployment, obj, deployment_config(replicas=1), "alpha", now=T2)
    assert "minReadySeconds" not in obj["spec"]
    assert ".spec.minReadySeconds" not in _display(obj, "alpha")


def test_fields_another_manager_owns_are_kept_when_dropped(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(minReadySeconds=3), "alpha")
    obj = apply(deployment, obj, deployment_config(minReadySeconds=3), "beta")
    obj = apply(deployment, obj, deployment_config(), "alpha", now=T2)
    assert obj["spec"]["minReadySeconds"] == 3
    assert ".spec.minReadySeconds" in _display(obj, "beta")


def test_list_map_items_are_merged_and_removed_by_key(deployment: KindSchema) -> None:
    alpha = deployment_config()
    beta = deployment_config()
    beta["spec"]["template"]["spec"]["containers"] = [{"name": "sidecar", "image": "busybox"}]
    obj = apply(deployment, None, alpha, "alpha")
    obj = apply(deployment, obj, beta, "beta")
    names = [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]]
    assert names == ["nginx", "sidecar"]
    # alpha drops nginx: it goes, beta's sidecar stays.
    alpha["spec"]["template"]["spec"]["containers"] = [{"name": "sidecar", "image": "busybox"}]
    obj = apply(deployment, obj, alpha, "alpha", now=T2)
    assert obj["spec"]["template"]["spec"]["containers"] == [{"name": "sidecar", "image": "busybox"}]


def test_ports_are_keyed_by_port_and_protocol(pod: KindSchema) -> None:
    config = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "containers": [
                {"name": "c", "image": "i", "ports": [{"containerPort": 53}, {"containerPort": 53, "protocol": "UDP"}]}
            ]
        },
    }
    obj = apply(pod, None, config, "m")
    ports = FieldSet.from_fields_v1(obj["metadata"]["managedFields"][0]["fieldsV1"])
    container = ("f:spec", "f:containers", 'k:{"name":"c"}', "f:ports")
    # A missing protocol takes the schema default (TCP) in the key, as the server keys it.
    assert (*container, 'k:{"containerPort":53,"protocol":"TCP"}') in ports
    assert (*container, 'k:{"containerPort":53,"protocol":"UDP"}') in ports


def test_atomic_lists_are_replaced_and_conflict_as_a_whole(pod: KindSchema) -> None:
    def config(*keys: str) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"tolerations": [{"key": k, "operator": "Exists"} for k in keys]},
        }

    obj = apply(pod, None, config("a", "b"), "alpha")
    with pytest.raises(ApplyConflictError) as info:
        apply(pod, obj, config("c"), "beta")
    assert info.value.conflicts == [("alpha", ".spec.tolerations")]
    obj = apply(pod, obj, config("c"), "beta", force=True)
    assert obj["spec"]["tolerations"] == [{"key": "c", "operator": "Exists"}]


def test_atomic_maps_conflict_as_a_whole(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(), "alpha")
    config = deployment_config()
    config["spec"]["selector"] = {"matchLabels": {"app": "web", "x": "y"}}
    with pytest.raises(ApplyConflictError) as info:
        apply(deployment, obj, config, "beta")
    assert info.value.conflicts == [("alpha", ".spec.selector")]


def test_apply_after_create_conflicts_with_the_creator(configmap: KindSchema) -> None:
    created = update(
        configmap,
        None,
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}},
        "creator",
    )
    created["metadata"]["uid"] = "u1"
    obj = apply(
        configmap,
        created,
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"b": "2"}},
        "applier",
    )
    assert obj["data"] == {"a": "1", "b": "2"}
    assert [e["manager"] for e in obj["metadata"]["managedFields"]] == ["applier", "creator"]


def test_untracked_live_object_goes_to_before_first_apply(configmap: KindSchema) -> None:
    live = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "uid": "u"}, "data": {"a": "1"}}
    with pytest.raises(ApplyConflictError) as info:
        apply(
            configmap,
            live,
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}},
            "m",
        )
    assert info.value.message == 'Apply failed with 1 conflict: conflict with "before-first-apply" using v1: .data.a'


def test_noop_apply_keeps_the_time(configmap: KindSchema) -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    obj = apply(configmap, None, config, "m", now=T1)
    again = apply(configmap, obj, config, "m", now=T2)
    assert again == obj


def test_apply_configuration_with_managed_fields_is_refused(configmap: KindSchema) -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "managedFields": []}}
    with pytest.raises(PatchError) as info:
        apply(configmap, None, config, "m")
    assert (info.value.code, info.value.message) == (400, "metadata.managedFields must be nil")


def test_duplicate_or_missing_list_keys_are_refused(deployment: KindSchema) -> None:
    config = deployment_config()
    config["spec"]["template"]["spec"]["containers"].append({"name": "nginx", "image": "other"})
    with pytest.raises(PatchError) as info:
        apply(deployment, None, config, "m")
    assert info.value.code == 500
    assert info.value.message == (
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
        '.spec.template.spec.containers: duplicate entries for key [name="nginx"]'
    )
    config = deployment_config()
    config["spec"]["template"]["spec"]["containers"] = [{"image": "x"}, {"image": "y"}]
    with pytest.raises(PatchError) as info:
        apply(deployment, None, config, "m")
    # Container.name has the schema default "", which the key takes when the field is omitted (as on the server).
    assert info.value.message.endswith('.spec.template.spec.containers: duplicate entries for key [name=""]')


def test_identity_metadata_survives_pruning(configmap: KindSchema) -> None:
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"x": "1"}}}
    obj = apply(configmap, None, config, "m")
    obj["metadata"].update(uid="u", resourceVersion="5", creationTimestamp=T0)
    obj = apply(configmap, obj, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}, "m", now=T2)
    assert obj["metadata"]["name"] == "c" and obj["metadata"]["uid"] == "u"
    assert "labels" not in obj["metadata"] or obj["metadata"]["labels"] == {}
    assert "managedFields" not in obj["metadata"], "a manager that owns nothing has no entry"


def test_extract_returns_what_the_manager_applied(deployment: KindSchema) -> None:
    config = deployment_config(replicas=2)
    obj = apply(deployment, None, config, "kubectl")
    other = deployment_config()
    other["spec"]["template"]["spec"]["containers"] = [{"name": "sidecar", "image": "busybox"}]
    obj = apply(deployment, obj, other, "other")
    obj["metadata"]["uid"] = "u"
    extracted = extract(obj, "kubectl")
    assert extracted == config
    assert extract(obj, "nobody") == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
    }


CRD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "properties": {
                "routes": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["host"],
                    "items": {
                        "type": "object",
                        "properties": {"host": {"type": "string"}, "port": {"type": "integer"}},
                    },
                },
                "tags": {"type": "array", "items": {"type": "string"}},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            },
        },
    },
}


def crd_config(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Route", "metadata": {"name": "r"}, "spec": spec}


def test_custom_resource_schema_list_maps_and_atomic_lists() -> None:
    def run(live: Any, config: Any, manager: str, force: bool = False) -> Any:
        return server_side_apply(live, config, manager=manager, force=force, schema=CRD_SCHEMA, resolve=None, now=T1)

    obj = run(None, crd_config(routes=[{"host": "a", "port": 1}], tags=["x"], extra={"free": {"form": 1}}), "alpha")
    obj = run(obj, crd_config(routes=[{"host": "b", "port": 2}]), "beta")
    assert obj["spec"]["routes"] == [{"host": "a", "port": 1}, {"host": "b", "port": 2}]
    assert ".spec.extra.free.form" in _display(obj, "alpha")
    with pytest.raises(ApplyConflictError) as info:
        run(obj, crd_config(tags=["y"]), "beta")
    assert info.value.conflicts == [("alpha", ".spec.tags")]
    with pytest.raises(PatchError) as refused:
        run(None, crd_config(routes=[{"port": 1}]), "gamma")
    assert refused.value.message == (
        "failed to create typed patch object (/r; example.com/v1, Kind=Route): .spec.routes: element 0: "
        'associative list with keys has an element that omits all key fields ["host"] '
        "(and doesn't have default values for any key fields)"
    )


def test_conflict_error_can_be_built_from_pairs_alone() -> None:
    err = ApplyConflictError([("a", ".x"), ("b", ".y"), ("a", ".z")])
    assert err.message == 'Apply failed with 3 conflicts: conflicts with "a":\n- .x\n- .z\nconflicts with "b":\n- .y'
    assert err.status()["code"] == 409 and len(err.status()["details"]["causes"]) == 3
    assert ApplyConflictError([("a", ".x")]).message == 'Apply failed with 1 conflict: conflict with "a": .x'


def test_applying_null_over_another_managers_value_conflicts(deployment: KindSchema) -> None:
    obj = apply(deployment, None, deployment_config(minReadySeconds=3), "alpha")
    with pytest.raises(ApplyConflictError) as info:
        apply(deployment, obj, deployment_config(minReadySeconds=None), "beta")
    assert info.value.conflicts == [("alpha", ".spec.minReadySeconds")]
    obj = apply(deployment, obj, deployment_config(minReadySeconds=None), "beta", force=True)
    assert "minReadySeconds" not in obj["spec"]
    assert ".spec.minReadySeconds" in _display(obj, "beta")
