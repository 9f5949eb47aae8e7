"""Reflector rules (client-go-semantics.md §2), one scripted conversation per rule."""

from __future__ import annotations

import random
from typing import Any

import httpx
from informers_scripted import (
    Event,
    RecordingStore,
    ScriptedListerWatcher,
    Stream,
    bookmark,
    key,
    pod,
    status,
)

from kubeclient.cache.listwatch import ListPage
from kubeclient.cache.reflector import Backoff, Reflector
from kubeclient.errors import error_from_status
from kubeclient.workqueue.clock import FakeClock


def err(code: int, reason: str, message: str = "") -> Exception:
    return error_from_status({"kind": "Status", "code": code, "reason": reason, "message": message})


class Harness:
    def __init__(self, steps: list[tuple[str, Any]], *, use_watch_list: bool = False, **kwargs: Any) -> None:
        self.clock = FakeClock(1000.0)
        self.sleeps: list[float] = []
        self.errors: list[BaseException] = []
        self.store = RecordingStore()
        self.lw = ScriptedListerWatcher(steps, self.clock, self._stop)
        self.reflector = Reflector(
            self.lw,
            self.store,
            key_func=key,
            use_watch_list=use_watch_list,
            clock=self.clock,
            rng=random.Random(7),
            sleep=self._sleep,
            watch_error_handler=lambda r, e: self.errors.append(e),
            **kwargs,
        )

    def _stop(self) -> None:
        self.reflector.stop()

    def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.step(seconds)

    def run(self) -> Harness:
        self.reflector.run()
        assert not self.lw.steps, f"script not consumed: {list(self.lw.steps)}"
        return self

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.lw.calls]


def test_first_list_uses_rv_0_and_pages_of_500_then_watches_from_list_rv() -> None:
    h = Harness(
        [
            ("list", ListPage([pod("a", "3")], "5", continue_="c1")),
            ("list", ListPage([pod("b", "4")], "6")),
            ("watch", Stream([Event("ADDED", pod("c", "7")), Event("MODIFIED", pod("a", "8"))])),
        ]
    ).run()
    first, second, watch = h.lw.calls[:3]
    assert (first.options.resource_version, first.options.limit, first.options.continue_) == ("0", 500, "")
    # Later pages send only continue (and the limit).
    assert (second.options.resource_version, second.options.limit, second.options.continue_) == (None, 500, "c1")
    assert h.store.ops[0] == ("replace", (["a", "b"], "5"))
    assert watch.options.resource_version == "5"
    assert watch.options.allow_watch_bookmarks is True
    assert watch.options.send_initial_events is None
    assert watch.options.timeout_seconds is not None and 300 <= watch.options.timeout_seconds <= 600
    assert watch.read_timeout is not None and watch.read_timeout > watch.options.timeout_seconds
    assert h.store.ops[1:] == [("add", "c"), ("update", "a")]
    assert h.reflector.last_sync_resource_version == "8"


def test_clean_close_rewatches_from_last_rv_without_list_or_backoff() -> None:
    h = Harness(
        [
            ("list", ListPage([], "5")),
            ("watch", Stream([Event("ADDED", pod("a", "6"))])),
            ("watch", Stream([Event("DELETED", pod("a", "9"))])),
        ]
    ).run()
    assert h.kinds == ["list", "watch", "watch", "watch"]
    assert h.lw.calls[2].options.resource_version == "6"
    assert h.lw.calls[3].options.resource_version == "9"
    assert h.sleeps == []
    assert all(s.closed for s in h.lw.streams)


def test_bookmark_only_moves_the_resource_version() -> None:
    h = Harness([("list", ListPage([], "5")), ("watch", Stream([bookmark("42")]))]).run()
    assert h.store.ops == [("replace", ([], "5"))]
    assert h.lw.calls[2].options.resource_version == "42"


def test_expired_watch_event_relists_at_last_synced_rv_after_backoff_without_paging() -> None:
    h = Harness(
        [
            ("list", ListPage([pod("a", "4")], "5")),
            ("watch", Stream([Event("ADDED", pod("b", "7")), status(410, "Expired", "too old resource version")])),
            ("list", ListPage([pod("a", "4"), pod("b", "7")], "8")),
        ]
    ).run()
    assert h.kinds == ["list", "watch", "list", "watch"]
    relist = h.lw.calls[2].options
    assert relist.resource_version == "7"
    assert relist.limit == 0  # an RV other than "" / "0" turns paging off
    assert len(h.sleeps) == 1 and 0.8 <= h.sleeps[0] <= 1.6
    assert h.lw.streams[0].closed


