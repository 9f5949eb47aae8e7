"""Thread-safe object store with secondary indices (client-go tools/cache thread_safe_store.go + index.go).

Semantics:
- Objects are keyed by `key_func` (default: "ns/name" or "name"; tombstones yield their carried key).
- Each index function maps an object to a list of values; a bucket (index name, value) holds the keys of the objects
  that produced that value. Buckets that become empty are deleted.
- `index`, `by_index`, `index_keys` raise `IndexNotFoundError` (a KeyError) for an unknown index name;
  `list_index_func_values` returns [] for one. `index_keys` is sorted.
- `add_indexers` rejects names already present (ValueError) and indexes the objects already stored.
- `replace` swaps the whole content and rebuilds every index. `resync` does nothing (a store has no queue).
- Index values are computed before anything changes, so an index function that raises leaves the store untouched.
"""

from __future__ import annotations

import builtins
import threading
from typing import Any

from kubeclient.cache.index import Indexers, IndexFunc, IndexNotFoundError
from kubeclient.cache.keys import KeyFunc, deletion_handling_meta_namespace_key

__all__ = ["Indexer", "new_indexer", "new_store"]


class Indexer:
    """A thread-safe store keyed by `key_func`, with named indices (see the module docstring)."""

    def __init__(self, key_func: KeyFunc, indexers: Indexers | None = None) -> None:
        self.key_func = key_func
        self._lock = threading.RLock()
        self._items: dict[str, Any] = {}
        self._indexers: Indexers = dict(indexers or {})
        # index name -> indexed value -> keys
        self._indices: dict[str, dict[str, set[str]]] = {name: {} for name in self._indexers}

    # -- store ---------------------------------------------------------------------------------------------------

    def add(self, obj: Any) -> None:
        """Insert or replace the object under its key."""
        key = self.key_func(obj)
        with self._lock:
            self._put(key, obj)

    def update(self, obj: Any) -> None:
        """Same as `add`."""
        self.add(obj)

    def put(self, key: str, obj: Any) -> None:
        """Insert or replace `obj` under `key`, which the caller computed with `key_func` (an informer has it)."""
        with self._lock:
            self._put(key, obj)

    def delete(self, obj: Any) -> None:
        """Remove the object's key (no error when absent)."""
        key = self.key_func(obj)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._unindex(key, self._values_of(old))

    def list(self) -> builtins.list[Any]:
        with self._lock:
            return list(self._items.values())

    def list_keys(self) -> builtins.list[str]:
        with self._lock:
            return list(self._items)

    def get(self, obj: Any) -> Any | None:
        """The stored object with the same key as `obj`, or None."""
        return self.get_by_key(self.key_func(obj))

    def get_by_key(self, key: str) -> Any | None:
        with self._lock:
            return self._items.get(key)

    def replace(self, items: builtins.list[Any], resource_version: str = "") -> None:
        """Make `items` the whole content and rebuild every index. `resource_version` is unused by a plain store."""
        keyed = {self.key_func(obj): obj for obj in items}
        with self._lock:
            indices: dict[str, dict[str, set[str]]] = {name: {} for name in self._indexers}
            for key, obj in keyed.items():
                for name, values in self._values_of(obj).items():
                    for value in values:
                        indices[name].setdefault(value, set()).add(key)
            self._items = keyed
            self._indices = indices

    def resync(self) -> None:
        """Nothing to do: resync only means something for queues."""

    # -- indices -------------------------------------------------------------------------------------------------

    def index(self, index_name: str, obj: Any) -> builtins.list[Any]:
        """Objects sharing at least one of `obj`'s values in the named index."""
        with self._lock:
            func = self._indexer(index_name)
            index = self._indices[index_name]
            keys: set[str] = set()
            for value in func(obj):
                keys |= index.get(value, set())
            return [self._items[k] for k in sorted(keys)]

    def by_index(self, index_name: str, indexed_value: str) -> builtins.list[Any]:
        """Objects whose named index produced `indexed_value` (ordered by key)."""
        with self._lock:
            return [self._items[k] for k in self.index_keys(index_name, indexed_value)]

    def index_keys(self, index_name: str, indexed_value: str) -> builtins.list[str]:
        """Sorted keys of the objects whose named index produced `indexed_value`."""
        with self._lock:
            self._indexer(index_name)
            return sorted(self._indices[index_name].get(indexed_value, ()))

    def list_index_func_values(self, index_name: str) -> builtins.list[str]:
        """Every value present in the named index ([] for an unknown index)."""
        with self._lock:
            return sorted(self._indices.get(index_name, {}))

    def get_indexers(self) -> Indexers:
        with self._lock:
            return dict(self._indexers)

    def add_indexers(self, new_indexers: Indexers) -> None:
        """Add indices; a name already present raises ValueError. Objects already stored are indexed."""
        with self._lock:
            clash = sorted(set(new_indexers) & set(self._indexers))
            if clash:
                raise ValueError(f"indexer conflict: {', '.join(clash)}")
            built: dict[str, dict[str, set[str]]] = {}
            for name, func in new_indexers.items():
                index: dict[str, set[str]] = {}
                for key, obj in self._items.items():
                    for value in _unique(func(obj)):
                        index.setdefault(value, set()).add(key)
                built[name] = index
            self._indexers.update(new_indexers)
            self._indices.update(built)

    # -- internals -----------------------------------------------------------------------------------------------

    def _indexer(self, index_name: str) -> IndexFunc:
        func = self._indexers.get(index_name)
        if func is None:
            raise IndexNotFoundError(index_name)
        return func

    def _values_of(self, obj: Any) -> dict[str, builtins.list[str]]:
        if obj is None:
            return {name: [] for name in self._indexers}
        return {name: _unique(func(obj)) for name, func in self._indexers.items()}

    def _put(self, key: str, obj: Any) -> None:
        new_values = self._values_of(obj)
        old = self._items.get(key)
        old_values = self._values_of(old) if old is not None else {}
        self._items[key] = obj
        self._unindex(key, old_values)
        for name, values in new_values.items():
            index = self._indices[name]
            for value in values:
                index.setdefault(value, set()).add(key)

    def _unindex(self, key: str, values: dict[str, builtins.list[str]]) -> None:
        for name, vals in values.items():
            index = self._indices[name]
            for value in vals:
                bucket = index.get(value)
                if bucket is None:
                    continue
                bucket.discard(key)
                if not bucket:
                    del index[value]


def _unique(values: list[str]) -> list[str]:
    return values if len(values) < 2 else list(dict.fromkeys(values))


def new_indexer(indexers: Indexers | None = None, key_func: KeyFunc = deletion_handling_meta_namespace_key) -> Indexer:
    """A thread-safe indexer. The default key function is client-go's DeletionHandlingMetaNamespaceKeyFunc
    ("ns/name" or "name", and a tombstone's own key) so informers can delete tombstones from it."""
    return Indexer(key_func, indexers)


def new_store(key_func: KeyFunc = deletion_handling_meta_namespace_key) -> Indexer:
    """A thread-safe store without indices."""
    return Indexer(key_func)
