"""Queue (threads): the add/get/done/shutdown rules of client-go util/workqueue/queue.go."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable

import pytest

from kubeclient.workqueue import Queue


def test_fifo_and_dedup_while_waiting() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    q.add("b")
    q.add("a")  # already dirty: a no-op that keeps a's place
    assert len(q) == 2
    assert q.get() == ("a", False)
    assert q.get() == ("b", False)
    assert len(q) == 0


def test_add_while_processing_requeues_at_done() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    item, _ = q.get()
    assert item == "a"
    q.add("a")
    q.add("a")
    assert len(q) == 0, "an item being processed must not be handed to a second worker"
    with pytest.raises(TimeoutError):
        q.get(timeout=0)
    q.done("a")
    assert len(q) == 1
    assert q.get() == ("a", False)
    q.done("a")
    assert len(q) == 0


def test_done_without_readd_does_not_requeue() -> None:
    q: Queue[int] = Queue()
    q.add(1)
    q.get()
    q.done(1)
    with pytest.raises(TimeoutError):
        q.get(timeout=0)


def test_done_for_item_not_processing_changes_nothing() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    q.done("a")  # never handed out: must not queue it twice
    assert len(q) == 1
    assert q.get() == ("a", False)
    with pytest.raises(TimeoutError):
        q.get(timeout=0)


def test_get_timeout_waits_about_that_long() -> None:
    q: Queue[str] = Queue()
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        q.get(timeout=0.05)
    assert time.monotonic() - start >= 0.05


def test_get_blocks_until_add_from_another_thread() -> None:
    q: Queue[str] = Queue()
    threading.Timer(0.02, q.add, args=("late",)).start()
    assert q.get(timeout=5) == ("late", False)


def test_shutdown_ignores_adds_and_drains_remaining_items() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    q.add("b")
    q.shut_down()
    assert q.shutting_down()
    q.add("c")
    assert len(q) == 2
    assert q.get() == ("a", False)
    assert q.get() == ("b", False)
    assert q.get() == (None, True)
    assert q.get(timeout=0) == (None, True)


def test_readd_during_processing_after_shutdown_is_ignored() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    q.get()
    q.shut_down()
    q.add("a")
    q.done("a")
    assert q.get() == (None, True)


def test_shutdown_wakes_every_blocked_getter() -> None:
    q: Queue[str] = Queue()
    results: list[object] = []
    workers = [threading.Thread(target=lambda: results.append(q.get(timeout=5))) for _ in range(4)]
    for w in workers:
        w.start()
    time.sleep(0.02)
    q.shut_down()
    for w in workers:
        w.join(5)
    assert results == [(None, True)] * 4


def test_shut_down_with_drain_waits_for_processing() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    q.add("b")
    q.get()  # "a" is being processed
    finished = threading.Event()

    def drain() -> None:
        assert q.shut_down_with_drain(timeout=5)
        finished.set()

    t = threading.Thread(target=drain)
    t.start()
    assert not finished.wait(0.05), "drain returned while an item was still being processed"
    assert q.shutting_down()
    assert q.get() == ("b", False)  # queued items are still handed out while draining
    q.done("a")
    assert not finished.wait(0.05)
    q.done("b")
    assert finished.wait(5)
    t.join()
    assert q.get() == (None, True)


def test_shut_down_with_drain_returns_at_once_when_idle() -> None:
    q: Queue[str] = Queue()
    assert q.shut_down_with_drain(timeout=1)


def test_shut_down_with_drain_timeout_and_forced_by_shut_down() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    q.get()
    assert q.shut_down_with_drain(timeout=0.02) is False
    result: list[bool] = []
    t = threading.Thread(target=lambda: result.append(q.shut_down_with_drain()))
    t.start()
    time.sleep(0.02)
    q.shut_down()  # a plain shut_down stops the drain wait (client-go)
    t.join(5)
    assert result == [False]


def test_items_helper_calls_done_after_each_iteration() -> None:
    q: Queue[str] = Queue()
    for key in ("a", "b", "c"):
        q.add(key)
    seen: list[str] = []
    for key in q.items():
        seen.append(key)
        if seen == ["a"]:
            q.add("a")  # re-added while processing: back after this iteration's done
        if len(seen) == 4:
            q.shut_down()
    assert seen == ["a", "b", "c", "a"]
    assert q.get() == (None, True)


def test_items_helper_calls_done_when_body_raises() -> None:
    q: Queue[str] = Queue()
    q.add("a")
    with pytest.raises(RuntimeError):
        for _key in q.items():
            q.add("a")
            raise RuntimeError("boom")
    # done ran on generator close, so the re-add is queued again instead of stuck in processing
    assert q.get(timeout=0) == ("a", False)


def test_items_must_be_hashable() -> None:
    q: Queue[Hashable] = Queue()
    with pytest.raises(TypeError):
        q.add([1, 2])  # type: ignore[arg-type]  # a list is not Hashable: that is the point
