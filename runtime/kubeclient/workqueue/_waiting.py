"""Items waiting for their ready time, shared by the thread and asyncio delaying queues (no locking here).

A min-heap on (ready_at, arrival order) plus a map item -> entry: an item waits at most once; adding it again
keeps the earlier ready time (client-go delaying_queue.go `insert`). Superseded entries stay in the heap marked
dead and are skipped when they surface, which keeps every operation O(log n).
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class _Entry(Generic[T]):
    __slots__ = ("alive", "item", "ready_at", "seq")

    def __init__(self, ready_at: float, seq: int, item: T) -> None:
        self.ready_at = ready_at
        self.seq = seq
        self.item = item
        self.alive = True

    def __lt__(self, other: _Entry[T]) -> bool:
        return (self.ready_at, self.seq) < (other.ready_at, other.seq)


class WaitingHeap(Generic[T]):
    __slots__ = ("_by_item", "_heap", "_seq")

    def __init__(self) -> None:
        self._heap: list[_Entry[T]] = []
        self._by_item: dict[T, _Entry[T]] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._by_item)

    def __contains__(self, item: object) -> bool:
        return item in self._by_item

    def insert(self, item: T, ready_at: float) -> bool:
        """Wait for `item` until `ready_at`; True when the earliest ready time moved earlier (re-arm the timer)."""
        head = self.next_ready_at()
        existing = self._by_item.get(item)
        if existing is not None:
            if ready_at >= existing.ready_at:
                return False
            existing.alive = False
            # Keep the arrival order of the first add so that equal ready times come out in add order.
            entry = _Entry(ready_at, existing.seq, item)
        else:
            entry = _Entry(ready_at, self._seq, item)
            self._seq += 1
        self._by_item[item] = entry
        heapq.heappush(self._heap, entry)
        return head is None or ready_at < head

    def next_ready_at(self) -> float | None:
        """The earliest ready time, or None when nothing waits."""
        self._drop_dead()
        return self._heap[0].ready_at if self._heap else None

    def pop_ready(self, now: float) -> list[T]:
        """Remove and return, earliest first, every item whose ready time is not after `now`."""
        ready: list[T] = []
        while True:
            self._drop_dead()
            if not self._heap or self._heap[0].ready_at > now:
                return ready
            entry = heapq.heappop(self._heap)
            del self._by_item[entry.item]
            ready.append(entry.item)

    def clear(self) -> None:
        self._heap.clear()
        self._by_item.clear()

    def _drop_dead(self) -> None:
        while self._heap and not self._heap[0].alive:
            heapq.heappop(self._heap)
