"""Learned variants (kubeclient.model_variants): unknown fields seen once decode in C afterwards, losslessly."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import msgspec
import pytest

from kubeapi.core.v1 import Pod, PodList
from kubeapi.meta.v1 import ObjectMeta
from kubeclient import model_variants
from kubeclient.model import UNSET, Model, UnsetType


@pytest.fixture(autouse=True)
def fresh_learning() -> Iterator[None]:
    """Each test starts and ends with nothing learned, whatever ran before it."""
    model_variants.reset()
    yield
    model_variants.reset()


def newer_pod(index: int = 0) -> dict[str, Any]:
    """A pod as a server newer than the models would send it: unknown fields at several depths."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"p{index}",
            "newMetaFieldV99": {"nested": [1, None]},
            "managedFields": [{"manager": "m", "operation": "Apply", "fieldsV1": {"f:spec": {}}}],
        },
        "spec": {
            "hostnameOverrideV99": "h",
            "containers": [{"name": "c", "image": "i", "restartRulesV99": [{"action": "Restart"}]}],
        },
        "status": {"phase": "Running", "resizeV99": None},
    }


def encoded(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def test_learned_after_the_lossless_path_and_used_next() -> None:
    data = encoded(newer_pod())
    slow = Pod.from_json(data)
    assert type(slow) is Pod  # the lossless path builds plain models
    assert model_variants.learned() == {
        ObjectMeta: ("newMetaFieldV99",),
        type(slow.spec): ("hostnameOverrideV99",),
        type(slow.spec.containers[0]): ("restartRulesV99",),  # type: ignore[union-attr]
        type(slow.status): ("resizeV99",),
    }
    assert model_variants.decoder_for(Pod) is not None
    fast = Pod.from_json(data)
    assert isinstance(fast, Pod) and type(fast) is not Pod  # the variant
    assert type(fast).__name__ == "Pod"
    assert fast == slow and slow == fast
    assert (fast != slow) is False
    assert fast.metadata._unknown == {"newMetaFieldV99": {"nested": [1, None]}}  # type: ignore[union-attr]
    assert fast.status._unknown == {"resizeV99": None}  # type: ignore[union-attr]
    assert json.loads(fast.to_json()) == newer_pod()
    assert fast.to_dict() == newer_pod()
    assert repr(fast) == repr(slow)
    raw = fast.metadata.managed_fields[0].fields_v1  # type: ignore[union-attr,index]
    assert type(raw) is msgspec.Raw and bytes(raw) == b'{"f:spec":{}}'


def test_a_list_of_newer_objects_decodes_through_variants_losslessly() -> None:
    body = {"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": [newer_pod(i) for i in range(20)]}
    data = encoded(body)
    first = PodList.from_json(data)
    second = PodList.from_json(data)
    assert type(second.items[0]) is not Pod
    assert first == second
    assert json.loads(second.to_json()) == body


def test_clean_objects_stay_plain_models() -> None:
    Pod.from_json(encoded(newer_pod()))
    clean = newer_pod()
    del clean["metadata"]["newMetaFieldV99"], clean["spec"]["hostnameOverrideV99"], clean["status"]["resizeV99"]
    del clean["spec"]["containers"][0]["restartRulesV99"]
    assert type(Pod.from_json(encoded(clean))) is Pod


def test_a_field_never_seen_takes_the_lossless_path_and_is_learned() -> None:
    Pod.from_json(encoded(newer_pod()))
    newer = newer_pod()
    newer["spec"]["anotherV99"] = 1
    pod = Pod.from_json(encoded(newer))
    assert type(pod) is Pod
    assert pod.spec._unknown == {"hostnameOverrideV99": "h", "anotherV99": 1}  # type: ignore[union-attr]
    assert set(model_variants.learned()[type(pod.spec)]) == {"hostnameOverrideV99", "anotherV99"}
    assert type(Pod.from_json(encoded(newer))) is not Pod


def test_variants_pickle_and_copy_as_plain_models() -> None:
    data = encoded(newer_pod())
    slow = Pod.from_json(data)
    fast = Pod.from_json(data)
    for other in (pickle.loads(pickle.dumps(fast)), copy.deepcopy(fast)):  # noqa: S301 (our own bytes)
        assert type(other) is Pod and type(other.spec) is type(slow.spec)
        assert other == slow
        assert json.loads(other.to_json()) == newer_pod()


def test_changed_variant_compares_unequal() -> None:
    data = encoded(newer_pod())
    slow = Pod.from_json(data)
    fast = Pod.from_json(data)
    fast.spec.containers[0].image = "other"  # type: ignore[union-attr]
    assert fast != slow and slow != fast


def test_reset_forgets_everything() -> None:
    Pod.from_json(encoded(newer_pod()))
    model_variants.reset()
    assert model_variants.learned() == {}
    assert model_variants.decoder_for(Pod) is None
    assert type(Pod.from_json(encoded(newer_pod()))) is Pod


def test_learning_is_capped_per_class() -> None:
    meta = {f"unknownV99_{i}": i for i in range(model_variants.MAX_LEARNED_PER_CLASS + 5)}
    pod = Pod.from_json(encoded({"metadata": meta}))
    assert pod.metadata._unknown == meta  # type: ignore[union-attr]
    assert len(model_variants.learned()[ObjectMeta]) == model_variants.MAX_LEARNED_PER_CLASS
    again = Pod.from_json(encoded({"metadata": meta}))  # some names never learned: lossless again, still exact
    assert again.metadata._unknown == meta  # type: ignore[union-attr]


class Node(Model, kw_only=True):
    name: str | UnsetType = UNSET
    children: list[Node] | UnsetType = UNSET


def test_recursive_models_get_no_variant() -> None:
    data = encoded({"name": "a", "extraV99": 1, "children": [{"name": "b", "extraV99": 2}]})
    first = Node.from_json(data)
    assert model_variants.learned() == {Node: ("extraV99",)}
    assert model_variants.decoder_for(Node) is None
    second = Node.from_json(data)
    assert first == second and json.loads(second.to_json()) == json.loads(data)


def test_bench_pod_list_with_unknown_fields_everywhere_round_trips(bench_podlist: ModuleType) -> None:
    body = bench_podlist.make_pod_list(30)
    for pod in body["items"]:
        pod["metadata"]["newMetaFieldV99"] = "x"
        pod["spec"]["containers"][0]["restartRulesV99"] = [{"action": "Restart"}]
        pod["status"]["containerStatuses"][0]["stopSignalV99"] = "SIGTERM"
    data = encoded(body)
    PodList.from_json(data)
    fast = PodList.from_json(data)
    assert type(fast.items[0]) is not Pod
    assert json.loads(fast.to_json()) == body


def test_a_list_seen_first_takes_the_lossless_path_only_for_its_first_newer_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kubeclient import model

    slow_roots: list[type[Any]] = []
    lossless = model._lossless

    def counting(cls: type[Any], raw: Any) -> Any:
        slow_roots.append(cls)
        return lossless(cls, raw)

    monkeypatch.setattr(model, "_lossless", counting)
    body = {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "7"}}
    body["items"] = [newer_pod(i) for i in range(10)]
    pods = PodList.from_json(encoded(body))
    assert slow_roots == [Pod]  # the first item teaches the other nine; the list is never decoded slowly
    assert type(pods) is PodList and pods.metadata.resource_version == "7"  # type: ignore[union-attr]
    assert json.loads(pods.to_json()) == body
    assert pods == PodList.from_json(encoded(body))


def test_a_list_whose_own_metadata_is_newer_still_decodes_losslessly() -> None:
    body = {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "7", "newV99": 1}, "items": []}
    body["items"] = [newer_pod(1)]
    assert json.loads(PodList.from_json(encoded(body)).to_json()) == body
