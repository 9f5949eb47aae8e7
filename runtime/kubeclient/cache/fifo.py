"""RealFIFO: the in-order queue v1.36 informers use by default (client-go tools/cache/the_real_fifo.go).

Semantics:
- Every add/update/delete is queued as its own delta, in arrival order (no per-key merging).
- `replace(items, rv)` queues ONE "ReplacedAll" delta whose object is a `ReplacedAllInfo(resource_version, objects)`
  (atomic events, the v1.36 default). Its consumer (the informer) expands it in client-go order: tombstone deletes
  for known keys missing from `objects` first, then updates for keys it holds, adds for new ones.
  With `atomic_events=False` the expansion happens here instead: Deleted(DeletedFinalStateUnknown) for every key
  known (in `known_objects` or as the last queued delta) and absent from `items`, then Replaced per item.
- `resync()` queues Sync for every known object whose key has nothing queued.
- `pop(process)` hands over one delta as `process([delta], is_in_initial_list)`; it blocks while empty (None after
  `timeout`) and raises `FIFOClosedError` once closed and drained. The lock is not held while `process` runs.
- `pop_batch(process)` is client-go's PopBatch (InOrderInformersBatchProcess, on by default since v1.35): the oldest
  deltas together, as many as are queued up to `BATCH_SIZE`, stopping before a second delta of an object already in
  the batch, before a delta type that is not batchable (a ReplacedAll, processed alone) and at the end of the
  initial population. Informers pop this way: under churn a lock round and a wake-up per event add up.
- `has_synced()`: true once any add/update/delete happened before the first replace, or once every delta queued by
  the first replace has been popped and processed.
- `transformer`, when set, is applied to every queued object except tombstones.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kubeclient.cache.delta_fifo import (
    ADDED,
    DELETED,
    REPLACED,
    REPLACED_ALL,
    SYNC,
    UPDATED,
    DeletedFinalStateUnknown,
    Delta,
    Deltas,
    FIFOClosedError,
    KnownObjects,
    PopProcessFunc,
)
from kubeclient.cache.keys import KeyFunc, meta_namespace_key

__all__ = ["BATCH_SIZE", "RealFIFO", "ReplacedAllInfo"]

BATCH_SIZE = 1000
_BATCHABLE = frozenset({SYNC, REPLACED, ADDED, UPDATED, DELETED})


@dataclass(frozen=True)
class ReplacedAllInfo:
    """The object of a ReplacedAll delta: the complete listed state at `resource_version`."""

    resource_version: str
    objects: list[Any] = field(default_factory=list)


class RealFIFO:
    """The in-order delta queue (see the module docstring)."""

    def __init__(
        self,
        key_func: KeyFunc = meta_namespace_key,
        known_objects: KnownObjects | None = None,
        transformer: Callable[[Any], Any] | None = None,
        *,
        atomic_events: bool = True,
    ) -> None:
        self.key_func = key_func
        self.known_objects = known_objects
        self.transformer = transformer
        self.atomic_events = atomic_events
        self._cond = threading.Condition(threading.RLock())
        self._items: deque[Delta] = deque()
        self._populated = False
        self._initial_population_count = 0
        self._closed = False

    def key_of(self, obj: Any) -> str:
        if isinstance(obj, DeletedFinalStateUnknown):
            return obj.key
        return self.key_func(obj)

    def _transform(self, obj: Any) -> Any:
        if self.transformer is None or isinstance(obj, DeletedFinalStateUnknown):
            return obj
        return self.transformer(obj)

    def _push(self, kind: str, obj: Any) -> None:
        self._items.append(Delta(kind, obj))
        self._cond.notify_all()

    # -- producers -----------------------------------------------------------------------------------------------

    def add(self, obj: Any) -> None:
        with self._cond:
            self._populated = True
            self._push(ADDED, self._transform(obj))

    def update(self, obj: Any) -> None:
        with self._cond:
            self._populated = True
            self._push(UPDATED, self._transform(obj))

    def delete(self, obj: Any) -> None:
        with self._cond:
            self._populated = True
            self._push(DELETED, self._transform(obj))

    def replace(self, items: list[Any], resource_version: str = "") -> None:
        """One ReplacedAll delta (or, without atomic events, tombstone deletes then Replaced per item)."""
        objects = [self._transform(obj) for obj in items]
        with self._cond:
            before = len(self._items)
            if self.atomic_events:
                self._push(REPLACED_ALL, ReplacedAllInfo(resource_version, objects))
            else:
                self._expand_replace(objects)
            if not self._populated:
                self._populated = True
                self._initial_population_count = len(self._items) - before
            self._cond.notify_all()

    def _expand_replace(self, objects: list[Any]) -> None:
        new_keys = {self.key_of(obj) for obj in objects}
        last_queued: dict[str, Delta] = {}
        for delta in self._items:
            if delta.type == REPLACED_ALL:
                continue
            last_queued[self.key_of(delta.object)] = delta
        for key, delta in list(last_queued.items()):
            if key in new_keys or delta.type == DELETED:
                continue
            obj = delta.object.obj if isinstance(delta.object, DeletedFinalStateUnknown) else delta.object
            self._push(DELETED, DeletedFinalStateUnknown(key, obj))
        if self.known_objects is not None:
            for key in self.known_objects.list_keys():
                if key in new_keys or key in last_queued:
                    continue
                self._push(DELETED, DeletedFinalStateUnknown(key, self.known_objects.get_by_key(key)))
        for obj in objects:
            self._push(REPLACED, obj)

    def resync(self) -> None:
        """Queue Sync for every known object whose key has no delta queued."""
        if self.known_objects is None:
            return
        with self._cond:
            queued: set[str] = set()
            for delta in self._items:
                if delta.type == REPLACED_ALL:
                    queued.update(self.key_of(o) for o in delta.object.objects)
                else:
                    queued.add(self.key_of(delta.object))
            for key in self.known_objects.list_keys():
                if key in queued:
                    continue
                obj = self.known_objects.get_by_key(key)
                if obj is not None:
                    self._push(SYNC, obj)

    # -- consumer ------------------------------------------------------------------------------------------------

    def pop(self, process: PopProcessFunc, timeout: float | None = None) -> Deltas | None:
        """Process the oldest delta as `process([delta], is_in_initial_list)`; see the module docstring."""
        with self._cond:
            if not self._wait_for_items_locked(timeout):
                return None
            delta = self._items.popleft()
            is_in_initial_list = not self._has_synced_locked()
        deltas = [delta]
        try:
            process(deltas, is_in_initial_list)
        finally:
            with self._cond:
                # Counted after processing so has_synced() is only true once the initial list was handled.
                if self._initial_population_count > 0:
                    self._initial_population_count -= 1
        return deltas

    def pop_batch(
        self, process: PopProcessFunc, timeout: float | None = None, *, batch_size: int = BATCH_SIZE
    ) -> Deltas | None:
        """Process the oldest deltas together as `process(deltas, is_in_initial_list)`; see the module docstring."""
        with self._cond:
            if not self._wait_for_items_locked(timeout):
                return None
            is_in_initial_list = not self._has_synced_locked()
            limit = min(batch_size, len(self._items))
            if self._initial_population_count > 0:
                limit = min(limit, self._initial_population_count)
            deltas: Deltas = []
            keys: set[str] = set()
            for delta in self._items:
                if len(deltas) >= limit:
                    break
                if delta.type not in _BATCHABLE:
                    if not deltas:
                        deltas.append(delta)
                    break
                try:
                    key = self.key_of(delta.object)
                except Exception:
                    deltas.append(delta)  # popped all the same; the consumer reports it
                    break
                if key in keys:
                    break
                keys.add(key)
                deltas.append(delta)
            for _ in deltas:
                self._items.popleft()
        try:
            process(deltas, is_in_initial_list)
        finally:
            with self._cond:
                if self._initial_population_count > 0:
                    self._initial_population_count = max(0, self._initial_population_count - len(deltas))
        return deltas

    def _wait_for_items_locked(self, timeout: float | None) -> bool:
        """Block while empty: True once there is a delta, False after `timeout`; FIFOClosedError once closed."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._items:
            if self._closed:
                raise FIFOClosedError()
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self._cond.wait(remaining)
        return True

    # -- state ---------------------------------------------------------------------------------------------------

    def has_synced(self) -> bool:
        with self._cond:
            return self._has_synced_locked()

    def _has_synced_locked(self) -> bool:
        return self._populated and self._initial_population_count == 0

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def is_closed(self) -> bool:
        with self._cond:
            return self._closed

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)
