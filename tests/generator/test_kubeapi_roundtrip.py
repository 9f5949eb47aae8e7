"""Every built-in kind of the committed kubeapi package survives decode → encode unchanged (issue 4).

Objects are drawn by hypothesis from the OpenAPI v3 schemas of the committed v1.36 snapshot (one strategy per
component, `$ref` / single-`allOf` refs resolved, recursion cut by depth) in the forms a kube-apiserver writes: Time
and MicroTime as RFC 3339 strings, quantities as strings, int-or-string as either, free-form data as any JSON,
optional fields absent or null. Each kind's class is found the way the generator names it (`kubegen.ir.build_ir`).
The same objects with unknown fields in every object they hold must survive too.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import importlib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubeclient.apidocs import APIDocuments
from kubeclient.model import UNKNOWN_FIELDS_KEY, Model
from kubegen.ir import build_ir

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "openapi" / "kubernetes-1.36"
GENERATED = REPO / "generated" / "kubeapi"
REF_PREFIX = "#/components/schemas/"

# Few examples per kind keep the whole file well under a minute on two busy cores; 188 kinds times two tests
# still exercise each shared type (ObjectMeta, PodSpec, Condition ...) hundreds of times.
EXAMPLES = 6
ROUNDTRIP_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# How many optional properties an object at a nesting depth may carry: all at the top (metadata, spec, status),
# fewer deeper down, none below the last entry (required properties are always present).
OPTIONAL_BUDGET = (64, 8, 5, 3, 2)
# Beyond this depth a schema that keeps requiring itself would never end: fail loudly instead.
HARD_DEPTH = 16
TYPE_META = ("apiVersion", "kind")

pytestmark = pytest.mark.skipif(
    not (GENERATED / "clientset.py").exists(), reason="generated/kubeapi not rendered yet (run `make generate`)"
)

Schema = Mapping[str, Any]


# The snapshot, read at collection time (the kinds parametrize the tests; reading takes a few hundredths of a second)


def _group_version_documents() -> Iterator[Path]:
    """The documents of group-versions (api/v1, apis/<group>/<version>), not the discovery roots."""
    for path in sorted((SNAPSHOT / "openapi" / "v3").glob("*_openapi.json")):
        parts = path.name.removesuffix("_openapi.json").split("__")
        if parts == ["api", "v1"] or (len(parts) == 3 and parts[0] == "apis"):
            yield path


@cache
def components() -> dict[str, Schema]:
    """Every component schema of the group-version documents; a component that several documents carry
    (DeleteOptions, WatchEvent) differs only in its group-version-kinds, which are merged."""
    out: dict[str, dict[str, Any]] = {}
    for path in _group_version_documents():
        schemas = json.loads(path.read_text())["components"]["schemas"]
        for name, schema in schemas.items():
            if name not in out:
                out[name] = copy.deepcopy(schema)
                continue
            gvks = out[name].get("x-kubernetes-group-version-kind")
            if gvks is not None:
                gvks.extend(g for g in schema["x-kubernetes-group-version-kind"] if g not in gvks)
    return dict(out)


def kind_schemas() -> list[str]:
    return sorted(n for n, s in components().items() if s.get("x-kubernetes-group-version-kind"))


def kind_id(name: str) -> str:
    gvks = components()[name]["x-kubernetes-group-version-kind"]
    if len(gvks) > 1:
        return name.removeprefix("io.k8s.apimachinery.pkg.apis.")
    gvk = gvks[0]
    return f"{gvk['group'] or 'core'}/{gvk['version']}/{gvk['kind']}"


def list_kind_schemas() -> list[str]:
    return [
        n
        for n in kind_schemas()
        if components()[n]["x-kubernetes-group-version-kind"][0]["kind"].endswith("List")
        and "items" in components()[n].get("properties", {})
    ]


def ref_name(schema: Schema) -> str | None:
    """The component a schema refers to: `$ref`, or a single-element `allOf` (how v3 documents add a default)."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.removeprefix(REF_PREFIX)
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1:
        return ref_name(all_of[0])
    return None


# Wire forms of the Kubernetes specials, as a kube-apiserver writes them


def _time_strings(fraction: bool) -> st.SearchStrategy[str]:
    times = st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2200, 12, 31))
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ"
    return times.map(lambda t: t.strftime(fmt))


