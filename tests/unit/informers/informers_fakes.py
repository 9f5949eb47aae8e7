"""Small stand-ins for informer tests: a live in-memory ListerWatcher (sync and async), a dict indexer and an
in-order FIFO with client-go's Replace semantics (Replaced per listed item, tombstone Deleted per vanished key)."""

from __future__ import annotations

import asyncio
import builtins
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from informers_scripted import Event, key

from kubeclient.cache.listwatch import ListOptions, ListPage


@dataclass(frozen=True)
class Tombstone:
    key: str
    obj: Any


class DictIndexer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.items: dict[str, Any] = {}
        self.key_func: Callable[[Any], str] = lambda o: o.key if isinstance(o, Tombstone) else key(o)

    def add(self, obj: Any) -> None:
        with self._lock:
            self.items[self.key_func(obj)] = obj

    update = add

    def delete(self, obj: Any) -> None:
        with self._lock:
            self.items.pop(self.key_func(obj), None)

    def get(self, obj: Any) -> Any:
        with self._lock:
            return self.items.get(self.key_func(obj))

    def get_by_key(self, k: str) -> Any:
        with self._lock:
            return self.items.get(k)

    def list_keys(self) -> builtins.list[str]:
        with self._lock:
            return builtins.list(self.items)

    def list(self) -> builtins.list[Any]:
        with self._lock:
            return builtins.list(self.items.values())


class InOrderFIFO:
    def __init__(self, key_func: Callable[[Any], str], known: DictIndexer) -> None:
        self._key = key_func
        self._known = known
        self._cond = threading.Condition()
        self._items: list[tuple[tuple[str, Any], bool]] = []
        self._closed = False
        self._initial_left: int | None = None
        self._any_event = False

    def _push(self, kind: str, obj: Any, initial: bool = False) -> None:
        with self._cond:
            self._items.append(((kind, obj), initial))
            self._cond.notify()

    def add(self, obj: Any) -> None:
        self._any_event = True
        self._push("Added", obj)

    def update(self, obj: Any) -> None:
        self._any_event = True
        self._push("Updated", obj)

    def delete(self, obj: Any) -> None:
        self._any_event = True
        self._push("Deleted", obj)

    def replace(self, items: list[Any], resource_version: str) -> None:
        keys = {self._key(o) for o in items}
        first = self._initial_left is None
        entries: list[tuple[str, Any]] = [
            ("Deleted", Tombstone(k, self._known.get_by_key(k))) for k in self._known.list_keys() if k not in keys
        ]
        entries += [("Replaced", o) for o in items]
        with self._cond:
            for e in entries:
                self._items.append((e, first))
            if first:
                self._initial_left = len(entries)
            self._cond.notify()

    def resync(self) -> None:
        for obj in self._known.list():
            self._push("Sync", obj)

    def pop(self, process: Callable[[Any, bool], None]) -> Any:
        with self._cond:
            while not self._items:
                if self._closed:
                    raise RuntimeError("closed")
                self._cond.wait()
            delta, initial = self._items.pop(0)
        process([delta], initial)
        with self._cond:
            if initial and self._initial_left:
                self._initial_left -= 1
        return delta

    def has_synced(self) -> bool:
        with self._cond:
            return self._any_event or self._initial_left == 0

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def is_closed(self) -> bool:
        return self._closed

    def __len__(self) -> int:
        with self._cond:
            return len(self._items)


class _Stream:
    def __init__(self) -> None:
        self.q: queue.Queue[Any] = queue.Queue()

    def __iter__(self) -> _Stream:
        return self

    def __next__(self) -> Any:
        item = self.q.get()
        if item is None:
            raise StopIteration
        return item

    def close(self) -> None:
        self.q.put(None)


class LiveListerWatcher:
    """Objects in memory; `apply(type, obj)` changes them and feeds every open watch. Records options."""

    def __init__(self, objects: list[Any] | None = None) -> None:
        self.objects = {key(o): o for o in objects or []}
        self.rv = 100
        self.lists: list[ListOptions] = []
        self.watches: list[ListOptions] = []
        self.streams: list[_Stream] = []
        self._lock = threading.Lock()

    def apply(self, kind: str, obj: Any) -> None:
        with self._lock:
            self.rv += 1
            obj["metadata"]["resourceVersion"] = str(self.rv)
            if kind == "DELETED":
                self.objects.pop(key(obj), None)
            else:
                self.objects[key(obj)] = obj
            for s in self.streams:
                s.q.put(Event(kind, obj))

    def list(self, options: ListOptions) -> ListPage:
        with self._lock:
            self.lists.append(options)
            return ListPage(list(self.objects.values()), str(self.rv))

    def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> _Stream:
        with self._lock:
            self.watches.append(options)
            stream = _Stream()
            self.streams.append(stream)
            return stream


class _AsyncStream:
    def __init__(self) -> None:
        self.q: asyncio.Queue[Any] = asyncio.Queue()

    def __aiter__(self) -> _AsyncStream:
        return self

    async def __anext__(self) -> Any:
        item = await self.q.get()
        if item is None:
            raise StopAsyncIteration
        return item

    async def aclose(self) -> None:
        self.q.put_nowait(None)


class AsyncLiveListerWatcher(LiveListerWatcher):
    def apply(self, kind: str, obj: Any) -> None:
        self.rv += 1
        obj["metadata"]["resourceVersion"] = str(self.rv)
        if kind == "DELETED":
            self.objects.pop(key(obj), None)
        else:
            self.objects[key(obj)] = obj
        for s in self.astreams:
            s.q.put_nowait(Event(kind, obj))

    @property
    def astreams(self) -> list[_AsyncStream]:
        streams: list[_AsyncStream] = self.__dict__.setdefault("_astreams", [])
        return streams

    async def list(self, options: ListOptions) -> ListPage:  # type: ignore[override]
        return LiveListerWatcher.list(self, options)

    async def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> _AsyncStream:  # type: ignore[override]
        self.watches.append(options)
        stream = _AsyncStream()
        self.astreams.append(stream)
        return stream
