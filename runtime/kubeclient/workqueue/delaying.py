"""DelayingQueue: a Queue whose items can be added after a delay (client-go delaying_queue.go), for threads.

`add_after(item, delay)`: ignored after shutdown; a delay <= 0 adds at once; otherwise the item waits in a heap
until the clock reaches its ready time, then is `add`ed (with the usual dedup rules). An item already waiting
keeps the earlier of its two ready times. One background thread (started by the first delayed add) promotes ready
items; it never sleeps longer than `max_wait` so a clock that jumps is noticed. On a `SteppingClock` (the
`FakeClock` of tests) the items that became ready are promoted inside `step()`. Shutting down drops the items
still waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import TypeVar

from kubeclient.workqueue._waiting import WaitingHeap
from kubeclient.workqueue.clock import Clock, SteppingClock
from kubeclient.workqueue.metrics import MetricsProvider, RetryMetrics
from kubeclient.workqueue.queue import Queue

__all__ = ["MAX_WAIT", "DelayingQueue"]

T = TypeVar("T", bound=Hashable)

# The longest the waiting loop sleeps between looks at the clock (client-go's heartbeat: 10 s).
MAX_WAIT = 10.0


class DelayingQueue(Queue[T]):
    """A Queue with `add_after(item, delay_seconds)` (see the module docstring)."""

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
        # Guards the heap and the loop's life; taken before the queue's lock, never after it.
        self._heap_cond = threading.Condition(threading.Lock())
        self._loop_thread: threading.Thread | None = None
        self._loop_stopped = False
        self._unsubscribe = (
            self._clock.subscribe(self._promote_ready) if isinstance(self._clock, SteppingClock) else None
        )

    def add_after(self, item: T, delay: float) -> None:
        """Add `item` once `delay` seconds have passed on the queue's clock (see the module docstring)."""
        if self.shutting_down():
            return
        self._retries.retry()
        if delay <= 0:
            self.add(item)
            return
        with self._heap_cond:
            if self._loop_stopped:
                return
            if self._waiting.insert(item, self._clock.now() + delay):
                self._heap_cond.notify()
            if self._loop_thread is None:
                self._loop_thread = threading.Thread(
                    target=self._waiting_loop, name=f"workqueue-delay-{self.name}", daemon=True
                )
                self._loop_thread.start()

    def waiting(self) -> int:
        """How many items wait for their ready time; informational only."""
        with self._heap_cond:
            return len(self._waiting)

    def _promote_ready(self) -> None:
        with self._heap_cond:
            if self._loop_stopped:
                return
            for item in self._waiting.pop_ready(self._clock.now()):
                self.add(item)
            # The head changed: let the loop compute its next sleep.
            self._heap_cond.notify()

    def _waiting_loop(self) -> None:
        with self._heap_cond:
            while not self._loop_stopped:
                now = self._clock.now()
                for item in self._waiting.pop_ready(now):
                    self.add(item)
                next_ready = self._waiting.next_ready_at()
                sleep = self._max_wait if next_ready is None else min(next_ready - now, self._max_wait)
                self._heap_cond.wait(sleep)

    def _stop_background(self) -> None:
        with self._heap_cond:
            self._loop_stopped = True
            self._waiting.clear()
            self._heap_cond.notify_all()
            thread = self._loop_thread
        if self._unsubscribe is not None:
            self._unsubscribe()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        super()._stop_background()
