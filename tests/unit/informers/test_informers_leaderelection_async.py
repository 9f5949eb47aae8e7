"""AsyncLeaderElector over an in-memory async lease client: rounds with a fake clock, two live candidates, release
on stop and on cancellation, loss of leadership when renewals fail, and coroutine callbacks."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from kubeclient.errors import ConflictError, error_from_status
from kubeclient.leaderelection import AsyncLeaderElector, LeaseLock
from kubeclient.wait import async_poll_until


class AsyncMemoryLeases:
    """An async lease ResourceClient over dicts with resourceVersion preconditions; `fail_updates` makes writes 500."""

    def __init__(self) -> None:
        self.leases: dict[str, dict[str, Any]] = {}
        self.rv = 0
        self.fail_updates = False
        self.calls: list[str] = []

    async def get(self, name: str) -> dict[str, Any]:
        self.calls.append("get")
        await asyncio.sleep(0)
        if name not in self.leases:
            raise error_from_status({"code": 404, "reason": "NotFound", "message": f'leases "{name}" not found'})
        return copy.deepcopy(self.leases[name])

    async def create(self, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append("create")
        await asyncio.sleep(0)
        name = body["metadata"]["name"]
        if name in self.leases:
            raise error_from_status({"code": 409, "reason": "AlreadyExists"}, method="POST")
        self.rv += 1
        body = copy.deepcopy(body)
        body["metadata"]["resourceVersion"] = str(self.rv)
        self.leases[name] = body
        return copy.deepcopy(body)

    async def update(self, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append("update")
        await asyncio.sleep(0)
        if self.fail_updates:
            raise error_from_status({"code": 500, "reason": "InternalError", "message": "injected"})
        name = body["metadata"]["name"]
        if self.leases[name]["metadata"]["resourceVersion"] != body["metadata"]["resourceVersion"]:
            raise error_from_status({"code": 409, "reason": "Conflict", "message": "object was modified"})
        self.rv += 1
        body = copy.deepcopy(body)
        body["metadata"]["resourceVersion"] = str(self.rv)
        self.leases[name] = body
        return copy.deepcopy(body)


def test_async_rounds_follow_the_same_rules_as_threads() -> None:
    async def main() -> None:
        leases = AsyncMemoryLeases()
        t = [0.0]

        def make(identity: str) -> AsyncLeaderElector:
            return AsyncLeaderElector(
                LeaseLock(leases, "lock", identity),
                lease_duration=15,
                renew_deadline=10,
                retry_period=2,
                monotonic=lambda: t[0],
            )

        a, b = make("a"), make("b")
        assert await a.try_acquire_or_renew() and a.is_leader()
        assert leases.calls[:2] == ["get", "create"]
        spec = leases.leases["lock"]["spec"]
        assert spec["holderIdentity"] == "a" and spec["leaseTransitions"] == 0
        assert not await b.try_acquire_or_renew() and b.get_leader() == "a"
        acquired = spec["acquireTime"]
        t[0] = 5.0
        assert await a.try_acquire_or_renew()
        assert leases.leases["lock"]["spec"]["acquireTime"] == acquired
        t[0] = 14.0
        assert not await b.try_acquire_or_renew()  # b observes the renewal now; expiry timed from here
        t[0] = 28.9
        assert not await b.try_acquire_or_renew()
        t[0] = 29.5
        assert await b.try_acquire_or_renew() and b.is_leader()
        assert leases.leases["lock"]["spec"]["leaseTransitions"] == 1
        assert not await a.try_acquire_or_renew() and not a.is_leader()

    asyncio.run(main())


def test_async_stale_read_loses_the_update_race() -> None:
    async def main() -> None:
        leases = AsyncMemoryLeases()
        a = AsyncLeaderElector(LeaseLock(leases, "lock", "a"))
        assert await a.try_acquire_or_renew()
        other = LeaseLock(leases, "lock", "b")
        record = await other.aget()
        assert await a.try_acquire_or_renew()
        with pytest.raises(ConflictError):
            await other.aupdate(record)

    asyncio.run(main())


def elector(leases: AsyncMemoryLeases, identity: str, events: list[tuple[str, str]], **kw: Any) -> AsyncLeaderElector:
    async def started(stop: asyncio.Event) -> None:
        events.append((identity, "started"))
        await stop.wait()
        events.append((identity, "lead-stop-seen"))

    def stopped() -> None:
        events.append((identity, "stopped"))

    async def new_leader(who: str) -> None:
        events.append((identity, f"leader={who}"))

    options: dict[str, Any] = {"lease_duration": 1.0, "renew_deadline": 0.5, "retry_period": 0.05}
    options.update(kw)
    return AsyncLeaderElector(
        LeaseLock(leases, "ctrl", identity),
        on_started_leading=started,
        on_stopped_leading=stopped,
        on_new_leader=new_leader,
        **options,
    )


async def wait_for(cond: Any, timeout: float = 5.0) -> None:
    async def check() -> bool:
        return bool(cond())

    await async_poll_until(check, interval=0.01, timeout=timeout)


def test_two_async_candidates_hand_over_on_stop_with_release() -> None:
    async def main() -> None:
        leases = AsyncMemoryLeases()
        events: list[tuple[str, str]] = []
        a = elector(leases, "a", events)
        ta = asyncio.create_task(a.run())
        await wait_for(lambda: ("a", "started") in events)
        b = elector(leases, "b", events)
        tb = asyncio.create_task(b.run())
        await asyncio.sleep(0.2)
        assert ("b", "started") not in events and b.get_leader() == "a"
        loop = asyncio.get_running_loop()
        a.stop()
        await asyncio.wait_for(ta, 5)
        released_at = loop.time()
        assert ("a", "lead-stop-seen") in events and ("a", "stopped") in events
        # Released (empty holder): b takes over well before the 1 s lease would expire.
        await wait_for(lambda: ("b", "started") in events, 0.8)
        assert loop.time() - released_at < 0.8
        b.stop()
        await asyncio.wait_for(tb, 5)
        assert ("b", "leader=a") in events and ("b", "leader=b") in events
        assert leases.leases["ctrl"]["spec"]["holderIdentity"] == ""
        assert leases.leases["ctrl"]["spec"]["leaseTransitions"] == 1

    asyncio.run(main())


def test_cancelling_run_releases_the_lease_and_runs_on_stopped_leading() -> None:
    async def main() -> None:
        leases = AsyncMemoryLeases()
        events: list[tuple[str, str]] = []
        a = elector(leases, "a", events)
        task = asyncio.create_task(a.run())
        await wait_for(lambda: ("a", "started") in events)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert leases.leases["ctrl"]["spec"]["holderIdentity"] == ""
        assert ("a", "stopped") in events

    asyncio.run(main())


def test_failed_renewals_lose_leadership_within_the_renew_deadline() -> None:
    async def main() -> None:
        leases = AsyncMemoryLeases()
        events: list[tuple[str, str]] = []
        a = elector(leases, "a", events)
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(a.run())
        await wait_for(lambda: ("a", "started") in events)
        leases.fail_updates = True
        failed_at = loop.time()
        await asyncio.wait_for(task, 5)  # run() returns by itself: leadership lost
        assert loop.time() - failed_at < 0.5 + 0.05 * 2 + 0.3
        assert ("a", "lead-stop-seen") in events and events[-1] == ("a", "stopped")
        # Not stopped by us: no release was attempted beyond the failing renewals, the holder is still "a".
        assert leases.leases["ctrl"]["spec"]["holderIdentity"] == "a"

    asyncio.run(main())


def test_plain_function_callbacks_and_stop_before_run() -> None:
    async def main() -> None:
        leases = AsyncMemoryLeases()
        seen: list[str] = []
        a = AsyncLeaderElector(
            LeaseLock(leases, "ctrl", "a"),
            lease_duration=1.0,
            renew_deadline=0.5,
            retry_period=0.05,
            on_started_leading=lambda stop: seen.append("started"),
            on_new_leader=seen.append,
        )
        a.stop()
        await asyncio.wait_for(a.run(), 1)  # stopped before it began: never acquires
        assert seen == [] and leases.calls == []
        b = AsyncLeaderElector(
            LeaseLock(leases, "ctrl", "b"),
            lease_duration=1.0,
            renew_deadline=0.5,
            retry_period=0.05,
            on_started_leading=lambda stop: seen.append("started"),
            on_new_leader=seen.append,
        )
        task = asyncio.create_task(b.run())
        await wait_for(lambda: "started" in seen)
        b.stop()
        await asyncio.wait_for(task, 5)
        assert seen == ["b", "started"]

    asyncio.run(main())


def test_async_validation_of_durations() -> None:
    with pytest.raises(ValueError, match="lease_duration must be greater"):
        AsyncLeaderElector(LeaseLock(AsyncMemoryLeases(), "l", "a"), lease_duration=5, renew_deadline=5)
