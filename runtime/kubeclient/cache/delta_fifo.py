"""DeltaFIFO: a queue of per-key delta lists (client-go tools/cache/delta_fifo.go).

Semantics:
- Each key holds its deltas oldest first; a key is queued once however many deltas it accumulates.
  `pop(process)` hands over all deltas of the oldest key as `process(deltas, is_in_initial_list)`.
- Two consecutive Deleted deltas collapse into one: the older is kept unless it is a `DeletedFinalStateUnknown`.
- `delete` of a key neither queued nor in `known_objects` (or, without known objects, not queued) is ignored.
- `replace(items, rv)` queues Replaced (Sync when `emit_delta_type_replaced=False`) for every item, then
  Deleted(DeletedFinalStateUnknown(key, newest queued object)) for every queued key missing from `items`, then
  Deleted(DeletedFinalStateUnknown(key, known object)) for every key of `known_objects` neither listed nor queued.
- `resync()` queues Sync for every known object whose key is not already queued.
- `has_synced()`: true once any add/update/delete happened before the first replace, or once every key queued by the
  first replace has been popped and processed.
- A `process` raising `RequeueError` puts the deltas back (unless the key was queued again meanwhile) and
  `pop` raises the error's cause, if any. Any other exception propagates after the key was removed.
- `pop` blocks while empty; once `close()`d and empty it raises `FIFOClosedError`. The lock is not held while
  `process` runs, so `process` may call into the FIFO or take other locks freely.
- `transformer`, when set, is applied to every object queued except tombstones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kubeclient.cache.keys import KeyFunc, meta_namespace_key

__all__ = [
    "ADDED",
    "DELETED",
    "REPLACED",
    "REPLACED_ALL",
    "SYNC",
    "UPDATED",
    "DeletedFinalStateUnknown",
    "Delta",
    "DeltaFIFO",
    "Deltas",
    "FIFOClosedError",
    "KnownObjects",
    "PopProcessFunc",
    "RequeueError",
]

ADDED = "Added"
UPDATED = "Updated"
DELETED = "Deleted"
REPLACED = "Replaced"
SYNC = "Sync"
# Only the in-order FIFO emits this one (see kubeclient.cache.fifo).
REPLACED_ALL = "ReplacedAll"


@dataclass(frozen=True)
class Delta:
    """One change: `type` is one of the constants above, `object` the object (or a tombstone)."""

    type: str
    object: Any


Deltas = list[Delta]


@dataclass(frozen=True)
class DeletedFinalStateUnknown:
    """A deletion observed only by its absence from a relist: `obj` is the last state known (may be stale or None)."""

    key: str
    obj: Any


class FIFOClosedError(Exception):
    """`pop` on a closed, empty queue."""

    def __init__(self) -> None:
        super().__init__("DeltaFIFO: manipulating with closed queue")


class RequeueError(Exception):
    """Raised by a pop `process` function to put the popped deltas back; `err` (optional) is re-raised by pop."""

    def __init__(self, err: BaseException | None = None) -> None:
        super().__init__(str(err) if err is not None else "requeue")
        self.err = err


class KnownObjects(Protocol):
    """What a FIFO needs from the indexer it feeds (to detect deletions and resync)."""

    def list_keys(self) -> list[str]: ...

    def get_by_key(self, key: str) -> Any | None: ...


PopProcessFunc = Callable[[Any, bool], Any]


def _unwrap(obj: Any) -> Any:
    return obj.obj if isinstance(obj, DeletedFinalStateUnknown) else obj


class DeltaFIFO:
    """The per-key delta queue (see the module docstring)."""

    def __init__(
        self,
        key_func: KeyFunc = meta_namespace_key,
        known_objects: KnownObjects | None = None,
        emit_delta_type_replaced: bool = True,
        transformer: Callable[[Any], Any] | None = None,
    ) -> None:
        self.key_func = key_func
        self.known_objects = known_objects
        self.emit_delta_type_replaced = emit_delta_type_replaced
        self.transformer = transformer
        self._cond = threading.Condition(threading.RLock())
        self._items: dict[str, Deltas] = {}
        self._queue: list[str] = []
        self._populated = False
        self._initial_population_count = 0
        self._closed = False

    # -- keys ----------------------------------------------------------------------------------------------------

    def key_of(self, obj: Any) -> str:
        """The key of an object, a tombstone (its carried key) or a delta list (its newest object)."""
        if isinstance(obj, list) and obj and isinstance(obj[-1], Delta):
            obj = obj[-1].object
        if isinstance(obj, DeletedFinalStateUnknown):
            return obj.key
        return self.key_func(obj)

    # -- producers -----------------------------------------------------------------------------------------------

    def add(self, obj: Any) -> None:
        with self._cond:
            self._populated = True
            self._queue_action(ADDED, obj)

    def update(self, obj: Any) -> None:
        with self._cond:
            self._populated = True
            self._queue_action(UPDATED, obj)

    def delete(self, obj: Any) -> None:
        """Queue a Deleted delta unless the key is neither queued nor known."""
        key = self.key_of(obj)
        with self._cond:
            self._populated = True
            queued = key in self._items
            if self.known_objects is None:
                if not queued:
                    return
            elif not queued and self.known_objects.get_by_key(key) is None:
                return
            self._queue_action(DELETED, obj)

    def replace(self, items: list[Any], resource_version: str = "") -> None:
        """Queue Replaced for each item and a tombstone Deleted for each queued or known key missing from `items`."""
        action = REPLACED if self.emit_delta_type_replaced else SYNC
        with self._cond:
            keys: set[str] = set()
            for obj in items:
                key = self.key_of(obj)
                keys.add(key)
                self._queue_action(action, obj, key)
            # Queued keys first (client-go does both): a key added while disconnected and not popped yet is not in
            # known_objects, and its queued Added would otherwise resurrect an object the server no longer has.
            for key, deltas in list(self._items.items()):
                if key in keys:
                    continue
                last = _unwrap(deltas[-1].object) if deltas else None
                self._queue_action(DELETED, DeletedFinalStateUnknown(key, last), key)
            if self.known_objects is not None:
                for key in self.known_objects.list_keys():
                    if key in keys or key in self._items:
                        continue
                    last = self.known_objects.get_by_key(key)
                    self._queue_action(DELETED, DeletedFinalStateUnknown(key, last), key)
            if not self._populated:
                self._populated = True
                self._initial_population_count = len(self._queue)

    def resync(self) -> None:
        """Queue Sync for every known object whose key is not queued already."""
        if self.known_objects is None:
            return
        with self._cond:
            for key in self.known_objects.list_keys():
                if key in self._items:
                    continue
                obj = self.known_objects.get_by_key(key)
                if obj is not None:
                    self._queue_action(SYNC, obj, key)

    def _queue_action(self, kind: str, obj: Any, key: str | None = None) -> None:
        if key is None:
            key = self.key_of(obj)
        if self.transformer is not None and not isinstance(obj, DeletedFinalStateUnknown):
            obj = self.transformer(obj)
        deltas = _dedup([*self._items.get(key, []), Delta(kind, obj)])
        if key not in self._items:
            self._queue.append(key)
        self._items[key] = deltas
        self._cond.notify_all()

    # -- consumer ------------------------------------------------------------------------------------------------

    def pop(self, process: PopProcessFunc, timeout: float | None = None) -> Deltas | None:
        """Process the oldest key's deltas; blocks while empty (None after `timeout` seconds). See module docstring."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                while not self._queue:
                    if self._closed:
                        raise FIFOClosedError()
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        return None
                    self._cond.wait(remaining)
                key = self._queue.pop(0)
                deltas = self._items.pop(key, None)
                if deltas is not None:
                    break
            is_in_initial_list = not self._has_synced_locked()
        requeued = False
        try:
            process(list(deltas), is_in_initial_list)
        except RequeueError as err:
            requeued = True
            with self._cond:
                if key not in self._items:
                    self._queue.append(key)
                    self._items[key] = deltas
                    self._cond.notify_all()
            if err.err is not None:
                raise err.err from err
        finally:
            if not requeued:
                with self._cond:
                    # Counted after processing so has_synced() is only true once the initial list was handled.
                    if self._initial_population_count > 0:
                        self._initial_population_count -= 1
        return deltas

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

    def list_keys(self) -> list[str]:
        with self._cond:
            return list(self._items)

    def list(self) -> list[Any]:
        """The newest object of every queued key."""
        with self._cond:
            return [deltas[-1].object for deltas in self._items.values() if deltas]

    def get_by_key(self, key: str) -> Deltas | None:
        """A copy of the deltas queued for `key`, or None."""
        with self._cond:
            deltas = self._items.get(key)
            return list(deltas) if deltas is not None else None

    def __len__(self) -> int:
        with self._cond:
            return len(self._queue)


def _dedup(deltas: Deltas) -> Deltas:
    """Collapse the two newest deltas when both are deletions."""
    if len(deltas) < 2:
        return deltas
    newer, older = deltas[-1], deltas[-2]
    if newer.type == DELETED and older.type == DELETED:
        keep = newer if isinstance(older.object, DeletedFinalStateUnknown) else older
        return [*deltas[:-2], keep]
    return deltas
