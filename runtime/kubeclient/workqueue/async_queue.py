"""AsyncQueue: the work queue of queue.py for asyncio, with the same rules.

`get()` and `shut_down_with_drain()` are coroutines; `add`, `done`, `shut_down` and `len()` are plain methods,
so synchronous callbacks (informer event handlers) can add keys directly. An AsyncQueue belongs to one event loop
and is not thread-safe: from another thread use `loop.call_soon_threadsafe(q.add, item)`.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncGenerator, Hashable
from typing import Generic, TypeVar

from kubeclient.workqueue._state import QueueState
from kubeclient.workqueue.clock import Clock, RealClock
from kubeclient.workqueue.metrics import MetricsProvider, QueueMetrics
from kubeclient.workqueue.queue import UNFINISHED_WORK_UPDATE_PERIOD, GetResult

__all__ = ["AsyncQueue"]

T = TypeVar("T", bound=Hashable)


class AsyncQueue(Generic[T]):
    """A deduplicating FIFO work queue for asyncio (see queue.py for the rules)."""

    def __init__(
        self, *, name: str = "", metrics_provider: MetricsProvider | None = None, clock: Clock | None = None
    ) -> None:
        self.name = name
        self._clock: Clock = clock if clock is not None else RealClock()
        self._state: QueueState[T] = QueueState(QueueMetrics.create(metrics_provider, name, self._clock))
        # Futures of blocked getters (woken one per queued item) and of shut_down_with_drain callers.
        self._getters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._drainers: list[asyncio.Future[None]] = []
        self._metrics_timer: asyncio.TimerHandle | None = None

    def add(self, item: T) -> None:
        """Mark `item` as needing processing (see queue.py)."""
        self._start_metrics_timer()
        if self._state.add(item):
            self._wake_one_getter()

    def __len__(self) -> int:
        """Items waiting to be handed out (not those being processed); informational only."""
        return len(self._state.queue)

    async def get(self, timeout: float | None = None) -> GetResult[T]:
        """Wait until an item can be processed: `(item, False)`, or `(None, True)` once shut down and empty.

        With `timeout` (seconds), raise `TimeoutError` if neither happens in time. Call `done(item)` afterwards.
        """
        self._start_metrics_timer()
        async with asyncio.timeout(timeout):
            state = self._state
            while not state.queue and not state.shutting_down:
                getter = asyncio.get_running_loop().create_future()
                self._getters.append(getter)
                try:
                    await getter
                except BaseException:
                    getter.cancel()
                    try:
                        self._getters.remove(getter)
                    except ValueError:
                        pass
                    # This getter was woken for an item but is leaving: hand the wake-up to the next one.
                    if state.queue and not getter.cancelled():
                        self._wake_one_getter()
                    raise
            if not state.queue:
                return None, True
            return state.pop(), False

    def done(self, item: T) -> None:
        """Finish processing `item`; if it was added meanwhile it is queued again."""
        requeued, idle = self._state.done(item)
        if requeued:
            self._wake_one_getter()
        if idle:
            self._wake_drainers()

    def shut_down(self) -> None:
        """Ignore new adds; getters drain what is queued, then get `(None, True)`. Releases a draining shutdown."""
        self._state.shut_down(drain=False)
        self._after_shut_down()

    async def shut_down_with_drain(self, timeout: float | None = None) -> bool:
        """Like `shut_down`, then wait until no item is being processed (workers must call `done`).

        Returns True when processing emptied, False when `timeout` (seconds) passed or `shut_down()` stopped the wait.
        """
        self._state.shut_down(drain=True)
        self._after_shut_down()
        try:
            async with asyncio.timeout(timeout):
                while self._state.drain_pending():
                    drainer = asyncio.get_running_loop().create_future()
                    self._drainers.append(drainer)
                    try:
                        await drainer
                    finally:
                        if drainer in self._drainers:
                            self._drainers.remove(drainer)
        except TimeoutError:
            pass
        return not self._state.processing

    def shutting_down(self) -> bool:
        return self._state.shutting_down

    async def items(self) -> AsyncGenerator[T, None]:
        """Yield items until shutdown, calling `done(item)` when the loop body finishes with it.

        Use `async with contextlib.aclosing(q.items()) as it: async for key in it: ...` when the body may break
        or raise, so that `done` runs at once rather than when the generator is collected.
        """
        while True:
            result = await self.get()
            if result[1]:
                return
            item = result[0]
            try:
                yield item
            finally:
                self.done(item)

    def update_unfinished_work(self) -> None:
        """Refresh the unfinished-work gauges now (done every 0.5 s on the loop when metrics are on)."""
        if self._state.metrics is not None and not self._state.shutting_down:
            self._state.metrics.update_unfinished_work()

    def _after_shut_down(self) -> None:
        """Wake every waiter and stop timers; subclasses extend it."""
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(None)
        if not self._state.draining:
            self._wake_drainers()
        if self._metrics_timer is not None:
            self._metrics_timer.cancel()
            self._metrics_timer = None

    def _wake_one_getter(self) -> None:
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(None)
                return

    def _wake_drainers(self) -> None:
        drainers, self._drainers = self._drainers, []
        for drainer in drainers:
            if not drainer.done():
                drainer.set_result(None)

    def _start_metrics_timer(self) -> None:
        # The gauges are refreshed on the loop that uses the queue, so start lazily once a loop is running.
        if self._metrics_timer is not None or self._state.metrics is None or self._state.shutting_down:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._metrics_timer = loop.call_later(UNFINISHED_WORK_UPDATE_PERIOD, self._metrics_tick)

    def _metrics_tick(self) -> None:
        self._metrics_timer = None
        self.update_unfinished_work()
        self._start_metrics_timer()
