"""Watch connections: each watcher gets storage events through its own queue (so a slow client never holds the
storage lock), turns them into the events its selectors see, and yields JSON lines (or, given another `encode`, the
protobuf frames of wire.watch_encoder) with bookmarks and a deadline."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from kubeclient.testing.selectors import Selection
from kubeclient.testing.storage import Event, ResourceKey

Render = Callable[[dict[str, Any]], dict[str, Any]]
BookmarkObject = Callable[[int, bool], dict[str, Any]]
Encode = Callable[[str, dict[str, Any]], bytes]


class Watcher:
    """One open watch. `offer` is called under the storage lock and only enqueues."""

    def __init__(self, key: ResourceKey, namespace: str | None, selection: Selection) -> None:
        self.key = key
        self.namespace = namespace
        self.selection = selection
        self._queue: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self.closed = threading.Event()
        self.stalled = threading.Event()

    def offer(self, event: Event) -> None:
        self._queue.put(event)

    def close(self) -> None:
        """End the stream cleanly at the next read (the client sees the response end)."""
        self.closed.set()
        self._queue.put(None)

    def stall(self) -> None:
        """Stop sending without closing: the client sees a silent, open connection (half-open peer)."""
        self.stalled.set()

    def _in_namespace(self, obj: dict[str, Any]) -> bool:
        return self.namespace is None or (obj.get("metadata") or {}).get("namespace") == self.namespace

    def translate(self, event: Event) -> tuple[str, dict[str, Any]] | None:
        """The event this watcher reports: selector transitions turn MODIFIED into ADDED or DELETED."""
        if not self._in_namespace(event.obj):
            return None
        if event.type == "DELETED":
            return ("DELETED", event.obj) if self.selection.matches(event.prev) else None
        now = self.selection.matches(event.obj)
        before = event.prev is not None and self.selection.matches(event.prev)
        if now and before:
            return ("MODIFIED", event.obj)
        if now:
            return ("ADDED", event.obj)
        if before:
            return ("DELETED", event.obj)
        return None

    def next(self, timeout: float) -> Event | bool | None:
        """The next queued event, None when closed, False on timeout."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return False


def line(event_type: str, obj: dict[str, Any]) -> bytes:
    return json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"


def stream(
    watcher: Watcher,
    *,
    initial: list[tuple[str, dict[str, Any]]],
    backlog: list[Event],
    start_rv: int,
    render: Render,
    bookmark: BookmarkObject | None,
    initial_end_rv: int | None,
    deadline: float,
    bookmark_interval: float,
    stopping: threading.Event,
    encode: Encode = line,
) -> Iterator[bytes]:
    """The chunks of one watch response; with `initial_end_rv` the WatchList end bookmark follows the initial events."""
    last_rv = start_rv
    for event_type, obj in initial:
        yield encode(event_type, render(obj))
    if initial_end_rv is not None and bookmark is not None:
        yield encode("BOOKMARK", bookmark(initial_end_rv, True))
        last_rv = max(last_rv, initial_end_rv)
    pending = list(backlog)
    next_bookmark = time.monotonic() + bookmark_interval
    while not stopping.is_set() and not watcher.closed.is_set():
        if watcher.stalled.is_set():
            # Half-open: hold the connection silently until closed or the server stops.
            watcher.closed.wait(0.1)
            continue
        if pending:
            event: Event | bool | None = pending.pop(0)
        else:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            event = watcher.next(min(remaining, 0.2, max(next_bookmark - time.monotonic(), 0.01)))
        if event is None:
            return
        if event is False:
            if bookmark is not None and time.monotonic() >= next_bookmark:
                yield encode("BOOKMARK", bookmark(last_rv, False))
                next_bookmark = time.monotonic() + bookmark_interval
            continue
        assert isinstance(event, Event)
        if watcher.stalled.is_set():
            pending.insert(0, event)  # stalled while waiting: hold the event back like the rest
            continue
        if event.rv <= last_rv:
            continue  # already covered by the initial state or the backlog
        last_rv = event.rv
        seen = watcher.translate(event)
        if seen is not None:
            yield encode(seen[0], render(seen[1]))
