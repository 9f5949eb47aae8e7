"""Clocks for the workqueue: the real monotonic clock and a fake one that tests step by hand.

A clock only tells the time (`now()`, seconds as a float, monotonic). Delayed items become ready when the clock
says so; a clock that can jump forward (`SteppingClock`, e.g. `FakeClock`) also tells its subscribers each time it
moves, so a delaying queue promotes the items that became ready at once instead of on its next real-time wake-up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FakeClock", "RealClock", "SteppingClock"]


@runtime_checkable
class Clock(Protocol):
    """Tells the time in seconds; only differences between two readings mean anything."""

    def now(self) -> float: ...


@runtime_checkable
class SteppingClock(Clock, Protocol):
    """A clock that moves in jumps and calls each subscriber after every jump."""

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback()` after every step; returns a function that cancels the subscription."""
        ...


class RealClock:
    """`time.monotonic()`: never goes backwards, unaffected by changes to the wall clock."""

    def now(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that only moves when told to: `step(seconds)` or `set(t)`.

    Subscribers run synchronously in the thread that moves the clock, after the new time is visible, so when
    `step()` returns every delaying queue on this clock has already promoted its newly ready items.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._now = start
        self._subscribers: dict[int, Callable[[], None]] = {}
        self._next_id = 0

    def now(self) -> float:
        with self._lock:
            return self._now

    def step(self, seconds: float) -> None:
        """Move forward by `seconds` (must not be negative: a monotonic clock never goes back)."""
        if seconds < 0:
            raise ValueError(f"FakeClock.step: seconds must be >= 0, got {seconds}")
        with self._lock:
            self._now += seconds
        self._notify()

    def set(self, t: float) -> None:
        """Jump to time `t` (must not be earlier than now)."""
        with self._lock:
            if t < self._now:
                raise ValueError(f"FakeClock.set: time {t} is before now ({self._now})")
            self._now = t
        self._notify()

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        with self._lock:
            key = self._next_id
            self._next_id += 1
            self._subscribers[key] = callback

        def cancel() -> None:
            with self._lock:
                self._subscribers.pop(key, None)

        return cancel

    def _notify(self) -> None:
        # Copy under the lock and call outside it: a callback may take queue locks or unsubscribe.
        with self._lock:
            callbacks = list(self._subscribers.values())
        for callback in callbacks:
            callback()
