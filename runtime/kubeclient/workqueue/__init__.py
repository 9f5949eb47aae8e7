"""kubeclient.workqueue: client-go's util/workqueue for threads and asyncio.

- `Queue` / `AsyncQueue`: deduplicating FIFO; an item is never processed by two workers at once, and an add while
  it is processed re-queues it at `done`.
- `DelayingQueue` / `AsyncDelayingQueue`: plus `add_after(item, seconds)`.
- `RateLimitingQueue` / `AsyncRateLimitingQueue`: plus `add_rate_limited`, `forget`, `num_requeues`.
- Rate limiters (`rate_limiters.py`), metrics hooks (`metrics.py`), clocks (`clock.py`).

A worker, client-go style::

    q: RateLimitingQueue[str] = RateLimitingQueue(default_controller_rate_limiter())
    for key in q.items():          # done(key) is called after each iteration
        try:
            sync(key)
            q.forget(key)
        except Exception:
            q.add_rate_limited(key)
"""

from __future__ import annotations

from kubeclient.workqueue.async_delaying import AsyncDelayingQueue
from kubeclient.workqueue.async_queue import AsyncQueue
from kubeclient.workqueue.async_rate_limiting import AsyncRateLimitingQueue
from kubeclient.workqueue.clock import Clock, FakeClock, RealClock, SteppingClock
from kubeclient.workqueue.delaying import DelayingQueue
from kubeclient.workqueue.metrics import (
    CounterMetric,
    GaugeMetric,
    HistogramMetric,
    MetricsProvider,
    NoopMetricsProvider,
    SettableGaugeMetric,
)
from kubeclient.workqueue.queue import GetResult, Queue
from kubeclient.workqueue.rate_limiters import (
    BucketRateLimiter,
    ItemExponentialFailureRateLimiter,
    ItemFastSlowRateLimiter,
    MaxOfRateLimiter,
    RateLimiter,
    WithMaxWaitRateLimiter,
    default_controller_rate_limiter,
    default_item_based_rate_limiter,
)
from kubeclient.workqueue.rate_limiting import RateLimitingQueue

__all__ = [
    "AsyncDelayingQueue",
    "AsyncQueue",
    "AsyncRateLimitingQueue",
    "BucketRateLimiter",
    "Clock",
    "CounterMetric",
    "DelayingQueue",
    "FakeClock",
    "GaugeMetric",
    "GetResult",
    "HistogramMetric",
    "ItemExponentialFailureRateLimiter",
    "ItemFastSlowRateLimiter",
    "MaxOfRateLimiter",
    "MetricsProvider",
    "NoopMetricsProvider",
    "Queue",
    "RateLimiter",
    "RateLimitingQueue",
    "RealClock",
    "SettableGaugeMetric",
    "SteppingClock",
    "WithMaxWaitRateLimiter",
    "default_controller_rate_limiter",
    "default_item_based_rate_limiter",
]
