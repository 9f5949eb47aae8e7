"""Object metadata accessors that work on both wire-form dicts (`obj["metadata"]["name"]`) and typed objects
(`obj.metadata.name`, `.namespace`, `.resource_version`, `.labels`). Missing values read as "" (or an empty mapping)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

__all__ = ["get_labels", "get_metadata", "get_name", "get_namespace", "get_resource_version", "has_metadata"]

# Wire (camelCase) key -> typed attribute (snake_case).
_ATTRS = {"name": "name", "namespace": "namespace", "resourceVersion": "resource_version", "labels": "labels"}


def get_metadata(obj: Any) -> Any:
    """The object's metadata (a mapping or a typed object), or None when it has none."""
    # Exact types first: informers call this several times per event, and isinstance against the Mapping ABC is
    # the slow way to say no for a typed object.
    if type(obj) is dict:
        return obj.get("metadata")
    if isinstance(obj, msgspec.Struct) or not isinstance(obj, Mapping):
        return getattr(obj, "metadata", None)
    return obj.get("metadata")


def has_metadata(obj: Any) -> bool:
    return get_metadata(obj) is not None


def _field(obj: Any, wire: str) -> Any:
    return field_of(get_metadata(obj), wire)


def field_of(metadata: Any, wire: str) -> Any:
    """One field of metadata got from `get_metadata` (None when absent)."""
    if metadata is None:
        return None
    if type(metadata) is dict:
        return metadata.get(wire)
    if isinstance(metadata, msgspec.Struct) or not isinstance(metadata, Mapping):
        return getattr(metadata, _ATTRS[wire], None)
    return metadata.get(wire)


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
