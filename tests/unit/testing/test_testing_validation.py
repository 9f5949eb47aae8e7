"""Validation of names, built-in kinds and custom objects against structural schemas; CRD parsing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.apidocs import Resource
from kubeclient.testing.crd import crd_status, openapi_document, parse_crd, schema_prefix
from kubeclient.testing.defaults import apply_defaults
from kubeclient.testing.status import APIStatus
from kubeclient.testing.validation import SchemaValidator, prune_unknown, validate_builtin, validate_name

CM = Resource("", "v1", "configmaps", "configmap", "ConfigMap", True, ("get",))
NS = Resource("", "v1", "namespaces", "namespace", "Namespace", False, ("get",))
ROLE = Resource("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True, ("get",))
DEPLOY = Resource("apps", "v1", "deployments", "deployment", "Deployment", True, ("get",))


@pytest.mark.parametrize(
    ("res", "name", "ok"),
    [
        (CM, "a.b-c", True),
        (CM, "Upper", False),
        (CM, "a" * 254, False),
        (NS, "a.b", False),
        (NS, "ns-1", True),
        (ROLE, "system:Admin", True),
        (ROLE, "a/b", False),
        (ROLE, "..", False),
    ],
)
def test_names(res: Resource, name: str, ok: bool) -> None:
    assert (validate_name(res, name) == []) is ok


@given(st.from_regex(r"[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?(\.[a-z0-9]{1,5})?", fullmatch=True))
def test_dns_subdomains_are_valid_names(name: str) -> None:
    assert validate_name(CM, name) == []


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["mode"],
            "properties": {
                "mode": {"type": "string", "enum": ["a", "b"]},
                "count": {"type": "integer", "minimum": 1, "maximum": 3, "default": 1},
                "port": {"x-kubernetes-int-or-string": True},
                "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "list": {"type": "array", "maxItems": 1, "items": {"type": "integer"}},
            },
        }
    },
}


def check(obj: dict[str, Any]) -> tuple[dict[str, Any], SchemaValidator]:
    validator = SchemaValidator()
    return validator.run(SCHEMA, obj), validator


def test_structural_schema_prunes_defaults_and_accepts() -> None:
    out, v = check(
        {
            "kind": "W",
            "metadata": {"name": "x"},
            "spec": {"mode": "a", "port": "http", "junk": 1, "free": {"x": {"y": 1}}, "labels": {"k": "v"}},
        }
    )
    assert v.causes == [] and v.pruned == ["spec.junk"]
    assert out["spec"] == {"mode": "a", "port": "http", "free": {"x": {"y": 1}}, "labels": {"k": "v"}, "count": 1}
    assert out["kind"] == "W" and out["metadata"] == {"name": "x"}


def test_structural_schema_errors_name_fields() -> None:
    _, v = check(
        {"spec": {"mode": "c", "count": 9, "name": "ABCDEFG", "labels": {"k": 1}, "list": [1, 2], "port": 1.5}}
    )
    got = {c.field: c.reason for c in v.causes}
    assert got == {
        "spec.mode": "FieldValueNotSupported",
        "spec.count": "FieldValueInvalid",
        "spec.name": "FieldValueTooLong",
        "spec.labels.k": "FieldValueTypeInvalid",
        "spec.list": "FieldValueTooMany",
        "spec.port": "FieldValueTypeInvalid",
    }
    messages = {c.field: c.message for c in v.causes}
    assert messages["spec.count"] == "Invalid value: 9: spec.count in body should be less than or equal to 3"
    _, v = check({"spec": {}})
    assert [(c.field, c.message) for c in v.causes] == [("spec.mode", "Required value")]


def test_builtin_rules_and_defaults() -> None:
    obj: dict[str, Any] = {
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "r/i:1"}]}},
        }
    }
    apply_defaults(DEPLOY, obj)
    assert validate_builtin(DEPLOY, obj) == []
    assert obj["spec"]["replicas"] == 1 and obj["spec"]["revisionHistoryLimit"] == 10
    assert obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert [c.field for c in validate_builtin(DEPLOY, {"spec": {}})] == [
        "spec.selector",
        "spec.template.spec.containers",
    ]


CRD: dict[str, Any] = {
    "metadata": {"name": "things.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Cluster",
        "names": {"plural": "things", "kind": "Thing"},
        "versions": [
            {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {"type": "object"}}},
            {"name": "v2beta1", "served": True, "storage": False, "subresources": {"status": {}}},
        ],
    },
}


def test_parse_crd_and_documents() -> None:
    info = parse_crd(CRD)
    assert (info.singular, info.list_kind, info.namespaced) == ("thing", "ThingList", False)
    resources = {r.version: r for r in info.resources()}
    assert set(resources) == {"v1", "v2beta1"} and "status" in resources["v2beta1"].subresources
    assert crd_status(info, "t")["storedVersions"] == ["v1"]
    doc = openapi_document(info, info.versions[0], {})
    assert set(doc["components"]["schemas"]) == {"com.example.v1.Thing", "com.example.v1.ThingList"}
    assert "/apis/example.com/v1/things/{name}" in doc["paths"]
    assert schema_prefix("cert-manager.io", "v1") == "io.cert-manager.v1"


def test_parse_crd_rejects_bad_specs() -> None:
    bad = {"metadata": {"name": "x"}, "spec": {"scope": "Galaxy", "names": {}, "versions": []}}
    with pytest.raises(APIStatus) as err:
        parse_crd(bad)
    fields = [c["field"] for c in err.value.body()["details"]["causes"]]
    assert fields == ["spec.group", "spec.names.plural", "spec.names.kind", "spec.scope", "spec.versions"]


def test_prune_unknown_follows_refs() -> None:
    schemas: dict[str, Any] = {
        "Pod": {"type": "object", "properties": {"spec": {"allOf": [{"$ref": "#/components/schemas/Spec"}]}}},
        "Spec": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "raw": {"type": "object"},
            },
        },
        "Item": {"type": "object", "properties": {"name": {"type": "string"}}},
    }

    def resolve(schema: Any) -> Any:
        ref = schema.get("$ref") or (schema.get("allOf") or [{}])[0].get("$ref")
        return schemas[ref.rsplit("/", 1)[-1]] if ref else schema

    value = {"spec": {"items": [{"name": "a", "x": 1}], "labels": {"k": "v"}, "raw": {"any": {"thing": 1}}, "y": 2}}
    pruned, unknown = prune_unknown(schemas["Pod"], resolve, value)
    assert unknown == ["spec.items[0].x", "spec.y"]
    assert pruned == {"spec": {"items": [{"name": "a"}], "labels": {"k": "v"}, "raw": {"any": {"thing": 1}}}}
