"""Rate limiters for RateLimitingQueue (client-go default_rate_limiters.go). Delays are seconds (float).

A rate limiter answers `when(item)`: how long to wait before the item's next retry (each call counts as a failure),
`forget(item)`: stop tracking it, and `num_requeues(item)`: its failures so far. All limiters here are thread-safe
and can be shared by thread and asyncio queues.

- `ItemExponentialFailureRateLimiter(base, max)`: base * 2**n for the item's n-th failure (n from 0), capped at max.
- `BucketRateLimiter(qps, burst)`: one token bucket for all items, golang.org/x/time/rate reservation semantics:
  the bucket starts full; each `when` reserves a token now and returns how long until that token exists.
- `ItemFastSlowRateLimiter(fast, slow, max_fast_attempts)`: `fast` for an item's first attempts, then `slow`.
- `MaxOfRateLimiter(*limiters)`: asks every limiter, returns the longest delay.
- `WithMaxWaitRateLimiter(limiter, max_delay)`: caps another limiter's delay.
- `default_controller_rate_limiter()`: MaxOf(ItemExponential(5 ms, 1000 s), Bucket(10 qps, burst 100)).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Hashable
from typing import Generic, Protocol, TypeVar

from kubeclient.workqueue.clock import Clock, RealClock

__all__ = [
    "BucketRateLimiter",
    "ItemExponentialFailureRateLimiter",
    "ItemFastSlowRateLimiter",
    "MaxOfRateLimiter",
    "RateLimiter",
    "WithMaxWaitRateLimiter",
    "default_controller_rate_limiter",
    "default_item_based_rate_limiter",
]

T = TypeVar("T", bound=Hashable)
T_contra = TypeVar("T_contra", bound=Hashable, contravariant=True)


class RateLimiter(Protocol[T_contra]):
    """Decides how long an item waits before its next retry."""

    def when(self, item: T_contra) -> float:
        """Seconds the item should wait; records one more failure for it."""
        ...

    def forget(self, item: T_contra) -> None:
        """Stop tracking the item (it succeeded or was given up)."""
        ...

    def num_requeues(self, item: T_contra) -> int:
        """How many failures the item has had since it was last forgotten."""
        ...


class ItemExponentialFailureRateLimiter(Generic[T]):
    """`base_delay * 2**failures`, capped at `max_delay`, counted per item."""

    def __init__(self, base_delay: float, max_delay: float) -> None:
        if base_delay < 0 or max_delay < 0:
            raise ValueError(
                f"ItemExponentialFailureRateLimiter: base_delay ({base_delay}) and max_delay ({max_delay}) must be >= 0"
            )
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._lock = threading.Lock()
        self._failures: dict[T, int] = {}

    def when(self, item: T) -> float:
        with self._lock:
            exp = self._failures.get(item, 0)
            self._failures[item] = exp + 1
        try:
            backoff = math.ldexp(self.base_delay, exp)
        except OverflowError:
            return self.max_delay
        return min(backoff, self.max_delay)

    def forget(self, item: T) -> None:
        with self._lock:
            self._failures.pop(item, None)

    def num_requeues(self, item: T) -> int:
        with self._lock:
            return self._failures.get(item, 0)


class ItemFastSlowRateLimiter(Generic[T]):
    """`fast_delay` for an item's first `max_fast_attempts` failures, `slow_delay` after that."""

    def __init__(self, fast_delay: float, slow_delay: float, max_fast_attempts: int) -> None:
        self.fast_delay = fast_delay
        self.slow_delay = slow_delay
        self.max_fast_attempts = max_fast_attempts
        self._lock = threading.Lock()
        self._failures: dict[T, int] = {}

    def when(self, item: T) -> float:
        with self._lock:
            failures = self._failures.get(item, 0) + 1
            self._failures[item] = failures
        return self.fast_delay if failures <= self.max_fast_attempts else self.slow_delay

    def forget(self, item: T) -> None:
        with self._lock:
            self._failures.pop(item, None)

    def num_requeues(self, item: T) -> int:
        with self._lock:
            return self._failures.get(item, 0)


