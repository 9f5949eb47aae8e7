"""Field sets as the API server records them in `metadata.managedFields` (FieldsV1), and `extract`.

A field path is a tuple of *path elements*, each written the way FieldsV1 writes its keys:

    "f:<name>"            a field of an object (struct field or map key)
    "k:{\"name\":\"x\"}"   an item of an associative list, by its key fields (sorted by name, compact JSON)
    "v:<json>"            an item of a set (a list of scalars)
    "i:<n>"               a list item by index (accepted when parsing; the API server does not write them)

A `FieldSet` is a set of such paths. FieldsV1 nests them: `{}` marks a path as a member, `".": {}` marks a path as a
member when it also has children. `fields_of` computes the set an object sets, following the kind's OpenAPI v3
schema the way the server's structured-merge-diff typing does (list types, list-map keys, atomic maps), and
`extract` returns only the fields one manager owns (client-go's `ExtractInto`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

Path = tuple[str, ...]
Schema = Mapping[str, Any]
Resolver = Callable[[Mapping[str, Any]], Mapping[str, Any]]

__all__ = [
    "FieldSet",
    "FieldsV1Error",
    "Path",
    "Resolver",
    "Schema",
    "TypeInfo",
    "extract",
    "field_element",
    "fields_of",
    "format_element",
    "format_path",
    "index_element",
    "key_element",
    "list_item_element",
    "parse_element",
    "type_of",
    "value_element",
]


class FieldsV1Error(ValueError):
    """A FieldsV1 document or a path element that cannot be read; the message names the offending key."""


# --- path elements -------------------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    # Go decodes JSON numbers into float64 or int64; an integral float is the same value as the int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def _json(value: Any) -> str:
    # The server's encoder (json-iterator, standard-library compatible) escapes HTML characters.
    text = json.dumps(_canonical(value), separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def field_element(name: str) -> str:
    return "f:" + name


def key_element(keys: Mapping[str, Any]) -> str:
    return "k:" + _json({k: keys[k] for k in sorted(keys)})


def value_element(value: Any) -> str:
    return "v:" + _json(value)


def index_element(index: int) -> str:
    return f"i:{index}"


def parse_element(element: str) -> tuple[Literal["f", "k", "v", "i"], Any]:
    """Split a path element into its kind and payload (field name, key dict, value, or index)."""
    if len(element) < 2 or element[1] != ":":
        raise FieldsV1Error(f"path element {element!r}: expected '<f|k|v|i>:' prefix")
    kind, rest = element[0], element[2:]
    if kind == "f":
        return "f", rest
    if kind in ("k", "v"):
        try:
            payload = json.loads(rest)
        except ValueError as exc:
            raise FieldsV1Error(f"path element {element!r}: not valid JSON: {exc}") from None
        if kind == "k" and not isinstance(payload, dict):
            raise FieldsV1Error(f"path element {element!r}: a key must be a JSON object")
        return ("k", payload) if kind == "k" else ("v", payload)
    if kind == "i":
        try:
            return "i", int(rest)
        except ValueError:
            raise FieldsV1Error(f"path element {element!r}: index is not an integer") from None
    raise FieldsV1Error(f"path element {element!r}: unknown kind {kind!r}")


def _canonical_element(element: str) -> str:
    kind, payload = parse_element(element)
    if kind == "k":
        return key_element(payload)
    if kind == "v":
        return value_element(payload)
    return element


def _value_rank(value: Any) -> tuple[Any, ...]:
    # structured-merge-diff's total order of values: numbers, strings, booleans, lists, maps, null.
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, list):
        return (3, len(value), tuple(_value_rank(v) for v in value))
    if isinstance(value, dict):
        return (4, len(value), tuple((k, _value_rank(value[k])) for k in sorted(value)))
    return (5,)


def _element_order(element: str) -> tuple[Any, ...]:
    kind, payload = parse_element(element)
    if kind == "f":
        return (0, payload)
    if kind == "k":
        return (1, tuple((name, _value_rank(payload[name])) for name in sorted(payload)))
    if kind == "v":
        return (2, _value_rank(payload))
    return (3, payload)


def _go_string(value: Any) -> str:
    # value.ToString of structured-merge-diff: strings quoted, numbers and booleans bare.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_go_string(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ";".join(f"{k}={_go_string(value[k])}" for k in sorted(value)) + "}"
    return str(_canonical(value))


def format_element(element: str) -> str:
    """The server's display form: `.name`, `[name="nginx"]`, `[="a"]`, `[3]`."""
    kind, payload = parse_element(element)
    if kind == "f":
        return "." + str(payload)
    if kind == "k":
        return "[" + ",".join(f"{k}={_go_string(payload[k])}" for k in sorted(payload)) + "]"
    if kind == "v":
        return "[=" + _go_string(payload) + "]"
    return f"[{payload}]"


