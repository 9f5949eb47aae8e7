"""kubeclient.managedfields: FieldsV1 encoding, field sets of objects, and extract."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.managedfields import (
    FieldSet,
    FieldsV1Error,
    extract,
    field_element,
    fields_of,
    format_path,
    index_element,
    key_element,
    value_element,
)
from kubeclient.testing.patching.typed import Typed

WIRE = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "wire"


class KindSchema(Protocol):
    @property
    def schema(self) -> Mapping[str, Any]: ...

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]: ...


@pytest.mark.parametrize("fixture", ["deployment.json", "configmap.json", "certificate.json"])
def test_real_fieldsv1_round_trips_byte_for_byte(fixture: str) -> None:
    path = WIRE / fixture
    if not path.is_file():
        pytest.skip(f"real fixtures not available: {path} is absent (a fresh clone has no ../shared)")
    for entry in json.loads(path.read_text())["metadata"]["managedFields"]:
        fields = entry["fieldsV1"]
        assert json.dumps(FieldSet.from_fields_v1(fields).to_fields_v1()) == json.dumps(fields)


def test_reads_a_models_raw_fieldsv1() -> None:
    fields: dict[str, Any] = {"f:data": {".": {}, "f:a": {}}}
    assert FieldSet.from_fields_v1(msgspec.Raw(json.dumps(fields).encode())) == FieldSet.from_fields_v1(fields)
    assert FieldSet.from_fields_v1(json.dumps(fields).encode()) == FieldSet.from_fields_v1(fields)
    with pytest.raises(FieldsV1Error, match=r"^managedFields\[0\].fieldsV1: not valid JSON"):
        FieldSet.from_fields_v1(msgspec.Raw(b'{"f:a":'), where="managedFields[0].fieldsV1")


def test_dot_marks_a_member_that_has_children() -> None:
    fields: dict[str, Any] = {"f:data": {".": {}, "f:a": {}}, "f:spec": {"f:x": {}}}
    s = FieldSet.from_fields_v1(fields)
    assert s.paths == {("f:data",), ("f:data", "f:a"), ("f:spec", "f:x")}
    assert ("f:spec",) not in s
    assert s.leaves().paths == {("f:data", "f:a"), ("f:spec", "f:x")}


def test_elements_are_canonical_and_printed_like_the_server() -> None:
    s = FieldSet.from_fields_v1({'k:{"protocol":"TCP", "containerPort":80}': {}, "v:1.0": {}, "i:3": {}})
    assert s.paths == {('k:{"containerPort":80,"protocol":"TCP"}',), ("v:1",), ("i:3",)}
    assert format_path(("f:spec", "f:containers", key_element({"name": "nginx"}), "f:image")) == (
        '.spec.containers[name="nginx"].image'
    )
    assert format_path(("f:finalizers", value_element("a/b"), index_element(2))) == '.finalizers[="a/b"][2]'
    assert key_element({"b": "<&>", "a": 1}) == 'k:{"a":1,"b":"\\u003c\\u0026\\u003e"}'


def test_emitted_order_is_fields_then_keys_then_values() -> None:
    s = FieldSet(
        [
            ("f:b",),
            (value_element(2),),
            (value_element("a"),),
            (key_element({"name": "x"}), "f:name"),
            ("f:a", "f:z"),
            ("f:a",),
        ]
    )
    assert list(s.to_fields_v1()) == ["f:a", "f:b", 'k:{"name":"x"}', "v:2", 'v:"a"']
    assert s.to_fields_v1()["f:a"] == {".": {}, "f:z": {}}
    # Iteration: the members of a level first, then what lies below.
    assert [format_path(p) for p in s] == [".a", ".b", "[=2]", '[="a"]', ".a.z", '[name="x"].name']


def test_set_algebra() -> None:
    a = FieldSet([("f:x",), ("f:x", "f:y"), ("f:z",)])
    b = FieldSet([("f:x",), ("f:w",)])
    assert (a | b).paths == {("f:x",), ("f:x", "f:y"), ("f:z",), ("f:w",)}
    assert (a - b).paths == {("f:x", "f:y"), ("f:z",)}
    assert (a & b).paths == {("f:x",)}
    assert a.recursive_difference(b).paths == {("f:z",)}
    assert a.with_prefix("f:x").paths == {("f:y",)}
    assert a.has_prefix(("f:x",)) and not a.has_prefix(("f:q",))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"f:spec": {"x:bad": {}}}, "fieldsV1/f:spec/x:bad: path element 'x:bad': unknown kind 'x'"),
        ({"k:notjson": {}}, "fieldsV1/k:notjson: path element 'k:notjson': not valid JSON"),
        ({"f:a": []}, "fieldsV1/f:a: expected an object, got list"),
        ({"f:a/b": {"i:x": {}}}, "fieldsV1/f:a~1b/i:x: path element 'i:x': index is not an integer"),
    ],
)
def test_unreadable_fieldsv1_names_the_pointer(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(FieldsV1Error) as info:
        FieldSet.from_fields_v1(fields)
    assert str(info.value).startswith(message)


def test_fields_of_a_pod_follows_the_schema(pod: KindSchema) -> None:
    obj = {
        "metadata": {"labels": {"app": "x"}, "annotations": {}},
        "spec": {
            "containers": [{"name": "c", "ports": [{"containerPort": 80}], "args": ["a", "b"]}],
            "nodeSelector": {"k": "v"},
        },
    }
    got = {format_path(p) for p in fields_of(obj, pod.schema, pod.resolve)}
    assert got == {
        ".metadata.labels.app",
        ".metadata.annotations",
        '.spec.containers[name="c"]',
        '.spec.containers[name="c"].name',
        '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"]',
        '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].containerPort',
        '.spec.containers[name="c"].args',
        ".spec.nodeSelector",  # x-kubernetes-map-type: atomic
    }


def test_fields_of_without_schema_treats_lists_as_atomic() -> None:
    got = fields_of({"spec": {"list": [{"a": 1}], "m": {"k": None}}}, None, None)
    assert {format_path(p) for p in got} == {".spec", ".spec.list", ".spec.m", ".spec.m.k"}


def test_extract_set_items_and_keyed_items() -> None:
    owned = FieldSet(
        [
            ("f:metadata", "f:finalizers", value_element("mine")),
            ("f:spec", "f:ports", key_element({"port": 80}), "f:port"),
            ("f:spec", "f:ports", key_element({"port": 80}), "f:name"),
        ]
    )
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "s",
            "namespace": "ns",
            "finalizers": ["theirs", "mine"],
            "managedFields": [
                {
                    "manager": "m",
                    "operation": "Apply",
                    "apiVersion": "v1",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": owned.to_fields_v1(),
                },
                {"manager": "m", "operation": "Update", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {}},
            ],
        },
        "spec": {"ports": [{"port": 443, "name": "https"}, {"port": 80, "name": "http", "protocol": "TCP"}]},
    }
    assert extract(obj, "m") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s", "namespace": "ns", "finalizers": ["mine"]},
        "spec": {"ports": [{"port": 80, "name": "http"}]},
    }
    assert extract(obj, "m", subresource="status") == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s", "namespace": "ns"},
    }


# --- properties ------------------------------------------------------------------------------------------------

names = st.sampled_from(["a", "b", "spec", "x/y", "~"])
scalars = st.integers(-3, 3) | st.text(alphabet="ab<", max_size=2) | st.booleans()
elements = (
    names.map(field_element)
    | st.dictionaries(st.sampled_from(["name", "port"]), scalars, min_size=1, max_size=2).map(key_element)
    | scalars.map(value_element)
)
path_sets = st.lists(st.lists(elements, min_size=1, max_size=4).map(tuple), max_size=8).map(FieldSet)


@given(path_sets)
def test_fieldsv1_round_trip(fields: FieldSet) -> None:
    encoded = fields.to_fields_v1()
    assert FieldSet.from_fields_v1(json.loads(json.dumps(encoded))) == fields
    assert FieldSet.from_fields_v1(encoded).to_fields_v1() == encoded


@given(path_sets, path_sets)
def test_union_and_difference_laws(a: FieldSet, b: FieldSet) -> None:
    assert (a | b) - b == a - b
    assert (a & b) | (a - b) == a
    assert a.leaves().paths <= a.paths


leaf_values = (
    st.integers(0, 5) | st.text(alphabet="xyz", min_size=1, max_size=2) | st.lists(st.integers(0, 3), max_size=2)
)
structured = st.dictionaries(
    st.sampled_from(["a", "b", "c"]),
    st.dictionaries(st.sampled_from(["x", "y", "z"]), leaf_values, min_size=1, max_size=3),
    min_size=1,
    max_size=3,
)


@given(structured, structured)
def test_fields_of_a_merge_is_the_union(lhs: dict[str, Any], rhs: dict[str, Any]) -> None:
    typed = Typed(None, None)
    merged = typed.merge(lhs, rhs)
    assert fields_of(merged, None, None) == fields_of(lhs, None, None) | fields_of(rhs, None, None)


container_lists = st.lists(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["a", "b", "c"])},
        optional={"image": st.sampled_from(["i1", "i2"]), "args": st.lists(st.sampled_from(["-v", "-q"]), max_size=2)},
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda c: c["name"],
)


@given(container_lists, container_lists)
def test_fields_of_a_merge_of_pods_is_the_union(pod: KindSchema, lhs: list[Any], rhs: list[Any]) -> None:
    typed = Typed(pod.schema, pod.resolve)
    a, b = {"spec": {"containers": lhs}}, {"spec": {"containers": rhs}}
    merged = typed.merge(a, b)
    assert typed.fields(merged) == typed.fields(a) | typed.fields(b)
    # Every container of either side is there once, in the configuration's order for shared ones.
    names = [c["name"] for c in merged["spec"]["containers"]]
    assert sorted(names) == sorted({c["name"] for c in lhs + rhs})