def _quantities() -> st.SearchStrategy[str]:
    """Quantity strings in the serialization format (resource.Quantity): number, then a suffix."""
    number = st.one_of(
        st.integers(0, 10**6).map(str),
        st.tuples(st.integers(0, 999), st.integers(1, 999)).map(lambda p: f"{p[0]}.{p[1]}"),
    )
    suffix = st.sampled_from(["", "m", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e3", "E-2"])
    return st.tuples(st.sampled_from(["", "", "-"]), number, suffix).map("".join)


INT32 = st.integers(-(2**31), 2**31 - 1)
INT64 = st.integers(-(2**63), 2**63 - 1)
# Finite floats only (JSON has no NaN); Python and msgspec both write the shortest repr, so floats are exact.
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(max_size=12)
# Keys free-form data and unknown fields may have (a CRD property name, a RawExtension's fields): JSON syntax,
# Python names of fields, and the name the runtime once gave its private member of unknown fields.
AWKWARD_KEYS = ("$kubeclient:unknown", "_unknown", "api_version", "$ref", '"', "{", "}", "\\", "", "apiVersion")
KEYS = st.one_of(st.sampled_from(AWKWARD_KEYS), st.text(max_size=8))
JSON_SCALARS = st.one_of(st.none(), st.booleans(), INT64, FLOATS, TEXT)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=8,
)
JSON_OBJECTS = st.dictionaries(KEYS, JSON_VALUES, max_size=3)

SPECIALS: Mapping[str, st.SearchStrategy[Any]] = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": _quantities(),
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": st.one_of(
        INT32, st.integers(0, 100).map(lambda n: f"{n}%"), TEXT
    ),
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": _time_strings(fraction=False),
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": _time_strings(fraction=True),
    "io.k8s.apimachinery.pkg.runtime.RawExtension": JSON_OBJECTS,
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": JSON_VALUES,
}


def unknown_names(known: frozenset[str]) -> st.SearchStrategy[str]:
    """Names a schema does not know: realistic camelCase ones and any text (quotes, braces, "$" and all)."""
    names = st.one_of(st.from_regex(r"\A[a-z][A-Za-z0-9]{0,10}\Z"), st.sampled_from(AWKWARD_KEYS), st.text(max_size=10))
    return names.filter(lambda n: n not in known and n != UNKNOWN_FIELDS_KEY)


