"""Queue: client-go's util/workqueue work queue for threads.

- `add(item)`: ignored after shutdown; a no-op while the item already waits (it is "dirty"); if the item is being
  processed, it is marked dirty and queued again only when the worker calls `done(item)`. So an item is never
  handed to two workers at once, and an add during processing is never lost.
- `get()` blocks until an item is queued and returns `(item, False)`; the item is then "processing" until
  `done(item)`. After `shut_down()` the remaining queued items are still handed out, then `get()` returns
  `(None, True)`: the worker should stop.
- `shut_down_with_drain()` also waits until no item is being processed.
Items must be hashable; order is FIFO. Safe for any number of producer and consumer threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Hashable
from typing import Generic, Literal, TypeVar

from kubeclient.workqueue._state import QueueState
from kubeclient.workqueue.clock import Clock, RealClock
from kubeclient.workqueue.metrics import MetricsProvider, QueueMetrics

__all__ = ["UNFINISHED_WORK_UPDATE_PERIOD", "GetResult", "Queue"]

T = TypeVar("T", bound=Hashable)

# (item, False) while running; (None, True) once shut down and drained. A union so that `r[1]` narrows `r[0]`.
GetResult = tuple[T, Literal[False]] | tuple[None, Literal[True]]

# How often a queue with metrics refreshes its unfinished-work gauges (client-go: 500 ms).
UNFINISHED_WORK_UPDATE_PERIOD = 0.5


class Queue(Generic[T]):
    """A deduplicating FIFO work queue for threads (see the module docstring for the rules)."""

    def __init__(
        self, *, name: str = "", metrics_provider: MetricsProvider | None = None, clock: Clock | None = None
    ) -> None:
        self.name = name
        self._clock: Clock = clock if clock is not None else RealClock()
        self._state: QueueState[T] = QueueState(QueueMetrics.create(metrics_provider, name, self._clock))
        self._cond = threading.Condition(threading.Lock())
        self._stop = threading.Event()
        self._metrics_thread: threading.Thread | None = None
        if self._state.metrics is not None:
            self._metrics_thread = threading.Thread(
                target=self._unfinished_work_loop, name=f"workqueue-metrics-{name}", daemon=True
            )
            self._metrics_thread.start()

    def add(self, item: T) -> None:
        """Mark `item` as needing processing (see the module docstring)."""
        with self._cond:
            if self._state.add(item):
                self._cond.notify()

    def __len__(self) -> int:
        """Items waiting to be handed out (not those being processed); informational only."""
        with self._cond:
            return len(self._state.queue)

    def get(self, timeout: float | None = None) -> GetResult[T]:
        """Block until an item can be processed: `(item, False)`, or `(None, True)` once shut down and empty.

        With `timeout` (seconds; 0 polls), raise `TimeoutError` if neither happens in time.
        The caller must call `done(item)` after processing it.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            state = self._state
            while not state.queue and not state.shutting_down:
                if deadline is None:
                    self._cond.wait()
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"workqueue {self.name!r}: no item within {timeout} s")
                self._cond.wait(remaining)
            if not state.queue:
                return None, True
            return state.pop(), False

    def done(self, item: T) -> None:
        """Finish processing `item`; if it was added meanwhile it is queued again."""
        with self._cond:
            requeued, idle = self._state.done(item)
            if requeued:
                self._cond.notify()
            if idle:
                # Wake any shut_down_with_drain waiter; getters just re-check and sleep again.
                self._cond.notify_all()

    def shut_down(self) -> None:
        """Ignore new adds; getters drain what is queued, then get `(None, True)`. Releases a draining shutdown."""
        with self._cond:
            self._state.shut_down(drain=False)
            self._cond.notify_all()
        self._stop_background()

    def shut_down_with_drain(self, timeout: float | None = None) -> bool:
        """Like `shut_down`, then wait until no item is being processed (workers must call `done`).

        Returns True when processing emptied, False when `timeout` (seconds) passed or a `shut_down()` call
        stopped the wait first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._state.shut_down(drain=True)
            self._cond.notify_all()
        self._stop_background()
        with self._cond:
            while self._state.drain_pending():
                if deadline is None:
                    self._cond.wait()
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return not self._state.processing

    def shutting_down(self) -> bool:
        with self._cond:
            return self._state.shutting_down

    def items(self) -> Generator[T, None, None]:
        """Yield items until shutdown, calling `done(item)` when the loop body finishes with it.

        `for key in q.items(): ...` is the usual worker loop; `done` runs even when the body raises or breaks
        (on generator close), so forget/requeue decisions go in the body.
        """
        while True:
            result = self.get()
            if result[1]:
                return
            item = result[0]
            try:
                yield item
            finally:
                self.done(item)

    def update_unfinished_work(self) -> None:
        """Refresh the unfinished-work gauges now (a background thread does it every 0.5 s when metrics are on)."""
        with self._cond:
            if self._state.metrics is not None and not self._state.shutting_down:
                self._state.metrics.update_unfinished_work()

    def _stop_background(self) -> None:
        """Stop helper threads; subclasses extend it. Safe to call more than once and from any thread."""
        self._stop.set()
        thread = self._metrics_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _unfinished_work_loop(self) -> None:
        while not self._stop.wait(UNFINISHED_WORK_UPDATE_PERIOD):
            self.update_unfinished_work()
