"""What kube-apiserver's decoder refuses before any validation runs, found from the OpenAPI v3 schema of a built-in
kind: a JSON value of the wrong type for its Go field (400 BadRequest, worded as Go's encoding/json words it), bad
base64 in `[]byte` fields, malformed quantities, and duplicate object keys (reported under fieldValidation)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from kubeclient.testing.status import APIStatus, bad_request

Resolve = Callable[[Mapping[str, Any]], Mapping[str, Any]]

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1), "int": (-(2**63), 2**63 - 1)}
QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
QUANTITY_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY_REF = "io.k8s.apimachinery.pkg.api.resource.Quantity"


class DecodeError(Exception):
    """The decoder's message, e.g. `json: cannot unmarshal number into Go struct field ConfigMap.data of type
    string`; the server prefixes it with `<Kind> in version "<v>" cannot be handled as a <Kind>: `."""


def _ref(schema: Mapping[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if ref is None:
        for sub in schema.get("allOf") or []:
            if isinstance(sub, Mapping) and sub.get("$ref"):
                ref = sub["$ref"]
                break
    return str(ref).rsplit("/", 1)[-1] if ref else None


def json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


class _Walker:
    def __init__(self, resolve: Resolve) -> None:
        self.resolve = resolve

    def full(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        for _ in range(8):  # allOf-of-one-$ref chains are short; the bound guards against cycles
            target = self.resolve(schema)
            if target is schema:
                break
            schema = target
        return schema

    def go_type(self, schema: Mapping[str, Any]) -> str:
        ref = _ref(schema)
        if ref == INT_OR_STRING:
            return "int32"  # IntOrString.UnmarshalJSON falls back to an int32 for anything but a string
        if ref:
            parts = ref.split(".")
            return f"{parts[-2]}.{parts[-1]}"
        kind = schema.get("type")
        if kind == "integer":
            return str(schema.get("format") or "int")
        if kind == "number":
            return "float64"
        if kind == "boolean":
            return "bool"
        if kind == "string":
            return "[]uint8" if schema.get("format") == "byte" else "string"
        if kind == "array" and isinstance(schema.get("items"), Mapping):
            return "[]" + self.go_type(schema["items"])
        if isinstance(schema.get("additionalProperties"), Mapping):
            return "map[string]" + self.go_type(schema["additionalProperties"])
        return "map[string]interface {}"

    def fail(self, value: Any, struct: str, path: str, go_type: str, literal: bool = False) -> DecodeError:
        what = json_kind(value)
        if literal:
            what = f"number {json.dumps(value)}"
        return DecodeError(f"json: cannot unmarshal {what} into Go struct field {struct}.{path} of type {go_type}")

    def walk(self, schema: Mapping[str, Any], value: Any, struct: str, path: str) -> None:
        if value is None:
            return  # null decodes to the zero value of any Go type
        ref = _ref(schema)
        full = self.full(schema)
        if ref == INT_OR_STRING or full.get("x-kubernetes-int-or-string"):
            if isinstance(value, str):
                return
            self._integer(value, struct, path, "int32")
            return
        if ref == QUANTITY_REF:
            if isinstance(value, str) and not QUANTITY.match(value.strip()):
                raise DecodeError(QUANTITY_MSG)
            if isinstance(value, (bool, list, dict)):
                raise self.fail(value, struct, path, "resource.Quantity")
            return
        if full.get("x-kubernetes-preserve-unknown-fields"):
            return
        kind = full.get("type")
        props = full.get("properties")
        additional = full.get("additionalProperties")
        if kind == "object" or isinstance(props, Mapping):
            if not isinstance(value, dict):
                raise self.fail(value, struct, path, self.go_type(schema))
            owner = ref.rsplit(".", 1)[-1] if ref else struct
            for key, item in value.items():
                child = f"{path}.{key}" if path else key
                if isinstance(props, Mapping) and key in props:
                    self.walk(props[key], item, owner, child)
                elif isinstance(additional, Mapping):
                    self.walk(additional, item, struct, path)
            return
        if kind == "array":
            if not isinstance(value, list):
                raise self.fail(value, struct, path, self.go_type(schema))
            items = full.get("items")
            if isinstance(items, Mapping):
                for item in value:
                    self.walk(items, item, struct, path)
            return
        if kind == "integer":
            self._integer(value, struct, path, str(full.get("format") or "int"))
        elif kind == "number":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise self.fail(value, struct, path, "float64")
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise self.fail(value, struct, path, "bool")
        elif kind == "string":
            if not isinstance(value, str):
                raise self.fail(value, struct, path, self.go_type(full))
            if full.get("format") == "byte":
                _base64(value)

    def _integer(self, value: Any, struct: str, path: str, go_type: str) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(value, struct, path, go_type)
        low, high = INT_RANGES.get(go_type, INT_RANGES["int64"])
        if isinstance(value, float) or not low <= value <= high:
            raise self.fail(value, struct, path, go_type, literal=True)


def _base64(text: str) -> None:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        alphabet = re.compile(r"[A-Za-z0-9+/=]")
        bad = next((i for i, ch in enumerate(text) if not alphabet.match(ch)), len(text) - len(text) % 4)
        raise DecodeError(f"illegal base64 data at input byte {bad}") from None


def type_error(kind: str, schema: Mapping[str, Any], resolve: Resolve, obj: Mapping[str, Any]) -> str | None:
    """The decoder's first complaint about `obj` (a built-in kind's JSON object), in document order, or None."""
    walker = _Walker(resolve)
    try:
        for key, value in obj.items():
            props = schema.get("properties") or {}
            if key in props and key not in ("apiVersion", "kind"):
                walker.walk(props[key], value, kind, key)
    except DecodeError as err:
        return str(err)
    return None


def normalize(schema: Mapping[str, Any], resolve: Resolve, obj: Any) -> None:
    """What decoding into Go structs does to values that pass: a null in a map of strings becomes "", a number
    where a Quantity goes becomes its string. Changes `obj` in place."""
    walker = _Walker(resolve)

    def visit(sub: Mapping[str, Any], value: Any) -> None:
        full = walker.full(sub)
        props = full.get("properties")
        additional = full.get("additionalProperties")
        if isinstance(value, dict):
            for key, item in list(value.items()):
                child = props.get(key) if isinstance(props, Mapping) else None
                if child is None and isinstance(additional, Mapping):
                    child = additional
                    if item is None and walker.full(child).get("type") == "string":
                        value[key] = ""
                        continue
                if child is None:
                    continue
                if _ref(child) == QUANTITY_REF and isinstance(item, (int, float)) and not isinstance(item, bool):
                    value[key] = str(item)
                else:
                    visit(child, item)
        elif isinstance(value, list) and isinstance(full.get("items"), Mapping):
            for item in value:
                visit(full["items"], item)

    visit(schema, obj)


# Duplicate keys: the standard decoder keeps the last value; the strict one names each duplicate.


class KeyedDict(dict[str, Any]):
    """A decoded JSON object that remembers which of its keys appeared more than once."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> KeyedDict:
    out = KeyedDict()
    out.duplicates = []
    for key, value in pairs:
        if key in out and key not in out.duplicates:
            out.duplicates.append(key)
        out[key] = value
    return out


def loads_tracking(raw: bytes | str) -> Any:
    """json.loads, with every object a KeyedDict recording its duplicate keys (see duplicate_fields)."""
    return json.loads(raw, object_pairs_hook=_pairs)


def plain(value: Any) -> Any:
    """A loads_tracking result as plain dicts and lists (what gets stored: patch engines compare item types)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def duplicate_fields(value: Any, path: str = "") -> list[str]:
    """Paths of duplicated keys ("data", "metadata.name", "spec.containers[0].name") in a loads_tracking result."""
    found: list[str] = []
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            found.append(f"{path}.{key}" if path else key)
        for key, item in value.items():
            found += duplicate_fields(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += duplicate_fields(item, f"{path}[{i}]")
    return found


# How each verb reports what the decoder refused.


def cannot_handle(kind: str, version: str, why: str) -> APIStatus:
    """Create/update: 400, the body could not be decoded into the kind."""
    return bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: {why}')


def patch_refused(patched: Any, why: str) -> APIStatus:
    """Patch: the patched object could not be decoded; the server names no kind, only the field `patch`."""
    text = json.dumps(patched, separators=(",", ":"))
    message = f"Invalid value: {json.dumps(text)}: {why}"
    return APIStatus(
        422,
        "Invalid",
        f' "" is invalid: patch: {message}',
        {"causes": [{"reason": "FieldValueInvalid", "message": message, "field": "patch"}]},
    )


def apply_refused(name: str, namespace: str, api_version: str, kind: str, why: str) -> APIStatus:
    """Server-side apply: the applied configuration does not fit the schema (500, as kube-apiserver answers)."""
    group, _, version = api_version.rpartition("/")
    message = f"failed to create typed patch object ({namespace}/{name}; {group}/{version}, Kind={kind}): {why}"
    return APIStatus(500, "", message, None)


def applied_type_error(schema: Mapping[str, Any], resolve: Resolve, applied: Mapping[str, Any]) -> str | None:
    """Structured-merge-diff's complaint about an applied configuration: a wrong type or an undeclared field."""
    from kubeclient.testing.validation import prune_unknown

    walker = _Walker(resolve)
    try:
        for key, value in applied.items():
            props = schema.get("properties") or {}
            if key in props and key not in ("apiVersion", "kind"):
                walker.walk(props[key], value, "", key)
    except DecodeError as err:
        text = str(err)
        match = re.search(r"Go struct field \.?(\S+) of type (\S+)", text)
        if match:
            return f".{match.group(1)}: expected {match.group(2)}, got &value.valueUnstructured{{...}}"
        return text
    unknown = prune_unknown(schema, resolve, dict(applied))[1]
    return f".{unknown[0]}: field not declared in schema" if unknown else None
