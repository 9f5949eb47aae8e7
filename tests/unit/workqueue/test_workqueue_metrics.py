"""Metrics hooks: what a named queue reports to its MetricsProvider, timed by a fake clock."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest

from kubeclient.workqueue import AsyncDelayingQueue, DelayingQueue, FakeClock, NoopMetricsProvider, Queue


@dataclass
class Recorder:
    """One metric of any kind: counts inc/dec, keeps observations and the last set value."""

    value: float = 0.0
    observed: list[float] = field(default_factory=list)

    def inc(self) -> None:
        self.value += 1

    def dec(self) -> None:
        self.value -= 1

    def set(self, value: float) -> None:
        self.value = value

    def observe(self, value: float) -> None:
        self.observed.append(value)


class RecordingProvider:
    def __init__(self) -> None:
        self.metrics: dict[tuple[str, str], Recorder] = {}

    def _new(self, kind: str, name: str) -> Recorder:
        return self.metrics.setdefault((kind, name), Recorder())

    def new_depth_metric(self, name: str) -> Recorder:
        return self._new("depth", name)

    def new_adds_metric(self, name: str) -> Recorder:
        return self._new("adds", name)

    def new_latency_metric(self, name: str) -> Recorder:
        return self._new("latency", name)

    def new_work_duration_metric(self, name: str) -> Recorder:
        return self._new("work_duration", name)

    def new_unfinished_work_seconds_metric(self, name: str) -> Recorder:
        return self._new("unfinished", name)

    def new_longest_running_processor_seconds_metric(self, name: str) -> Recorder:
        return self._new("longest", name)

    def new_retries_metric(self, name: str) -> Recorder:
        return self._new("retries", name)

    def __getitem__(self, kind: str) -> Recorder:
        return self.metrics[(kind, "q")]


def test_queue_metrics_follow_an_item() -> None:
    clock = FakeClock()
    provider = RecordingProvider()
    q: Queue[str] = Queue(name="q", metrics_provider=provider, clock=clock)
    q.add("a")
    q.add("a")  # already waiting: not an add
    q.add("b")
    assert provider["adds"].value == 2
    assert provider["depth"].value == 2

    clock.step(1.0)
    q.get()  # a
    assert provider["depth"].value == 1
    assert provider["latency"].observed == [pytest.approx(1.0)]

    clock.step(2.0)
    q.get()  # b, waited 3 s
    clock.step(0.5)
    q.update_unfinished_work()
    assert provider["unfinished"].value == pytest.approx(2.5 + 0.5)
    assert provider["longest"].value == pytest.approx(2.5)

    q.add("a")  # re-added while processing: counted, latency measured from now
    assert provider["adds"].value == 3
    q.done("a")
    assert provider["work_duration"].observed == [pytest.approx(2.5)]
    clock.step(1.0)
    q.get()
    assert provider["latency"].observed == pytest.approx([1.0, 3.0, 1.0])
    q.shut_down()
    q.update_unfinished_work()  # ignored after shutdown
    assert provider["unfinished"].value == pytest.approx(3.0)


def test_retries_count_add_after_calls() -> None:
    clock = FakeClock()
    provider = RecordingProvider()
    q: DelayingQueue[str] = DelayingQueue(name="q", metrics_provider=provider, clock=clock)
    q.add_after("a", 0)
    q.add_after("a", 1.0)
    q.add_after("b", 1.0)
    assert provider["retries"].value == 3
    q.shut_down()
    q.add_after("c", 1.0)
    assert provider["retries"].value == 3


def test_unnamed_or_noop_queues_record_nothing() -> None:
    provider = RecordingProvider()
    q: DelayingQueue[str] = DelayingQueue(metrics_provider=provider)
    q.add("a")
    q.add_after("b", 0)
    assert provider.metrics == {}
    q.shut_down()
    noop: Queue[str] = Queue(name="q", metrics_provider=NoopMetricsProvider())
    noop.add("a")
    noop.update_unfinished_work()
    noop.shut_down()


def test_background_refresh_of_unfinished_work() -> None:
    clock = FakeClock()
    provider = RecordingProvider()

    async def main() -> None:
        q: AsyncDelayingQueue[str] = AsyncDelayingQueue(name="q", metrics_provider=provider, clock=clock)
        q.add("a")
        await q.get()
        clock.step(4.0)
        await asyncio.sleep(0.6)  # the loop refreshes every 0.5 s
        assert provider["unfinished"].value == pytest.approx(4.0)
        q.done("a")
        assert provider["work_duration"].observed == [pytest.approx(4.0)]
        q.shut_down()

    asyncio.run(main())

    threaded = RecordingProvider()
    tq: Queue[str] = Queue(name="q", metrics_provider=threaded, clock=clock)
    tq.add("a")
    tq.get()
    clock.step(2.0)
    deadline = time.monotonic() + 5
    while threaded["longest"].value == 0 and time.monotonic() < deadline:
        time.sleep(0.02)  # the thread refreshes every 0.5 s
    assert threaded["longest"].value == pytest.approx(2.0)
    tq.shut_down()
