"""OpenAPI schemas → a Python module of `kubeclient.model.Model` classes (templates/models.py.j2 prints it).

Every decision is made here and handed to the template ready to print:

- Class per object schema with properties; schemas without properties become type aliases (`FieldsV1 =
  dict[str, Any]`), and the Kubernetes specials (Quantity, IntOrString, Time, MicroTime, RawExtension, JSON) are
  the runtime's types wherever they are referenced. Inline objects with properties (CRD schemas) get classes of
  their own named after the owner and the property (`CertificateSpec`).
- Field names are snake_case (`podIP` → `pod_ip`, `podIPs` → `pod_ips`); keywords, the model API and the names the
  annotations use get a trailing underscore (`continue_`, `from_`, `not_`, `to_json_`); the wire name is kept with
  msgspec's `rename`. Two properties of one schema that end up with the same name are an error naming both.
- Optional fields are `T | UnsetType | None = UNSET` (absent stays absent, an explicit null stays null); required
  fields are plain `T` (or `T | None` when the schema says nullable) and required when constructing — decoding real
  objects that break the rule still works (see `kubeclient.model`). Schema defaults are the server's business: they
  are noted in a comment, never used as Python defaults (that would add data on re-encoding). Enums stay `str`
  (newer servers add values) with the allowed values in a comment.
- Top-level kinds get `api_version` / `kind` defaulting to their own group-version and kind.

`datamodel-code-generator` was evaluated for this and is not used: see `render_models_module`.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from kubeclient.schema import GVK

__all__ = [
    "RAW_TYPES",
    "SPECIAL_TYPES",
    "ClassDef",
    "ClassRef",
    "FieldDef",
    "ModelError",
    "ModelModuleSpec",
    "ModuleDef",
    "SchemaBuilder",
    "SchemaInput",
    "build_module",
    "field_name",
    "render_models_module",
    "special_type",
]

SCHEMA_REF_PREFIX = "#/components/schemas/"
RUNTIME_MODULE = "kubeclient.model"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# Schemas that are the runtime's types wherever they are referenced (by their OpenAPI component name).
SPECIAL_TYPES: Mapping[str, str] = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "kubeclient.model.Quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "kubeclient.model.IntOrString",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "kubeclient.model.Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "kubeclient.model.MicroTime",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "kubeclient.model.RawExtension",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "kubeclient.model.JSON",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "kubeclient.model.FieldsV1",
}
# Specials held as raw JSON (msgspec.Raw): null is one of their values, so their fields are never `| None` (msgspec
# takes no union with Raw), and their classes show the bytes in repr.
RAW_TYPES: frozenset[str] = frozenset({"io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"})

# Names a generated class offers besides its fields.
MODEL_API = frozenset({"from_json", "from_dict", "to_json", "to_dict"})
# Builtin names the annotations of a generated module use.
_BUILTIN_TYPE_NAMES = frozenset({"str", "int", "float", "bool", "list", "dict", "None"})
# A field with one of these names would shadow a name the class body or its annotations use.
_SHADOWING = _BUILTIN_TYPE_NAMES | {"type_meta"}

_ACRONYM_PLURAL = re.compile(r"([A-Z]{2,})s(?=[A-Z0-9_]|$)")
_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_IDENT = re.compile(r"[^0-9A-Za-z_]+")
_STDLIB = frozenset({"typing", "collections.abc"})
_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+$")


class ModelError(ValueError):
    """A schema cannot become a model (a name collision, an unresolvable type); the message names schema and field."""


@dataclass(frozen=True)
class ClassRef:
    """Where a schema's class lives: module (dotted) and class name."""

    module: str
    name: str


@dataclass(frozen=True)
class SchemaInput:
    """One component schema to render as one class (or type alias)."""

    schema_name: str
    schema: Mapping[str, Any]
    class_name: str
    gvk: GVK | None
    is_list: bool


