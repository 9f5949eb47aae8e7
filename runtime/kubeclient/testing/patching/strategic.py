"""Kubernetes strategic merge patch, as kube-apiserver v1.36 applies it to built-in kinds.

The patch metadata comes from the kind's OpenAPI v3 schema: a property's `x-kubernetes-patch-strategy`
(`merge`, `replace`, `retainKeys`, or `merge,retainKeys`) and `x-kubernetes-patch-merge-key`; these are the
server's Go struct tags. `x-kubernetes-list-type` plays no part here (as on the server): a list without a merge
strategy is replaced. Where the schema says nothing (unknown fields, free-form objects, a None schema) maps merge
and lists are replaced, i.e. merge-patch semantics.

Directives: `$patch: replace|delete` in a map, `{"$patch": "replace"}` / `{<key>: v, "$patch": "delete"}` in a
list of maps, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`, `$retainKeys`; `null` deletes.

Failures carry the server's codes: malformed directives 400, lists of lists 422, and 500 for the failures the
server does not classify (a list item without its merge key, an unknown `$patch` value, mixed element types).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kubeclient.testing.patching.errors import PatchError

Schema = Mapping[str, Any]
Resolver = Callable[[Mapping[str, Any]], Mapping[str, Any]]

DIRECTIVE = "$patch"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"
RETAIN_KEYS = "$retainKeys"

_BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
_BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
_BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
_NO_LIST_OF_LISTS = "lists of lists are not supported"


class _Failure(Exception):
    def __init__(self, message: str, code: int = 500) -> None:
        super().__init__(message)
        self.code = code


def _go(value: Any) -> str:
    """Go's %v of a decoded JSON value, as the server's messages print maps and lists."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go(v) for v in value) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "<nil>"


def _no_merge_key(item: Mapping[str, Any], key: str) -> _Failure:
    return _Failure(f"map: {_go(dict(item))} does not contain declared merge key: {key}")


@dataclass(frozen=True)
class _Meta:
    """The patch metadata of one field and the schema of its value (for lists: of an item)."""

    schema: Schema | None
    strategies: tuple[str, ...] = ()
    merge_key: str = ""

    @property
    def strategy(self) -> str:
        """The strategy other than retainKeys (merge or replace), as extractRetainKeysPatchStrategy splits them."""
        rest = [s for s in self.strategies if s != "retainKeys"]
        if len(self.strategies) > 2 or len(rest) > 1:
            raise _Failure(f"unexpected patch strategy: [{' '.join(self.strategies)}]")
        return rest[0] if rest else ""


class _Lookup:
    def __init__(self, resolve: Resolver | None) -> None:
        self.resolve = resolve

    def _resolved(self, schema: Schema | None) -> Schema | None:
        if schema is None:
            return None
        return self.resolve(schema) if self.resolve is not None else schema

    def field(self, schema: Schema | None, key: str, *, slice_item: bool) -> _Meta:
        resolved = self._resolved(schema)
        if resolved is None:
            return _Meta(None)
        props = resolved.get("properties")
        sub: Any = None
        if isinstance(props, Mapping) and key in props:
            sub = props[key]
        elif isinstance(resolved.get("additionalProperties"), Mapping):
            # A Go map: the element type, with no patch metadata of its own.
            sub = resolved["additionalProperties"]
            if slice_item:
                items = self._resolved(sub)
                item = items.get("items") if items is not None else None
                return _Meta(item if isinstance(item, Mapping) else None)
            return _Meta(sub)
        if not isinstance(sub, Mapping):
            return _Meta(None)
        strategy = sub.get("x-kubernetes-patch-strategy")
        merge_key = sub.get("x-kubernetes-patch-merge-key")
        strategies = tuple(strategy.split(",")) if isinstance(strategy, str) and strategy else ()
        value_schema: Any = sub
        if slice_item:
            resolved_sub = self._resolved(sub)
            items = resolved_sub.get("items") if resolved_sub is not None else None
            value_schema = items if isinstance(items, Mapping) else None
        return _Meta(value_schema, strategies, str(merge_key) if isinstance(merge_key, str) else "")


