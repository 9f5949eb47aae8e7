"""Leader election with two candidates over coordination.k8s.io/v1 Leases, on the fake server and the real
control plane (threads and asyncio): exactly one leads, release hands over at once, and a silent leader is replaced
after expiry."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

import pytest
from backends import Backend
from informers_live import LEASES, await_until, wait_until

from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.leaderelection import AsyncLeaderElector, LeaderElector, LeaseLock

FAST: dict[str, Any] = {"lease_duration": 1.0, "renew_deadline": 0.5, "retry_period": 0.1}
# A real kube-apiserver sharing two loaded cores with the test can take longer than 0.5 s to answer a renewal, and a
# leader that misses its renew deadline steps down (as client-go's does): give it client-go's proportions, slower.
REAL: dict[str, Any] = {"lease_duration": 3.0, "renew_deadline": 2.0, "retry_period": 0.2}


def timing(backend: Backend) -> dict[str, Any]:
    return REAL if backend.is_real else FAST


def lease_spec(backend: Backend, name: str) -> dict[str, Any]:
    with DynamicClient.for_config(backend.config()) as dyn:
        spec: dict[str, Any] = dyn.resource(LEASES, namespaced=True).namespace(backend.namespace).get(name)["spec"]
        return spec


class Leading:
    """Who leads right now, and whether two ever led at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: set[str] = set()
        self.overlap = False
        self.history: list[str] = []

    def start(self, who: str) -> None:
        with self._lock:
            self.current.add(who)
            self.history.append(who)
            self.overlap = self.overlap or len(self.current) > 1

    def end(self, who: str) -> None:
        with self._lock:
            self.current.discard(who)


def test_two_thread_candidates(backend: Backend) -> None:
    pace = timing(backend)
    leading = Leading()
    electors: dict[str, LeaderElector] = {}
    clients = [DynamicClient.for_config(backend.config()) for _ in range(2)]
    try:
        for identity, dyn in zip(("a", "b"), clients, strict=True):

            def started(stop: threading.Event, who: str = identity) -> None:
                leading.start(who)
                stop.wait()
                leading.end(who)

            lock = LeaseLock(dyn.resource(LEASES, namespaced=True).namespace(backend.namespace), "controller", identity)
            electors[identity] = LeaderElector(lock, on_started_leading=started, **pace)
        threads = {who: threading.Thread(target=e.run) for who, e in electors.items()}
        for thread in threads.values():
            thread.start()
        wait_until(lambda: len(leading.history) == 1)
        first = leading.history[0]
        second = "b" if first == "a" else "a"
        time.sleep(4 * pace["retry_period"])  # several retry periods: the other candidate keeps failing to acquire
        assert leading.history == [first] and electors[second].get_leader() == first
        assert lease_spec(backend, "controller")["holderIdentity"] == first
        electors[first].stop()
        threads[first].join(5)
        stopped_at = time.monotonic()
        wait_until(lambda: leading.history == [first, second], timeout=5)
        assert time.monotonic() - stopped_at < pace["lease_duration"]  # released: no waiting for expiry
        spec = lease_spec(backend, "controller")
        assert spec["holderIdentity"] == second and spec["leaseTransitions"] == 1
        electors[second].stop()
        threads[second].join(5)
        assert not leading.overlap
        assert lease_spec(backend, "controller")["holderIdentity"] == ""
    finally:
        for elector in electors.values():
            elector.stop()
        for dyn in clients:
            dyn.close()


def test_two_async_candidates_and_takeover_from_a_silent_leader(backend: Backend) -> None:
    pace = timing(backend)

    async def main() -> None:
        leading = Leading()
        async with (
            AsyncDynamicClient.for_config(backend.config()) as d1,
            AsyncDynamicClient.for_config(backend.config()) as d2,
        ):

            def make(identity: str, dyn: AsyncDynamicClient, **kw: Any) -> AsyncLeaderElector:
                async def started(stop: asyncio.Event) -> None:
                    leading.start(identity)
                    try:
                        await stop.wait()
                    finally:
                        leading.end(identity)

                lock = LeaseLock(dyn.resource(LEASES, namespaced=True).namespace(backend.namespace), "ctrl", identity)
                return AsyncLeaderElector(lock, on_started_leading=started, **pace, **kw)

            # "a" never releases: cancelling it models a crashed leader whose lease must expire first.
            a = make("a", d1, release_on_cancel=False)
            task_a = asyncio.create_task(a.run())
            b = make("b", d2)
            task_b: asyncio.Task[None] | None = None
            try:
                await await_until(lambda: leading.history == ["a"])
                task_b = asyncio.create_task(b.run())
                await asyncio.sleep(3 * pace["retry_period"])
                assert leading.history == ["a"] and b.get_leader() == "a"
                loop = asyncio.get_running_loop()
                task_a.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task_a
                crashed_at = loop.time()
                await await_until(lambda: leading.history == ["a", "b"], timeout=5 * pace["lease_duration"])
                # b waited for the lease to expire (by its own clock) before taking it over.
                assert loop.time() - crashed_at >= pace["lease_duration"] - 2 * pace["retry_period"]
                spec = lease_spec(backend, "ctrl")
                assert spec["holderIdentity"] == "b" and spec["leaseTransitions"] == 1
                b.stop()
                await asyncio.wait_for(task_b, 5)
                assert not leading.overlap
                assert lease_spec(backend, "ctrl")["holderIdentity"] == ""
            finally:  # a failed check must not leave an elector running into asyncio.run's shutdown
                b.stop()
                for task in (task_a, task_b):
                    if task is not None and not task.done():
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError, Exception):
                            await task

    asyncio.run(main())