@dataclass(frozen=True)
class ModelModuleSpec:
    """A module to render: its dotted name, its schemas, and how to find the class of any referenced schema.

    `ref_to_class(schema_name)` gives a `ClassRef`, or a dotted type name ("kubeclient.model.Quantity"); the
    specials of `SPECIAL_TYPES` are mapped before it is asked.
    """

    module: str
    schemas: Sequence[SchemaInput]
    ref_to_class: Callable[[str], ClassRef | str]
    docstrings: bool
    marker: str


@dataclass(frozen=True)
class FieldDef:
    """One field ready to print: `name: annotation = default` (no default: required)."""

    name: str
    wire: str
    annotation: str
    default: str | None
    comments: tuple[str, ...] = ()
    doc: str | None = None
    # For apply configurations: what a `with_<name>` builder does ("set", "append", "merge") and its value type.
    builder: str = "set"
    value_type: str = ""
    ref: str | None = None  # the class (local name) a nested object field refers to, if any
    ref_schema: str | None = None  # the component a field refers to, if any
    # An "append" builder whose items may themselves be lists (nested arrays, any JSON): a single list given to it
    # is an item, where for other builders it is a mistake the builder refuses.
    items_nest: bool = False

    @property
    def raw(self) -> bool:
        """Whether the field holds raw JSON (see RAW_TYPES)."""
        return self.ref_schema in RAW_TYPES


@dataclass(frozen=True)
class ClassDef:
    """One class (or alias when `alias` is set) ready to print."""

    name: str
    schema_name: str
    fields: tuple[FieldDef, ...] = ()
    doc: str | None = None
    alias: str | None = None
    gvk: GVK | None = None
    is_list: bool = False
    repr_hook: str = ""  # local name of the runtime's repr for classes with raw JSON fields, else ""
    # local name of the runtime's `META` accessor (`obj.meta.name` typed str) for models whose metadata is
    # ObjectMeta, else ""
    meta_view: str = ""

    @property
    def renames(self) -> str:
        """The msgspec `rename` mapping as a literal ("" when every field is named as on the wire)."""
        pairs = [f"{f.name!r}: {f.wire!r}" for f in self.fields if f.name != f.wire]
        return "{" + ", ".join(pairs) + "}" if pairs else ""


@dataclass(frozen=True)
class ModuleDef:
    """A whole module ready to print: imports as `from X import a, b` lines, classes in order."""

    module: str
    marker: str
    imports: tuple[str, ...]
    classes: tuple[ClassDef, ...]
    base: str  # local name of the base class
    type_alias: str  # local name of typing.TypeAlias ("" when no alias is printed)

    @property
    def exports(self) -> list[str]:
        return sorted(c.name for c in self.classes)


def special_type(schema_name: str) -> str | None:
    """The runtime type (dotted) a referenced component maps to, or None for an ordinary schema."""
    return SPECIAL_TYPES.get(schema_name)


def field_name(wire: str, *, taken: Iterable[str] = ()) -> str:
    """The Python name of a wire name: snake_case, acronyms kept whole, a trailing underscore where it would clash
    with a keyword, the model API, a name the annotations use or one in `taken`."""
    out = _ACRONYM_PLURAL.sub(lambda m: m.group(1) + "S", wire)
    out = _CAMEL_1.sub(r"\1_\2", out)
    out = _CAMEL_2.sub(r"\1_\2", out)
    out = _NON_IDENT.sub("_", out).strip("_").lower()
    if not out:
        out = "field"
    if out[0].isdigit():
        out = "f_" + out
    reserved = set(taken)
    if keyword.iskeyword(out) or out in MODEL_API or out in _SHADOWING or out in reserved:
        out += "_"
    return out


