"""Hoisting inline objects into named components, and placing built-in schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubeclient.apidocs import DocumentError
from kubegen.schemas import builtin_module, class_name_of, hoist_inline_objects

REF = "#/components/schemas/"


def test_builtin_modules() -> None:
    assert builtin_module("io.k8s.api.core.v1.Pod") == ("core", "v1")
    assert builtin_module("io.k8s.api.rbac.v1.Role") == ("rbac", "v1")
    assert builtin_module("io.k8s.api.apiserverinternal.v1alpha1.StorageVersion") == ("apiserverinternal", "v1alpha1")
    assert builtin_module("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") == ("meta", "v1")
    assert builtin_module("io.k8s.apimachinery.pkg.api.resource.Quantity") == ("meta", "v1")
    assert builtin_module("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition") == (
        "apiextensions",
        "v1",
    )
    assert builtin_module("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService") == ("apiregistration", "v1")
    assert builtin_module("io.cert-manager.v1.Certificate") is None
    assert class_name_of("io.cert-manager.v1.Certificate") == "Certificate"


def test_hoisting_names_follow_the_property_path() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "keystores": {
                        "type": "object",
                        "properties": {"jks": {"type": "object", "properties": {"create": {"type": "boolean"}}}},
                    },
                    "parts": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "string"}}}},
                    "byName": {
                        "type": "object",
                        "additionalProperties": {"type": "object", "properties": {"v": {"type": "integer"}}},
                    },
                    "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                },
            }
        },
    }
    out, roots = hoist_inline_objects({"io.cert-manager.v1.Certificate": schema}, "doc")
    assert list(out) == [
        "io.cert-manager.v1.Certificate",
        "io.cert-manager.v1.CertificateSpec",
        "io.cert-manager.v1.CertificateSpecKeystores",
        "io.cert-manager.v1.CertificateSpecKeystoresJks",
        "io.cert-manager.v1.CertificateSpecParts",
        "io.cert-manager.v1.CertificateSpecByNameValue",
    ]
    assert out["io.cert-manager.v1.Certificate"]["properties"]["spec"] == {
        "$ref": REF + "io.cert-manager.v1.CertificateSpec"
    }
    spec = out["io.cert-manager.v1.CertificateSpec"]["properties"]
    assert spec["parts"]["items"] == {"$ref": REF + "io.cert-manager.v1.CertificateSpecParts"}
    assert spec["byName"]["additionalProperties"] == {"$ref": REF + "io.cert-manager.v1.CertificateSpecByNameValue"}
    assert spec["free"] == {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    assert set(roots.values()) == {"io.cert-manager.v1.Certificate"}
    # The input is left as it was.
    assert "properties" in schema["properties"]["spec"]


def test_hoisting_collision_names_document_and_pointer() -> None:
    schemas = {
        "x.v1.Foo": {
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}},
        },
        "x.v1.FooSpec": {"type": "object", "properties": {"b": {"type": "string"}}},
    }
    with pytest.raises(DocumentError) as info:
        hoist_inline_objects(schemas, "foo.yaml")
    assert info.value.document == "foo.yaml"
    assert info.value.pointer == "/components/schemas/x.v1.Foo/properties/spec"
    assert "FooSpec" in str(info.value)


def test_hoisting_pointer_can_point_into_a_manifest() -> None:
    schemas = {
        "x.v1.Foo": {"properties": {"spec": {"properties": {"a": {"type": "string"}}}}},
        "x.v1.FooSpec": {"properties": {"b": {"type": "string"}}},
    }
    pointers = {"x.v1.Foo": ("spec", "versions", 0, "schema", "openAPIV3Schema")}
    with pytest.raises(DocumentError) as info:
        hoist_inline_objects(schemas, "crd.yaml", pointers=pointers)
    assert info.value.pointer == "/spec/versions/0/schema/openAPIV3Schema/properties/spec"


_leaf = st.sampled_from([{"type": "string"}, {"type": "integer"}, {"type": "object"}, {"$ref": REF + "a.v1.Other"}])


def _objects(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    props = st.dictionaries(st.from_regex(r"[a-z][a-zA-Z]{0,6}", fullmatch=True), children, min_size=1, max_size=3)
    return st.one_of(
        props.map(lambda p: {"type": "object", "properties": p}),
        children.map(lambda c: {"type": "array", "items": c}),
        children.map(lambda c: {"type": "object", "additionalProperties": c}),
    )


def _inline_objects_below_top(node: Any, top: bool = True) -> int:
    if not isinstance(node, Mapping):
        return 0
    count = 0 if top or "$ref" in node or not node.get("properties") else 1
    for key in ("properties",):
        for child in (node.get(key) or {}).values():
            count += _inline_objects_below_top(child, False)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), Mapping):
            count += _inline_objects_below_top(node[key], False)
    return count


@settings(max_examples=60, deadline=None)
@given(st.recursive(_leaf, _objects, max_leaves=12))
def test_hoisting_leaves_no_inline_object_and_is_deterministic(schema: Any) -> None:
    try:
        out, roots = hoist_inline_objects({"a.v1.Root": schema}, "doc")
    except DocumentError:
        return  # two paths spelling one class name (e.g. "aB" and "AB"): a reported collision
    assert all(_inline_objects_below_top(s) == 0 for s in out.values())
    assert set(roots) == set(out) - {"a.v1.Root"}
    assert hoist_inline_objects({"a.v1.Root": schema}, "doc") == (out, roots)
