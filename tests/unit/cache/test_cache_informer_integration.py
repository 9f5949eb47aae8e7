"""The real indexer and RealFIFO under SharedIndexInformer: initial list, watch events, relist tombstones, lister."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cache_objects import pod

from kubeclient.cache import DeletedFinalStateUnknown, Lister, ListOptions, ListPage, SharedIndexInformer
from kubeclient.wait import poll_until


@dataclass
class Event:
    type: str
    object: Any


class Stream:
    def __init__(self) -> None:
        self.q: queue.Queue[Any] = queue.Queue()

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> Any:
        item = self.q.get()
        if item is None:
            raise StopIteration
        return item

    def close(self) -> None:
        self.q.put(None)


class MemoryListWatch:
    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.objects = {o["metadata"]["name"]: o for o in objects}
        self.streams: list[Stream] = []
        self.lock = threading.Lock()

    def list(self, options: ListOptions) -> ListPage:
        with self.lock:
            return ListPage(list(self.objects.values()), "10")

    def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> Stream:
        with self.lock:
            stream = Stream()
            self.streams.append(stream)
            return stream

    def send(self, kind: str, obj: dict[str, Any]) -> None:
        with self.lock:
            for s in self.streams:
                s.q.put(Event(kind, obj))


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    poll_until(cond, interval=0.002, timeout=timeout)


def test_informer_with_real_store_and_fifo() -> None:
    lw = MemoryListWatch([pod("a", rv="1", node="n1"), pod("b", rv="2")])
    events: list[tuple[str, Any, Any]] = []
    lock = threading.Lock()

    def record(*e: Any) -> None:
        with lock:
            events.append(e)

    inf: SharedIndexInformer[Any] = SharedIndexInformer(lw, use_watch_list=False, name="pods")
    reg = inf.add_event_handler(
        on_add=lambda o, initial: record("add", o["metadata"]["name"], initial),
        on_update=lambda old, new: record("update", new["metadata"]["name"], new["metadata"]["resourceVersion"]),
        on_delete=lambda o: record("delete", o.key if isinstance(o, DeletedFinalStateUnknown) else o, None),
    )
    inf.start()
    try:
        wait_until(reg.has_synced)
        wait_until(lambda: len(lw.streams) == 1)
        lw.send("MODIFIED", pod("a", rv="11"))
        lw.send("ADDED", pod("c", "other", rv="12"))
        lw.send("DELETED", pod("b", rv="13"))
        wait_until(lambda: len(events) == 5)
        assert sorted(events[:2]) == [("add", "a", True), ("add", "b", True)]
        assert events[2:4] == [("update", "a", "11"), ("add", "c", False)]
        assert events[4][0] == "delete"
        indexer = inf.get_indexer()
        assert sorted(indexer.list_keys()) == ["default/a", "other/c"]
        assert indexer.index_keys("namespace", "other") == ["other/c"]
        lister = Lister(indexer, resource="pod")
        assert lister.namespaced("other").get("c")["metadata"]["resourceVersion"] == "12"
    finally:
        inf.stop()