class SchemaStrategies:
    """Hypothesis strategies for the JSON of OpenAPI v3 schemas, the way the generated models type them.

    `unknown=True` adds fields the schema does not know to objects with properties: always at the top, to about
    three in four nested ones, so objects with and without them sit side by side.
    """

    def __init__(self, schemas: Mapping[str, Schema], *, unknown: bool) -> None:
        self.schemas = schemas
        self.unknown = unknown
        self._cache: dict[tuple[str, int], st.SearchStrategy[Any]] = {}

    def kind(self, name: str) -> st.SearchStrategy[dict[str, Any]]:
        """A top-level object of a kind: apiVersion and kind always set, as every request and answer carries."""
        return self._object(self.schemas[name], 0, gvks=self.schemas[name]["x-kubernetes-group-version-kind"])

    def component(self, name: str, depth: int) -> st.SearchStrategy[Any]:
        special = SPECIALS.get(name)
        if special is not None:
            return special
        key = (name, depth)
        found = self._cache.get(key)
        if found is None:
            schema = self.schemas[name]
            gvks = schema.get("x-kubernetes-group-version-kind")
            if gvks and schema.get("properties"):
                found = self._object(schema, depth, gvks=gvks)
            else:
                found = self.schema(schema, depth)
            self._cache[key] = found
        return found

    def schema(self, schema: Schema, depth: int) -> st.SearchStrategy[Any]:
        """The order of decisions of `kubegen.models.SchemaBuilder.type_of` (enums are drawn from their values)."""
        if depth > HARD_DEPTH:
            raise RecursionError(f"schema requires itself deeper than {HARD_DEPTH} levels: {schema}")
        ref = ref_name(schema)
        if ref is not None:
            return self.component(ref, depth)
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return st.sampled_from(enum)
        if schema.get("x-kubernetes-int-or-string") or schema.get("format") == "int-or-string":
            return SPECIALS["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]
        kind = schema.get("type")
        fmt = schema.get("format")
        if kind == "string":
            if fmt == "byte":
                return st.binary(max_size=16).map(lambda b: base64.b64encode(b).decode())
            if fmt == "date-time":
                return _time_strings(fraction=False)
            return TEXT
        if kind == "integer":
            return INT32 if fmt == "int32" else INT64
        if kind == "number":
            # The models type numbers `int | float`: a JSON integer stays an integer, 1.0 stays a float.
            return st.one_of(INT64, FLOATS)
        if kind == "boolean":
            return st.booleans()
        size = self._max_items(depth)
        if kind == "array":
            items = schema.get("items")
            inner = self.schema(items, depth) if isinstance(items, Mapping) else JSON_VALUES
            return st.lists(inner, max_size=size)
        if isinstance(schema.get("properties"), Mapping) and schema["properties"]:
            return self._object(schema, depth, gvks=None)
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping) and additional:
            return st.dictionaries(KEYS, self.schema(additional, depth), max_size=size)
        if kind == "object":
            return JSON_OBJECTS
        return JSON_VALUES  # no type: any JSON value

    @staticmethod
    def _max_items(depth: int) -> int:
        return 2 if depth < len(OPTIONAL_BUDGET) else 0

    def _object(self, schema: Schema, depth: int, *, gvks: list[dict[str, str]] | None) -> st.SearchStrategy[Any]:
        props: Mapping[str, Schema] = schema["properties"]
        required_names = set(schema.get("required") or ())
        meta = [w for w in TYPE_META if w in props] if gvks else []
        required: list[tuple[str, st.SearchStrategy[Any]]] = []
        optional: dict[str, st.SearchStrategy[Any]] = {}
        budget = OPTIONAL_BUDGET[depth] if depth < len(OPTIONAL_BUDGET) else 0
        for wire, prop in props.items():
            if wire in meta:
                continue
            if wire in required_names:
                inner = self.schema(prop, depth + 1)
                if depth == 0 and prop.get("type") == "array":
                    inner = st.lists(self.schema(prop["items"], depth + 1), min_size=1, max_size=2)  # list items
                required.append((wire, inner))
            elif budget:
                optional[wire] = self.schema(prop, depth + 1)
        optional_names = sorted(optional)
        chosen_names = (
            st.lists(st.sampled_from(optional_names), max_size=budget, unique=True) if optional_names else None
        )
        type_meta = st.sampled_from([(g["group"], g["version"], g["kind"]) for g in gvks]) if gvks else None
        extra = st.dictionaries(unknown_names(frozenset(props)), JSON_VALUES, min_size=1, max_size=2)
        top = depth == 0

        @st.composite
        def objects(draw: st.DrawFn) -> dict[str, Any]:
            out: dict[str, Any] = {}
            # A kind nested in another (list items, volumeClaimTemplates) comes with or without its type meta.
            if type_meta is not None and meta and (top or draw(st.booleans())):
                group, version, kind = draw(type_meta)
                out.update({"apiVersion": f"{group}/{version}" if group else version, "kind": kind})
            for wire, strategy in required:
                out[wire] = draw(strategy)
            if chosen_names is not None:
                for wire in draw(chosen_names):
                    # Servers send null for some unset optional fields (creationTimestamp: null in templates).
                    out[wire] = None if draw(st.integers(0, 4)) == 0 else draw(optional[wire])
            if self.unknown and (top or draw(st.integers(0, 3)) > 0):
                out.update(draw(extra))
            return out

        return objects()


# Classes as the generator names them


class KindClasses(dict[str, type[Model]]):
    """Component name → generated class; a short repr, as hypothesis prints the test's arguments on failure."""

    kinds: frozenset[str] = frozenset()  # the components the generator made top-level kinds of

    def __repr__(self) -> str:
        return f"<{len(self)} kubeapi classes>"