def _remove_directives(value: Any) -> tuple[Any, bool]:
    """Strip `$patch` maps from a value being added as is; False when the value itself is a directive."""
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return None, False
        out: dict[str, Any] = {}
        for k, v in value.items():
            cleaned, keep = _remove_directives(v)
            if keep:
                out[k] = cleaned
        return out, True
    if isinstance(value, list):
        items: list[Any] = []
        for v in value:
            cleaned, keep = _remove_directives(v)
            if keep:
                items.append(cleaned)
        return items, True
    return value, True


def _discard_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _discard_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_discard_nulls(v) for v in value]
    return value


def _element_kind(*lists: list[Any]) -> str:
    """'map' or 'scalar' for the items of the lists; errors as sliceElementType does."""
    kind: str | None = None
    first: type | None = None
    for items in lists:
        for item in items:
            if isinstance(item, list) and first is None:
                raise _Failure(_NO_LIST_OF_LISTS, 422)
            t = type(item)
            if first is None:
                first = t
                kind = "map" if isinstance(item, dict) else "scalar"
            elif t is not first:
                raise _Failure(f"list element types are not identical: {_go(list(lists))}")
    if kind is None:
        raise _Failure("no elements in any of the given slices")
    return kind


def _index_of(items: list[Any], value: Any, merge_key: str, kind: str) -> int:
    probe = value.get(merge_key) if kind == "map" and isinstance(value, dict) else value
    for i, item in enumerate(items):
        other = item.get(merge_key) if kind == "map" and isinstance(item, dict) else item
        if type(other) is type(probe) and other == probe:
            return i
    return -1


