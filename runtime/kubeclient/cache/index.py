"""Index functions and errors shared by indexers (client-go tools/cache/index.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubeclient.cache import meta

__all__ = ["NAMESPACE_INDEX", "IndexFunc", "IndexNotFoundError", "Indexers", "meta_namespace_index_func"]

IndexFunc = Callable[[Any], list[str]]
Indexers = dict[str, IndexFunc]

NAMESPACE_INDEX = "namespace"


class IndexNotFoundError(KeyError):
    """The named index does not exist in the indexer."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"index with name {self.name!r} does not exist"


def meta_namespace_index_func(obj: Any) -> list[str]:
    """[namespace] for a namespaced object, [] for a cluster-scoped one."""
    namespace = meta.get_namespace(obj)
    return [namespace] if namespace else []
