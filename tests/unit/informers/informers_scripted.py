"""A scripted ListerWatcher for step-by-step reflector tests (like kube-rs's watcher tests).

Each step answers one call, in order: ("list", ListPage | Exception) or ("watch", Exception | Stream). When the
script runs out, `on_exhausted()` is called (tests stop the reflector there) and the call fails.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kubeclient.cache.listwatch import ListOptions, ListPage
from kubeclient.workqueue.clock import FakeClock


@dataclass
class Event:
    type: str
    object: Any


def pod(name: str, rv: str, ns: str = "default", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "resourceVersion": rv, "labels": dict(labels)},
    }


def bookmark(rv: str, *, initial_end: bool = False) -> Event:
    meta: dict[str, Any] = {"resourceVersion": rv}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return Event("BOOKMARK", {"kind": "Pod", "apiVersion": "v1", "metadata": meta})


def status(code: int, reason: str, message: str = "") -> Event:
    return Event(
        "ERROR",
        {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code, "reason": reason, "message": message},
    )


def key(obj: Any) -> str:
    meta = obj["metadata"]
    return f"{meta['namespace']}/{meta['name']}" if meta.get("namespace") else str(meta["name"])


@dataclass
class Stream:
    """Events to hand out, then the end after `duration` seconds on the clock (an Exception item is raised)."""

    events: list[Any]
    duration: float = 5.0
    closed: bool = False
    clock: FakeClock | None = None
    _it: Iterator[Any] | None = field(default=None, repr=False)

    def __iter__(self) -> Stream:
        return self

    def __next__(self) -> Any:
        if self.closed:
            raise StopIteration
        if self._it is None:
            self._it = iter(self.events)
        try:
            item = next(self._it)
        except StopIteration:
            if self.clock is not None:
                self.clock.step(self.duration)
            raise
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self) -> None:
        self.closed = True


@dataclass
class Call:
    kind: str
    options: ListOptions
    read_timeout: float | None = None


class ScriptedListerWatcher:
    def __init__(self, steps: list[tuple[str, Any]], clock: FakeClock, on_exhausted: Callable[[], None]) -> None:
        self.steps = deque(steps)
        self.calls: list[Call] = []
        self.clock = clock
        self.on_exhausted = on_exhausted
        self.streams: list[Stream] = []

    def _next(self, kind: str) -> Any:
        if not self.steps:
            self.on_exhausted()
            raise RuntimeError("script exhausted")
        want, answer = self.steps.popleft()
        assert want == kind, f"expected a {want} call, got {kind}: {self.calls[-1]}"
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def list(self, options: ListOptions) -> ListPage:
        self.calls.append(Call("list", options))
        page: ListPage = self._next("list")
        return page

    def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> Stream:
        self.calls.append(Call("watch", options, read_timeout))
        stream: Stream = self._next("watch")
        stream.clock = self.clock
        self.streams.append(stream)
        return stream


class RecordingStore:
    """Records every reflector write as (op, payload)."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, Any]] = []

    def add(self, obj: Any) -> None:
        self.ops.append(("add", obj["metadata"]["name"]))

    def update(self, obj: Any) -> None:
        self.ops.append(("update", obj["metadata"]["name"]))

    def delete(self, obj: Any) -> None:
        self.ops.append(("delete", obj["metadata"]["name"]))

    def replace(self, items: list[Any], resource_version: str) -> None:
        self.ops.append(("replace", (sorted(i["metadata"]["name"] for i in items), resource_version)))

    def resync(self) -> None:
        self.ops.append(("resync", None))