def ref_of(schema: Mapping[str, Any]) -> str | None:
    """The component a property schema refers to: `$ref`, or a single-element `allOf` (OpenAPI v3 with default)."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref[len(SCHEMA_REF_PREFIX) :] if ref.startswith(SCHEMA_REF_PREFIX) else ref
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping):
        return ref_of(all_of[0])
    return None


def is_alias_schema(schema: Mapping[str, Any]) -> bool:
    """A component that is not an object with properties prints as a type alias."""
    return not isinstance(schema.get("properties"), Mapping) or not schema["properties"]


class _Imports:
    """Local names for imported types, unique within the module (an alias where two would clash)."""

    def __init__(self, module: str, local_classes: set[str]) -> None:
        self.module = module
        self.local = set(local_classes)
        self.by_target: dict[tuple[str, str], str] = {}
        self.used_names: set[str] = set(local_classes) | _BUILTIN_TYPE_NAMES

    def name_for(self, module: str, name: str) -> str:
        if module == self.module:
            if name not in self.local:
                raise ModelError(f"{module}.{name} is referenced but not defined in this module")
            return name
        key = (module, name)
        if key not in self.by_target:
            local = name
            if local in self.used_names:
                prefix = "_".join(p for p in module.split(".")[1:] if p != "models") or module.replace(".", "_")
                local = f"_{prefix}_{name}"
                n = 2
                while local in self.used_names:
                    local = f"_{prefix}_{name}_{n}"
                    n += 1
            self.by_target[key] = local
            self.used_names.add(local)
        return self.by_target[key]

    def lines(self) -> tuple[str, ...]:
        grouped: dict[str, list[str]] = {}
        for (module, name), local in self.by_target.items():
            grouped.setdefault(module, []).append(name if local == name else f"{name} as {local}")
        out = []
        for module in sorted(grouped, key=lambda m: (m not in _STDLIB, m)):
            names = sorted(grouped[module], key=lambda n: (n.split(" as ")[0].lower(), n))
            out.append(f"from {module} import {', '.join(names)}")
        return tuple(out)


class SchemaBuilder:
    """Turns the schemas of one module into `ClassDef`s (shared by models and apply configurations).

    `suffix` is appended to every class name (apply configurations); `ref_module` maps the module of a referenced
    class (a models module) to the module to import it from.
    """

    def __init__(self, spec: ModelModuleSpec, *, suffix: str = "", ref_module: Callable[[str], str] | None = None):
        self.spec = spec
        self.suffix = suffix
        self.ref_module = ref_module or (lambda m: m)
        self.docstrings = spec.docstrings
        self.classes: list[ClassDef] = []
        names = [s.class_name + suffix for s in spec.schemas]
        self.local = set(names)
        if len(self.local) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ModelError(f"{spec.module}: several schemas would become class {dup[0]}")
        self.imports = _Imports(self.ref_module(spec.module), self.local)

    def name(self, module: str, name: str) -> str:
        """The local name of an imported helper (`Any`, `UNSET`, `Model`, ...), imported on first use."""
        return self.imports.name_for(module, name)

    # type expressions

    def _ref_type(self, name: str, where: str) -> tuple[str, str | None]:
        special = special_type(name)
        target: ClassRef | str = special if special else self.spec.ref_to_class(name)
        if isinstance(target, ClassRef):
            local = self.imports.name_for(self.ref_module(target.module), target.name + self.suffix)
            return local, local
        if not _DOTTED.match(target):
            raise ModelError(f"{where}: ref_to_class({name!r}) gave {target!r}, not a ClassRef or dotted name")
        module, _, attr = target.rpartition(".")
        return self.imports.name_for(module, attr), None

    def type_of(self, schema: Mapping[str, Any], owner: str, prop: str, where: str) -> tuple[str, str | None]:
        """(type expression, referenced local class or None) of a property schema."""
        ref = ref_of(schema)
        if ref is not None:
            return self._ref_type(ref, where)
        if schema.get("x-kubernetes-int-or-string") or schema.get("format") == "int-or-string":
            return self.name(RUNTIME_MODULE, "IntOrString"), None
        kind = schema.get("type")
        if kind == "string":
            return "str", None
        if kind == "integer":
            return "int", None
        if kind == "number":
            return "int | float", None  # JSON integers stay integers, so re-encoding is exact
        if kind == "boolean":
            return "bool", None
        if kind == "array":
            items = schema.get("items")
            if not isinstance(items, Mapping):
                return f"list[{self.name('typing', 'Any')}]", None
            inner, ref_cls = self.type_of(items, owner, prop, where + "/items")
            return f"list[{inner}]", ref_cls
        props = schema.get("properties")
        if isinstance(props, Mapping) and props:
            nested = owner + _pascal(prop)
            self._add_class(nested, schema_name="", schema=schema, gvk=None, is_list=False, where=where)
            return nested + self.suffix, nested + self.suffix
        additional = schema.get("additionalProperties")
        if isinstance(additional, Mapping) and additional:
            inner, ref_cls = self.type_of(additional, owner, prop, where + "/additionalProperties")
            return f"dict[str, {inner}]", ref_cls
        any_ = self.name("typing", "Any")
        if kind == "object":
            return f"dict[str, {any_}]", None
        return any_, None  # no type: x-kubernetes-preserve-unknown-fields or any JSON value

    # classes

    def add_schema(self, item: SchemaInput) -> None:
        where = f"{self.spec.module}: schema {item.schema_name}"
        if item.schema_name in SPECIAL_TYPES:
            self.classes.append(
                ClassDef(
                    item.class_name + self.suffix, item.schema_name, alias=self._ref_type(item.schema_name, where)[0]
                )
            )
            return
        self._add_class(
            item.class_name,
            schema_name=item.schema_name,
            schema=item.schema,
            gvk=item.gvk,
            is_list=item.is_list,
            where=where,
        )

    def _add_class(
        self,
        name: str,
        *,
        schema_name: str,
        schema: Mapping[str, Any],
        gvk: GVK | None,
        is_list: bool,
        where: str,
    ) -> None:
        cls_name = name + self.suffix
        if not schema_name:
            if cls_name in self.local or cls_name in self.imports.used_names:
                raise ModelError(f"{where}: an inline object would become class {cls_name}, a name already in use")
            self.local.add(cls_name)
            self.imports.local.add(cls_name)
            self.imports.used_names.add(cls_name)
        doc = _clean_doc(schema.get("description")) if self.docstrings else None
        if is_alias_schema(schema) and gvk is None:
            alias, _ = self.type_of({k: v for k, v in schema.items() if k != "properties"}, name, "", where)
            self.classes.append(ClassDef(cls_name, schema_name, doc=doc, alias=alias))
            return
        props: Mapping[str, Any] = schema.get("properties") or {}
        required = {r for r in schema.get("required") or () if isinstance(r, str)}
        fields: list[FieldDef] = []
        by_name: dict[str, str] = {}
        wires = list(props)
        if gvk is not None:
            wires = ["apiVersion", "kind", *[w for w in wires if w not in ("apiVersion", "kind")]]
        for wire in wires:
            prop = props.get(wire) or {}
            if not isinstance(prop, Mapping):
                raise ModelError(f"{where}: property {wire!r} is not a schema object")
            py = field_name(wire)
            if py in by_name:
                raise ModelError(f"{where}: properties {by_name[py]!r} and {wire!r} would both become field {py!r}")
            by_name[py] = wire
            fields.append(
                self._field(
                    py,
                    wire=wire,
                    prop=prop,
                    required=wire in required,
                    gvk=gvk,
                    owner=name,
                    where=f"{where}/properties/{wire}",
                )
            )
        repr_hook = self.name(RUNTIME_MODULE, "model_repr") if any(f.raw for f in fields) else ""
        meta_view = ""
        object_meta = any(f.wire == "metadata" and f.ref_schema == OBJECT_META for f in fields)
        if object_meta and not self.suffix and "meta" not in {f.name for f in fields}:
            meta_view = self.name(RUNTIME_MODULE, "META")
        self.classes.append(
            ClassDef(cls_name, schema_name, tuple(fields), doc, None, gvk, is_list, repr_hook, meta_view)
        )

    def _field(
        self,
        py: str,
        *,
        wire: str,
        prop: Mapping[str, Any],
        required: bool,
        gvk: GVK | None,
        owner: str,
        where: str,
    ) -> FieldDef:
        comments = []
        enum = prop.get("enum")
        if isinstance(enum, list) and enum:
            comments.append("one of: " + ", ".join(_literal(v) for v in enum))
        default = prop.get("default")
        if default not in (None, "", {}, []):
            comments.append(f"server default: {_literal(default)}")
        doc = _clean_doc(prop.get("description")) if self.docstrings else None
        if gvk is not None and wire in ("apiVersion", "kind"):
            value = gvk.api_version if wire == "apiVersion" else gvk.kind
            default = f"{self.name(RUNTIME_MODULE, 'type_meta')}({value!r})"
            return FieldDef(py, wire, "str", default, tuple(comments), doc, "set", "str")
        annotation, ref_cls = self.type_of(prop, owner, wire, where)
        builder = "append" if annotation.startswith("list[") else "merge" if annotation.startswith("dict[") else "set"
        value_type = annotation
        items_nest = False
        if builder == "append":
            value_type = annotation[len("list[") : -1]
            items_nest = value_type.startswith("list[") or value_type == self.imports.by_target.get(("typing", "Any"))
        elif builder == "merge":
            value_type = annotation[len("dict[str, ") : -1]
        is_raw = ref_of(prop) in RAW_TYPES
        nullable = bool(prop.get("nullable")) and not is_raw
        is_any = annotation == self.imports.by_target.get(("typing", "Any"))
        if required and not self.suffix:
            full = f"{annotation} | None" if nullable and not is_any else annotation
            return FieldDef(
                py, wire, full, None, tuple(comments), doc, builder, value_type, ref_cls, ref_of(prop), items_nest
            )
        unset = self.name(RUNTIME_MODULE, "UNSET")
        full = annotation if is_any else f"{annotation} | {self.name(RUNTIME_MODULE, 'UnsetType')}"
        full += "" if is_any or is_raw else " | None"
        return FieldDef(
            py, wire, full, unset, tuple(comments), doc, builder, value_type, ref_cls, ref_of(prop), items_nest
        )

    def module_def(self, base: str) -> ModuleDef:
        """The module; `base` is the runtime base class of its classes ("Model", "ApplyConfiguration")."""
        base_name = self.name(RUNTIME_MODULE, base)
        alias_name = self.name("typing", "TypeAlias") if any(c.alias for c in self.classes) else ""
        return ModuleDef(
            self.ref_module(self.spec.module),
            self.spec.marker,
            self.imports.lines(),
            tuple(self.classes),
            base_name,
            alias_name,
        )


def _pascal(name: str) -> str:
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", name) if p]
    return "".join(p[0].upper() + p[1:] for p in parts)


def _literal(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _clean_doc(text: Any) -> str | None:
    """A description as docstring text: no triple quotes or trailing backslashes to break the literal."""
    if not isinstance(text, str) or not text.strip():
        return None
    out = text.strip().replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return out + " " if out.endswith('"') else out


def build_module(spec: ModelModuleSpec) -> ModuleDef:
    """Every decision of a models module, ready to print."""
    builder = SchemaBuilder(spec)
    for item in spec.schemas:
        builder.add_schema(item)
    return builder.module_def("Model")


@cache
def _environment() -> jinja2.Environment:
    here = Path(__file__).resolve().parent
    candidates = (here / "templates", here.parent.parent / "templates")
    directory = next((c for c in candidates if (c / "models.py.j2").is_file()), candidates[-1])
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - Python source, not HTML
    )


def render_template(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def render_models_module(spec: ModelModuleSpec) -> str:
    """The Python source of a models module (valid code; black formats it afterwards). Deterministic.

    Why not datamodel-code-generator: its msgspec output (`--output-model-type msgspec.Struct`) cannot express
    the model contract — a shared base class with struct options and the lossless side field, per-class `rename`
    maps, `UNSET` defaults distinct from `None` for exact nulls, `type_meta` defaults for apiVersion/kind, the
    runtime's special types by component name, and no Python defaults from schema defaults — without post-editing
    its output, and it parses and resolves the whole document for every module (about 10 s for core/v1 alone,
    so minutes for all built-in group-versions, against well under a second per module here).
    """
    module = build_module(spec)
    return render_template("models.py.j2", module=module, docstrings=spec.docstrings)
