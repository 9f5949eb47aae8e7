"""Hypothesis state machines: the thread and asyncio queues against a simple reference model.

Checked after every step: same answers from get, same length, same shutdown flag; an item handed out is never
handed out again before its done(). At teardown: shut down, finish every held item and drain — every item added
before shutdown (directly or by a delayed add that came due) and not handed out since must come back.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kubeclient.workqueue import AsyncDelayingQueue, DelayingQueue, FakeClock

ITEMS = st.sampled_from(["a", "b", "c"])
TIMEOUT = "timeout"


class Model:
    """client-go's queue rules, written as plainly as possible, plus the delaying heap."""

    def __init__(self) -> None:
        self.queue: list[str] = []
        self.dirty: set[str] = set()
        self.processing: set[str] = set()
        self.shutting_down = False
        self.now = 0
        self.waiting: dict[str, tuple[int, int]] = {}  # item -> (ready_at, arrival order)
        self.seq = 0

    def add(self, x: str) -> None:
        if self.shutting_down or x in self.dirty:
            return
        self.dirty.add(x)
        if x not in self.processing:
            self.queue.append(x)

    def get(self) -> tuple[str | None, bool] | str:
        if self.queue:
            x = self.queue.pop(0)
            self.processing.add(x)
            self.dirty.discard(x)
            return (x, False)
        return (None, True) if self.shutting_down else TIMEOUT

    def done(self, x: str) -> None:
        if x not in self.processing:
            return
        self.processing.discard(x)
        if x in self.dirty:
            self.queue.append(x)

    def shut_down(self) -> None:
        self.shutting_down = True
        self.waiting.clear()

    def add_after(self, x: str, delay: int) -> None:
        if self.shutting_down:
            return
        if delay <= 0:
            self.add(x)
            return
        ready = self.now + delay
        if x in self.waiting:
            if ready < self.waiting[x][0]:
                self.waiting[x] = (ready, self.waiting[x][1])
            return
        self.waiting[x] = (ready, self.seq)
        self.seq += 1

    def step(self, dt: int) -> list[str]:
        self.now += dt
        due = sorted((ready, seq, x) for x, (ready, seq) in self.waiting.items() if ready <= self.now)
        for _, _, x in due:
            del self.waiting[x]
            self.add(x)
        return [x for _, _, x in due]


class Driver(Protocol):
    """One queue implementation behind plain calls."""

    def add(self, x: str) -> None: ...
    def add_after(self, x: str, delay: int) -> None: ...
    def step(self, dt: int) -> None: ...
    def get_nowait(self) -> Any: ...
    def done(self, x: str) -> None: ...
    def shut_down(self) -> None: ...
    def length(self) -> int: ...
    def shutting_down(self) -> bool: ...
    def close(self) -> None: ...


class ThreadDriver:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.q: DelayingQueue[str] = DelayingQueue(clock=self.clock)

    def add(self, x: str) -> None:
        self.q.add(x)

    def add_after(self, x: str, delay: int) -> None:
        self.q.add_after(x, delay)

    def step(self, dt: int) -> None:
        self.clock.step(dt)

    def get_nowait(self) -> Any:
        return self.q.get(timeout=0)

    def done(self, x: str) -> None:
        self.q.done(x)

    def shut_down(self) -> None:
        self.q.shut_down()

    def length(self) -> int:
        return len(self.q)

    def shutting_down(self) -> bool:
        return self.q.shutting_down()

    def close(self) -> None:
        self.q.shut_down()