def test_list_expired_relists_immediately_with_empty_rv() -> None:
    h = Harness(
        [
            ("list", ListPage([], "5")),
            ("watch", Stream([status(410, "Expired")])),
            ("list", err(410, "Expired")),
            ("list", ListPage([pod("a", "20")], "20")),
        ]
    ).run()
    assert [c.options.resource_version for c in h.lw.calls if c.kind == "list"] == ["0", "5", ""]
    assert h.lw.calls[3].options.limit == 0  # the retry reuses the first attempt's pager (RV "5": unpaged)
    assert h.store.ops[-1] == ("replace", (["a"], "20"))
    # After a successful list the RV is available again: the next watch starts from it.
    assert h.lw.calls[4].options.resource_version == "20"
    assert len(h.sleeps) == 1


def test_gone_on_list_also_counts_as_unavailable() -> None:
    h = Harness([("list", err(410, "Gone")), ("list", ListPage([], "3"))]).run()
    assert [c.options.resource_version for c in h.lw.calls[:2]] == ["0", ""]


def test_expired_on_a_later_page_falls_back_to_one_full_list() -> None:
    h = Harness(
        [
            ("list", ListPage([pod("a", "1")], "5", continue_="c1")),
            ("list", err(410, "Expired", "continue token expired")),
            ("list", ListPage([pod("a", "1"), pod("b", "2")], "9")),
        ]
    ).run()
    full = h.lw.calls[2].options
    assert (full.resource_version, full.limit, full.continue_) == ("0", 0, "")
    assert h.store.ops[0] == ("replace", (["a", "b"], "9"))


def test_paged_answer_to_rv_0_keeps_paging_on_later_lists() -> None:
    h = Harness(
        [
            ("list", ListPage([pod("a", "1")], "5", continue_="c")),
            ("list", ListPage([], "5")),
            ("watch", Stream([status(410, "Expired")])),
            ("list", ListPage([], "6")),
        ]
    ).run()
    assert h.lw.calls[3].options.resource_version == "5"
    assert h.lw.calls[3].options.limit == 500


def test_429_on_watch_backs_off_and_rewatches_without_relist() -> None:
    h = Harness(
        [
            ("list", ListPage([], "5")),
            ("watch", err(429, "TooManyRequests")),
            ("watch", Stream([status(429, "TooManyRequests")])),
            ("watch", Stream([Event("ADDED", pod("a", "6"))])),
        ]
    ).run()
    assert h.kinds == ["list", "watch", "watch", "watch", "watch"]
    assert all(c.options.resource_version == "5" for c in h.lw.calls[1:4])
    assert len(h.sleeps) == 2 and h.sleeps[1] >= 1.6  # doubled


def test_connection_refused_on_watch_start_backs_off_and_rewatches() -> None:
    h = Harness(
        [("list", ListPage([], "5")), ("watch", httpx.ConnectError("refused")), ("watch", Stream([bookmark("6")]))]
    ).run()
    assert h.kinds == ["list", "watch", "watch", "watch"]
    assert len(h.sleeps) == 1


def test_transport_error_mid_stream_rewatches_from_last_rv() -> None:
    h = Harness(
        [
            ("list", ListPage([], "5")),
            ("watch", Stream([Event("ADDED", pod("a", "6")), httpx.ReadTimeout("half-open")])),
        ]
    ).run()
    assert h.kinds == ["list", "watch", "watch"]
    assert h.lw.calls[2].options.resource_version == "6"
    assert h.sleeps == []


def test_very_short_empty_watch_ends_the_round_and_relists_after_backoff() -> None:
    h = Harness([("list", ListPage([], "5")), ("watch", Stream([], duration=0.0)), ("list", ListPage([], "5"))]).run()
    assert h.kinds == ["list", "watch", "list", "watch"]
    assert len(h.sleeps) == 1
    assert "very short watch" in str(h.errors[0])


def test_other_watch_error_ends_round_and_relists() -> None:
    h = Harness(
        [("list", ListPage([], "5")), ("watch", Stream([status(500, "InternalError")])), ("list", ListPage([], "7"))]
    ).run()
    assert h.kinds == ["list", "watch", "list", "watch"]


def test_list_failure_goes_to_the_watch_error_handler_then_backs_off() -> None:
    boom = err(403, "Forbidden", "no")
    h = Harness([("list", boom), ("list", boom), ("list", ListPage([], "1"))]).run()
    assert h.errors[:2] == [boom, boom]
    assert len(h.sleeps) == 2  # one back-off step after each failed round
    assert h.sleeps[1] > h.sleeps[0] / 2


