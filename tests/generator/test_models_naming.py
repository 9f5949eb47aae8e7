"""kubegen.models decisions: field names, reserved words, collisions, type mapping and the printed module."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kubeclient.schema import GVK
from kubegen.applyconfig import apply_module_name, render_apply_module
from kubegen.models import (
    ClassRef,
    ModelError,
    ModelModuleSpec,
    SchemaInput,
    build_module,
    field_name,
    render_models_module,
    special_type,
)

MOD = "kc_naming_pkg.models"


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("apiVersion", "api_version"),
        ("podIP", "pod_ip"),
        ("podIPs", "pod_ips"),
        ("clusterIPs", "cluster_ips"),
        ("podCIDRs", "pod_cidrs"),
        ("hostIPC", "host_ipc"),
        ("setHostnameAsFQDN", "set_hostname_as_fqdn"),
        ("x-kubernetes-int-or-string", "x_kubernetes_int_or_string"),
        ("$ref", "ref"),
        ("$schema", "schema"),
        ("continue", "continue_"),
        ("from", "from_"),
        ("not", "not_"),
        ("type", "type"),
        ("to_json", "to_json_"),
        ("toDict", "to_dict_"),
        ("str", "str_"),
        ("list", "list_"),
        ("typeMeta", "type_meta_"),
        ("2xx", "f_2xx"),
        ("-", "field"),
    ],
)
def test_field_names(wire: str, expected: str) -> None:
    assert field_name(wire) == expected


def test_taken_names_get_an_underscore() -> None:
    assert field_name("spec", taken={"spec"}) == "spec_"


def _spec(schemas: Mapping[str, Mapping[str, Any]], *, gvks: Mapping[str, GVK] | None = None) -> ModelModuleSpec:
    gvks = gvks or {}

    def ref(name: str) -> ClassRef:
        if name.startswith("other."):
            return ClassRef("kc_naming_other.models", name.rsplit(".", 1)[1])
        return ClassRef(MOD, name.rsplit(".", 1)[1])

    inputs = [
        SchemaInput(name, schema, name.rsplit(".", 1)[1], gvks.get(name), name.endswith("List"))
        for name, schema in schemas.items()
    ]
    return ModelModuleSpec(MOD, inputs, ref, docstrings=True, marker="# generated")


def test_property_collision_is_an_error_naming_schema_and_fields() -> None:
    spec = _spec({"x.Thing": {"type": "object", "properties": {"fooBar": {"type": "string"}, "foo_bar": {}}}})
    with pytest.raises(ModelError, match=r"x\.Thing.*'fooBar'.*'foo_bar'.*'foo_bar'"):
        build_module(spec)


def test_class_collision_is_an_error() -> None:
    obj = {"type": "object", "properties": {"a": {"type": "string"}}}
    with pytest.raises(ModelError, match="Thing"):
        build_module(_spec({"x.Thing": obj, "y.Thing": obj}))
    inline = {"type": "object", "properties": {"spec": {"type": "object", "properties": {"a": {"type": "string"}}}}}
    with pytest.raises(ModelError, match="ThingSpec"):
        build_module(_spec({"x.Thing": inline, "x.ThingSpec": obj}))


def _fields(spec: ModelModuleSpec, cls: str) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    module = build_module(spec)
    found = next(c for c in module.classes if c.name == cls)
    return {f.wire: (f.annotation, f.default, f.comments) for f in found.fields}


def test_type_mapping() -> None:
    ref_q = {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}
    schema = {
        "type": "object",
        "required": ["name", "maybe"],
        "properties": {
            "name": {"type": "string"},
            "maybe": {"type": "string", "nullable": True},
            "count": {"type": "integer", "format": "int32"},
            "ratio": {"type": "number"},
            "on": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "limits": {"type": "object", "additionalProperties": ref_q},
            "port": {"x-kubernetes-int-or-string": True},
            "anything": {"x-kubernetes-preserve-unknown-fields": True},
            "free": {"type": "object"},
            "when": {"allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"}]},
            "policy": {"type": "string", "enum": ["Always", "Never"], "default": "Always"},
            "child": {"allOf": [{"$ref": "#/components/schemas/x.Child"}], "default": {}},
            "far": {"$ref": "#/components/schemas/other.Far"},
        },
    }
    child = {"type": "object", "properties": {"parent": {"$ref": "#/components/schemas/x.Thing"}}}
    fields = _fields(_spec({"x.Thing": schema, "x.Child": child}), "Thing")
    assert fields["name"] == ("str", None, ())
    assert fields["maybe"] == ("str | None", None, ())
    assert fields["count"][:2] == ("int | UnsetType | None", "UNSET")
    assert fields["ratio"][0] == "int | float | UnsetType | None"
    assert fields["on"][0] == "bool | UnsetType | None"
    assert fields["tags"][0] == "list[str] | UnsetType | None"
    assert fields["limits"][0] == "dict[str, Quantity] | UnsetType | None"
    assert fields["port"][0] == "IntOrString | UnsetType | None"
    assert fields["anything"][:2] == ("Any", "UNSET")
    assert fields["free"][0] == "dict[str, Any] | UnsetType | None"
    assert fields["when"][0] == "Time | UnsetType | None"
    assert fields["policy"] == (
        "str | UnsetType | None",
        "UNSET",
        ('one of: "Always", "Never"', 'server default: "Always"'),
    )
    assert fields["child"][0] == "Child | UnsetType | None"
    assert fields["far"][0] == "Far | UnsetType | None"


def test_specials_and_aliases() -> None:
    assert special_type("io.k8s.apimachinery.pkg.util.intstr.IntOrString") == "kubeclient.model.IntOrString"
    assert special_type("io.k8s.api.core.v1.Pod") is None
    spec = _spec(
        {
            "io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            "x.FieldsV1": {"type": "object"},
        }
    )
    module = build_module(spec)
    aliases = {c.name: c.alias for c in module.classes}
    assert aliases == {"Quantity": "_model_Quantity", "FieldsV1": "dict[str, Any]"}
    assert "from kubeclient.model import Model, Quantity as _model_Quantity" in module.imports


def test_fieldsv1_is_raw_json_never_none_and_shown_in_repr() -> None:
    fields_v1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"
    entry = {
        "type": "object",
        "required": ["must"],
        "properties": {
            "fieldsV1": {"allOf": [{"$ref": f"#/components/schemas/{fields_v1}"}], "nullable": True},
            "must": {"$ref": f"#/components/schemas/{fields_v1}"},
            "manager": {"type": "string"},
        },
    }
    module = build_module(_spec({fields_v1: {"type": "object"}, "x.Entry": entry}))
    classes = {c.name: c for c in module.classes}
    assert classes["FieldsV1"].alias == "_model_FieldsV1"
    types = {f.wire: f.annotation for f in classes["Entry"].fields}
    assert types == {
        "fieldsV1": "_model_FieldsV1 | UnsetType",
        "must": "_model_FieldsV1",
        "manager": "str | UnsetType | None",
    }
    assert classes["Entry"].repr_hook == "model_repr"
    assert "    __repr__ = model_repr" in render_models_module(_spec({fields_v1: {"type": "object"}, "x.Entry": entry}))


def test_top_level_kinds_and_lists() -> None:
    kinds = {"x.Thing": GVK("example.com", "v1", "Thing"), "x.ThingList": GVK("example.com", "v1", "ThingList")}
    thing = {"type": "object", "properties": {"metadata": {"type": "object"}, "kind": {"type": "string"}}}
    things = {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/x.Thing"}}},
    }
    spec = _spec({"x.Thing": thing, "x.ThingList": things}, gvks=kinds)
    fields = _fields(spec, "Thing")
    assert list(fields) == ["apiVersion", "kind", "metadata"]
    assert fields["apiVersion"][:2] == ("str", "type_meta('example.com/v1')")
    assert fields["kind"][:2] == ("str", "type_meta('Thing')")
    assert _fields(spec, "ThingList")["items"][:2] == ("list[Thing]", None)


def test_docstrings_only_when_asked_and_safely_quoted() -> None:
    schema = {
        "type": "object",
        "description": 'A "thing" with \\ backslashes and """ quotes"',
        "properties": {"a": {"type": "string", "description": "The a."}},
    }
    with_docs = render_models_module(_spec({"x.Thing": schema}))
    compile(with_docs, "<with docs>", "exec")
    assert "The a." in with_docs
    spec = _spec({"x.Thing": schema})
    without = ModelModuleSpec(spec.module, spec.schemas, spec.ref_to_class, False, spec.marker)
    assert "The a." not in render_models_module(without)
    assert render_models_module(without).startswith("# generated\n")


