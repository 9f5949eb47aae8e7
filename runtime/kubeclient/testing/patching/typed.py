"""Schema-aware merge, comparison and removal of objects, as structured-merge-diff does them for the API server.

Paths and types come from kubeclient.managedfields (path elements, `type_of`, `fields_of`). Values are plain
JSON-like Python values; `ABSENT` stands for "no value here", which differs from an explicit `null`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from kubeclient.managedfields import (
    FieldSet,
    Path,
    Resolver,
    Schema,
    TypeInfo,
    field_element,
    fields_of,
    format_element,
    format_path,
    list_item_element,
    parse_element,
    type_of,
)


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


def values_equal(a: Any, b: Any) -> bool:
    """JSON value equality where booleans are not numbers and 1 equals 1.0 (structured-merge-diff's Equals)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return False
    return bool(a == b)


def _empty(value: Any) -> bool:
    return value is ABSENT or value is None or (isinstance(value, dict | list) and not value)


def _info(schema: Schema | None, lhs: Any, rhs: Any, resolve: Resolver | None) -> TypeInfo:
    probe = rhs if rhs is not ABSENT and rhs is not None else lhs
    return type_of(schema, None if probe is ABSENT else probe, resolve)


def _index_items(info: TypeInfo, items: Any) -> tuple[list[str], dict[str, Any]]:
    order: list[str] = []
    found: dict[str, Any] = {}
    if not isinstance(items, list):
        return order, found
    for item in items:
        element = list_item_element(info, item)
        if element is None or element in found:
            continue
        found[element] = item
        order.append(element)
    return order, found


def drop_nulls(value: Any) -> Any:
    """Remove null-valued members: a typed object cannot hold them."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


@dataclass
class Typed:
    """Operations on values of one kind, given its OpenAPI v3 schema (None: everything deduced from values)."""

    schema: Schema | None
    resolve: Resolver | None

    # --- merge (apply a configuration onto a live object) --------------------------------------------------

    def merge(self, lhs: Any, rhs: Any) -> Any:
        """`rhs` merged onto `lhs`: leaves and atomic values from rhs, maps by key, associative lists by item key."""
        return self._merge(lhs, rhs, self.schema)

    def _merge(self, lhs: Any, rhs: Any, schema: Schema | None) -> Any:
        info = _info(schema, lhs, rhs, self.resolve)
        leaf = rhs if rhs is not ABSENT else lhs
        if info.kind == "scalar" or info.atomic or (_empty(lhs) and _empty(rhs)):
            return copy.deepcopy(leaf)
        if info.kind == "map":
            left = lhs if isinstance(lhs, dict) else {}
            right = rhs if isinstance(rhs, dict) else {}
            if (lhs is not ABSENT and lhs is not None and not isinstance(lhs, dict)) or (
                rhs is not ABSENT and rhs is not None and not isinstance(rhs, dict)
            ):
                return copy.deepcopy(leaf)
            out: dict[str, Any] = {}
            for key in [*left, *(k for k in right if k not in left)]:
                merged = self._merge(left.get(key, ABSENT), right.get(key, ABSENT), info.child(key))
                if merged is not ABSENT:
                    out[key] = merged
            return out
        if (lhs is not ABSENT and lhs is not None and not isinstance(lhs, list)) or (
            rhs is not ABSENT and rhs is not None and not isinstance(rhs, list)
        ):
            return copy.deepcopy(leaf)
        return self._merge_list(info, lhs, rhs)

    def _merge_list(self, info: TypeInfo, lhs: Any, rhs: Any) -> list[Any]:
        left_order, left = _index_items(info, lhs)
        right_order, right = _index_items(info, rhs)
        # Items of both lists follow the configuration's order; live-only items keep their place among them.
        shared = [e for e in right_order if e in left]
        out: list[Any] = []
        r = 0
        next_shared = 0

        def emit_right_through(stop: str | None) -> None:
            nonlocal r, next_shared
            while r < len(right_order):
                element = right_order[r]
                r += 1
                out.append(self._merge(left.get(element, ABSENT), right[element], info.element))
                if next_shared < len(shared) and shared[next_shared] == element:
                    next_shared += 1
                if element == stop:
                    return

        for element in left_order:
            if element not in right:
                out.append(copy.deepcopy(left[element]))
            elif next_shared < len(shared) and shared[next_shared] == element:
                emit_right_through(element)
        emit_right_through(None)
        return out

    # --- compare ------------------------------------------------------------------------------------------

    def compare(self, lhs: Any, rhs: Any) -> tuple[FieldSet, FieldSet, FieldSet]:
        """(added, modified, removed) paths from `lhs` to `rhs`; non-leaf paths count as added or removed."""
        acc = _Comparison()
        self._compare(lhs, rhs, self.schema, (), acc)
        return FieldSet(acc.added), FieldSet(acc.modified), FieldSet(acc.removed)

    def _compare(self, lhs: Any, rhs: Any, schema: Schema | None, path: Path, acc: _Comparison) -> None:
        info = _info(schema, lhs, rhs, self.resolve)
        is_leaf = info.kind == "scalar" or info.atomic or (_empty(lhs) and _empty(rhs))
        if not is_leaf and info.kind == "map" and not all(isinstance(v, dict) or _empty(v) for v in (lhs, rhs)):
            is_leaf = True
        if not is_leaf and info.kind == "list" and not all(isinstance(v, list) or _empty(v) for v in (lhs, rhs)):
            is_leaf = True
        if is_leaf:
            if not path:
                return
            if lhs is ABSENT:
                acc.added.append(path)
            elif rhs is ABSENT:
                acc.removed.append(path)
            elif not values_equal(lhs, rhs):
                acc.modified.append(path)
            return
        if info.kind == "map":
            left = lhs if isinstance(lhs, dict) else {}
            right = rhs if isinstance(rhs, dict) else {}
            for key in [*left, *(k for k in right if k not in left)]:
                self._compare(
                    left.get(key, ABSENT), right.get(key, ABSENT), info.child(key), (*path, field_element(key)), acc
                )
        else:
            left_order, left_items = _index_items(info, lhs)
            right_order, right_items = _index_items(info, rhs)
            for element in [*left_order, *(e for e in right_order if e not in left_items)]:
                self._compare(
                    left_items.get(element, ABSENT),
                    right_items.get(element, ABSENT),
                    info.element,
                    (*path, element),
                    acc,
                )
        if path:
            if lhs is ABSENT:
                acc.added.append(path)
            elif rhs is ABSENT:
                acc.removed.append(path)

    # --- removal ------------------------------------------------------------------------------------------

    def remove(self, value: Any, paths: FieldSet) -> Any:
        """`value` without the subtrees at `paths`; containers emptied by a removal below them stay, empty."""
        return self._remove(value, paths, self.schema)

    def _remove(self, value: Any, paths: FieldSet, schema: Schema | None) -> Any:
        info = type_of(schema, value, self.resolve)
        if info.atomic or info.kind == "scalar" or _empty(value):
            return copy.deepcopy(value)
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                element = field_element(key)
                if (element,) in paths:
                    continue
                below = paths.with_prefix(element)
                out[key] = self._remove(item, below, info.child(key)) if below else copy.deepcopy(item)
            return out
        if isinstance(value, list):
            items: list[Any] = []
            for item in value:
                item_element = list_item_element(info, item)
                if item_element is not None and (item_element,) in paths:
                    continue
                below = paths.with_prefix(item_element) if item_element is not None else FieldSet()
                items.append(self._remove(item, below, info.element) if below else copy.deepcopy(item))
            return items
        return copy.deepcopy(value)

    # --- validation ---------------------------------------------------------------------------------------

    def key_errors(self, value: Any) -> list[str]:
        """Associative-list problems that make the server refuse an applied configuration (duplicates, no keys)."""
        errors: list[str] = []
        self._key_errors(value, self.schema, (), errors)
        return errors

    def _key_errors(self, value: Any, schema: Schema | None, path: Path, errors: list[str]) -> None:
        info = type_of(schema, value, self.resolve)
        if info.atomic or info.kind == "scalar":
            return
        if isinstance(value, dict):
            for key, item in value.items():
                self._key_errors(item, info.child(key), (*path, field_element(key)), errors)
            return
        if not isinstance(value, list):
            return
        where = format_path(path)
        seen: set[str] = set()
        for index, item in enumerate(value):
            element = list_item_element(info, item)
            if element is None:
                if info.keys and isinstance(item, dict):
                    keys = "[" + " ".join(json.dumps(k) for k in info.keys) + "]"
                    problem = (
                        f"associative list with keys has an element that omits all key fields {keys} "
                        "(and doesn't have default values for any key fields)"
                    )
                elif info.keys:
                    problem = "associative list with keys may not have non-map elements"
                else:
                    problem = "associative list without keys has an element that's a map type"
                    if item is None:
                        problem = "associative list without keys has an element that's an explicit null"
                    elif isinstance(item, list):
                        problem = "not supported: associative list with lists as elements"
                errors.append(f"{where}: element {index}: {problem}")
                continue
            if element in seen:
                errors.append(f"{where}: duplicate entries for key {format_element(element)}")
            seen.add(element)
            self._key_errors(item, info.element, (*path, element), errors)

    # --- field sets ---------------------------------------------------------------------------------------

    def fields(self, value: Any) -> FieldSet:
        return fields_of(value, self.schema, self.resolve)

    def ensure_named_fields(self, paths: FieldSet) -> FieldSet:
        """Add every declared struct field that lies on the way to a member (EnsureNamedFieldsAreMembers)."""
        extra: set[Path] = set()
        for path in paths.paths:
            schema = self.schema
            for depth, element in enumerate(path[:-1]):
                info = type_of(schema, None, self.resolve) if schema is not None else None
                kind, payload = parse_element(element)
                if info is None:
                    break
                if kind == "f":
                    if info.kind == "map" and info.declares(payload):
                        extra.add(path[: depth + 1])
                    schema = info.child(payload) if info.kind == "map" else None
                else:
                    schema = info.element if info.kind == "list" else None
        return paths.union(FieldSet(extra))

    def zero_object(self) -> dict[str, Any]:
        """What the server's empty Go object of this kind looks like unstructured.

        Non-pointer struct fields (OpenAPI `default: {}`) are present as empty objects, required lists and maps
        (no omitempty) as null; the comparison on create then matches the server's (no `.` for those paths).
        """
        return self._zero(self.schema, depth=0) or {}

    def _zero(self, schema: Schema | None, depth: int) -> dict[str, Any] | None:
        if schema is None or depth > 12:
            return None
        resolved = self.resolve(schema) if self.resolve is not None else schema
        props = resolved.get("properties")
        if not isinstance(props, Mapping):
            return {} if depth else None
        required = set(resolved.get("required") or [])
        out: dict[str, Any] = {}
        for name, sub in props.items():
            if not isinstance(sub, Mapping):
                continue
            if sub.get("default") == {}:
                zero = self._zero(sub, depth + 1)
                if zero is not None:
                    out[name] = zero
            elif name in required:
                kind = (self.resolve(sub) if self.resolve is not None else sub).get("type")
                if kind in ("array", "object"):
                    out[name] = None
        return out


@dataclass
class _Comparison:
    added: list[Path] = field(default_factory=list)
    modified: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
