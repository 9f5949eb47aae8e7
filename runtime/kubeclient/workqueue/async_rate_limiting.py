"""AsyncRateLimitingQueue: the rate-limiting queue of rate_limiting.py for asyncio, with the same rules.

`add_rate_limited(item)` is `add_after(item, limiter.when(item))`; `forget` resets the item in the limiter;
`num_requeues` reads its failure count. All three are plain methods.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from kubeclient.workqueue.async_delaying import AsyncDelayingQueue
from kubeclient.workqueue.clock import Clock
from kubeclient.workqueue.delaying import MAX_WAIT
from kubeclient.workqueue.metrics import MetricsProvider
from kubeclient.workqueue.rate_limiters import RateLimiter

__all__ = ["AsyncRateLimitingQueue"]

T = TypeVar("T", bound=Hashable)


class AsyncRateLimitingQueue(AsyncDelayingQueue[T]):
    """An AsyncDelayingQueue with `add_rate_limited`, `forget` and `num_requeues`."""

    def __init__(
        self,
        rate_limiter: RateLimiter[T],
        *,
        name: str = "",
        metrics_provider: MetricsProvider | None = None,
        clock: Clock | None = None,
        max_wait: float = MAX_WAIT,
    ) -> None:
        super().__init__(name=name, metrics_provider=metrics_provider, clock=clock, max_wait=max_wait)
        self.rate_limiter = rate_limiter

    def add_rate_limited(self, item: T) -> None:
        """Add `item` after the delay the rate limiter gives it (each call counts as one more failure)."""
        self.add_after(item, self.rate_limiter.when(item))

    def forget(self, item: T) -> None:
        """Stop tracking `item` in the rate limiter; `done(item)` is still required."""
        self.rate_limiter.forget(item)

    def num_requeues(self, item: T) -> int:
        return self.rate_limiter.num_requeues(item)