@pytest.fixture(scope="session")
def kubeapi_classes() -> KindClasses:
    """Component name → generated class, from the same IR `make generate` renders."""
    model = build_ir(APIDocuments.from_directory(SNAPSHOT), package="kubeapi")
    out = KindClasses()
    for module in model.model_modules:
        models = importlib.import_module(f"{module.package}.models")
        for cls in module.classes:
            out[cls.schema_name] = getattr(models, cls.class_name)
    out.kinds = frozenset(c.schema_name for m in model.model_modules for c in m.classes if c.gvk is not None)
    return out


@pytest.fixture(scope="session")
def plain() -> SchemaStrategies:
    return SchemaStrategies(components(), unknown=False)


@pytest.fixture(scope="session")
def with_unknown() -> SchemaStrategies:
    return SchemaStrategies(components(), unknown=True)


def canonical(value: Any) -> str:
    """Type-exact comparison: 1 and 1.0, 0 and False, "1" and 1 all differ here, key order does not."""
    return json.dumps(value, sort_keys=True)


def assert_round_trips(cls: type[Model], data: dict[str, Any]) -> None:
    """dict → model → dict and JSON → model → JSON (and across) give back exactly `data`."""
    original = copy.deepcopy(data)
    text = json.dumps(data)
    from_dict = cls.from_dict(data)
    assert canonical(data) == canonical(original), "from_dict modified its input"
    from_json = cls.from_json(text)
    for out in (
        from_dict.to_dict(),
        json.loads(from_dict.to_json()),
        from_json.to_dict(),
        json.loads(from_json.to_json()),
    ):
        assert out == original
        assert canonical(out) == canonical(original)


def model_class(classes: Mapping[str, type[Model]], schema_name: str) -> type[Model]:
    cls = classes.get(schema_name)
    assert cls is not None, f"kubeapi has no class for {schema_name}"
    return cls


KINDS = kind_schemas()
LIST_KINDS = list_kind_schemas()


def test_every_kind_is_parametrized_and_has_a_class(kubeapi_classes: KindClasses) -> None:
    """The kinds below are read from the documents: every kind the generator made is among them, and every one of
    them (DeleteOptions and WatchEvent, kinds of many groups, too) has a class."""
    assert kubeapi_classes.kinds <= set(KINDS) <= set(kubeapi_classes)
    assert len(kubeapi_classes.kinds) >= 180
    assert len(LIST_KINDS) >= 80
    ids = {kind_id(n) for n in KINDS}
    assert {"core/v1/Pod", "core/v1/PodList", "apps/v1/Deployment", "meta.v1.DeleteOptions"} <= ids


@pytest.mark.parametrize("schema_name", KINDS, ids=kind_id)
@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_kind_round_trips(
    kubeapi_classes: KindClasses, plain: SchemaStrategies, schema_name: str, data: st.DataObject
) -> None:
    cls = model_class(kubeapi_classes, schema_name)
    assert_round_trips(cls, data.draw(plain.kind(schema_name), label=kind_id(schema_name)))


@pytest.mark.parametrize("schema_name", KINDS, ids=kind_id)
@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_kind_with_unknown_fields_round_trips(
    kubeapi_classes: KindClasses, with_unknown: SchemaStrategies, schema_name: str, data: st.DataObject
) -> None:
    cls = model_class(kubeapi_classes, schema_name)
    obj = data.draw(with_unknown.kind(schema_name), label=kind_id(schema_name))
    assert set(obj) - set(components()[schema_name]["properties"]), "the strategy added no unknown field at the top"
    assert_round_trips(cls, obj)


# Unknown fields planted where they matter most, on top of drawn objects


def plant(target: dict[str, Any], names: Mapping[str, Any]) -> None:
    for name, value in names.items():
        assert name not in target
        target[name] = value


def unknown_at(data: st.DataObject, schema: Schema) -> dict[str, Any]:
    names = unknown_names(frozenset(schema["properties"]))
    return data.draw(st.dictionaries(names, JSON_VALUES, min_size=1, max_size=3))


def schema_of(name: str) -> Schema:
    return components()[f"io.k8s.api.core.v1.{name}"]


