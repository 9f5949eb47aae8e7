"""Validation the real server performs that the fake reproduces: object names, labels, a few built-in kind rules,
and custom objects against their CRD's structural schema (with pruning of unknown fields and defaulting)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from kubeclient.apidocs import Resource
from kubeclient.testing.status import Cause, go_value

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
QUALIFIED_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation "
    "is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
# Resources whose names are DNS labels, and those only checked as path segments (RBAC allows ':' and upper case).
LABEL_NAMED = {("", "namespaces"), ("", "services")}
PATH_SEGMENT_NAMED = {
    ("rbac.authorization.k8s.io", p) for p in ("roles", "clusterroles", "rolebindings", "clusterrolebindings")
}
WORKLOADS = {("apps", "deployments"), ("apps", "replicasets"), ("apps", "statefulsets"), ("apps", "daemonsets")}


def validate_name(res: Resource, name: str) -> list[Cause]:
    if not name:
        return [Cause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]
    key = (res.group, res.plural)
    if key in PATH_SEGMENT_NAMED:
        bad = name in (".", "..") or "/" in name or "%" in name
        msg = "may not contain '/'" if "/" in name else "may not contain '%'" if "%" in name else f"may not be '{name}'"
        return [Cause("FieldValueInvalid", f"Invalid value: {go_value(name)}: {msg}", "metadata.name")] if bad else []
    if key in LABEL_NAMED:
        ok, msg, limit = DNS1123_LABEL.match(name) is not None, LABEL_MSG, 63
    else:
        ok, msg, limit = DNS1123_SUBDOMAIN.match(name) is not None, SUBDOMAIN_MSG, 253
    causes = []
    if len(name) > limit:
        causes.append(
            Cause(
                "FieldValueInvalid",
                f"Invalid value: {go_value(name)}: must be no more than {limit} characters",
                "metadata.name",
            )
        )
    if not ok:
        causes.append(Cause("FieldValueInvalid", f"Invalid value: {go_value(name)}: {msg}", "metadata.name"))
    return causes


def validate_labels(labels: Any) -> list[Cause]:
    if labels is None:
        return []
    if not isinstance(labels, Mapping):
        return [Cause("FieldValueTypeInvalid", "Invalid value: must be a map of strings", "metadata.labels")]
    causes = []
    for key, value in labels.items():
        from kubeclient.testing.rules import qualified_name  # rules builds on this module's patterns

        causes += qualified_name(str(key), "metadata.labels")
        if not isinstance(value, str) or (value and (len(value) > 63 or not QUALIFIED_NAME.match(value))):
            causes.append(
                Cause("FieldValueInvalid", f"Invalid value: {go_value(value)}: {VALUE_MSG}", "metadata.labels")
            )
    return causes


def _selector_matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    from kubeclient.labels import LabelSelectorError, from_label_selector

    try:
        return from_label_selector(selector).matches({str(k): str(v) for k, v in labels.items()})
    except LabelSelectorError:
        return False


def validate_builtin(res: Resource, obj: Mapping[str, Any]) -> list[Cause]:
    """The rules of a few common kinds: workloads need a selector matching the template and containers."""
    causes: list[Cause] = []
    if (res.group, res.plural) in WORKLOADS:
        spec = obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}
        assert isinstance(spec, Mapping)
        selector = spec.get("selector")
        template = spec.get("template") if isinstance(spec.get("template"), Mapping) else {}
        assert isinstance(template, Mapping)
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not isinstance(selector, Mapping):
            causes.append(Cause("FieldValueRequired", "Required value", "spec.selector"))
        elif not selector.get("matchLabels") and not selector.get("matchExpressions"):
            causes.append(
                Cause(
                    "FieldValueInvalid", "Invalid value: {}: empty selector is invalid for deployment", "spec.selector"
                )
            )
        elif not _selector_matches(selector, labels):
            causes.append(
                Cause(
                    "FieldValueInvalid",
                    f"Invalid value: {go_value(labels)}: `selector` does not match template `labels`",
                    "spec.template.metadata.labels",
                )
            )
        if not ((template.get("spec") or {}).get("containers")):
            causes.append(Cause("FieldValueRequired", "Required value", "spec.template.spec.containers"))
    elif (res.group, res.plural) == ("", "pods") and not (obj.get("spec") or {}).get("containers"):
        causes.append(Cause("FieldValueRequired", "Required value", "spec.containers"))
    elif res.plural == "events" and res.group in ("", "events.k8s.io"):
        # kube-apiserver's event validation: action and reason are bounded (ActionLengthLimit, ReasonLengthLimit).
        for key in ("action", "reason"):
            if len(str(obj.get(key) or "")) > EVENT_FIELD_LIMIT:
                message = f'Invalid value: "": can have at most {EVENT_FIELD_LIMIT} characters'
                causes.append(Cause("FieldValueInvalid", message, key))
    return causes


EVENT_FIELD_LIMIT = 128


# Custom objects against a structural schema.


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _type_ok(expected: str, value: Any) -> bool:
    actual = _type_name(value)
    if expected == "number":
        return actual in ("integer", "number")
    if expected == "integer" and isinstance(value, float):
        return value.is_integer()
    return actual == expected


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class SchemaValidator:
    """Validates one custom object; `causes` and `pruned` (paths of dropped unknown fields) collect the outcome."""

    def __init__(self) -> None:
        self.causes: list[Cause] = []
        self.pruned: list[str] = []

    def run(self, schema: Mapping[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
        """Returns the object pruned and defaulted; apiVersion, kind and metadata are the server's, not the schema's."""
        out = copy.deepcopy(obj)
        props = schema.get("properties") or {}
        for key in list(out):
            if key in ("apiVersion", "kind", "metadata"):
                continue
            if key in props:
                out[key] = self.value(props[key], out[key], key)
                if out[key] is _PRUNE:
                    del out[key]
            elif not schema.get("x-kubernetes-preserve-unknown-fields"):
                self.pruned.append(key)
                del out[key]
        self._required_and_defaults(schema, out, "", skip=("apiVersion", "kind", "metadata"))
        return out

    def _required_and_defaults(
        self, schema: Mapping[str, Any], value: dict[str, Any], path: str, skip: tuple[str, ...] = ()
    ) -> None:
        for key, sub in (schema.get("properties") or {}).items():
            if key not in value and isinstance(sub, Mapping) and "default" in sub and key not in skip:
                value[key] = copy.deepcopy(sub["default"])
        for key in schema.get("required") or []:
            if key not in value and key not in skip:
                self.causes.append(Cause("FieldValueRequired", "Required value", _child(path, str(key))))

    def value(self, schema: Mapping[str, Any], value: Any, path: str) -> Any:
        if value is None:
            return None if schema.get("nullable") else _PRUNE
        if schema.get("x-kubernetes-int-or-string"):
            if not isinstance(value, (int, str)) or isinstance(value, bool):
                self._type_error(path, value, "integer-or-string")
            return value
        expected = schema.get("type")
        enum = schema.get("enum")
        if isinstance(expected, str) and not _type_ok(expected, value):
            self._type_error(path, value, expected)
            if expected == "integer" and isinstance(value, float):
                message = f'Invalid value: "": Checked value must be of type integer (default format) in {path}'
                self.causes.append(Cause("FieldValueInvalid", message, "<nil>"))
            if isinstance(enum, list) and value not in enum:
                self._enum(enum, value, path)
            return value
        if isinstance(enum, list) and value not in enum:
            self._enum(enum, value, path)
        if isinstance(value, str):
            self._string(schema, value, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self._number(schema, value, path)
        elif isinstance(value, list):
            return self._array(schema, value, path)
        elif isinstance(value, dict):
            return self._object(schema, value, path)
        return value

    def _enum(self, enum: list[Any], value: Any, path: str) -> None:
        supported = ", ".join(go_value(e) for e in enum)
        message = f"Unsupported value: {go_value(value)}: supported values: {supported}"
        self.causes.append(Cause("FieldValueNotSupported", message, path))

    def _type_error(self, path: str, value: Any, expected: str) -> None:
        actual = _type_name(value)
        message = f'Invalid value: "{actual}": {path} in body must be of type {expected}: "{actual}"'
        self.causes.append(Cause("FieldValueTypeInvalid", message, path))

    def _string(self, schema: Mapping[str, Any], value: str, path: str) -> None:
        pattern = schema.get("pattern")
        max_length = schema.get("maxLength")
        if isinstance(max_length, int) and len(value) > max_length:
            self.causes.append(Cause("FieldValueTooLong", f"Too long: may not be more than {max_length} bytes", path))
            return
        if isinstance(pattern, str) and re.search(pattern, value) is None:
            self.causes.append(
                Cause(
                    "FieldValueInvalid",
                    f"Invalid value: {go_value(value)}: {path} in body should match '{pattern}'",
                    path,
                )
            )
        min_length = schema.get("minLength")
        if isinstance(min_length, int) and len(value) < min_length:
            message = f"Invalid value: {go_value(value)}: {path} in body should be at least {min_length} chars long"
            self.causes.append(Cause("FieldValueInvalid", message, path))

    def _number(self, schema: Mapping[str, Any], value: float, path: str) -> None:
        low, high = schema.get("minimum"), schema.get("maximum")
        if isinstance(low, (int, float)) and value < low:
            message = f"Invalid value: {go_value(value)}: {path} in body should be greater than or equal to {low}"
            self.causes.append(Cause("FieldValueInvalid", message, path))
        if isinstance(high, (int, float)) and value > high:
            message = f"Invalid value: {go_value(value)}: {path} in body should be less than or equal to {high}"
            self.causes.append(Cause("FieldValueInvalid", message, path))

    def _array(self, schema: Mapping[str, Any], value: list[Any], path: str) -> list[Any]:
        max_items, min_items = schema.get("maxItems"), schema.get("minItems")
        if isinstance(max_items, int) and len(value) > max_items:
            self.causes.append(
                Cause("FieldValueTooMany", f"Too many: {len(value)}: must have at most {max_items} items", path)
            )
        if isinstance(min_items, int) and len(value) < min_items:
            message = f"Invalid value: {len(value)}: {path} in body should have at least {min_items} items"
            self.causes.append(Cause("FieldValueInvalid", message, path))
        self._list_type(schema, value, path)
        items = schema.get("items")
        if not isinstance(items, Mapping):
            return value
        out = []
        for i, item in enumerate(value):
            checked = self.value(items, item, f"{path}[{i}]")
            out.append(None if checked is _PRUNE else checked)
        return out

    def _list_type(self, schema: Mapping[str, Any], value: list[Any], path: str) -> None:
        """x-kubernetes-list-type: a set holds each item once, a map list each combination of its keys once."""
        kind = schema.get("x-kubernetes-list-type")
        keys = [str(k) for k in schema.get("x-kubernetes-list-map-keys") or []]
        seen: list[Any] = []
        for i, item in enumerate(value):
            if kind == "set":
                identity: Any = item
            elif kind == "map" and keys and isinstance(item, Mapping):
                if any(k not in item for k in keys):
                    continue  # reported as a missing required key by the item's own schema
                identity = {k: item[k] for k in keys}
            else:
                continue
            if identity in seen:
                shown = json.dumps(identity, separators=(",", ":")) if kind == "map" else go_value(identity)
                self.causes.append(Cause("FieldValueDuplicate", f"Duplicate value: {shown}", f"{path}[{i}]"))
            else:
                seen.append(identity)

    def _object(self, schema: Mapping[str, Any], value: dict[str, Any], path: str) -> dict[str, Any]:
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
        out: dict[str, Any] = {}
        for key, item in value.items():
            child = _child(path, key)
            if isinstance(props, Mapping) and key in props:
                checked = self.value(props[key], item, child)
            elif isinstance(additional, Mapping):
                checked = self.value(additional, item, child)
            elif preserve or additional is True or (props is None and additional is None and not schema.get("type")):
                checked = item
            else:
                self.pruned.append(child)
                continue
            if checked is not _PRUNE:
                out[key] = checked
        self._required_and_defaults(schema, out, path)
        return out


class _Prune:
    """Marker: the value is dropped (a null where the schema does not allow one)."""


_PRUNE: Any = _Prune()


# Built-in kinds: the real server decodes into Go structs, which drops fields the kind does not have.


def prune_unknown(
    schema: Mapping[str, Any],
    resolve: Callable[[Mapping[str, Any]], Mapping[str, Any]],
    value: Any,
    path: str = "",
    unknown: list[str] | None = None,
) -> tuple[Any, list[str]]:
    """`value` without the fields `schema` (an OpenAPI v3 schema; $refs followed by `resolve`) does not declare,
    and the paths of those fields ("spec.foo", "spec.containers[0].bar"), as the server's strict decoder names them."""
    found: list[str] = [] if unknown is None else unknown
    schema = _resolved(schema, resolve)
    if isinstance(value, dict):
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        if schema.get("x-kubernetes-preserve-unknown-fields") or (
            props is None and not isinstance(additional, Mapping)
        ):
            return value, found
        out: dict[str, Any] = {}
        for key, item in value.items():
            child = _child(path, key)
            if isinstance(props, Mapping) and key in props:
                out[key] = prune_unknown(props[key], resolve, item, child, found)[0]
            elif isinstance(additional, Mapping):
                out[key] = prune_unknown(additional, resolve, item, child, found)[0]
            else:
                found.append(child)
        return out, found
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        return [
            prune_unknown(schema["items"], resolve, item, f"{path}[{i}]", found)[0] for i, item in enumerate(value)
        ], found
    return value, found