def format_path(path: Path) -> str:
    """`.spec.containers[name="nginx"].image`, as conflict messages print a path."""
    return "".join(format_element(e) for e in path)


# --- FieldSet ------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    member: bool = False
    children: dict[str, _Node] = field(default_factory=dict)


class FieldSet:
    """An immutable set of field paths with set algebra and the FieldsV1 encoding."""

    __slots__ = ("_paths",)

    def __init__(self, paths: Iterable[Path] = ()) -> None:
        self._paths: frozenset[Path] = frozenset(tuple(p) for p in paths)

    @property
    def paths(self) -> frozenset[Path]:
        return self._paths

    def __contains__(self, path: object) -> bool:
        return path in self._paths

    def __len__(self) -> int:
        return len(self._paths)

    def __bool__(self) -> bool:
        return bool(self._paths)

    def __iter__(self) -> Iterator[Path]:
        """Paths in the server's iteration order: at each level the members first, then the children's contents."""
        return iter(self._ordered())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldSet) and other._paths == self._paths

    def __hash__(self) -> int:
        return hash(self._paths)

    def __repr__(self) -> str:
        return "FieldSet({" + ", ".join(format_path(p) for p in self) + "})"

    def union(self, *others: FieldSet) -> FieldSet:
        return FieldSet(self._paths.union(*(o._paths for o in others)))

    def difference(self, other: FieldSet) -> FieldSet:
        """Exact-path difference (children of a removed path stay)."""
        return FieldSet(self._paths - other._paths)

    def intersection(self, other: FieldSet) -> FieldSet:
        return FieldSet(self._paths & other._paths)

    __or__ = union
    __sub__ = difference
    __and__ = intersection

    def recursive_difference(self, other: FieldSet) -> FieldSet:
        """Drop every path that is in `other` or lies below a path of `other`."""
        return FieldSet(p for p in self._paths if not any(p[:n] in other._paths for n in range(1, len(p) + 1)))

    def with_prefix(self, element: str) -> FieldSet:
        """The paths below `element` with that element removed from their front."""
        return FieldSet(p[1:] for p in self._paths if len(p) > 1 and p[0] == element)

    def has_prefix(self, path: Path) -> bool:
        """True when some member is `path` or lies below it."""
        n = len(path)
        return any(p[:n] == path for p in self._paths)

    def leaves(self) -> FieldSet:
        """Members that have no member below them."""
        prefixes = {p[:n] for p in self._paths for n in range(1, len(p))}
        return FieldSet(p for p in self._paths if p not in prefixes)

    def _tree(self) -> _Node:
        root = _Node()
        for path in self._paths:
            node = root
            for element in path:
                node = node.children.setdefault(element, _Node())
            node.member = True
        return root

    def _ordered(self) -> list[Path]:
        out: list[Path] = []

        def walk(node: _Node, prefix: Path) -> None:
            keys = sorted(node.children, key=_element_order)
            out.extend((*prefix, k) for k in keys if node.children[k].member)
            for k in keys:
                if node.children[k].children:
                    walk(node.children[k], (*prefix, k))

        walk(self._tree(), ())
        return out

    def to_fields_v1(self) -> dict[str, Any]:
        """The FieldsV1 object, keys in the server's order (`.` first, then elements sorted)."""

        def emit(node: _Node, include_self: bool) -> dict[str, Any]:
            out: dict[str, Any] = {}
            if include_self and node.children:
                out["."] = {}
            for key in sorted(node.children, key=_element_order):
                child = node.children[key]
                out[key] = emit(child, child.member) if child.children else {}
            return out

        return emit(self._tree(), False)

    @classmethod
    def from_fields_v1(cls, fields: Mapping[str, Any] | msgspec.Raw | bytes, *, where: str = "fieldsV1") -> FieldSet:
        """Parse a FieldsV1 object, or its JSON (a model's `fields_v1`); `where` names it in errors (a JSON pointer
        is appended per level)."""
        if isinstance(fields, msgspec.Raw | bytes | bytearray):
            try:
                fields = msgspec.json.decode(fields)
            except msgspec.DecodeError as exc:
                raise FieldsV1Error(f"{where}: not valid JSON: {exc}") from None
        paths: list[Path] = []

        def read(obj: Any, prefix: Path, pointer: str) -> bool:
            if not isinstance(obj, Mapping):
                raise FieldsV1Error(f"{where}{pointer}: expected an object, got {type(obj).__name__}")
            has_children = False
            is_member = False
            for key, sub in obj.items():
                if key == ".":
                    is_member = True
                    continue
                sub_pointer = pointer + "/" + str(key).replace("~", "~0").replace("/", "~1")
                try:
                    element = _canonical_element(key)
                except FieldsV1Error as exc:
                    raise FieldsV1Error(f"{where}{sub_pointer}: {exc}") from None
                has_children = True
                if read(sub, (*prefix, element), sub_pointer):
                    paths.append((*prefix, element))
            # An object without children (`{}`) is a member, like the server's reader decides.
            return is_member or not has_children

        if not isinstance(fields, Mapping):
            raise FieldsV1Error(f"{where}: expected an object, got {type(fields).__name__}")
        for key, sub in fields.items():
            if key == ".":
                continue
            pointer = "/" + str(key).replace("~", "~0").replace("/", "~1")
            try:
                element = _canonical_element(key)
            except FieldsV1Error as exc:
                raise FieldsV1Error(f"{where}{pointer}: {exc}") from None
            if read(sub, (element,), pointer):
                paths.append((element,))
        return cls(paths)