def test_watch_list_streams_into_temp_store_then_replaces_and_keeps_the_stream() -> None:
    h = Harness(
        [
            (
                "watch",
                Stream(
                    [
                        Event("ADDED", pod("a", "3")),
                        Event("ADDED", pod("b", "4")),
                        Event("DELETED", pod("b", "4")),
                        bookmark("10", initial_end=True),
                        Event("MODIFIED", pod("a", "11")),
                    ]
                ),
            ),
        ],
        use_watch_list=True,
    ).run()
    first = h.lw.calls[0].options
    assert first.send_initial_events is True
    assert first.resource_version_match == "NotOlderThan"
    assert first.allow_watch_bookmarks is True
    assert first.resource_version == ""
    # Nothing reached the real store before the bookmark; then one Replace; the stream carries on as the watch.
    assert h.store.ops == [("replace", (["a"], "10")), ("update", "a")]
    assert h.kinds == ["watch", "watch"]
    assert h.lw.calls[1].options.resource_version == "11"
    assert h.lw.calls[1].options.send_initial_events is None


def test_watch_list_refused_falls_back_to_list_and_watch() -> None:
    h = Harness(
        [("watch", err(400, "BadRequest", "sendInitialEvents unsupported")), ("list", ListPage([pod("a", "2")], "2"))],
        use_watch_list=True,
    ).run()
    assert h.kinds == ["watch", "list", "watch"]
    assert h.lw.calls[1].options.resource_version == "0"
    assert h.store.ops == [("replace", (["a"], "2"))]


def test_watch_list_expired_retries_with_empty_rv() -> None:
    h = Harness(
        [
            ("list", ListPage([], "5")),
            ("watch", Stream([status(410, "Expired")])),
            ("watch", err(410, "Expired")),
            ("watch", Stream([bookmark("30", initial_end=True)])),
        ],
        use_watch_list=False,
    )
    h.reflector.flow.use_watch_list = True
    # First round lists (watch-list off), then the watch expires; the second round streams with watch-list.
    h.lw.steps.appendleft(("watch", err(400, "BadRequest")))
    h.run()
    wl_rvs = [c.options.resource_version for c in h.lw.calls if c.options.send_initial_events]
    assert wl_rvs == ["", "5", ""]
    assert ("replace", ([], "30")) in h.store.ops


def test_watch_list_429_backs_off_and_retries() -> None:
    h = Harness(
        [("watch", err(429, "TooManyRequests")), ("watch", Stream([bookmark("3", initial_end=True)]))],
        use_watch_list=True,
    ).run()
    assert h.kinds == ["watch", "watch", "watch"]
    assert len(h.sleeps) == 1
    assert h.store.ops == [("replace", ([], "3"))]


def test_store_errors_do_not_stop_the_watch() -> None:
    class Failing(RecordingStore):
        def add(self, obj: Any) -> None:
            raise ValueError("bad object")

    h = Harness([("list", ListPage([], "1")), ("watch", Stream([Event("ADDED", pod("a", "2"))]))])
    h.reflector.flow.store = Failing()
    h.run()
    assert h.lw.calls[2].options.resource_version == "2"


def test_backoff_doubles_with_jitter_caps_and_resets_after_calm() -> None:
    clock = FakeClock(0.0)
    b = Backoff(clock=clock, rng=random.Random(1))
    steps = []
    for _ in range(10):
        steps.append(b.step())
        clock.step(1.0)
    bases = [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30.0, 30.0, 30.0, 30.0]
    for got, base in zip(steps, bases, strict=True):
        assert base <= got <= 2 * base
    clock.step(121.0)
    assert 0.8 <= b.step() <= 1.6


def test_resync_thread_calls_store_resync_when_should_resync() -> None:
    import threading

    calls: list[int] = []
    done = threading.Event()

    class Store(RecordingStore):
        def resync(self) -> None:
            calls.append(1)
            if len(calls) >= 2:
                done.set()

    class Idle:
        def list(self, options: Any) -> ListPage:
            return ListPage([], "1")

        def watch(self, options: Any, *, read_timeout: float | None = None) -> Stream:
            threading.Event().wait(0.01)
            return Stream([bookmark("1")])

    r = Reflector(Idle(), Store(), key_func=key, use_watch_list=False, resync_period=0.01, should_resync=lambda: True)
    r.start()
    assert done.wait(5)
    r.stop()
    assert len(calls) >= 2


def test_should_resync_false_skips_the_resync() -> None:
    import threading

    calls: list[int] = []
    asked = threading.Semaphore(0)

    class Store(RecordingStore):
        def resync(self) -> None:
            calls.append(1)

    def should() -> bool:
        asked.release()
        return False

    class Idle:
        def list(self, options: Any) -> ListPage:
            return ListPage([], "1")

        def watch(self, options: Any, *, read_timeout: float | None = None) -> Stream:
            threading.Event().wait(0.01)
            return Stream([bookmark("1")])

    r = Reflector(Idle(), Store(), key_func=key, use_watch_list=False, resync_period=0.01, should_resync=should)
    r.start()
    assert asked.acquire(timeout=5) and asked.acquire(timeout=5)
    r.stop()
    assert calls == []
