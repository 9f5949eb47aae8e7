"""LeaderElector: leader election over a Lease (client-go tools/leaderelection/leaderelection.go), on threads.

- Acquire: every `retry_period` (jittered by up to 1.2x) try to take the lease. It is free when absent (created),
  when its holder is empty, or when the record we observe has not changed for `leaseDurationSeconds` (timed by
  our own clock from when we observed it, never by the server's timestamps). Taking it from another holder
  increments leaseTransitions; renewing keeps acquireTime and the count.
- Renew: while leading, renew every `retry_period`; if no renewal succeeds within `renew_deadline`, leadership is
  lost. Updates carry the resourceVersion read, so two candidates can never both win one round.
- Callbacks: `on_started_leading(stop_event)` runs on its own thread when we become leader (stop_event is set when
  we stop leading); `on_stopped_leading()` runs when `run()` returns; `on_new_leader(identity)` whenever the observed
  holder changes (including to ourselves).
- Release: with `release_on_cancel`, stopping while leader writes an empty holder with leaseDurationSeconds=1 so
  another candidate takes over at once.
Constraints (as client-go): lease_duration > renew_deadline > 1.2 x retry_period > 0. The decisions live in
`kubeclient.leaderelection.core.ElectionCore`, shared with `AsyncLeaderElector`.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from kubeclient.errors import is_not_found
from kubeclient.leaderelection.core import JITTER_FACTOR, ElectionCore, utcnow
from kubeclient.leaderelection.lease_lock import LeaseLock

__all__ = ["JITTER_FACTOR", "LeaderElector"]

logger = logging.getLogger("kubeclient.leaderelection")


class LeaderElector:
    def __init__(
        self,
        lock: LeaseLock,
        *,
        lease_duration: float = 15.0,
        renew_deadline: float = 10.0,
        retry_period: float = 2.0,
        on_started_leading: Callable[[threading.Event], None] | None = None,
        on_stopped_leading: Callable[[], None] | None = None,
        on_new_leader: Callable[[str], None] | None = None,
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
        self.lease_duration = lease_duration
        self.renew_deadline = renew_deadline
        self.retry_period = retry_period
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.on_new_leader = on_new_leader
        self.release_on_cancel = release_on_cancel
        self._monotonic = monotonic
        self._stop = threading.Event()

    # -- state -------------------------------------------------------------------------------------------------

    def is_leader(self) -> bool:
        return self.core.is_leader()

    def get_leader(self) -> str:
        return self.core.get_leader()

    def stop(self) -> None:
        """Ask `run()` to return (releasing the lease when configured)."""
        self._stop.set()

    # -- one attempt -----------------------------------------------------------------------------------------

    def try_acquire_or_renew(self) -> bool:
        """One round: take or renew the lease if we may; True when we hold it afterwards."""
        try:
            old = self.lock.get()
        except Exception as err:
            if not is_not_found(err):
                logger.error("error retrieving %s: %s", self.lock.describe(), err)
                return False
            desired = self.core.initial_record()
            try:
                self.lock.create(desired)
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
            self.lock.update(record)
        except Exception as err:
            logger.error("failed to update %s: %s", self.lock.describe(), err)
            return False
        self.core.observe(record)
        return True

    def _report_transition(self) -> None:
        leader = self.core.leader_to_report()
        if leader is not None and self.on_new_leader is not None:
            try:
                self.on_new_leader(leader)
            except Exception:
                logger.exception("on_new_leader failed")

    def release(self) -> bool:
        """Give the lease up if we hold it: empty holder, 1 s duration."""
        record = self.core.release_record()
        if record is None:
            return True
        try:
            self.lock.update(record)
        except Exception as err:
            logger.error("failed to release %s: %s", self.lock.describe(), err)
            return False
        self.core.observe(record)
        return True

    # -- the loop ----------------------------------------------------------------------------------------------

    def run(self) -> None:
        """Acquire, lead until the lease is lost or `stop()`, then return; `on_stopped_leading` runs on return."""
        leader_stop = threading.Event()
        try:
            if not self._acquire():
                return
            if self.on_started_leading is not None:
                threading.Thread(
                    target=self.on_started_leading, args=(leader_stop,), name="leader-election-lead", daemon=True
                ).start()
            self._renew()
        finally:
            leader_stop.set()
            if self.release_on_cancel and self._stop.is_set():
                self.release()
            if self.on_stopped_leading is not None:
                self.on_stopped_leading()

    def _acquire(self) -> bool:
        while not self._stop.is_set():
            succeeded = self.try_acquire_or_renew()
            self._report_transition()
            if succeeded:
                logger.info("successfully acquired %s", self.lock.describe())
                return True
            if self._stop.wait(self.core.jittered_retry()):
                break
        return False

    def _renew(self) -> None:
        while not self._stop.is_set():
            deadline = self._monotonic() + self.renew_deadline
            renewed = False
            while not self._stop.is_set():
                if self.try_acquire_or_renew():
                    renewed = True
                    break
                if self._monotonic() + self.retry_period > deadline:
                    break
                self._stop.wait(self.retry_period)
            self._report_transition()
            if not renewed:
                if not self._stop.is_set():
                    logger.info("failed to renew %s: leadership lost", self.lock.describe())
                return
            self._stop.wait(self.retry_period)

    def describe(self) -> dict[str, Any]:
        return {"identity": self.identity, "leader": self.get_leader(), "lock": self.lock.describe()}
