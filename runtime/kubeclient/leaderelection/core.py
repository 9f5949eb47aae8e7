"""The I/O-free half of leader election (client-go tools/leaderelection/leaderelection.go): what record to write
next, when the observed lease has expired, which leader to report. `LeaderElector` (threads) and
`AsyncLeaderElector` (asyncio) only read and write the lease and wait.

- Expiry is timed by our own monotonic clock from the moment we first observed the current record, never by the
  server's timestamps (clocks of candidates need not agree).
- Renewing keeps acquireTime and leaseTransitions; taking the lease from another holder sets acquireTime to now
  and increments leaseTransitions.
- Release writes an empty holder with leaseDurationSeconds=1 so another candidate takes over at once.
- Constraints (as client-go): lease_duration > renew_deadline > 1.2 x retry_period > 0.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from kubeclient.leaderelection.lease_lock import LeaderElectionRecord

__all__ = ["JITTER_FACTOR", "ElectionCore", "utcnow"]

JITTER_FACTOR = 1.2


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ElectionCore:
    """One candidate's view of the lease: the observed record, when we observed it, and whom we last reported."""

    def __init__(
        self,
        identity: str,
        *,
        lease_duration: float,
        renew_deadline: float,
        retry_period: float,
        monotonic: Callable[[], float],
        now: Callable[[], dt.datetime],
        rng: random.Random | None,
    ) -> None:
        if retry_period <= 0 or renew_deadline <= 0 or lease_duration <= 0:
            raise ValueError("leader election: lease_duration, renew_deadline and retry_period must be > 0")
        if lease_duration <= renew_deadline:
            raise ValueError("leader election: lease_duration must be greater than renew_deadline")
        if renew_deadline <= JITTER_FACTOR * retry_period:
            raise ValueError("leader election: renew_deadline must be greater than 1.2 x retry_period")
        self.identity = identity
        self.lease_duration = lease_duration
        self.renew_deadline = renew_deadline
        self.retry_period = retry_period
        self.monotonic = monotonic
        self.now = now
        self.rng = rng or random.Random()
        self.observed: LeaderElectionRecord | None = None
        self.observed_time = 0.0
        self.reported_leader: str | None = None

    # -- state -------------------------------------------------------------------------------------------------

    def is_leader(self) -> bool:
        return self.observed is not None and self.observed.holder_identity == self.identity

    def get_leader(self) -> str:
        return self.observed.holder_identity if self.observed is not None else ""

    def observe(self, record: LeaderElectionRecord) -> None:
        self.observed = record
        self.observed_time = self.monotonic()

    # -- decisions ---------------------------------------------------------------------------------------------

    def initial_record(self) -> LeaderElectionRecord:
        """The record to create when no lease exists yet."""
        now = self.now()
        return LeaderElectionRecord(
            holder_identity=self.identity,
            lease_duration_seconds=self._duration_seconds(),
            acquire_time=now,
            renew_time=now,
        )

    def next_record(self, old: LeaderElectionRecord) -> LeaderElectionRecord | None:
        """Observe `old` (the lease just read) and return the record to write, or None when another holder's
        lease has not expired yet."""
        if old != self.observed:
            self.observe(old)
        expires = self.observed_time + old.lease_duration_seconds
        if old.holder_identity and old.holder_identity != self.identity and expires > self.monotonic():
            return None
        now = self.now()
        if old.holder_identity == self.identity:
            return LeaderElectionRecord(
                holder_identity=self.identity,
                lease_duration_seconds=self._duration_seconds(),
                acquire_time=old.acquire_time,
                renew_time=now,
                leader_transitions=old.leader_transitions,
            )
        return LeaderElectionRecord(
            holder_identity=self.identity,
            lease_duration_seconds=self._duration_seconds(),
            acquire_time=now,
            renew_time=now,
            leader_transitions=old.leader_transitions + 1,
        )

    def release_record(self) -> LeaderElectionRecord | None:
        """The record that gives the lease up, or None when we do not hold it."""
        if not self.is_leader() or self.observed is None:
            return None
        now = self.now()
        return LeaderElectionRecord(
            lease_duration_seconds=1,
            acquire_time=now,
            renew_time=now,
            leader_transitions=self.observed.leader_transitions,
        )

    def leader_to_report(self) -> str | None:
        """The observed holder if it changed since the last report (and is not empty), else None."""
        leader = self.get_leader()
        if leader and leader != self.reported_leader:
            self.reported_leader = leader
            return leader
        return None

    def jittered_retry(self) -> float:
        """How long to wait between acquisition attempts: retry_period stretched by up to 1.2x."""
        return self.retry_period * (1.0 + self.rng.random() * JITTER_FACTOR)

    def _duration_seconds(self) -> int:
        return max(1, round(self.lease_duration))
