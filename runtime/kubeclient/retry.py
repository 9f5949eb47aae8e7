"""Retrying a read-modify-write on conflict: client-go's `util/retry` (RetryOnConflict, OnError).

A controller's update races with everyone else's: the server refuses a write whose resourceVersion is stale with
409 Conflict, and the right answer is to read again, re-apply the change and write again, a few times, with a
short jittered pause. `retry_on_conflict(fn)` does that with client-go's `DefaultRetry` (5 tries, 10 ms apart,
±10 % jitter); any other error, and the last conflict, propagate unchanged.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from kubeclient.errors import is_conflict

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_RETRY",
    "RetryBackoff",
    "async_on_error",
    "async_retry_on_conflict",
    "on_error",
    "retry_on_conflict",
]

T = TypeVar("T")


@dataclass(frozen=True)
class RetryBackoff:
    """client-go's wait.Backoff for a bounded number of tries: `steps` tries, waiting `duration` seconds (times
    `factor` after each wait, at most `cap` when set) plus up to `jitter`·duration between them."""

    steps: int = 5
    duration: float = 0.010
    factor: float = 1.0
    jitter: float = 0.1
    cap: float | None = None

    def delays(self, rng: random.Random | None = None) -> list[float]:
        """The waits between the tries (one fewer than `steps`)."""
        rng = rng or random.Random()
        out, duration = [], self.duration
        for _ in range(max(self.steps - 1, 0)):
            out.append(duration + (rng.random() * self.jitter * duration if self.jitter > 0 else 0.0))
            duration *= self.factor
            if self.cap is not None:
                duration = min(duration, self.cap)
        return out


# client-go retry.DefaultRetry: for conflicts, which resolve as soon as the writer re-reads.
DEFAULT_RETRY = RetryBackoff(steps=5, duration=0.010, factor=1.0, jitter=0.1)
# client-go retry.DefaultBackoff: for errors that may take a while to clear.
DEFAULT_BACKOFF = RetryBackoff(steps=4, duration=0.010, factor=5.0, jitter=0.1)


def on_error(backoff: RetryBackoff, retriable: Callable[[BaseException], bool], fn: Callable[[], T]) -> T:
    """Call `fn` until it returns, retrying after the backoff's waits while `retriable(error)` holds."""
    for delay in backoff.delays():
        try:
            return fn()
        except Exception as err:
            if not retriable(err):
                raise
        time.sleep(delay)
    return fn()


def retry_on_conflict(fn: Callable[[], T], backoff: RetryBackoff = DEFAULT_RETRY) -> T:
    """Call `fn` (which should read, modify and write) again while it fails with 409 Conflict."""
    return on_error(backoff, is_conflict, fn)


async def async_on_error(
    backoff: RetryBackoff, retriable: Callable[[BaseException], bool], fn: Callable[[], Awaitable[T]]
) -> T:
    for delay in backoff.delays():
        try:
            return await fn()
        except Exception as err:
            if not retriable(err):
                raise
        await asyncio.sleep(delay)
    return await fn()


async def async_retry_on_conflict(fn: Callable[[], Awaitable[T]], backoff: RetryBackoff = DEFAULT_RETRY) -> T:
    return await async_on_error(backoff, is_conflict, fn)
