"""Listers: read-only views of an indexer (client-go tools/cache/listers.go and generated listers).

- `Lister.list(selector)` returns the objects whose labels match `selector`: a string ("app=web"), a dict of labels
  (equality), a LabelSelector, or any object with `.matches(labels) -> bool` (`kubeclient.labels.Selector`); None
  matches everything.
- `Lister.get(name)` reads a cluster-scoped object; `Lister.namespaced(ns)` gives a `NamespaceLister` whose `list` uses
  the "namespace" index (falling back to a full scan when the indexer has no such index) and whose `get` reads
  "ns/name". `namespaced("")` lists every namespace.
- A miss raises `kubeclient.errors.NotFoundError` carrying the Status client-go's `errors.NewNotFound` builds:
  message `<resource> "<name>" not found`, where resource is "<resource>" for the core group and
  "<resource>.<group>" otherwise. The resource is taken verbatim from a string (generated listers pass the singular,
  "pod") or as the group-qualified plural from a GVR (client-go's dynamic lister).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any, Protocol

from kubeclient.cache import meta
from kubeclient.cache.index import NAMESPACE_INDEX
from kubeclient.errors import StatusError, error_from_status
from kubeclient.labels import SelectorLike, to_selector
from kubeclient.schema import GVR

__all__ = ["LabelMatcher", "Lister", "NamespaceLister", "SelectorLike", "not_found_error"]


class LabelMatcher(Protocol):
    def matches(self, labels: Mapping[str, str]) -> bool: ...


class _ReadableIndexer(Protocol):
    def list(self) -> builtins.list[Any]: ...

    def get_by_key(self, key: str) -> Any | None: ...

    def by_index(self, index_name: str, indexed_value: str) -> builtins.list[Any]: ...


def _qualified(resource: str | GVR) -> tuple[str, str]:
    """(group, resource) for the NotFound Status."""
    if isinstance(resource, GVR):
        return resource.group, resource.resource
    name, _, group = resource.partition(".")
    return group, name


def not_found_error(resource: str | GVR, name: str) -> StatusError:
    """The NotFound error client-go's `errors.NewNotFound(groupResource, name)` produces."""
    group, res = _qualified(resource)
    qualified = f"{res}.{group}" if group else res
    details: dict[str, Any] = {"name": name, "kind": res}
    if group:
        details["group"] = group
    return error_from_status(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": f'{qualified} "{name}" not found',
            "reason": "NotFound",
            "details": details,
            "code": 404,
        }
    )


def _select(objects: list[Any], selector: SelectorLike | None) -> list[Any]:
    if selector is None:
        return objects
    matcher = to_selector(selector)
    return [obj for obj in objects if matcher.matches(meta.get_labels(obj))]


class Lister:
    """Lists and gets objects of one resource from an indexer."""

    def __init__(self, indexer: _ReadableIndexer, resource: str | GVR) -> None:
        self.indexer = indexer
        self.resource = resource

    def list(self, selector: SelectorLike | None = None) -> builtins.list[Any]:
        """Every cached object (all namespaces) whose labels match `selector`."""
        return _select(self.indexer.list(), selector)

    def get(self, name: str) -> Any:
        """The cluster-scoped object `name`; raises NotFoundError when absent."""
        obj = self.indexer.get_by_key(name)
        if obj is None:
            raise not_found_error(self.resource, name)
        return obj

    def namespaced(self, namespace: str = "") -> NamespaceLister:
        return NamespaceLister(self.indexer, self.resource, namespace)


class NamespaceLister:
    """Lists and gets objects of one resource in one namespace."""

    def __init__(self, indexer: _ReadableIndexer, resource: str | GVR, namespace: str) -> None:
        self.indexer = indexer
        self.resource = resource
        self.namespace = namespace

    def list(self, selector: SelectorLike | None = None) -> builtins.list[Any]:
        """Objects in the namespace whose labels match `selector` (every namespace when the namespace is "")."""
        if not self.namespace:
            return _select(self.indexer.list(), selector)
        try:
            objects = self.indexer.by_index(NAMESPACE_INDEX, self.namespace)
        except KeyError:  # no namespace index (IndexNotFoundError is a KeyError)
            objects = [obj for obj in self.indexer.list() if meta.get_namespace(obj) == self.namespace]
        return _select(objects, selector)

    def get(self, name: str) -> Any:
        """The object `name` in the namespace; raises NotFoundError when absent."""
        obj = self.indexer.get_by_key(f"{self.namespace}/{name}")
        if obj is None:
            raise not_found_error(self.resource, name)
        return obj
