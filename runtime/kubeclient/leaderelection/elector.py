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
Constraints (as client-go): lease_duration > renew_deadline > 1.2 x retry_period > 0.
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
from kubeclient.leaderelection.lease_lock import LeaderElectionRecord, LeaseLock

__all__ = ["JITTER_FACTOR", "LeaderElector"]

logger = logging.getLogger("kubeclient.leaderelection")

JITTER_FACTOR = 1.2


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
        now: Callable[[], dt.datetime] = _utcnow,
        rng: random.Random | None = None,
    ) -> None:
        if retry_period <= 0 or renew_deadline <= 0 or lease_duration <= 0:
            raise ValueError("leader election: lease_duration, renew_deadline and retry_period must be > 0")
        if lease_duration <= renew_deadline:
            raise ValueError("leader election: lease_duration must be greater than renew_deadline")
        if renew_deadline <= JITTER_FACTOR * retry_period:
            raise ValueError("leader election: renew_deadline must be greater than 1.2 x retry_period")
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
        self._now = now
        self._rng = rng or random.Random()
        self._observed: LeaderElectionRecord | None = None
        self._observed_time = 0.0
        self._reported_leader: str | None = None
        self._stop = threading.Event()
        self._leading = threading.Event()

    # -- state -------------------------------------------------------------------------------------------------

    def is_leader(self) -> bool:
        return self._observed is not None and self._observed.holder_identity == self.identity

    def get_leader(self) -> str:
        return self._observed.holder_identity if self._observed is not None else ""

    def stop(self) -> None:
        """Ask `run()` to return (releasing the lease when configured)."""
        self._stop.set()

    # -- one attempt -----------------------------------------------------------------------------------------

    def try_acquire_or_renew(self) -> bool:
        """One round: take or renew the lease if we may; True when we hold it afterwards."""
        now = self._now()
        desired = LeaderElectionRecord(
            holder_identity=self.identity,
            lease_duration_seconds=max(1, round(self.lease_duration)),
            acquire_time=now,
            renew_time=now,
        )
        try:
            old = self.lock.get()
        except Exception as err:
            if not is_not_found(err):
                logger.error("error retrieving %s: %s", self.lock.describe(), err)
                return False
            try:
                self.lock.create(desired)
            except Exception as create_err:
                logger.error("error initially creating %s: %s", self.lock.describe(), create_err)
                return False
            self._observe(desired)
            return True
        if old != self._observed:
            self._observe(old)
        expires = self._observed_time + old.lease_duration_seconds
        if old.holder_identity and expires > self._monotonic() and old.holder_identity != self.identity:
            logger.debug("lock is held by %s and has not yet expired", old.holder_identity)
            return False
        if old.holder_identity == self.identity:
            desired = LeaderElectionRecord(
                holder_identity=self.identity,
                lease_duration_seconds=desired.lease_duration_seconds,
                acquire_time=old.acquire_time,
                renew_time=now,
                leader_transitions=old.leader_transitions,
            )
        else:
            desired = LeaderElectionRecord(
                holder_identity=self.identity,
                lease_duration_seconds=desired.lease_duration_seconds,
                acquire_time=now,
                renew_time=now,
                leader_transitions=old.leader_transitions + 1,
            )
        try:
            self.lock.update(desired)
        except Exception as err:
            logger.error("failed to update %s: %s", self.lock.describe(), err)
            return False
        self._observe(desired)
        return True

    def _observe(self, record: LeaderElectionRecord) -> None:
        self._observed = record
        self._observed_time = self._monotonic()

    def _report_transition(self) -> None:
        leader = self.get_leader()
        if leader and leader != self._reported_leader:
            self._reported_leader = leader
            if self.on_new_leader is not None:
                try:
                    self.on_new_leader(leader)
                except Exception:
                    logger.exception("on_new_leader failed")

    def release(self) -> bool:
        """Give the lease up if we hold it: empty holder, 1 s duration."""
        if not self.is_leader() or self._observed is None:
            return True
        now = self._now()
        record = LeaderElectionRecord(
            lease_duration_seconds=1,
            acquire_time=now,
            renew_time=now,
            leader_transitions=self._observed.leader_transitions,
        )
        try:
            self.lock.update(record)
        except Exception as err:
            logger.error("failed to release %s: %s", self.lock.describe(), err)
            return False
        self._observe(record)
        return True

    # -- the loop ----------------------------------------------------------------------------------------------

    def _jittered(self) -> float:
        return self.retry_period * (1.0 + self._rng.random() * JITTER_FACTOR)

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
            if self._stop.wait(self._jittered()):
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