def _resolved(
    schema: Mapping[str, Any], resolve: Callable[[Mapping[str, Any]], Mapping[str, Any]]
) -> Mapping[str, Any]:
    for _ in range(8):  # a $ref chain (allOf of one $ref) is short; the bound only guards against cycles
        target = resolve(schema)
        if target is schema:
            break
        schema = target
    return schema


def scale_paths(scale: Mapping[str, Any] | None, obj: Mapping[str, Any]) -> list[Cause]:
    """A custom object's replica fields named by its scale subresource must be non-negative integers (causes on
    the JSON path, as `.spec.replicas`)."""
    causes: list[Cause] = []
    for key in ("specReplicasPath", "statusReplicasPath"):
        path = str((scale or {}).get(key) or "")
        if not path:
            continue
        parts = path.lstrip(".").split(".")
        here: Any = obj
        for part in parts:
            if not isinstance(here, dict):
                shown = here if isinstance(here, str) else go_value(here)
                why = (
                    f"{path} accessor error: {shown} is of the type {_go_kind(here)}, expected map[string]interface{{}}"
                )
                causes.append(Cause("FieldValueInvalid", f"Invalid value: 0: {why}", path))
                break
            if part not in here:
                break
            here = here[part]
        else:
            if isinstance(here, bool) or not isinstance(here, int):
                shown = here if isinstance(here, str) else go_value(here)
                why = f"{path} accessor error: {shown} is of the type {_go_kind(here)}, expected int64"
                causes.append(Cause("FieldValueInvalid", f"Invalid value: 0: {why}", path))
            elif here < 0:
                causes.append(
                    Cause("FieldValueInvalid", f"Invalid value: {here}: should be a non-negative integer", path)
                )
    return causes


def _go_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "[]interface {}" if isinstance(value, list) else "map[string]interface {}"
