"""Object storage of the fake server: one lock, one cluster-wide resourceVersion counter, an event history that
serves watches, resumes and consistent snapshots at past resourceVersions, and fan-out to watchers' queues."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

ResourceKey = tuple[str, str]  # (group, plural): all served versions of a resource share storage
ObjectKey = tuple[str, str]  # (namespace or "", name)


@dataclass(frozen=True)
class Event:
    """One committed change. `obj` is the stored object after the change (the last state for DELETED)."""

    rv: int
    type: str
    key: ResourceKey
    obj: dict[str, Any]
    prev: dict[str, Any] | None


class Subscriber(Protocol):
    key: ResourceKey

    def offer(self, event: Event) -> None:
        """Take an event without blocking (called with the storage lock held)."""


class TooOld(Exception):
    """The requested resourceVersion is older than the retained history (`oldest` is the oldest one served)."""

    def __init__(self, requested: int, oldest: int) -> None:
        super().__init__(f"too old resource version: {requested} ({oldest})")
        self.requested = requested
        self.oldest = oldest


def object_key(obj: dict[str, Any]) -> ObjectKey:
    meta = obj.get("metadata") or {}
    return (str(meta.get("namespace") or ""), str(meta.get("name") or ""))


class Store:
    """Stored objects are never mutated once committed: readers may share them; writers commit new dicts."""

    def __init__(self, *, history_limit: int = 100_000) -> None:
        self.lock = threading.RLock()
        self.rv = 1
        self.compacted = 0  # watch/list at a resourceVersion below this → too old
        self.history_limit = history_limit
        self._objects: dict[ResourceKey, dict[ObjectKey, dict[str, Any]]] = {}
        self._history: list[Event] = []
        self._subscribers: dict[ResourceKey, list[Subscriber]] = {}

    # reads

    def get(self, key: ResourceKey, namespace: str, name: str) -> dict[str, Any] | None:
        with self.lock:
            return self._objects.get(key, {}).get((namespace, name))

    def snapshot(
        self, key: ResourceKey, namespace: str | None, at: int | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Objects (sorted by namespace, name) as of resourceVersion `at` (None: now), and that resourceVersion."""
        with self.lock:
            current = dict(self._objects.get(key, {}))
            rv = self.rv
            if at is not None and at < rv:
                if at < self.compacted:
                    raise TooOld(at, self.compacted)
                for event in reversed(self._history):
                    if event.rv <= at:
                        break
                    if event.key != key:
                        continue
                    okey = object_key(event.obj)
                    if event.prev is None:
                        current.pop(okey, None)
                    else:
                        current[okey] = event.prev
                rv = at
        items = [obj for okey, obj in sorted(current.items()) if namespace is None or okey[0] == namespace]
        return items, rv

    def count(self, key: ResourceKey) -> int:
        with self.lock:
            return len(self._objects.get(key, {}))

    # writes (callers hold no other lock; each commit takes the next resourceVersion)

    def commit(self, key: ResourceKey, obj: dict[str, Any]) -> dict[str, Any]:
        """Store `obj` (ADDED if new, else MODIFIED) with the next resourceVersion; returns what is stored."""
        with self.lock:
            okey = object_key(obj)
            bucket = self._objects.setdefault(key, {})
            prev = bucket.get(okey)
            self.rv += 1
            obj["metadata"]["resourceVersion"] = str(self.rv)
            bucket[okey] = obj
            self._record(Event(self.rv, "ADDED" if prev is None else "MODIFIED", key, obj, prev))
            return obj

    def remove(self, key: ResourceKey, obj: dict[str, Any]) -> dict[str, Any] | None:
        """Delete an object; the DELETED event carries it with a new resourceVersion (as etcd's delete revision)."""
        with self.lock:
            okey = object_key(obj)
            prev = self._objects.get(key, {}).pop(okey, None)
            if prev is None:
                return None
            self.rv += 1
            final = dict(prev)
            final["metadata"] = dict(prev["metadata"], resourceVersion=str(self.rv))
            self._record(Event(self.rv, "DELETED", key, final, prev))
            return final

    def _record(self, event: Event) -> None:
        self._history.append(event)
        if len(self._history) > self.history_limit:
            drop = len(self._history) - self.history_limit
            self.compacted = self._history[drop - 1].rv
            del self._history[:drop]
        for sub in self._subscribers.get(event.key, ()):
            sub.offer(event)

    def compact(self, upto: int | None = None) -> int:
        """Forget history up to `upto` (default: everything); resourceVersions below it become too old."""
        with self.lock:
            upto = self.rv if upto is None else min(upto, self.rv)
            self._history = [e for e in self._history if e.rv > upto]
            self.compacted = max(self.compacted, upto)
            return self.compacted

    # watch

    def subscribe(self, sub: Subscriber, since: int | None) -> tuple[list[Event], int]:
        """Register `sub` and return the retained events of its resource after `since` (None: none) atomically."""
        with self.lock:
            if since is not None and since < self.compacted:
                raise TooOld(since, self.compacted)
            backlog = [e for e in self._history if e.key == sub.key and e.rv > since] if since is not None else []
            self._subscribers.setdefault(sub.key, []).append(sub)
            return backlog, self.rv

    def unsubscribe(self, sub: Subscriber) -> None:
        with self.lock:
            subs = self._subscribers.get(sub.key, [])
            if sub in subs:
                subs.remove(sub)

    def subscribers(self) -> Iterable[Subscriber]:
        with self.lock:
            return [s for subs in self._subscribers.values() for s in subs]
