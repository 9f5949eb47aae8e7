"""RateLimitingQueue / AsyncRateLimitingQueue: add_rate_limited = add_after(limiter.when), forget, num_requeues."""

from __future__ import annotations

import asyncio

from kubeclient.workqueue import (
    AsyncRateLimitingQueue,
    FakeClock,
    ItemExponentialFailureRateLimiter,
    RateLimitingQueue,
    default_controller_rate_limiter,
)

MS = 0.001


def test_add_rate_limited_backs_off_per_item() -> None:
    clock = FakeClock()
    limiter: ItemExponentialFailureRateLimiter[str] = ItemExponentialFailureRateLimiter(MS, 1.0)
    q: RateLimitingQueue[str] = RateLimitingQueue(limiter, clock=clock)

    q.add_rate_limited("one")  # ready at 1 ms
    q.add_rate_limited("one")  # 2 ms, but the earlier 1 ms entry stays
    q.add_rate_limited("two")  # 1 ms
    assert q.waiting() == 2 and len(q) == 0
    assert q.num_requeues("one") == 2
    assert q.num_requeues("two") == 1

    clock.step(MS)
    assert len(q) == 2

    q.forget("one")
    assert q.num_requeues("one") == 0
    q.add_rate_limited("one")  # backoff restarted: 1 ms, but "one" is already queued
    assert q.waiting() == 1
    clock.step(MS)
    assert len(q) == 2
    q.shut_down()


def test_worker_loop_retries_then_forgets() -> None:
    clock = FakeClock()
    q: RateLimitingQueue[str] = RateLimitingQueue(default_controller_rate_limiter(clock=clock), clock=clock)
    q.add("key")
    attempts = 0
    for key in q.items():
        attempts += 1
        if attempts < 4:
            q.add_rate_limited(key)  # failed: retry after the backoff
            # the retry only appears once the backoff (5 ms, 10 ms, 20 ms) has elapsed on the clock
            clock.step(0.005 * 2 ** (attempts - 1) - 1e-6)
            assert q.waiting() == 1
            clock.step(1e-6)
        else:
            q.forget(key)
            q.shut_down()
    assert attempts == 4
    assert q.num_requeues("key") == 0


def test_async_rate_limited_queue() -> None:
    async def main() -> None:
        clock = FakeClock()
        limiter: ItemExponentialFailureRateLimiter[str] = ItemExponentialFailureRateLimiter(MS, 1.0)
        q: AsyncRateLimitingQueue[str] = AsyncRateLimitingQueue(limiter, clock=clock)
        q.add_rate_limited("one")
        q.add_rate_limited("one")
        assert q.num_requeues("one") == 2
        assert len(q) == 0
        clock.step(MS)
        assert await q.get(timeout=0) == ("one", False)
        q.done("one")
        q.forget("one")
        assert q.num_requeues("one") == 0
        q.shut_down()

    asyncio.run(main())
