"""SharedIndexInformer handler semantics (threads and asyncio), over an in-memory ListerWatcher."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from informers_fakes import AsyncLiveListerWatcher, DictIndexer, InOrderFIFO, LiveListerWatcher, Tombstone
from informers_scripted import pod

from kubeclient.cache.aio.informer import AsyncSharedIndexInformer
from kubeclient.cache.informer import ResourceEventHandlerFuncs, SharedIndexInformer, _InformerCore
from kubeclient.wait import poll_until
from kubeclient.workqueue.clock import FakeClock


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> None:
    poll_until(cond, interval=0.002, timeout=timeout)


def make(lw: Any, **kwargs: Any) -> SharedIndexInformer[Any]:
    return SharedIndexInformer(
        lw, indexer=DictIndexer(), queue_factory=InOrderFIFO, use_watch_list=False, name="pods", **kwargs
    )


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.lock = threading.Lock()

    def on_add(self, obj: Any, initial: bool) -> None:
        with self.lock:
            self.events.append(("add", obj["metadata"]["name"], initial))

    def on_update(self, old: Any, new: Any) -> None:
        with self.lock:
            self.events.append(("update", new["metadata"]["name"], old["metadata"]["resourceVersion"]))

    def on_delete(self, obj: Any) -> None:
        name = obj.key if isinstance(obj, Tombstone) else obj["metadata"]["name"]
        with self.lock:
            self.events.append(("delete", name, isinstance(obj, Tombstone)))


def test_initial_list_then_watch_events_reach_handlers_in_order() -> None:
    lw = LiveListerWatcher([pod("a", "1"), pod("b", "2")])
    inf = make(lw)
    rec = Recorder()
    reg = inf.add_event_handler(rec)
    inf.start()
    try:
        wait_until(reg.has_synced)
        assert inf.has_synced()
        assert sorted(rec.events) == [("add", "a", True), ("add", "b", True)]
        wait_until(lambda: bool(lw.streams))
        a = dict(pod("a", "1"))
        lw.apply("MODIFIED", a)
        lw.apply("ADDED", pod("c", "0"))
        lw.apply("DELETED", pod("b", "2"))
        wait_until(lambda: len(rec.events) == 5)
        assert rec.events[2:] == [("update", "a", "1"), ("add", "c", False), ("delete", "b", False)]
        assert sorted(o["metadata"]["name"] for o in inf.get_indexer().list()) == ["a", "c"]
        assert inf.last_sync_resource_version == str(lw.rv)
    finally:
        inf.stop()
    assert inf.is_stopped()


def test_slow_handler_does_not_stall_the_others() -> None:
    lw = LiveListerWatcher([pod(f"p{i}", "1") for i in range(20)])
    inf = make(lw)
    gate = threading.Event()
    slow_seen: list[str] = []

    def slow(obj: Any, initial: bool) -> None:
        gate.wait(5)
        slow_seen.append(obj["metadata"]["name"])

    fast = Recorder()
    slow_reg = inf.add_event_handler(on_add=slow)
    fast_reg = inf.add_event_handler(fast)
    inf.start()
    try:
        wait_until(fast_reg.has_synced)
        assert len(fast.events) == 20
        assert not slow_reg.has_synced()
        gate.set()
        wait_until(slow_reg.has_synced)
        assert len(slow_seen) == 20
    finally:
        inf.stop()


def test_handler_added_after_start_gets_synthetic_adds_first() -> None:
    lw = LiveListerWatcher([pod("a", "1"), pod("b", "2")])
    inf = make(lw)
    inf.start()
    try:
        wait_until(inf.has_synced)
        late = Recorder()
        reg = inf.add_event_handler(late)
        lw.apply("ADDED", pod("c", "0"))
        wait_until(lambda: len(late.events) == 3)
        assert sorted(late.events[:2]) == [("add", "a", True), ("add", "b", True)]
        assert late.events[2] == ("add", "c", False)
        wait_until(reg.has_synced)
    finally:
        inf.stop()


def test_one_argument_on_add_and_raising_handler_are_tolerated() -> None:
    lw = LiveListerWatcher([pod("a", "1"), pod("b", "1")])
    inf = make(lw)
    seen: list[str] = []

    def on_add(obj: Any) -> None:
        seen.append(obj["metadata"]["name"])
        raise ValueError("handler bug")

    reg = inf.add_event_handler(on_add=on_add)
    inf.start()
    try:
        wait_until(reg.has_synced)
        assert sorted(seen) == ["a", "b"]
    finally:
        inf.stop()


def test_transform_applies_before_caching_and_is_refused_after_start() -> None:
    obj = pod("a", "1")
    obj["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    lw = LiveListerWatcher([obj])

    def drop_managed_fields(o: Any) -> Any:
        o = dict(o, metadata={k: v for k, v in o["metadata"].items() if k != "managedFields"})
        return o

    inf = make(lw)
    inf.set_transform(drop_managed_fields)
    inf.start()
    try:
        wait_until(inf.has_synced)
        assert "managedFields" not in inf.get_store().list()[0]["metadata"]
        with pytest.raises(RuntimeError, match="already started"):
            inf.set_transform(None)
        with pytest.raises(RuntimeError, match="already started"):
            inf.set_watch_error_handler(lambda r, e: None)
    finally:
        inf.stop()


def test_relist_announces_vanished_objects_as_tombstones() -> None:
    lw = LiveListerWatcher([pod("a", "1"), pod("b", "1")])
    inf = make(lw)
    rec = Recorder()
    inf.add_event_handler(rec)
    inf.start()
    try:
        wait_until(inf.has_synced)
        wait_until(lambda: bool(lw.streams))
        # The object vanishes while nobody watches; the watch then expires and the reflector lists again.
        lw.objects.pop("default/b")
        lw.streams[0].q.put(
            type("E", (), {"type": "ERROR", "object": {"kind": "Status", "code": 410, "reason": "Expired"}})()
        )
        wait_until(lambda: ("delete", "default/b", True) in rec.events, timeout=10)
        # Unchanged "a" is a resync-like update: handlers without resync do not see it.
        assert not any(e[0] == "update" for e in rec.events)
    finally:
        inf.stop()


def test_tweak_list_options_style_options_pass_through_and_watch_starts_from_list_rv() -> None:
    lw = LiveListerWatcher([pod("a", "1")])
    inf = make(lw)
    inf.start()
    try:
        wait_until(lambda: bool(lw.watches))
        assert lw.lists[0].resource_version == "0"
        assert lw.watches[0].resource_version == "100"
    finally:
        inf.stop()


def test_per_handler_resync_only_due_handlers_receive_sync_updates() -> None:
    clock = FakeClock(0.0)
    woken: list[Any] = []
    core = _InformerCore(indexer=DictIndexer(), default_resync=0.0, clock=clock, wake=woken.append)
    often = core.add_listener(ResourceEventHandlerFuncs(), 2.0)
    rarely = core.add_listener(ResourceEventHandlerFuncs(), 10.0)
    never = core.add_listener(ResourceEventHandlerFuncs(), 0.0)
    assert core.resync_check_period == 2.0
    assert (often.resync_period, rarely.resync_period, never.resync_period) == (2.0, 10.0, 0.0)
    core.handle_deltas([("Added", pod("a", "1"))], False)
    clock.step(2.0)
    assert core.should_resync()
    core.handle_deltas([("Sync", pod("a", "1"))], False)
    assert [n[0] for n in often.buffer] == ["add", "update"]
    assert [n[0] for n in rarely.buffer] == ["add"]
    assert [n[0] for n in never.buffer] == ["add"]
    # A real change (new RV) reaches everyone even during a resync.
    core.handle_deltas([("Updated", pod("a", "2"))], False)
    assert len(never.buffer) == 2
    clock.step(8.0)
    assert core.should_resync()
    assert rarely in core.syncing and often in core.syncing


def test_minimum_resync_period_is_one_second() -> None:
    core = _InformerCore(indexer=DictIndexer(), default_resync=0.0, clock=FakeClock(), wake=lambda s: None)
    state = core.add_listener(ResourceEventHandlerFuncs(), 0.01)
    assert state.resync_period == 1.0


def test_stop_is_prompt_and_idempotent() -> None:
    inf = make(LiveListerWatcher([pod("a", "1")]))
    inf.start()
    wait_until(inf.has_synced)
    t = time.monotonic()
    inf.stop()
    inf.stop()
    assert time.monotonic() - t < 2.0


def test_async_informer_delivers_sync_and_async_handlers() -> None:
    async def main() -> None:
        lw = AsyncLiveListerWatcher([pod("a", "1")])
        inf: AsyncSharedIndexInformer[Any] = AsyncSharedIndexInformer(
            lw, indexer=DictIndexer(), queue_factory=InOrderFIFO, use_watch_list=False
        )
        rec = Recorder()
        got: list[str] = []

        async def on_add(obj: Any, initial: bool) -> None:
            await asyncio.sleep(0)
            got.append(obj["metadata"]["name"])

        reg1 = inf.add_event_handler(rec)
        reg2 = inf.add_event_handler(on_add=on_add)
        inf.start()
        for _ in range(500):
            if reg1.has_synced() and reg2.has_synced() and lw.astreams:
                break
            await asyncio.sleep(0.005)
        assert reg1.has_synced() and reg2.has_synced()
        lw.apply("ADDED", pod("b", "0"))
        lw.apply("DELETED", pod("a", "1"))
        for _ in range(500):
            if len(rec.events) == 3 and len(got) == 2:
                break
            await asyncio.sleep(0.005)
        assert rec.events == [("add", "a", True), ("add", "b", False), ("delete", "a", False)]
        assert got == ["a", "b"]
        late = Recorder()
        reg3 = inf.add_event_handler(late)
        for _ in range(500):
            if reg3.has_synced():
                break
            await asyncio.sleep(0.005)
        assert late.events == [("add", "b", True)]
        with pytest.raises(RuntimeError):
            inf.set_transform(None)
        await inf.stop()
        assert inf.is_stopped()

    asyncio.run(asyncio.wait_for(main(), 10))
