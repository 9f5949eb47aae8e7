"""The workqueue's bookkeeping without any locking or waiting, shared by the thread and asyncio queues.

Invariants (client-go util/workqueue/queue.go):
- every item in `queue` is in `dirty` and not in `processing`, and appears in `queue` once;
- an item in `processing` has been handed out by `pop` and not yet passed to `done`; it may also be in `dirty`
  (added again meanwhile), in which case `done` puts it back in `queue`;
- after shutdown nothing new becomes dirty, but what is queued is still handed out.
The shells call these methods under their lock and decide whom to wake from the return values.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from typing import Generic, TypeVar

from kubeclient.workqueue.metrics import QueueMetrics

T = TypeVar("T", bound=Hashable)


class QueueState(Generic[T]):
    __slots__ = ("dirty", "draining", "metrics", "processing", "queue", "shutting_down")

    def __init__(self, metrics: QueueMetrics | None) -> None:
        self.queue: deque[T] = deque()
        self.dirty: set[T] = set()
        self.processing: set[T] = set()
        self.shutting_down = False
        # True while a shut_down_with_drain is waiting; a later plain shut_down clears it to release the waiter.
        self.draining = False
        self.metrics = metrics

    def add(self, item: T) -> bool:
        """Mark `item` as needing processing; True when it was put in the queue (a getter should be woken)."""
        if self.shutting_down or item in self.dirty:
            return False
        if self.metrics is not None:
            self.metrics.add(item)
        self.dirty.add(item)
        if item in self.processing:
            return False
        self.queue.append(item)
        return True

    def pop(self) -> T:
        """Hand out the oldest queued item; the caller checks that the queue is not empty."""
        item = self.queue.popleft()
        if self.metrics is not None:
            self.metrics.get(item)
        self.processing.add(item)
        self.dirty.discard(item)
        return item

    def done(self, item: T) -> tuple[bool, bool]:
        """Finish `item`: (re-queued because it was added meanwhile, nothing is being processed any more).

        `done` for an item that is not being processed changes nothing (client-go would queue a dirty item twice).
        """
        if item not in self.processing:
            return False, not self.processing
        if self.metrics is not None:
            self.metrics.done(item)
        self.processing.discard(item)
        requeued = False
        if item in self.dirty:
            self.queue.append(item)
            requeued = True
        return requeued, not self.processing

    def shut_down(self, *, drain: bool) -> None:
        self.shutting_down = True
        self.draining = drain

    def drain_pending(self) -> bool:
        """True while a shut_down_with_drain must keep waiting."""
        return self.draining and bool(self.processing)