# --- schema typing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeInfo:
    """How structured-merge-diff sees a schema node: scalar, list (atomic, set, or map by keys) or map."""

    kind: Literal["scalar", "list", "map"]
    atomic: bool = False
    keys: tuple[str, ...] = ()
    fields: Mapping[str, Any] | None = None
    element: Schema | None = None
    key_defaults: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return self.kind == "list" and not self.atomic and not self.keys

    def child(self, name: str) -> Schema | None:
        """The schema of a map key: a declared property, else the element (additionalProperties) schema."""
        if self.fields is not None and name in self.fields:
            sub = self.fields[name]
            return sub if isinstance(sub, Mapping) else None
        return self.element

    def declares(self, name: str) -> bool:
        return self.fields is not None and name in self.fields


_DEDUCED_MAP = TypeInfo("map")
_DEDUCED_LIST = TypeInfo("list", atomic=True)
_SCALAR = TypeInfo("scalar")


def _deduce(value: Any) -> TypeInfo:
    if isinstance(value, dict):
        return _DEDUCED_MAP
    if isinstance(value, list):
        return _DEDUCED_LIST
    return _SCALAR


def _list_relationship(schema: Schema) -> tuple[bool, tuple[str, ...]]:
    """(atomic, keys) from x-kubernetes-list-type, else from the patch strategy, else atomic."""
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "set":
        return False, ()
    if list_type == "map":
        keys = schema.get("x-kubernetes-list-map-keys") or []
        return False, tuple(str(k) for k in keys)
    if list_type == "atomic":
        return True, ()
    strategy = schema.get("x-kubernetes-patch-strategy")
    if isinstance(strategy, str) and "merge" in strategy.split(","):
        key = schema.get("x-kubernetes-patch-merge-key")
        return False, ((str(key),) if key else ())
    return True, ()


def type_of(schema: Schema | None, value: Any, resolve: Resolver | None) -> TypeInfo:
    """The structured-merge-diff type of `value` under `schema` (None or a free-form schema: deduced from value)."""
    if schema is None:
        return _deduce(value)
    resolved = resolve(schema) if resolve is not None else schema
    if resolved.get("x-kubernetes-int-or-string"):
        return _SCALAR
    kind = resolved.get("type")
    if kind == "array" or (kind is None and "items" in resolved):
        if value is not None and not isinstance(value, list):
            return _deduce(value)
        atomic, keys = _list_relationship(resolved)
        # Extensions sit on the property, not on a referenced component: look at the unresolved node too.
        if schema is not resolved and "x-kubernetes-list-type" in schema:
            atomic, keys = _list_relationship(schema)
        items = resolved.get("items")
        element = items if isinstance(items, Mapping) else None
        defaults: dict[str, Any] = {}
        if keys and element is not None:
            item = resolve(element) if resolve is not None else element
            props = item.get("properties") or {}
            for k in keys:
                sub = props.get(k)
                if isinstance(sub, Mapping) and "default" in sub:
                    defaults[k] = sub["default"]
        return TypeInfo("list", atomic=atomic, keys=keys, element=element, key_defaults=defaults)
    props = resolved.get("properties")
    extra = resolved.get("additionalProperties")
    if kind == "object" or props is not None or extra is not None:
        if value is not None and not isinstance(value, dict):
            return _deduce(value)
        atomic = resolved.get("x-kubernetes-map-type") == "atomic" or schema.get("x-kubernetes-map-type") == "atomic"
        if props is None and not isinstance(extra, Mapping):
            return TypeInfo("map", atomic=atomic)
        return TypeInfo(
            "map",
            atomic=atomic,
            fields=props if isinstance(props, Mapping) else None,
            element=extra if isinstance(extra, Mapping) else None,
        )
    if kind is None and value is not None and isinstance(value, dict | list):
        return _deduce(value)
    return _SCALAR


