"""DelayingQueue / AsyncDelayingQueue: add_after with a fake clock (client-go delaying_queue_test.go), and a
short real-clock run of each background loop."""

from __future__ import annotations

import asyncio
import time

import pytest

from kubeclient.workqueue import AsyncDelayingQueue, DelayingQueue, FakeClock, RealClock

MS = 0.001


def drain_now(q: DelayingQueue[str]) -> list[str]:
    """Every item queued right now, each marked done."""
    out: list[str] = []
    while len(q):
        result = q.get(timeout=0)
        assert result[1] is False
        out.append(result[0])
        q.done(result[0])
    return out


def test_add_after_waits_for_the_clock() -> None:
    clock = FakeClock()
    q: DelayingQueue[str] = DelayingQueue(clock=clock)
    q.add_after("foo", 50 * MS)
    assert len(q) == 0 and q.waiting() == 1
    clock.step(40 * MS)
    assert len(q) == 0
    clock.step(10 * MS)  # exactly at the ready time
    assert len(q) == 1 and q.waiting() == 0
    assert drain_now(q) == ["foo"]
    clock.step(60.0)
    assert len(q) == 0
    q.shut_down()


def test_non_positive_delay_adds_at_once() -> None:
    q: DelayingQueue[str] = DelayingQueue(clock=FakeClock())
    q.add_after("zero", 0)
    q.add_after("negative", -1.0)
    assert drain_now(q) == ["zero", "negative"]
    assert q.waiting() == 0
    q.shut_down()


def test_duplicate_keeps_the_earlier_ready_time() -> None:
    clock = FakeClock()
    q: DelayingQueue[str] = DelayingQueue(clock=clock)
    q.add_after("foo", 50 * MS)
    q.add_after("foo", 70 * MS)  # later: ignored
    assert q.waiting() == 1
    clock.step(60 * MS)
    assert drain_now(q) == ["foo"]

    q.add_after("foo", 70 * MS)
    q.add_after("foo", 50 * MS)  # earlier: wins
    clock.step(60 * MS)
    assert drain_now(q) == ["foo"]
    clock.step(20 * MS)
    assert len(q) == 0, "the superseded 70 ms entry must not fire again"
    q.shut_down()


def test_items_fire_in_ready_order() -> None:
    clock = FakeClock()
    q: DelayingQueue[str] = DelayingQueue(clock=clock)
    q.add_after("foo", 3 * MS)
    q.add_after("bar", 1 * MS)
    q.add_after("baz", 2 * MS)
    q.add_after("qux", 2 * MS)  # same time as baz: add order
    clock.step(1 * MS)
    assert drain_now(q) == ["bar"]
    clock.step(5 * MS)
    assert drain_now(q) == ["baz", "qux", "foo"]
    q.shut_down()


def test_ready_item_already_queued_is_deduplicated() -> None:
    clock = FakeClock()
    q: DelayingQueue[str] = DelayingQueue(clock=clock)
    q.add("foo")
    q.add_after("foo", 10 * MS)
    clock.step(10 * MS)
    assert drain_now(q) == ["foo"]
    q.shut_down()


def test_shutdown_drops_waiting_items_and_ignores_add_after() -> None:
    clock = FakeClock()
    q: DelayingQueue[str] = DelayingQueue(clock=clock)
    q.add_after("foo", 10 * MS)
    q.shut_down()
    q.add_after("bar", 0)
    q.add_after("baz", 10 * MS)
    clock.step(1.0)
    assert len(q) == 0 and q.waiting() == 0
    assert q.get() == (None, True)


def test_shut_down_with_drain_stops_the_waiting_loop() -> None:
    q: DelayingQueue[str] = DelayingQueue(clock=RealClock())
    q.add_after("foo", 10.0)
    assert q.shut_down_with_drain(timeout=1)
    assert q.waiting() == 0
    assert q.get() == (None, True)


def test_real_clock_background_loop_promotes() -> None:
    q: DelayingQueue[str] = DelayingQueue()
    start = time.monotonic()
    q.add_after("later", 30 * MS)
    q.add_after("sooner", 10 * MS)
    assert q.get(timeout=5) == ("sooner", False)
    assert q.get(timeout=5) == ("later", False)
    assert time.monotonic() - start >= 30 * MS
    q.shut_down()


def test_max_wait_rechecks_a_clock_that_cannot_signal() -> None:
    class JumpingClock:
        """A clock with no subscribe(): the loop only notices jumps when it wakes on its own."""

        def __init__(self) -> None:
            self.t = 0.0

        def now(self) -> float:
            return self.t

    clock = JumpingClock()
    q: DelayingQueue[str] = DelayingQueue(clock=clock, max_wait=10 * MS)
    q.add_after("foo", 3600.0)
    clock.t = 3600.0
    assert q.get(timeout=5) == ("foo", False)
    q.shut_down()


def test_async_add_after_with_fake_clock() -> None:
    async def main() -> None:
        clock = FakeClock()
        q: AsyncDelayingQueue[str] = AsyncDelayingQueue(clock=clock)
        q.add_after("foo", 50 * MS)
        q.add_after("bar", 20 * MS)
        q.add_after("foo", 70 * MS)  # keeps 50 ms
        q.add_after("now", 0)
        assert len(q) == 1 and q.waiting() == 2
        clock.step(20 * MS)  # on the loop's thread: promoted synchronously
        assert len(q) == 2
        clock.step(30 * MS)
        order = []
        while len(q):
            result = await q.get(timeout=0)
            assert result[1] is False
            order.append(result[0])
            q.done(result[0])
        assert order == ["now", "bar", "foo"]
        q.add_after("gone", 10 * MS)
        q.shut_down()
        clock.step(1.0)
        assert q.waiting() == 0
        assert await q.get() == (None, True)
        q.add_after("x", 0)
        assert len(q) == 0

    asyncio.run(main())


def test_async_step_from_another_thread_promotes_on_the_loop() -> None:
    async def main() -> None:
        clock = FakeClock()
        q: AsyncDelayingQueue[str] = AsyncDelayingQueue(clock=clock)
        q.add_after("foo", 1.0)
        await asyncio.to_thread(clock.step, 1.0)
        assert await q.get(timeout=5) == ("foo", False)
        q.shut_down()

    asyncio.run(main())


def test_async_real_clock_timer_promotes() -> None:
    async def main() -> None:
        q: AsyncDelayingQueue[str] = AsyncDelayingQueue()
        q.add_after("later", 30 * MS)
        q.add_after("sooner", 10 * MS)
        assert await q.get(timeout=5) == ("sooner", False)
        assert await q.get(timeout=5) == ("later", False)
        q.add_after("dropped", 10.0)
        assert await q.shut_down_with_drain(timeout=0.02) is False  # two items are still being processed
        q.done("sooner")
        q.done("later")
        assert await q.shut_down_with_drain(timeout=1) is True
        assert q.waiting() == 0

    asyncio.run(main())


def test_async_add_after_needs_a_running_loop() -> None:
    q: AsyncDelayingQueue[str] = AsyncDelayingQueue(clock=FakeClock())
    q.add_after("now", 0)  # no loop needed
    with pytest.raises(RuntimeError):
        q.add_after("later", 1.0)
