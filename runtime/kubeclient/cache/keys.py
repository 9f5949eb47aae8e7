"""Store keys (client-go tools/cache/store.go): "<namespace>/<name>" for namespaced objects, "<name>" otherwise."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from kubeclient.cache import meta

__all__ = [
    "ExplicitKey",
    "KeyFunc",
    "ObjectKeyError",
    "deletion_handling_meta_namespace_key",
    "meta_namespace_key",
    "split_meta_namespace_key",
]

KeyFunc = Callable[[Any], str]


class ObjectKeyError(ValueError):
    """An object's key could not be computed (client-go KeyError): it has no metadata or no name."""

    def __init__(self, obj: Any, reason: str) -> None:
        super().__init__(f"couldn't create key for object of type {type(obj).__name__}: {reason}")
        self.obj = obj


class ExplicitKey(str):
    """A string that is already a key: key functions return it unchanged (client-go ExplicitKey)."""


def meta_namespace_key(obj: Any) -> str:
    """ "ns/name" when the object has a namespace, else "name". A plain `str` is taken as an explicit key."""
    # The common shapes first, by exact type (an informer keys every object more than once): a wire dict, and a
    # typed object with typed metadata.
    cls = type(obj)
    if cls is dict:
        metadata = obj.get("metadata")
        if type(metadata) is dict:
            name, namespace = metadata.get("name"), metadata.get("namespace")
            if name and type(name) is str:
                return f"{namespace}/{name}" if namespace and type(namespace) is str else name
    elif cls is not str:
        metadata = getattr(obj, "metadata", None)
        if metadata is not None and type(metadata) is not dict:
            name, namespace = getattr(metadata, "name", None), getattr(metadata, "namespace", None)
            if name and type(name) is str:
                return f"{namespace}/{name}" if namespace and type(namespace) is str else name
    return _any_key(obj)


def _any_key(obj: Any) -> str:
    if isinstance(obj, str):
        return str(obj)
    metadata = meta.get_metadata(obj)
    if metadata is None:
        raise ObjectKeyError(obj, "object has no metadata")
    name = meta.field_of(metadata, "name")
    if not name or not isinstance(name, str):
        raise ObjectKeyError(obj, "object has no metadata.name")
    namespace = meta.field_of(metadata, "namespace")
    return f"{namespace}/{name}" if namespace and isinstance(namespace, str) else name


def deletion_handling_meta_namespace_key(obj: Any) -> str:
    """Like `meta_namespace_key`, but a `DeletedFinalStateUnknown` tombstone yields the key it carries."""
    if isinstance(obj, _tombstone_type()):
        return str(obj.key)
    return meta_namespace_key(obj)


@functools.cache
def _tombstone_type() -> type[Any]:
    # Imported on first use: delta_fifo imports this module.
    from kubeclient.cache.delta_fifo import DeletedFinalStateUnknown

    return DeletedFinalStateUnknown


def split_meta_namespace_key(key: str) -> tuple[str, str]:
    """(namespace, name) from a key; namespace is "" for a bare name. More than one "/" raises ValueError."""
    parts = key.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise ValueError(f"unexpected key format: {key!r}")