class BucketRateLimiter(Generic[T]):
    """A token bucket shared by all items: `burst` tokens, refilled at `qps` per second, starting full.

    `when` reserves one token at the clock's now and returns the seconds until it is available (0 while tokens
    remain), as golang.org/x/time/rate `Limiter.Reserve().Delay()`: reservations queue up, so the n-th call past
    the burst at one instant waits n/qps. `qps=math.inf` never delays. A reservation that can never be met
    (`burst < 1`, or `qps == 0` once the burst is spent) returns `math.inf`. Items are not tracked:
    `num_requeues` is 0 and `forget` does nothing.
    """

    def __init__(self, qps: float, burst: int, *, clock: Clock | None = None) -> None:
        if qps < 0 or math.isnan(qps):
            raise ValueError(f"BucketRateLimiter: qps must be >= 0, got {qps}")
        self.qps = qps
        self.burst = burst
        self._clock: Clock = clock if clock is not None else RealClock()
        self._lock = threading.Lock()
        self._tokens = float(burst)
        self._last: float | None = None

    def when(self, item: T) -> float:
        with self._lock:
            if math.isinf(self.qps):
                return 0.0
            if self.qps == 0:
                # x/time/rate with limit 0: only the burst is ever granted.
                if self._tokens >= 1:
                    self._tokens -= 1
                    return 0.0
                return math.inf
            if self.burst < 1:
                return math.inf
            now = self._clock.now()
            last = now if self._last is None or now < self._last else self._last
            tokens = min(float(self.burst), self._tokens + (now - last) * self.qps) - 1
            self._tokens = tokens
            self._last = now
            # Rounded to the nanosecond, the resolution of Go's time.Duration: float residue is not a wait.
            return round(-tokens / self.qps, 9) if tokens < 0 else 0.0

    def forget(self, item: T) -> None:
        pass

    def num_requeues(self, item: T) -> int:
        return 0


class MaxOfRateLimiter(Generic[T]):
    """Asks every limiter (each records the failure) and returns the longest delay; `num_requeues` is the largest
    count; `forget` forgets in all. With a bucket limiter inside, the burst can be exceeded apparently, because
    items delayed longer by another limiter still took a token."""

    def __init__(self, *limiters: RateLimiter[T]) -> None:
        self.limiters = limiters

    def when(self, item: T) -> float:
        delay = 0.0
        for limiter in self.limiters:
            delay = max(delay, limiter.when(item))
        return delay

    def forget(self, item: T) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def num_requeues(self, item: T) -> int:
        return max((limiter.num_requeues(item) for limiter in self.limiters), default=0)


class WithMaxWaitRateLimiter(Generic[T]):
    """Another limiter's delay, capped at `max_delay`."""

    def __init__(self, limiter: RateLimiter[T], max_delay: float) -> None:
        self.limiter = limiter
        self.max_delay = max_delay

    def when(self, item: T) -> float:
        return min(self.limiter.when(item), self.max_delay)

    def forget(self, item: T) -> None:
        self.limiter.forget(item)

    def num_requeues(self, item: T) -> int:
        return self.limiter.num_requeues(item)


def default_controller_rate_limiter(*, clock: Clock | None = None) -> MaxOfRateLimiter[Hashable]:
    """Per-item exponential backoff (5 ms doubling up to 1000 s) and an overall 10 qps / burst 100 bucket."""
    return MaxOfRateLimiter(
        ItemExponentialFailureRateLimiter(0.005, 1000.0),
        BucketRateLimiter(10.0, 100, clock=clock),
    )


def default_item_based_rate_limiter() -> ItemExponentialFailureRateLimiter[Hashable]:
    """Per-item exponential backoff from 1 ms up to 1000 s (client-go DefaultItemBasedRateLimiter)."""
    return ItemExponentialFailureRateLimiter(0.001, 1000.0)
