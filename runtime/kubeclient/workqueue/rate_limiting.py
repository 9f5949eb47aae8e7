"""RateLimitingQueue: a DelayingQueue that asks a rate limiter how long to delay a retry (client-go
rate_limiting_queue.go), for threads.

`add_rate_limited(item)` is `add_after(item, limiter.when(item))`; `forget(item)` tells the limiter the item is
finished with (success or giving up) so its backoff resets — the queue itself is unchanged, `done` is still due;
`num_requeues(item)` is the limiter's failure count for it.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from kubeclient.workqueue.clock import Clock
from kubeclient.workqueue.delaying import MAX_WAIT, DelayingQueue
from kubeclient.workqueue.metrics import MetricsProvider
from kubeclient.workqueue.rate_limiters import RateLimiter

__all__ = ["RateLimitingQueue"]

T = TypeVar("T", bound=Hashable)


class RateLimitingQueue(DelayingQueue[T]):
    """A DelayingQueue with `add_rate_limited`, `forget` and `num_requeues` (see the module docstring)."""

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
