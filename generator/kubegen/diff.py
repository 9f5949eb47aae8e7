"""`kubegen diff`: what changed between two sets of API documents, read before regenerating for a new API version.

Group-versions, resources, verbs, subresources and scope come from discovery; schemas and their fields from the
OpenAPI documents of the group-versions both sides serve. A field "changes" when its type, format, reference,
item type or requiredness changes; descriptions are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kubeclient.apidocs import APIDocuments
from kubeclient.apidocs.openapi import ref_name

__all__ = ["Change", "diff_documents"]


@dataclass(frozen=True, order=True)
class Change:
    """One difference: `change` is "added", "removed" or "changed"; `what` the kind of thing; `name` which one."""

    what: str
    name: str
    change: str
    detail: str = ""

    def __str__(self) -> str:
        sign = {"added": "+", "removed": "-", "changed": "~"}[self.change]
        return f"{sign} {self.what} {self.name}" + (f": {self.detail}" if self.detail else "")


def _gv_name(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def _served(docs: APIDocuments) -> dict[tuple[str, str], dict[str, Any]]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in docs.resources():
        out.setdefault((r.group, r.version), {})[r.plural] = r
    return out


def _set_changes(what: str, name: str, old: Iterable[str], new: Iterable[str]) -> list[Change]:
    old_set, new_set = set(old), set(new)
    changes = []
    if new_set - old_set:
        changes.append(Change(what, name, "added", ", ".join(sorted(new_set - old_set))))
    if old_set - new_set:
        changes.append(Change(what, name, "removed", ", ".join(sorted(old_set - new_set))))
    return changes


def _field_shape(schema: Any, required: bool) -> str:
    """What a field is, for comparison: its type (or referenced schema), format, item type and requiredness."""
    if not isinstance(schema, Mapping):
        return "?"
    ref = ref_name(schema)
    shape = f"ref {ref.rsplit('.', 1)[-1]}" if ref else str(schema.get("type", "any"))
    if schema.get("format"):
        shape += f" ({schema['format']})"
    items = schema.get("items")
    if isinstance(items, Mapping):
        shape += f" of {_field_shape(items, False)}"
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping):
        shape += f" of {_field_shape(extra, False)}"
    return shape + (", required" if required else "")


def _fields(schema: Mapping[str, Any]) -> dict[str, str]:
    props = schema.get("properties")
    required = set(schema.get("required") or ())
    if not isinstance(props, Mapping):
        return {}
    return {name: _field_shape(sub, name in required) for name, sub in props.items()}


def _schemas(docs: APIDocuments, gvs: Iterable[tuple[str, str]]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for group, version in sorted(gvs):
        doc = docs.openapi_for(group, version)
        if doc is None:
            continue
        for name, schema in doc.schemas.items():
            if isinstance(schema, Mapping):
                out.setdefault(name, schema)
    return out


def diff_documents(old: APIDocuments, new: APIDocuments) -> list[Change]:
    """Every difference from `old` to `new`, sorted by what changed and its name."""
    changes: list[Change] = []
    old_gvs, new_gvs = _served(old), _served(new)
    for gv in sorted(set(old_gvs) | set(new_gvs)):
        name = _gv_name(*gv)
        if gv not in old_gvs:
            changes.append(Change("group-version", name, "added"))
            continue
        if gv not in new_gvs:
            changes.append(Change("group-version", name, "removed"))
            continue
        before, after = old_gvs[gv], new_gvs[gv]
        for plural in sorted(set(before) | set(after)):
            res_name = f"{name} {plural}"
            if plural not in before:
                changes.append(Change("resource", res_name, "added"))
            elif plural not in after:
                changes.append(Change("resource", res_name, "removed"))
            else:
                a, b = before[plural], after[plural]
                changes += _set_changes("verbs", res_name, a.verbs, b.verbs)
                changes += _set_changes("subresources", res_name, a.subresources, b.subresources)
                if a.namespaced != b.namespaced:
                    changes.append(Change("scope", res_name, "changed", f"{a.scope} → {b.scope}"))
    common = set(old_gvs) & set(new_gvs)
    old_schemas, new_schemas = _schemas(old, common), _schemas(new, common)
    for schema_name in sorted(set(old_schemas) | set(new_schemas)):
        if schema_name not in old_schemas:
            changes.append(Change("schema", schema_name, "added"))
            continue
        if schema_name not in new_schemas:
            changes.append(Change("schema", schema_name, "removed"))
            continue
        a_fields, b_fields = _fields(old_schemas[schema_name]), _fields(new_schemas[schema_name])
        for field in sorted(set(a_fields) | set(b_fields)):
            field_name = f"{schema_name}.{field}"
            if field not in a_fields:
                changes.append(Change("field", field_name, "added", b_fields[field]))
            elif field not in b_fields:
                changes.append(Change("field", field_name, "removed", a_fields[field]))
            elif a_fields[field] != b_fields[field]:
                changes.append(Change("field", field_name, "changed", f"{a_fields[field]} → {b_fields[field]}"))
    order = {"group-version": 0, "resource": 1, "scope": 2, "verbs": 3, "subresources": 4, "schema": 5, "field": 6}
    return sorted(changes, key=lambda c: (order[c.what], c.name, c.change))
