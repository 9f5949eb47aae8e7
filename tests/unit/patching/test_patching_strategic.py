"""Strategic merge patch on the real v1.36 Pod and Deployment schemas."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Protocol

import pytest

from kubeclient.testing.patching import PatchError, apply_strategic_merge_patch


class KindSchema(Protocol):
    """The conftest fixtures: a kind's schema and its document's resolver."""

    @property
    def schema(self) -> Mapping[str, Any]: ...

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]: ...


def live_pod() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "labels": {"app": "web", "tier": "fe"}, "finalizers": ["a", "b", "c"]},
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "image": "nginx:1",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}],
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                    "args": ["--x", "--y"],
                },
                {"name": "sidecar", "image": "busybox"},
            ],
            "tolerations": [{"key": "k1", "operator": "Exists"}],
            "volumes": [{"name": "data", "emptyDir": {}}],
        },
    }


def smp(kind: KindSchema, doc: Any, patch: Any) -> Any:
    return apply_strategic_merge_patch(doc, patch, kind.schema, kind.resolve)


def containers(doc: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = doc["spec"]["containers"]
    return result


def test_containers_merge_by_name(pod: KindSchema) -> None:
    doc = live_pod()
    out = smp(
        pod, doc, {"spec": {"containers": [{"name": "sidecar", "image": "busybox:2"}, {"name": "new", "image": "x"}]}}
    )
    assert [(c["name"], c["image"]) for c in containers(out)] == [
        ("nginx", "nginx:1"),
        ("sidecar", "busybox:2"),
        ("new", "x"),
    ]
    assert containers(out)[0] == live_pod()["spec"]["containers"][0]
    assert doc == live_pod(), "input must not be modified"


def test_ports_merge_on_container_port_and_new_items_come_first(pod: KindSchema) -> None:
    out = smp(pod, live_pod(), {"spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 8080}]}]}})
    # The patch-merge-key is containerPort alone (the list-map key adds protocol, SMP ignores it); an item the
    # live list does not relate to goes before the live ones, as the server orders it.
    assert containers(out)[0]["ports"] == [
        {"containerPort": 8080},
        {"containerPort": 80, "protocol": "TCP"},
        {"containerPort": 53, "protocol": "UDP"},
    ]
    out = smp(
        pod, live_pod(), {"spec": {"containers": [{"name": "nginx", "ports": [{"containerPort": 53, "name": "dns"}]}]}}
    )
    assert containers(out)[0]["ports"][1] == {"containerPort": 53, "protocol": "UDP", "name": "dns"}


def test_env_delete_directive_and_null_deletes_a_field(pod: KindSchema) -> None:
    out = smp(
        pod,
        live_pod(),
        {"spec": {"containers": [{"name": "nginx", "image": None, "env": [{"name": "A", "$patch": "delete"}]}]}},
    )
    nginx = containers(out)[0]
    assert "image" not in nginx
    assert nginx["env"] == [{"name": "B", "value": "2"}]


def test_lists_without_merge_strategy_are_replaced(pod: KindSchema) -> None:
    # tolerations and args are atomic lists with no patch strategy: the patch replaces them.
    out = smp(
        pod,
        live_pod(),
        {
            "spec": {
                "tolerations": [{"key": "k2", "operator": "Exists"}],
                "containers": [{"name": "nginx", "args": ["--z"]}],
            }
        },
    )
    assert out["spec"]["tolerations"] == [{"key": "k2", "operator": "Exists"}]
    assert containers(out)[0]["args"] == ["--z"]


def test_volumes_retain_keys(pod: KindSchema) -> None:
    merged = smp(pod, live_pod(), {"spec": {"volumes": [{"name": "data", "configMap": {"name": "cm"}}]}})
    assert merged["spec"]["volumes"] == [{"name": "data", "emptyDir": {}, "configMap": {"name": "cm"}}]
    retained = smp(
        pod,
        live_pod(),
        {"spec": {"volumes": [{"name": "data", "configMap": {"name": "cm"}, "$retainKeys": ["configMap", "name"]}]}},
    )
    assert retained["spec"]["volumes"] == [{"name": "data", "configMap": {"name": "cm"}}]


def test_retain_keys_must_list_every_patched_field(pod: KindSchema) -> None:
    with pytest.raises(PatchError) as info:
        smp(pod, live_pod(), {"spec": {"volumes": [{"name": "data", "configMap": {}, "$retainKeys": ["name"]}]}})
    assert (info.value.code, info.value.message) == (400, "invalid patch format of retainKeys")


def test_map_replace_and_delete_directives(pod: KindSchema) -> None:
    out = smp(pod, live_pod(), {"metadata": {"labels": {"$patch": "replace", "only": "this"}}})
    assert out["metadata"]["labels"] == {"only": "this"}
    out = smp(pod, live_pod(), {"metadata": {"labels": {"$patch": "delete"}}})
    assert out["metadata"]["labels"] == {}
    out = smp(pod, live_pod(), {"metadata": {"labels": {"tier": None, "new": "1"}}})
    assert out["metadata"]["labels"] == {"app": "web", "new": "1"}


def test_list_replace_directive(pod: KindSchema) -> None:
    out = smp(pod, live_pod(), {"spec": {"containers": [{"$patch": "replace"}, {"name": "only", "image": "i"}]}})
    assert containers(out) == [{"name": "only", "image": "i"}]


def test_primitive_set_list_merges_and_deletes(pod: KindSchema) -> None:
    # finalizers: x-kubernetes-patch-strategy merge on a list of strings.
    out = smp(pod, live_pod(), {"metadata": {"finalizers": ["d", "a"]}})
    assert out["metadata"]["finalizers"] == ["d", "a", "b", "c"]
    out = smp(pod, live_pod(), {"metadata": {"$deleteFromPrimitiveList/finalizers": ["b", "zzz"]}})
    assert out["metadata"]["finalizers"] == ["a", "c"]


def test_set_element_order(pod: KindSchema) -> None:
    out = smp(pod, live_pod(), {"metadata": {"$setElementOrder/finalizers": ["c", "d", "a", "b"], "finalizers": ["d"]}})
    assert out["metadata"]["finalizers"] == ["c", "d", "a", "b"]
    out = smp(pod, live_pod(), {"spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "nginx"}]}})
    assert [c["name"] for c in containers(out)] == ["sidecar", "nginx"]


def test_deployment_strategy_retain_keys(deployment: KindSchema) -> None:
    live = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    out = smp(deployment, live, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})
    assert out["spec"]["strategy"] == {"type": "Recreate"}


def test_unknown_schema_falls_back_to_merge_patch_lists(pod: KindSchema) -> None:
    live = {"spec": {"items": [{"name": "a"}], "obj": {"x": 1}}}
    out = apply_strategic_merge_patch(live, {"spec": {"items": [{"name": "b"}], "obj": {"y": 2}}}, None, None)
    assert out == {"spec": {"items": [{"name": "b"}], "obj": {"x": 1, "y": 2}}}


@pytest.mark.parametrize(
    ("patch", "code", "detail"),
    [
        (
            {"spec": {"containers": [{"image": "no-name"}]}},
            500,
            "map: map[image:no-name] does not contain declared merge key: name",
        ),
        (
            {"spec": {"containers": [{"name": "nginx", "$patch": "merge"}]}},
            500,
            "merging lists cannot yet be specified in the patch",
        ),
        ({"metadata": {"labels": {"$patch": "bogus"}}}, 500, "unknown patch type: bogus in map: map[$patch:bogus]"),
        ({"metadata": {"$deleteFromPrimitiveList": ["a"]}}, 400, "invalid patch format of primitive list"),
        (
            {"metadata": {"finalizers": [["a"]]}},
            500,
            "list element types are not identical: [[a b c] [[a]]]",
        ),
    ],
)
def test_failures_carry_the_server_codes(pod: KindSchema, patch: Any, code: int, detail: str) -> None:
    with pytest.raises(PatchError) as info:
        smp(pod, live_pod(), patch)
    assert (info.value.code, info.value.detail) == (code, detail)
    status = info.value.status()
    assert status["code"] == code
    if code == 500:
        # A plain error becomes a Status without a reason, its text as the message.
        assert "reason" not in status and status["message"] == detail


def test_list_of_lists_is_422(pod: KindSchema) -> None:
    with pytest.raises(PatchError) as info:
        smp(pod, {"metadata": {"finalizers": []}}, {"metadata": {"finalizers": [["a"]]}})
    assert (info.value.code, info.value.detail) == (422, "lists of lists are not supported")
    assert info.value.status()["message"] == "the server rejected our request due to an error in our request"


def test_non_object_patch_is_a_bad_request(pod: KindSchema) -> None:
    with pytest.raises(PatchError) as info:
        smp(pod, live_pod(), [{"op": "add"}])
    assert info.value.code == 400
    assert info.value.message == "json: cannot unmarshal array into Go value of type map[string]interface {}"


def test_patch_value_is_copied(pod: KindSchema) -> None:
    patch = {"spec": {"containers": [{"name": "new", "env": [{"name": "X", "value": None}]}]}}
    before = copy.deepcopy(patch)
    out = smp(pod, live_pod(), patch)
    assert patch == before
    # Added as a new item (placed first), its nulls are kept as sent (the server's typed decoding drops them later).
    assert containers(out)[0] == {"name": "new", "env": [{"name": "X", "value": None}]}
