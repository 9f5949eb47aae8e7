"""Schema placement: which module and class each OpenAPI component becomes, and hoisting of inline objects.

Built-in component names carry their Go package (`io.k8s.api.core.v1.Pod`, `io.k8s.apimachinery.pkg.apis.meta.v1.
ObjectMeta`), which is also client-go's package: that decides the module. Everything under `io.k8s.apimachinery`
(meta/v1, Quantity, IntOrString, RawExtension, version Info) lives in `meta/v1`. Other components (custom resources)
go to the group-version of their `x-kubernetes-group-version-kind`, else to that of the document they came from.

CRD schemas (and the documents a server publishes for them) nest objects inline; every inline object with properties
is hoisted into a component of its own, named after its parent and the property path (`Certificate` → `spec` →
`keystores` → `jks` gives `CertificateSpecKeystoresJks`), so each becomes a named class.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubeclient.apidocs import DocumentError, json_pointer
from kubeclient.apidocs.openapi import SCHEMA_REF_PREFIX, ref_name
from kubeclient.schema import GVK
from kubegen.naming import group_package, pascal_case, safe_identifier, version_module

__all__ = [
    "META_MODULE",
    "builtin_module",
    "class_name_of",
    "hoist_inline_objects",
    "schema_gvks",
    "single_gvk",
]

META_MODULE = ("meta", "v1")

# Go package prefixes of the built-in types whose package is not io.k8s.api.<pkg>.<version>.
_BUILTIN_PREFIXES = (
    ("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.", "apiextensions"),
    ("io.k8s.kube-aggregator.pkg.apis.apiregistration.", "apiregistration"),
)


@dataclass(frozen=True)
class Placed:
    """Where a component goes: (group package, version module) and its class name."""

    module: tuple[str, str]
    class_name: str


def class_name_of(schema_name: str) -> str:
    """The class of a component: the last segment of its dotted name, made an identifier."""
    return safe_identifier(schema_name.rsplit(".", 1)[-1].replace("-", "_"))


def builtin_module(schema_name: str) -> tuple[str, str] | None:
    """The module of a built-in component from its Go package, or None for other components."""
    if schema_name.startswith("io.k8s.apimachinery."):
        return META_MODULE
    parts = schema_name.split(".")
    if schema_name.startswith("io.k8s.api.") and len(parts) == 6:
        return parts[3], version_module(parts[4])
    for prefix, package in _BUILTIN_PREFIXES:
        if schema_name.startswith(prefix):
            rest = schema_name[len(prefix) :].split(".")
            if len(rest) == 2:
                return package, version_module(rest[0])
    return None


def schema_gvks(schema: Mapping[str, Any]) -> list[GVK]:
    raw = schema.get("x-kubernetes-group-version-kind")
    if not isinstance(raw, list):
        return []
    return [
        GVK(str(g.get("group", "")), str(g.get("version", "")), str(g.get("kind", "")))
        for g in raw
        if isinstance(g, Mapping)
    ]


def single_gvk(schema: Mapping[str, Any]) -> GVK | None:
    """The kind a component is the object of, when it names exactly one (shared option types name many)."""
    gvks = schema_gvks(schema)
    return gvks[0] if len(gvks) == 1 else None


def gvk_module(gvk: GVK) -> tuple[str, str]:
    return group_package(gvk.group), version_module(gvk.version)


def _is_inline_object(schema: Any) -> bool:
    return (
        isinstance(schema, Mapping)
        and ref_name(schema) is None
        and isinstance(schema.get("properties"), Mapping)
        and bool(schema["properties"])
    )


def hoist_inline_objects(
    schemas: Mapping[str, Any],
    document: str,
    *,
    pointers: Mapping[str, tuple[str | int, ...]] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Components with every nested inline object replaced by a `$ref` to a new component of its own.

    Returns the new components (the given ones first, then the hoisted ones in discovery order) and, for each
    hoisted component, the component it was hoisted from (its root). A hoisted name that is already taken is an
    error naming the document and the JSON pointer of the inline schema (`pointers` gives where each component
    sits in its document; by default under /components/schemas).
    """
    out: dict[str, Any] = {}
    roots: dict[str, str] = {}
    taken = set(schemas)

    def visit(node: Any, owner_class: str, prefix: str, root: str, pointer: tuple[str | int, ...]) -> Any:
        if not isinstance(node, Mapping):
            return node
        result = dict(node)
        props = node.get("properties")
        if isinstance(props, Mapping):
            new_props = {}
            for prop, sub in props.items():
                new_props[prop] = hoist(
                    sub, owner_class + pascal_case(prop), prefix, root, (*pointer, "properties", prop)
                )
            result["properties"] = new_props
        items = node.get("items")
        if isinstance(items, Mapping):
            result["items"] = hoist(items, owner_class + "Item", prefix, root, (*pointer, "items"))
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):
            result["additionalProperties"] = hoist(
                extra, owner_class + "Value", prefix, root, (*pointer, "additionalProperties")
            )
        return result

    def hoist(node: Any, class_name: str, prefix: str, root: str, pointer: tuple[str | int, ...]) -> Any:
        if not isinstance(node, Mapping):
            return node
        if _is_inline_object(node):
            name = f"{prefix}{class_name}"
            if name in taken:
                raise DocumentError(
                    document,
                    json_pointer(*pointer),
                    f"inline object would become class {class_name!r} ({name}), which already exists",
                )
            taken.add(name)
            roots[name] = root
            out[name] = None  # reserve the slot so hoisted components come out parents first
            out[name] = visit(node, class_name, prefix, root, pointer)
            return {"$ref": SCHEMA_REF_PREFIX + name}
        if node.get("type") == "array" and isinstance(node.get("items"), Mapping):
            # An array of inline objects: the item class is named after the property.
            return dict(node, items=hoist(node["items"], class_name, prefix, root, (*pointer, "items")))
        if isinstance(node.get("additionalProperties"), Mapping):
            return dict(
                node,
                additionalProperties=hoist(
                    node["additionalProperties"],
                    class_name + "Value",
                    prefix,
                    root,
                    (*pointer, "additionalProperties"),
                ),
            )
        return node

    for name, schema in schemas.items():
        prefix = name[: len(name) - len(name.rsplit(".", 1)[-1])]
        where = (pointers or {}).get(name, ("components", "schemas", name))
        out[name] = visit(schema, class_name_of(name), prefix, name, where)
    # Components first, hoisted after (parents before children): a stable order for rendering.
    ordered = {n: out[n] for n in schemas}
    ordered.update((n, out[n]) for n in out if n not in schemas)
    return ordered, roots
