"""AsyncQueue: the same rules as Queue, on one event loop (run with asyncio.run inside each test)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from kubeclient.workqueue import AsyncQueue


def run(coro_fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(coro_fn())


def test_dedup_processing_and_requeue() -> None:
    async def main() -> None:
        q: AsyncQueue[str] = AsyncQueue()
        q.add("a")
        q.add("b")
        q.add("a")
        assert len(q) == 2
        assert await q.get() == ("a", False)
        q.add("a")
        assert len(q) == 1
        assert await q.get() == ("b", False)
        with pytest.raises(TimeoutError):
            await q.get(timeout=0.01)
        q.done("a")
        assert await q.get(timeout=0) == ("a", False)

    run(main)


def test_get_waits_for_add_and_one_item_wakes_one_getter() -> None:
    async def main() -> None:
        q: AsyncQueue[int] = AsyncQueue()
        getters = [asyncio.create_task(q.get()) for _ in range(3)]
        await asyncio.sleep(0)
        q.add(1)
        done, pending = await asyncio.wait(getters, timeout=0.05)
        assert [t.result() for t in done] == [(1, False)]
        q.add(2)
        q.add(3)
        results = await asyncio.gather(*pending)
        assert sorted(r[0] for r in results if r[0] is not None) == [2, 3]

    run(main)


def test_cancelled_getter_passes_its_wakeup_on() -> None:
    async def main() -> None:
        q: AsyncQueue[str] = AsyncQueue()
        first = asyncio.create_task(q.get())
        second = asyncio.create_task(q.get())
        await asyncio.sleep(0)
        q.add("x")  # wakes `first` ...
        first.cancel()  # ... which leaves before running: the item must go to `second`
        assert await asyncio.wait_for(second, 1) == ("x", False)
        with contextlib.suppress(asyncio.CancelledError):
            await first

    run(main)


def test_shutdown_drains_then_reports_and_wakes_getters() -> None:
    async def main() -> None:
        q: AsyncQueue[str] = AsyncQueue()
        waiter = asyncio.create_task(q.get())
        await asyncio.sleep(0)
        q.shut_down()
        assert await waiter == (None, True)

        q2: AsyncQueue[str] = AsyncQueue()
        q2.add("a")
        q2.shut_down()
        q2.add("b")
        assert q2.shutting_down()
        assert await q2.get() == ("a", False)
        assert await q2.get() == (None, True)

    run(main)


def test_shut_down_with_drain() -> None:
    async def main() -> None:
        q: AsyncQueue[str] = AsyncQueue()
        q.add("a")
        await q.get()
        drain = asyncio.create_task(q.shut_down_with_drain())
        await asyncio.sleep(0.01)
        assert not drain.done()
        q.done("a")
        assert await asyncio.wait_for(drain, 1) is True

        q2: AsyncQueue[str] = AsyncQueue()
        q2.add("a")
        await q2.get()
        drain2 = asyncio.create_task(q2.shut_down_with_drain())
        await asyncio.sleep(0.01)
        q2.shut_down()  # forces the drain wait to stop
        assert await asyncio.wait_for(drain2, 1) is False
        assert await AsyncQueue[str]().shut_down_with_drain(timeout=0) is True

    run(main)


def test_items_helper() -> None:
    async def main() -> None:
        q: AsyncQueue[str] = AsyncQueue()
        q.add("a")
        q.add("b")
        seen: list[str] = []
        async with contextlib.aclosing(q.items()) as it:
            async for key in it:
                seen.append(key)
                if seen == ["a"]:
                    q.add("a")
                if len(seen) == 3:
                    q.shut_down()
        assert seen == ["a", "b", "a"]

        q2: AsyncQueue[str] = AsyncQueue()
        q2.add("x")
        async with contextlib.aclosing(q2.items()) as it:
            async for key in it:
                q2.add(key)
                break
        assert await q2.get(timeout=0) == ("x", False), "done ran on close, so the re-add was queued"

    run(main)


def test_workers_never_share_an_item() -> None:
    async def main() -> None:
        q: AsyncQueue[int] = AsyncQueue()
        in_flight: set[int] = set()
        processed: list[int] = []
        clashes: list[int] = []

        async def worker() -> None:
            while True:
                result = await q.get()
                if result[1]:
                    return
                item = result[0]
                if item in in_flight:
                    clashes.append(item)
                in_flight.add(item)
                await asyncio.sleep(0)
                in_flight.discard(item)
                processed.append(item)
                q.done(item)

        async def producer(offset: int) -> None:
            for i in range(200):
                q.add((i + offset) % 7)
                await asyncio.sleep(0)

        workers = [asyncio.create_task(worker()) for _ in range(4)]
        await asyncio.gather(*(producer(k) for k in range(3)))
        assert await q.shut_down_with_drain(timeout=5)
        await asyncio.wait_for(asyncio.gather(*workers), 5)
        assert clashes == []
        assert set(processed) == set(range(7))

    run(main)