class AsyncDriver:
    """Runs each call on a private event loop, as a coroutine on that loop would."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock()
        self.q: AsyncDelayingQueue[str] = AsyncDelayingQueue(clock=self.clock)

    def _on_loop(self, fn: Any, *args: Any) -> Any:
        async def call() -> Any:
            return fn(*args)

        return self.loop.run_until_complete(call())

    def add(self, x: str) -> None:
        self._on_loop(self.q.add, x)

    def add_after(self, x: str, delay: int) -> None:
        self._on_loop(self.q.add_after, x, delay)

    def step(self, dt: int) -> None:
        self._on_loop(self.clock.step, dt)

    def get_nowait(self) -> Any:
        return self.loop.run_until_complete(self.q.get(timeout=0))

    def done(self, x: str) -> None:
        self._on_loop(self.q.done, x)

    def shut_down(self) -> None:
        self._on_loop(self.q.shut_down)

    def length(self) -> int:
        return len(self.q)

    def shutting_down(self) -> bool:
        return self.q.shutting_down()

    def close(self) -> None:
        self.q.shut_down()
        self.loop.close()


class QueueMachine(RuleBasedStateMachine):
    driver_type: type[ThreadDriver] | type[AsyncDriver] = ThreadDriver

    def __init__(self) -> None:
        super().__init__()
        self.driver: Driver = self.driver_type()
        self.model = Model()
        self.held: set[str] = set()  # handed out by get, done not yet called
        self.pending: set[str] = set()  # added before shutdown and not handed out since

    def _note_added(self, x: str) -> None:
        if not self.model.shutting_down:
            self.pending.add(x)

    @rule(x=ITEMS)
    def add(self, x: str) -> None:
        self._note_added(x)
        self.driver.add(x)
        self.model.add(x)

    @rule(x=ITEMS, delay=st.integers(min_value=-1, max_value=3))
    def add_after(self, x: str, delay: int) -> None:
        if delay <= 0:
            self._note_added(x)
        self.driver.add_after(x, delay)
        self.model.add_after(x, delay)

    @rule(x=ITEMS, first=st.integers(min_value=1, max_value=3), second=st.integers(min_value=1, max_value=3))
    def add_after_twice(self, x: str, first: int, second: int) -> None:
        # The rule under test most often: a pending item re-added with another delay keeps the earlier time.
        self.add_after(x, first)
        self.add_after(x, second)

    @rule(dt=st.integers(min_value=0, max_value=3))
    def step(self, dt: int) -> None:
        shutting_down = self.model.shutting_down
        for x in self.model.step(dt):
            if not shutting_down:
                self.pending.add(x)
        self.driver.step(dt)

    @rule()
    def get(self) -> None:
        expected = self.model.get()
        try:
            actual = self.driver.get_nowait()
        except TimeoutError:
            actual = TIMEOUT
        assert actual == expected
        if actual != TIMEOUT and actual[1] is False:
            x = actual[0]
            assert x not in self.held, f"{x!r} handed out while another worker holds it"
            self.held.add(x)
            self.pending.discard(x)

    @precondition(lambda self: bool(self.held))
    @rule(data=st.data())
    def done(self, data: st.DataObject) -> None:
        x = data.draw(st.sampled_from(sorted(self.held)))
        self.held.remove(x)
        self.driver.done(x)
        self.model.done(x)

    @rule(x=ITEMS)
    def done_not_held(self, x: str) -> None:
        if x not in self.held:
            self.driver.done(x)
            self.model.done(x)

    @rule()
    def shut_down(self) -> None:
        self.driver.shut_down()
        self.model.shut_down()

    @invariant()
    def same_length_and_flag(self) -> None:
        assert self.driver.length() == len(self.model.queue)
        assert self.driver.shutting_down() == self.model.shutting_down

    def teardown(self) -> None:
        try:
            self.driver.shut_down()
            for x in sorted(self.held):
                self.driver.done(x)
            returned: set[str] = set()
            while True:
                result = self.driver.get_nowait()
                if result[1]:
                    break
                returned.add(result[0])
                self.driver.done(result[0])
            lost = self.pending - returned
            assert not lost, f"items added before shutdown were lost: {sorted(lost)}"
        finally:
            self.driver.close()


class AsyncQueueMachine(QueueMachine):
    driver_type = AsyncDriver


SETTINGS = settings(
    max_examples=200,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestThreadQueueStateful = QueueMachine.TestCase
TestThreadQueueStateful.settings = SETTINGS
TestAsyncQueueStateful = AsyncQueueMachine.TestCase
TestAsyncQueueStateful.settings = SETTINGS
