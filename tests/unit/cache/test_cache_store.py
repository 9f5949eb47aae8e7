"""Keys, metadata accessors and the thread-safe indexer (incl. scenario 6 and a stateful model check)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from cache_objects import TypedMeta, TypedObj, pod
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kubeclient.cache import (
    NAMESPACE_INDEX,
    DeletedFinalStateUnknown,
    IndexNotFoundError,
    ObjectKeyError,
    deletion_handling_meta_namespace_key,
    meta,
    meta_namespace_index_func,
    meta_namespace_key,
    new_indexer,
    new_store,
    split_meta_namespace_key,
)


def node_name_index(obj: Any) -> list[str]:
    if not isinstance(obj, dict) or obj.get("kind") != "Pod":
        return []
    node = obj.get("spec", {}).get("nodeName")
    return [node] if node else []


def names(objs: list[Any]) -> list[str]:
    return sorted(o["metadata"]["name"] for o in objs)


# -- keys / meta ---------------------------------------------------------------------------------------------------


def test_keys_for_dicts_typed_objects_and_tombstones() -> None:
    assert meta_namespace_key(pod("a", "ns1")) == "ns1/a"
    assert meta_namespace_key(pod("node-1", "")) == "node-1"
    assert meta_namespace_key(TypedObj(TypedMeta("b", "ns2"))) == "ns2/b"
    assert meta_namespace_key(TypedObj(TypedMeta("c"))) == "c"
    assert meta_namespace_key("explicit/key") == "explicit/key"
    tomb = DeletedFinalStateUnknown("ns/gone", None)
    assert deletion_handling_meta_namespace_key(tomb) == "ns/gone"
    assert deletion_handling_meta_namespace_key(pod("a", "x")) == "x/a"
    with pytest.raises(ObjectKeyError):
        meta_namespace_key({"kind": "Pod"})
    with pytest.raises(ObjectKeyError):
        meta_namespace_key({"metadata": {"namespace": "x"}})


def test_split_key() -> None:
    assert split_meta_namespace_key("ns/name") == ("ns", "name")
    assert split_meta_namespace_key("name") == ("", "name")
    with pytest.raises(ValueError, match="a/b/c"):
        split_meta_namespace_key("a/b/c")


def test_meta_accessors_read_both_shapes() -> None:
    wire = pod("a", "ns", rv="7", app="web")
    typed = TypedObj(TypedMeta("a", "ns", "7", {"app": "web"}))
    for obj in (wire, typed):
        assert (meta.get_name(obj), meta.get_namespace(obj), meta.get_resource_version(obj)) == ("a", "ns", "7")
        assert dict(meta.get_labels(obj)) == {"app": "web"}
    assert meta.get_labels(TypedObj(TypedMeta("x"))) == {}
    assert meta_namespace_index_func(pod("x", "")) == []
    assert meta_namespace_index_func(pod("x", "ns")) == ["ns"]


# -- indexer -------------------------------------------------------------------------------------------------------


def test_scenario_6_indexer_by_namespace_and_node_name() -> None:
    idx = new_indexer({NAMESPACE_INDEX: meta_namespace_index_func, "nodeName": node_name_index})
    idx.add(pod("index-pod-1", "default", node="node1"))
    idx.add(pod("index-pod-2", "default", node="node2"))
    idx.add(pod("index-pod-3", "kube-system", node="node2"))
    idx.add({"kind": "Service", "metadata": {"name": "svc", "namespace": "default"}})
    assert names(idx.by_index("namespace", "default")) == ["index-pod-1", "index-pod-2", "svc"]
    assert names(idx.by_index("nodeName", "node2")) == ["index-pod-2", "index-pod-3"]
    assert idx.index_keys("nodeName", "node2") == ["default/index-pod-2", "kube-system/index-pod-3"]
    assert idx.list_index_func_values("nodeName") == ["node1", "node2"]


def test_indexer_update_delete_and_empty_buckets() -> None:
    idx = new_indexer({"nodeName": node_name_index})
    idx.add(pod("p", node="n1"))
    idx.update(pod("p", node="n2"))
    assert idx.index_keys("nodeName", "n1") == []
    assert idx.list_index_func_values("nodeName") == ["n2"]
    assert names(idx.index("nodeName", pod("other", node="n2"))) == ["p"]
    got = idx.get(pod("p"))
    assert got is not None and got["spec"]["nodeName"] == "n2"
    idx.delete(pod("p"))
    assert idx.list_index_func_values("nodeName") == []
    assert idx.get_by_key("default/p") is None
    idx.delete(pod("p"))  # absent: no error
    idx.delete(DeletedFinalStateUnknown("default/q", None))


def test_unknown_index_and_add_indexers() -> None:
    idx = new_indexer({})
    idx.add(pod("a", "ns1", node="n1"))
    for call in (
        lambda: idx.by_index("nope", "x"),
        lambda: idx.index_keys("nope", "x"),
        lambda: idx.index("nope", pod("a")),
    ):
        with pytest.raises(IndexNotFoundError, match="nope"):
            call()
    assert idx.list_index_func_values("nope") == []
    idx.add_indexers({"nodeName": node_name_index})
    assert idx.index_keys("nodeName", "n1") == ["ns1/a"]
    with pytest.raises(ValueError, match="nodeName"):
        idx.add_indexers({"nodeName": node_name_index})
    assert set(idx.get_indexers()) == {"nodeName"}


def test_replace_rebuilds_indices_and_failing_index_func_changes_nothing() -> None:
    idx = new_indexer({"nodeName": node_name_index})
    idx.add(pod("a", node="n1"))
    idx.replace([pod("b", node="n2"), pod("c", node="n2")], "10")
    assert idx.list_keys() == ["default/b", "default/c"]
    assert idx.list_index_func_values("nodeName") == ["n2"]

    def boom(obj: Any) -> list[str]:
        if obj["metadata"]["name"] == "bad":
            raise RuntimeError("index failed")
        return []

    idx.add_indexers({"boom": boom})
    with pytest.raises(RuntimeError):
        idx.add(pod("bad", node="n9"))
    assert idx.get_by_key("default/bad") is None
    assert idx.list_index_func_values("nodeName") == ["n2"]


def test_store_is_thread_safe_under_concurrent_writers() -> None:
    store = new_store()

    def writer(i: int) -> None:
        for j in range(200):
            store.add(pod(f"p{i}-{j}"))
            if j % 2:
                store.delete(pod(f"p{i}-{j}"))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.list()) == 4 * 100


# -- stateful model check -----------------------------------------------------------------------------------------

NAMES = st.sampled_from(["a", "b", "c", "d"])
NAMESPACES = st.sampled_from(["", "ns1", "ns2"])
NODES = st.sampled_from(["n1", "n2", "n3"])
LABELS = st.lists(st.sampled_from(["x", "y", "z"]), max_size=3)


def label_index(obj: Any) -> list[str]:
    return list(obj["metadata"]["labels"])


class IndexerModel(RuleBasedStateMachine):
    """The indexer against a dict of key -> object with indices computed by brute force."""

    def __init__(self) -> None:
        super().__init__()
        self.idx = new_indexer({NAMESPACE_INDEX: meta_namespace_index_func, "nodeName": node_name_index})
        self.model: dict[str, Any] = {}
        self.funcs = dict(self.idx.get_indexers())

    @staticmethod
    def make(name: str, ns: str, node: str, labels: list[str]) -> dict[str, Any]:
        return pod(name, ns, node=node, **{k: "1" for k in labels})

    @rule(name=NAMES, ns=NAMESPACES, node=NODES, labels=LABELS)
    def add(self, name: str, ns: str, node: str, labels: list[str]) -> None:
        obj = self.make(name, ns, node, labels)
        self.idx.add(obj)
        self.model[meta_namespace_key(obj)] = obj

    @rule(name=NAMES, ns=NAMESPACES)
    def delete(self, name: str, ns: str) -> None:
        obj = pod(name, ns)
        self.idx.delete(obj)
        self.model.pop(meta_namespace_key(obj), None)

    @rule(objs=st.lists(st.tuples(NAMES, NAMESPACES, NODES, LABELS), max_size=5))
    def replace(self, objs: list[tuple[str, str, str, list[str]]]) -> None:
        items = [self.make(*o) for o in objs]
        self.idx.replace(items, "1")
        self.model = {meta_namespace_key(o): o for o in items}

    @rule()
    def add_label_index(self) -> None:
        if "labels" in self.funcs:
            with pytest.raises(ValueError):
                self.idx.add_indexers({"labels": label_index})
            return
        self.idx.add_indexers({"labels": label_index})
        self.funcs["labels"] = label_index

    @invariant()
    def matches_model(self) -> None:
        assert sorted(self.idx.list_keys()) == sorted(self.model)
        for key, obj in self.model.items():
            assert self.idx.get_by_key(key) is obj
        for name, func in self.funcs.items():
            expected: dict[str, list[str]] = {}
            for key, obj in self.model.items():
                for value in set(func(obj)):
                    expected.setdefault(value, []).append(key)
            assert self.idx.list_index_func_values(name) == sorted(expected)
            for value, keys in expected.items():
                assert self.idx.index_keys(name, value) == sorted(keys)


IndexerModel.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_indexer_matches_dict_model = IndexerModel.TestCase
