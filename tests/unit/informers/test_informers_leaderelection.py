"""Leader election over a Lease: one round at a time with a fake clock, then two live candidates."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

import pytest

from kubeclient.errors import ConflictError, error_from_status
from kubeclient.leaderelection import LeaderElector, LeaseLock


class MemoryLeases:
    """A lease ResourceClient over dicts with resourceVersion preconditions on update."""

    def __init__(self) -> None:
        self.leases: dict[str, dict[str, Any]] = {}
        self.rv = 0
        self.lock = threading.Lock()

    def get(self, name: str) -> dict[str, Any]:
        with self.lock:
            if name not in self.leases:
                raise error_from_status({"code": 404, "reason": "NotFound", "message": f'leases "{name}" not found'})
            return copy.deepcopy(self.leases[name])

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            name = body["metadata"]["name"]
            if name in self.leases:
                raise error_from_status({"code": 409, "reason": "AlreadyExists"}, method="POST")
            self.rv += 1
            body = copy.deepcopy(body)
            body["metadata"]["resourceVersion"] = str(self.rv)
            self.leases[name] = body
            return copy.deepcopy(body)

    def update(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            name = body["metadata"]["name"]
            if self.leases[name]["metadata"]["resourceVersion"] != body["metadata"]["resourceVersion"]:
                raise error_from_status({"code": 409, "reason": "Conflict", "message": "object was modified"})
            self.rv += 1
            body = copy.deepcopy(body)
            body["metadata"]["resourceVersion"] = str(self.rv)
            self.leases[name] = body
            return copy.deepcopy(body)


def test_validation_of_durations() -> None:
    lock = LeaseLock(MemoryLeases(), "l", "a")
    with pytest.raises(ValueError, match="lease_duration must be greater"):
        LeaderElector(lock, lease_duration=5, renew_deadline=5, retry_period=1)
    with pytest.raises(ValueError, match=r"1\.2"):
        LeaderElector(lock, lease_duration=15, renew_deadline=2, retry_period=2)
    with pytest.raises(ValueError, match="identity"):
        LeaseLock(MemoryLeases(), "l", "")


def test_rounds_create_renew_respect_holder_then_take_over_after_expiry() -> None:
    leases = MemoryLeases()
    t = [0.0]
    a = LeaderElector(
        LeaseLock(leases, "lock", "a"), lease_duration=15, renew_deadline=10, retry_period=2, monotonic=lambda: t[0]
    )
    b = LeaderElector(
        LeaseLock(leases, "lock", "b"), lease_duration=15, renew_deadline=10, retry_period=2, monotonic=lambda: t[0]
    )
    assert a.try_acquire_or_renew() and a.is_leader()
    spec = leases.leases["lock"]["spec"]
    assert spec["holderIdentity"] == "a" and spec["leaseDurationSeconds"] == 15 and spec["leaseTransitions"] == 0
    assert spec["acquireTime"].endswith("Z")
    assert not b.try_acquire_or_renew()
    assert b.get_leader() == "a"
    t[0] = 5.0
    acquired = leases.leases["lock"]["spec"]["acquireTime"]
    assert a.try_acquire_or_renew()  # renew keeps acquireTime and the transition count
    assert leases.leases["lock"]["spec"]["acquireTime"] == acquired
    t[0] = 14.0
    assert not b.try_acquire_or_renew()  # b first sees the renewal now: expiry is timed from t=14 by b's clock
    t[0] = 28.9
    assert not b.try_acquire_or_renew()
    t[0] = 29.5
    assert b.try_acquire_or_renew() and b.is_leader()
    assert leases.leases["lock"]["spec"]["leaseTransitions"] == 1
    # a's next renewal sees b holding a fresh lease.
    assert not a.try_acquire_or_renew() and not a.is_leader()


def test_stale_read_loses_the_update_race() -> None:
    leases = MemoryLeases()
    a = LeaderElector(LeaseLock(leases, "lock", "a"))
    assert a.try_acquire_or_renew()
    other = LeaseLock(leases, "lock", "b")
    record = other.get()
    assert a.try_acquire_or_renew()  # a renews after b's read
    # b's write carries the resourceVersion it read: the server refuses it, so only one candidate wins a round.
    with pytest.raises(ConflictError):
        other.update(record)


def test_two_candidates_hand_over_on_release() -> None:
    leases = MemoryLeases()
    events: list[tuple[str, str]] = []
    lock = threading.Lock()
    leading = {"a": threading.Event(), "b": threading.Event()}

    def make(identity: str) -> LeaderElector:
        def started(stop: threading.Event) -> None:
            with lock:
                events.append((identity, "started"))
            leading[identity].set()

        def stopped() -> None:
            with lock:
                events.append((identity, "stopped"))

        def new_leader(who: str) -> None:
            with lock:
                events.append((identity, f"leader={who}"))

        return LeaderElector(
            LeaseLock(leases, "ctrl", identity),
            lease_duration=1.0,
            renew_deadline=0.5,
            retry_period=0.05,
            on_started_leading=started,
            on_stopped_leading=stopped,
            on_new_leader=new_leader,
        )

    a = make("a")
    ta = threading.Thread(target=a.run)
    ta.start()
    assert leading["a"].wait(5)
    b = make("b")
    tb = threading.Thread(target=b.run)
    tb.start()
    time.sleep(0.2)
    assert not leading["b"].is_set()
    assert b.get_leader() == "a"
    a.stop()
    ta.join(5)
    # Released: empty holder, so b takes over well before the 1 s lease would expire.
    assert leading["b"].wait(0.8)
    b.stop()
    tb.join(5)
    assert ("a", "started") in events and ("a", "stopped") in events
    assert ("b", "leader=a") in events and ("b", "leader=b") in events
    assert leases.leases["ctrl"]["spec"]["holderIdentity"] == ""
    assert leases.leases["ctrl"]["spec"]["leaseTransitions"] == 1