def _sort_by(items: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    deletions: list[Any] = []
    if kind == "map":
        for item in [*items, *order]:
            if not isinstance(item, dict):
                raise _Failure(f"expected a map[string]interface {{}}, but received a {_go_type(item)}")
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
        deletions = [i for i in items if i.get(DIRECTIVE) == "delete"]
        items = [i for i in items if i.get(DIRECTIVE) != "delete"]
    ranked = sorted(range(len(items)), key=lambda i: (_index_of(order, items[i], merge_key, kind), i))
    return [items[i] for i in ranked] + deletions


def _normalize_order(
    patch_items: list[Any],
    server_only: list[Any],
    patch_order: list[Any],
    server_order: list[Any],
    *,
    key: str,
    kind: str,
) -> list[Any]:
    """Patch items in patch order, server-only items in live order, interleaved where the live order relates them."""
    right = _sort_by(patch_items, patch_order, key, kind)
    left = _sort_by(server_only, server_order, key, kind)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if j >= len(right):
            out.append(left[i])
            i += 1
        elif i >= len(left):
            out.append(right[j])
            j += 1
        else:
            li = _index_of(server_order, left[i], key, kind)
            ri = _index_of(server_order, right[j], key, kind)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _partition(merged: list[Any], by: list[Any], key: str) -> tuple[list[Any], list[Any]]:
    present: list[Any] = []
    server_only: list[Any] = []
    for item in merged:
        if key:
            if not isinstance(item, dict):
                raise _Failure(f"expected a map[string]interface {{}}, but received a {_go_type(item)}")
            if key not in item:
                raise _no_merge_key(item, key)
            found = _find_by_key(by, key, item[key]) is not None
        else:
            found = any(type(item) is type(b) and item == b for b in by)
        (present if found else server_only).append(item)
    return present, server_only


def _find_by_key(items: list[Any], key: str, value: Any) -> int | None:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise _Failure(f"value for key {i} is not a map")
        if key in item and type(item[key]) is type(value) and item[key] == value:
            return i
    return None


class _Merger:
    def __init__(self, resolve: Resolver | None) -> None:
        self.lookup = _Lookup(resolve)

    def merge_map(
        self, original: dict[str, Any] | None, patch: dict[str, Any], schema: Schema | None
    ) -> dict[str, Any]:
        if DIRECTIVE in patch:
            directive = patch[DIRECTIVE]
            if directive == "replace":
                return {k: v for k, v in patch.items() if k != DIRECTIVE}
            if directive == "delete":
                return {}
            raise _Failure(f"unknown patch type: {_go(directive)} in map: {_go(patch)}")
        if original is None:
            original = {}
        patch = dict(patch)
        self._retain_keys(original, patch)
        self._set_element_order(original, patch, schema)
        for patch_key, value in list(patch.items()):
            key, delete_list = patch_key, False
            if patch_key.startswith(DELETE_FROM_PRIMITIVE_LIST):
                head, sep, rest = patch_key.partition("/")
                if not sep or head != DELETE_FROM_PRIMITIVE_LIST:
                    raise _Failure(_BAD_PRIMITIVE_LIST, 400)
                key, delete_list = rest, True
            if value is None:
                original.pop(key, None)
                continue
            if key not in original or not _same_kind(original[key], value):
                if not delete_list:
                    cleaned, keep = _remove_directives(_discard_nulls(value))
                    if keep:
                        original[key] = cleaned
                    else:
                        original.pop(key, None)
                continue
            current = original[key]
            if isinstance(current, dict):
                meta = self.lookup.field(schema, key, slice_item=False)
                strategy = meta.strategy
                original[key] = value if strategy == "replace" else self.merge_map(current, value, meta.schema)
            elif isinstance(current, list):
                meta = self.lookup.field(schema, key, slice_item=True)
                strategy = meta.strategy
                if strategy == "merge" or delete_list:
                    original[key] = self.merge_list(current, value, meta, delete_list=delete_list)
                else:
                    original[key] = value
            else:
                cleaned, keep = _remove_directives(value)
                if keep:
                    original[key] = cleaned
                else:
                    original.pop(key, None)
        return original

    def _retain_keys(self, original: dict[str, Any], patch: dict[str, Any]) -> None:
        if RETAIN_KEYS not in patch:
            return
        retain = patch.pop(RETAIN_KEYS)
        if not isinstance(retain, list):
            raise _Failure(_BAD_RETAIN_KEYS, 400)
        allowed = {k for k in retain if isinstance(k, str)}
        for key, value in patch.items():
            if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
                continue
            if key not in allowed:
                raise _Failure(_BAD_RETAIN_KEYS, 400)
        for key in list(original):
            if key not in allowed:
                del original[key]

    def _set_element_order(self, original: dict[str, Any], patch: dict[str, Any], schema: Schema | None) -> None:
        for directive_key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
            order = patch.pop(directive_key)
            if not isinstance(order, list):
                raise _Failure(f"expected a []interface {{}}, but received a {_go_type(order)}")
            head, sep, key = directive_key.partition("/")
            if not sep or head != SET_ELEMENT_ORDER:
                raise _Failure(_BAD_SET_ELEMENT_ORDER, 400)
            has_original, has_patch = key in original, key in patch
            original_list = original.get(key)
            patch_list = patch.get(key)
            if has_original and not isinstance(original_list, list):
                raise _Failure(f"expected a []interface {{}}, but received a {_go_type(original_list)}")
            if has_patch and not isinstance(patch_list, list):
                raise _Failure(f"expected a []interface {{}}, but received a {_go_type(patch_list)}")
            meta = self.lookup.field(schema, key, slice_item=True)
            strategy = meta.strategy
            self._validate_order(patch_list if isinstance(patch_list, list) else [], order, meta.merge_key)
            if not has_original and not has_patch:
                continue
            if has_original and not has_patch:
                merged = list(original_list or [])
            elif not has_original:
                merged, _ = _remove_directives(patch_list)
            elif strategy == "merge":
                merged = self.merge_list(list(original_list or []), list(patch_list or []), meta, delete_list=False)
            else:
                merged = list(patch_list or [])
            present, server_only = _partition(merged, order, meta.merge_key)
            kind = _element_kind(list(original_list or []), list(patch_list or []))
            original[key] = _normalize_order(
                present, server_only, order, list(original_list or []), key=meta.merge_key, kind=kind
            )
            patch.pop(key, None)

    @staticmethod
    def _validate_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
        if not order or not patch_list:
            return
        items = patch_list
        if merge_key:
            for item in items:
                if not isinstance(item, dict):
                    raise _Failure(f"expected a map[string]interface {{}}, but received a {_go_type(item)}")
            items = [i for i in items if i.get(DIRECTIVE) != "delete"]
        p = s = 0
        while p < len(items) and s < len(order):
            if isinstance(items[p], dict) and DIRECTIVE in items[p]:
                p += 1
                continue
            if merge_key:
                left, right = items[p], order[s]
                if not isinstance(right, dict):
                    raise _Failure(f"expected a map[string]interface {{}}, but received a {_go_type(right)}")
                if merge_key not in left:
                    raise _no_merge_key(left, merge_key)
                if merge_key not in right:
                    raise _no_merge_key(right, merge_key)
                equal = left[merge_key] == right[merge_key]
            else:
                equal = items[p] == order[s]
            if equal:
                p += 1
            s += 1
        if p < len(items) and s >= len(order):
            raise _Failure(
                f"The order in patch list:\n{_go(patch_list)}\n doesn't match {SET_ELEMENT_ORDER} list:\n{_go(order)}\n"
            )

    def merge_list(self, original: list[Any], patch: list[Any], meta: _Meta, *, delete_list: bool) -> list[Any]:
        if not original and not patch:
            return original
        kind = _element_kind(original, patch)
        key = meta.merge_key
        if kind != "map":
            if delete_list:
                return [v for v in original if not any(type(v) is type(d) and v == d for d in patch)]
            merged: list[Any] = []
            for v in [*original, *patch]:
                if not any(type(v) is type(m) and v == m for m in merged):
                    merged.append(v)
        else:
            if not key:
                raise _Failure(f"cannot merge lists without merge key for {self._name(meta)}")
            original, patch = self._special_items(original, patch, key)
            merged = list(original)
            for item in patch:
                if key not in item:
                    raise _no_merge_key(item, key)
                at = _find_by_key(merged, key, item[key])
                if at is None:
                    merged.append(item)
                else:
                    merged[at] = self.merge_map(merged[at], item, meta.schema)
        present, server_only = _partition(merged, patch, key)
        return _normalize_order(present, server_only, patch, original, key=key, kind=kind)

    @staticmethod
    def _name(meta: _Meta) -> str:
        schema = meta.schema
        return str(schema.get("type") or "Struct") if schema is not None else "Struct"

    @staticmethod
    def _special_items(original: list[Any], patch: list[Any], key: str) -> tuple[list[Any], list[Any]]:
        plain: list[Any] = []
        replace = False
        for item in patch:
            if DIRECTIVE not in item:
                plain.append(item)
                continue
            directive = item[DIRECTIVE]
            if directive == "delete":
                if key not in item:
                    raise _no_merge_key(item, key)
                original = [
                    o
                    for o in original
                    if not (isinstance(o, dict) and type(o.get(key)) is type(item[key]) and o.get(key) == item[key])
                ]
            elif directive == "replace":
                replace = True
            elif directive == "merge":
                raise _Failure("merging lists cannot yet be specified in the patch")
            else:
                raise _Failure(f"unknown patch type: {_go(directive)} in map: {_go(item)}")
        if replace:
            return plain, []
        return original, plain


def _same_kind(a: Any, b: Any) -> bool:
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict)
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list)
    return False


def apply_strategic_merge_patch(doc: Any, patch: Any, schema: Schema | None, resolve: Resolver | None) -> Any:
    """Apply the decoded strategic merge patch to a copy of `doc` under the kind's OpenAPI v3 `schema`.

    `resolve` follows `$ref` / single-element `allOf` (OpenAPIDocument.resolve); `schema` None means no patch
    metadata (merge-patch semantics). `doc` and `patch` are not modified. Raises PatchError.
    """
    if not isinstance(patch, dict):
        # The server decodes the body into a map first; anything else is a decoding error.
        raise PatchError(
            f"json: cannot unmarshal {_kind_word(patch)} into Go value of type map[string]interface {{}}", code=400
        )
    if not isinstance(doc, dict):
        raise PatchError("invalid JSON document", code=400)
    try:
        return _Merger(resolve).merge_map(copy.deepcopy(doc), copy.deepcopy(patch), schema)
    except _Failure as exc:
        raise PatchError(str(exc), code=exc.code) from None


def _kind_word(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    return "number"