def test_apply_module_names() -> None:
    assert apply_module_name("kubeapi.apps.v1.models") == "kubeapi.apps.v1.applyconfigs"
    assert apply_module_name("pkg.mod") == "pkg.mod_applyconfigs"


@pytest.fixture
def tmp_package(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("kc_naming_pkg")]:
            del sys.modules[name]


def _write(root: Path, spec: ModelModuleSpec) -> tuple[ModuleType, ModuleType]:
    pkg = root / "kc_naming_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(render_models_module(spec))
    (pkg / "applyconfigs.py").write_text(render_apply_module(spec))
    return importlib.import_module("kc_naming_pkg.models"), importlib.import_module("kc_naming_pkg.applyconfigs")


def test_classes_named_like_runtime_names_and_forward_references(tmp_package: Path) -> None:
    # `Model` and `Time` as class names force the runtime imports under aliases; `Tree` refers to itself and to a
    # class printed after it: msgspec resolves both from the module once decoding starts.
    schemas = {
        "x.Tree": {
            "type": "object",
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/x.Tree"}},
                "model": {"$ref": "#/components/schemas/x.Model"},
                "continue": {"type": "string"},
                "when": {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"},
            },
        },
        "x.Model": {"type": "object", "properties": {"time": {"$ref": "#/components/schemas/x.Time"}}},
        "x.Time": {"type": "object", "properties": {"value": {"type": "string"}}},
    }
    models, applyconfigs = _write(tmp_package, _spec(schemas))
    raw = b'{"children":[{"continue":"c","children":[]}],"model":{"time":{"value":"v"}},"when":"2026-01-01T00:00:00Z"}'
    tree = models.Tree.from_json(raw)
    assert tree.children[0].continue_ == "c"
    assert tree.model.time.value == "v"
    assert json.loads(tree.to_json()) == json.loads(raw)
    built = (
        applyconfigs.TreeApplyConfiguration().with_continue_("x").with_children(applyconfigs.TreeApplyConfiguration())
    )
    assert built.to_dict() == {"continue": "x", "children": [{}]}


def test_appending_builders_refuse_a_list_in_place_of_items(tmp_package: Path) -> None:
    schema = {
        "type": "object",
        "properties": {
            "args": {"type": "array", "items": {"type": "string"}},
            "matrix": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
            "anything": {"type": "array", "items": {}},
        },
    }
    _, applyconfigs = _write(tmp_package, _spec({"x.Job": schema}))
    job = applyconfigs.JobApplyConfiguration()
    assert job.with_args("a", "b").with_args("c").to_dict() == {"args": ["a", "b", "c"]}
    with pytest.raises(
        TypeError, match=r"^with_args\(\) takes the items themselves: with_args\(\*items\), not one list$"
    ):
        job.with_args(["d"])
    assert job.args == ["a", "b", "c"]
    # Where an item may itself be an array, one list is one item.
    assert job.with_matrix(["x", "y"]).with_anything([1], {"k": 2}).to_dict()["matrix"] == [["x", "y"]]
    assert job.anything == [[1], {"k": 2}]
