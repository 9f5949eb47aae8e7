"""AsyncDelayingQueue: the delaying queue of delaying.py for asyncio, with the same rules.

`add_after(item, delay)` is a plain method (call it on the loop's thread, from a coroutine or callback). The
waiting "loop" is one `loop.call_later` timer armed for the earliest ready time (never more than `max_wait` away,
so a jumping clock is noticed); when it fires it promotes every ready item and re-arms. On a `SteppingClock`
(`FakeClock`) a step promotes ready items at once when made on the loop's thread, or soon after via
`call_soon_threadsafe` from another thread. Shutting down cancels the timer and drops waiting items.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import TypeVar

from kubeclient.workqueue._waiting import WaitingHeap
from kubeclient.workqueue.async_queue import AsyncQueue
from kubeclient.workqueue.clock import Clock, SteppingClock
from kubeclient.workqueue.delaying import MAX_WAIT
from kubeclient.workqueue.metrics import MetricsProvider, RetryMetrics

__all__ = ["AsyncDelayingQueue"]

T = TypeVar("T", bound=Hashable)


class AsyncDelayingQueue(AsyncQueue[T]):
    """An AsyncQueue with `add_after(item, delay_seconds)` (see the module docstring)."""

    def __init__(
        self,
        *,
        name: str = "",
        metrics_provider: MetricsProvider | None = None,
        clock: Clock | None = None,
        max_wait: float = MAX_WAIT,
    ) -> None:
        super().__init__(name=name, metrics_provider=metrics_provider, clock=clock)
        self._retries = RetryMetrics(metrics_provider, name)
        self._max_wait = max_wait
        self._waiting: WaitingHeap[T] = WaitingHeap()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._unsubscribe = (
            self._clock.subscribe(self._on_clock_step) if isinstance(self._clock, SteppingClock) else None
        )

    def add_after(self, item: T, delay: float) -> None:
        """Add `item` once `delay` seconds have passed on the queue's clock; needs a running event loop when
        `delay > 0`."""
        if self.shutting_down():
            return
        self._retries.retry()
        if delay <= 0:
            self.add(item)
            return
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        if self._waiting.insert(item, self._clock.now() + delay) or self._timer is None:
            self._arm()

    def waiting(self) -> int:
        """How many items wait for their ready time; informational only."""
        return len(self._waiting)

    def _promote_ready(self) -> None:
        if self.shutting_down():
            return
        for item in self._waiting.pop_ready(self._clock.now()):
            self.add(item)
        self._arm()

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        next_ready = self._waiting.next_ready_at()
        if next_ready is None or self._loop is None:
            return
        sleep = max(0.0, min(next_ready - self._clock.now(), self._max_wait))
        self._timer = self._loop.call_later(sleep, self._promote_ready)

    def _on_clock_step(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._promote_ready()
        else:
            loop.call_soon_threadsafe(self._promote_ready)

    def _after_shut_down(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._waiting.clear()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super()._after_shut_down()
