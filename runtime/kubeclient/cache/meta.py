"""Object metadata accessors that work on both wire-form dicts (`obj["metadata"]["name"]`) and typed objects
(`obj.metadata.name`, `.namespace`, `.resource_version`, `.labels`). Missing values read as "" (or an empty mapping)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["get_labels", "get_metadata", "get_name", "get_namespace", "get_resource_version", "has_metadata"]

# Wire (camelCase) key -> typed attribute (snake_case).
_ATTRS = {"name": "name", "namespace": "namespace", "resourceVersion": "resource_version", "labels": "labels"}


def get_metadata(obj: Any) -> Any:
    """The object's metadata (a mapping or a typed object), or None when it has none."""
    if isinstance(obj, Mapping):
        return obj.get("metadata")
    return getattr(obj, "metadata", None)


def has_metadata(obj: Any) -> bool:
    return get_metadata(obj) is not None


def _field(obj: Any, wire: str) -> Any:
    meta = get_metadata(obj)
    if meta is None:
        return None
    if isinstance(meta, Mapping):
        return meta.get(wire)
    return getattr(meta, _ATTRS[wire], None)


def _text(obj: Any, wire: str) -> str:
    value = _field(obj, wire)
    return value if isinstance(value, str) else ""


def get_name(obj: Any) -> str:
    return _text(obj, "name")


def get_namespace(obj: Any) -> str:
    return _text(obj, "namespace")


def get_resource_version(obj: Any) -> str:
    return _text(obj, "resourceVersion")


def get_labels(obj: Any) -> Mapping[str, str]:
    """The object's labels; an empty mapping when unset."""
    value = _field(obj, "labels")
    return value if isinstance(value, Mapping) else {}