def list_item_element(info: TypeInfo, item: Any) -> str | None:
    """The path element of a list item, or None when the item cannot be identified (null, missing keys)."""
    if info.keys:
        if not isinstance(item, dict):
            return None
        keys = {k: item[k] for k in info.keys if k in item}
        for k in info.keys:
            if k not in keys and k in info.key_defaults:
                keys[k] = info.key_defaults[k]
        return key_element(keys) if keys else None
    if item is None or isinstance(item, dict | list):
        return None
    return value_element(item)


def fields_of(obj: Any, schema: Schema | None, resolve: Resolver | None) -> FieldSet:
    """The paths an object sets: leaves, list items, undeclared map keys and empty or null values."""
    paths: set[Path] = set()

    def walk(value: Any, sub: Schema | None, path: Path) -> None:
        info = type_of(sub, value, resolve)
        if info.kind == "scalar" or info.atomic:
            if path:
                paths.add(path)
            return
        if info.kind == "list":
            if not isinstance(value, list):
                return
            elements = [list_item_element(info, item) for item in value]
            for item, element in zip(value, elements, strict=True):
                if element is None:
                    continue
                paths.add((*path, element))
                # Duplicated items are recorded once, without their contents.
                if elements.count(element) == 1:
                    walk(item, info.element, (*path, element))
            return
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            child_path = (*path, field_element(key))
            walk(item, info.child(key), child_path)
            if item is None or item == {} or not info.declares(key):
                paths.add(child_path)

    if isinstance(obj, dict):
        walk(obj, schema, ())
    return FieldSet(paths)


# --- extract -------------------------------------------------------------------------------------------------


def _extract_items(value: Any, owned: FieldSet) -> Any:
    """The parts of `value` named by `owned` (client-go's ExtractItems on a set of leaves), schema-free.

    Lists are matched by the path elements the set uses: `k:` items by their key fields, `v:` items by value.
    """
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            element = field_element(key)
            if (element,) in owned:
                out[key] = copy.deepcopy(item)
                continue
            below = owned.with_prefix(element)
            if below:
                extracted = _extract_items(item, below)
                if extracted is not None:
                    out[key] = extracted
        return out
    if isinstance(value, list):
        firsts = {p[0] for p in owned.paths}
        items: list[Any] = []
        for index, item in enumerate(value):
            matched = _match_item(item, index, firsts)
            if matched is None:
                continue
            below = owned.with_prefix(matched)
            if below:
                items.append(_extract_items(item, below))
            elif (matched,) in owned:
                items.append(copy.deepcopy(item))
        return items
    return None


def _match_item(item: Any, index: int, elements: set[str]) -> str | None:
    for element in elements:
        kind, payload = parse_element(element)
        if kind == "k":
            matches = isinstance(item, dict) and all(k in item for k in payload)
            matches = matches and key_element({k: item[k] for k in payload}) == element
        elif kind == "v":
            matches = not isinstance(item, dict | list) and value_element(item) == element
        else:
            matches = kind == "i" and payload == index
        if matches:
            return element
    return None


def extract(
    obj: Mapping[str, Any], field_manager: str, *, subresource: str = "", operation: str = "Apply"
) -> dict[str, Any]:
    """The fields `field_manager` owns in `obj`, as an apply configuration (client-go's `ExtractInto`).

    Finds the managedFields entry with this manager, operation and subresource; returns apiVersion, kind,
    metadata.name/namespace and the owned fields. A manager without an entry yields only the identity fields.
    """
    metadata = obj.get("metadata") or {}
    entries = metadata.get("managedFields") or []
    owned = FieldSet()
    for index, entry in enumerate(entries):
        if (
            entry.get("manager") == field_manager
            and entry.get("operation") == operation
            and (entry.get("subresource") or "") == subresource
        ):
            owned = FieldSet.from_fields_v1(
                entry.get("fieldsV1") or {}, where=f"metadata.managedFields[{index}].fieldsV1"
            )
            break
    body = {k: v for k, v in obj.items() if k != "metadata"}
    body["metadata"] = {k: v for k, v in metadata.items() if k != "managedFields"}
    owned_parts: dict[str, Any] = _extract_items(body, owned.leaves()) if owned else {}
    # Identity first, as generated apply configurations print them; the owned fields follow.
    result: dict[str, Any] = {k: obj[k] for k in ("apiVersion", "kind") if obj.get(k) is not None}
    identity = {k: metadata[k] for k in ("name", "namespace") if metadata.get(k)}
    result["metadata"] = {**identity, **(owned_parts.pop("metadata", None) or {})}
    result.update((k, v) for k, v in owned_parts.items() if k not in ("apiVersion", "kind"))
    return result
