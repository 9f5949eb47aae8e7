"""AsyncLeaderElector: the asyncio twin of `LeaderElector` — the same rules (`ElectionCore`), the same `LeaseLock`
(through its `aget` / `acreate` / `aupdate` over an `AsyncResourceClient`).

- `await run()` acquires the lease (retrying every jittered `retry_period`), leads while renewals succeed within
  `renew_deadline`, and returns when leadership is lost or `stop()` was called. Cancelling the task running `run()`
  counts as a stop: the lease is released (when `release_on_cancel`), `on_stopped_leading` runs, and the
  cancellation propagates.
- `on_started_leading(stop_event)` (a coroutine function, or a plain function called on the loop) runs as its own
  task once we lead; `stop_event` (an `asyncio.Event`) is set when we stop leading, and a task still running one
  `retry_period` later is cancelled. `on_stopped_leading()` runs when `run()` ends; `on_new_leader(identity)`
  whenever the observed holder changes. Callbacks may be plain functions or coroutine functions.
- Each lease request is bounded by `renew_deadline` so a hung request cannot keep a lost leader leading. The bound
  is `asyncio.timeout`, not `wait_for`: on Python 3.11 `wait_for` can swallow a cancellation that arrives as the
  request completes, and a cancelled leader would then go on renewing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from kubeclient.errors import is_not_found
from kubeclient.leaderelection.core import ElectionCore, utcnow
from kubeclient.leaderelection.lease_lock import LeaseLock

__all__ = ["AsyncLeaderElector"]

logger = logging.getLogger("kubeclient.leaderelection")


async def _call(func: Callable[..., Any], *args: Any) -> None:
    result = func(*args)
    if inspect.isawaitable(result):
        await result


class AsyncLeaderElector:
    """See the module docstring; options as `LeaderElector`."""

    def __init__(
        self,
        lock: LeaseLock,
        *,
        lease_duration: float = 15.0,
        renew_deadline: float = 10.0,
        retry_period: float = 2.0,
        on_started_leading: Callable[[asyncio.Event], Any] | None = None,
        on_stopped_leading: Callable[[], Any] | None = None,
        on_new_leader: Callable[[str], Any] | None = None,
        release_on_cancel: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], dt.datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.core = ElectionCore(
            lock.identity,
            lease_duration=lease_duration,
            renew_deadline=renew_deadline,
            retry_period=retry_period,
            monotonic=monotonic,
            now=now,
            rng=rng,
        )
        self.lock = lock
        self.identity = lock.identity
        self.renew_deadline = renew_deadline
        self.retry_period = retry_period
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.on_new_leader = on_new_leader
        self.release_on_cancel = release_on_cancel
        self._monotonic = monotonic
        # Created lazily on the running loop (an Event made outside a loop binds to the first loop it sees).
        self._stop: asyncio.Event | None = None
        self._stop_requested = False

    # -- state -------------------------------------------------------------------------------------------------

    def is_leader(self) -> bool:
        return self.core.is_leader()

    def get_leader(self) -> str:
        return self.core.get_leader()

    def stop(self) -> None:
        """Ask `run()` to return (releasing the lease when configured). Call on the loop's thread."""
        self._stop_requested = True
        if self._stop is not None:
            self._stop.set()

    def _stop_event(self) -> asyncio.Event:
        if self._stop is None:
            self._stop = asyncio.Event()
            if self._stop_requested:
                self._stop.set()
        return self._stop

    async def _wait_stop(self, seconds: float) -> bool:
        """Sleep `seconds` unless stopped first; True when stopped."""
        event = self._stop_event()
        try:
            async with asyncio.timeout(max(seconds, 0.0)):
                await event.wait()
        except TimeoutError:
            return False
        return True

    # -- one attempt -----------------------------------------------------------------------------------------

    async def try_acquire_or_renew(self) -> bool:
        """One round: take or renew the lease if we may; True when we hold it afterwards."""
        try:
            async with asyncio.timeout(self.renew_deadline):
                old = await self.lock.aget()
        except Exception as err:
            if not is_not_found(err):
                logger.error("error retrieving %s: %s", self.lock.describe(), err)
                return False
            desired = self.core.initial_record()
            try:
                async with asyncio.timeout(self.renew_deadline):
                    await self.lock.acreate(desired)
            except Exception as create_err:
                logger.error("error initially creating %s: %s", self.lock.describe(), create_err)
                return False
            self.core.observe(desired)
            return True
        record = self.core.next_record(old)
        if record is None:
            logger.debug("lock is held by %s and has not yet expired", old.holder_identity)
            return False
        try:
            async with asyncio.timeout(self.renew_deadline):
                await self.lock.aupdate(record)
        except Exception as err:
            logger.error("failed to update %s: %s", self.lock.describe(), err)
            return False
        self.core.observe(record)
        return True

    async def release(self) -> bool:
        """Give the lease up if we hold it: empty holder, 1 s duration."""
        record = self.core.release_record()
        if record is None:
            return True
        try:
            async with asyncio.timeout(self.renew_deadline):
                await self.lock.aupdate(record)
        except Exception as err:
            logger.error("failed to release %s: %s", self.lock.describe(), err)
            return False
        self.core.observe(record)
        return True

    async def _report_transition(self) -> None:
        leader = self.core.leader_to_report()
        if leader is not None and self.on_new_leader is not None:
            try:
                await _call(self.on_new_leader, leader)
            except Exception:
                logger.exception("on_new_leader failed")

    # -- the loop ----------------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Acquire, lead until the lease is lost or `stop()`, then return; see the module docstring."""
        stop = self._stop_event()
        leader_stop = asyncio.Event()
        lead_task: asyncio.Task[None] | None = None
        cancelled = False
        try:
            if not await self._acquire():
                return
            if self.on_started_leading is not None:
                lead_task = asyncio.get_running_loop().create_task(
                    self._lead(self.on_started_leading, leader_stop), name="leader-election-lead"
                )
            await self._renew()
        except asyncio.CancelledError:
            cancelled = True
            raise
        finally:
            leader_stop.set()
            if lead_task is not None:
                # A grace of one retry period to return on its own after seeing stop_event, then cancellation.
                await asyncio.wait({lead_task}, timeout=self.retry_period)
                lead_task.cancel()
                await asyncio.gather(lead_task, return_exceptions=True)
            if self.release_on_cancel and (stop.is_set() or cancelled):
                await self.release()
            if self.on_stopped_leading is not None:
                try:
                    await _call(self.on_stopped_leading)
                except Exception:
                    logger.exception("on_stopped_leading failed")

    async def _lead(self, func: Callable[[asyncio.Event], Any], leader_stop: asyncio.Event) -> None:
        try:
            await _call(func, leader_stop)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("on_started_leading failed")

    async def _acquire(self) -> bool:
        stop = self._stop_event()
        while not stop.is_set():
            succeeded = await self.try_acquire_or_renew()
            await self._report_transition()
            if succeeded:
                logger.info("successfully acquired %s", self.lock.describe())
                return True
            if await self._wait_stop(self.core.jittered_retry()):
                break
        return False

    async def _renew(self) -> None:
        stop = self._stop_event()
        while not stop.is_set():
            deadline = self._monotonic() + self.renew_deadline
            renewed = False
            while not stop.is_set():
                if await self.try_acquire_or_renew():
                    renewed = True
                    break
                if self._monotonic() + self.retry_period > deadline:
                    break
                await self._wait_stop(self.retry_period)
            await self._report_transition()
            if not renewed:
                if not stop.is_set():
                    logger.info("failed to renew %s: leadership lost", self.lock.describe())
                return
            await self._wait_stop(self.retry_period)

    def describe(self) -> dict[str, Any]:
        return {"identity": self.identity, "leader": self.get_leader(), "lock": self.lock.describe()}