@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_pod_with_unknown_fields_at_several_depths(
    kubeapi_classes: KindClasses, plain: SchemaStrategies, data: st.DataObject
) -> None:
    pod = data.draw(plain.kind("io.k8s.api.core.v1.Pod"))
    spec = pod["spec"] = pod.get("spec") or data.draw(plain.component("io.k8s.api.core.v1.PodSpec", 1))
    containers = spec["containers"] = spec["containers"] or [{"name": "app"}]
    container = containers[-1]
    container["ports"] = (container.get("ports") or []) + [{"containerPort": 8080}]
    container["resources"] = {"limits": {"cpu": "500m"}}
    status = pod["status"] = pod.get("status") or {}
    status["conditions"] = [{"type": "Ready", "status": "True", "lastProbeTime": None}]
    meta = pod["metadata"] = pod.get("metadata") or {}
    meta["managedFields"] = [{"manager": "kubectl", "operation": "Apply", "fieldsV1": {"f:spec": {}}}]

    plant(pod, unknown_at(data, components()["io.k8s.api.core.v1.Pod"]))
    plant(spec, unknown_at(data, schema_of("PodSpec")))
    plant(containers[0], unknown_at(data, schema_of("Container")))
    plant(container["ports"][-1], unknown_at(data, schema_of("ContainerPort")))
    plant(container["resources"], unknown_at(data, schema_of("ResourceRequirements")))
    plant(status["conditions"][0], unknown_at(data, schema_of("PodCondition")))
    plant(
        meta["managedFields"][0],
        unknown_at(data, components()["io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry"]),
    )
    assert_round_trips(model_class(kubeapi_classes, "io.k8s.api.core.v1.Pod"), pod)


CRD = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."


@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_unknown_fields_inside_map_values_of_objects(
    kubeapi_classes: KindClasses, plain: SchemaStrategies, data: st.DataObject
) -> None:
    """CRD schemas nest JSONSchemaProps in maps (properties) in lists (versions): unknowns at every step."""
    props_schema = components()[CRD + "JSONSchemaProps"]
    leaf = data.draw(plain.component(CRD + "JSONSchemaProps", 3))
    # The only `number` properties of the built-in schemas: a JSON 1 must stay 1 and 1.0 stay 1.0.
    leaf.update(minimum=0, maximum=1.0, multipleOf=data.draw(st.one_of(INT64, FLOATS)))
    plant(leaf, unknown_at(data, props_schema))
    root: dict[str, Any] = {"type": "object", "properties": {"spec": leaf, "status": {"type": "object"}}}
    plant(root, unknown_at(data, props_schema))
    version: dict[str, Any] = {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": root}}
    plant(version, unknown_at(data, components()[CRD + "CustomResourceDefinitionVersion"]))
    plant(version["schema"], unknown_at(data, components()[CRD + "CustomResourceValidation"]))
    crd = data.draw(plain.kind(CRD + "CustomResourceDefinition"))
    crd["spec"]["versions"] = [*crd["spec"]["versions"], version]
    plant(crd["spec"], unknown_at(data, components()[CRD + "CustomResourceDefinitionSpec"]))
    plant(crd, unknown_at(data, components()[CRD + "CustomResourceDefinition"]))
    assert_round_trips(model_class(kubeapi_classes, CRD + "CustomResourceDefinition"), crd)


@pytest.mark.parametrize(
    "schema_name", ["io.k8s.api.core.v1.PodList", "io.k8s.api.apps.v1.DeploymentList"], ids=kind_id
)
@ROUNDTRIP_SETTINGS
@given(data=st.data())
def test_list_items_with_and_without_type_meta_and_unknown_fields(
    kubeapi_classes: KindClasses, with_unknown: SchemaStrategies, schema_name: str, data: st.DataObject
) -> None:
    """Servers leave apiVersion/kind out of built-in list items; other writers put them in. Both survive."""
    listed = data.draw(with_unknown.kind(schema_name))
    items = listed["items"]
    assert items, "list kinds are drawn with items"
    item_gvk = components()[ref_name(components()[schema_name]["properties"]["items"]["items"]) or ""][
        "x-kubernetes-group-version-kind"
    ][0]
    api_version = f"{item_gvk['group']}/{item_gvk['version']}" if item_gvk["group"] else item_gvk["version"]
    items.append({"apiVersion": api_version, "kind": item_gvk["kind"], "metadata": {"name": "typed"}})
    items.append({"metadata": {"name": "bare"}, "futureField": [1, 2.5, None]})
    assert_round_trips(model_class(kubeapi_classes, schema_name), listed)
