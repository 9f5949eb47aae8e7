"""DeltaFIFO and RealFIFO: dedupe, tombstones, pop order, has_synced, replace shapes, closing."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from cache_objects import pod

from kubeclient.cache import (
    DeletedFinalStateUnknown,
    Delta,
    DeltaFIFO,
    FIFOClosedError,
    RealFIFO,
    ReplacedAllInfo,
    RequeueError,
    new_indexer,
)


class Collect:
    def __init__(self) -> None:
        self.calls: list[tuple[list[Delta], bool]] = []

    def __call__(self, deltas: list[Delta], initial: bool) -> None:
        self.calls.append((list(deltas), initial))

    def types(self) -> list[list[str]]:
        return [[d.type for d in ds] for ds, _ in self.calls]


def name_of(obj: Any) -> str:
    if isinstance(obj, DeletedFinalStateUnknown):
        return f"tomb:{obj.key}"
    return str(obj["metadata"]["name"])


# -- DeltaFIFO -----------------------------------------------------------------------------------------------------


def test_delta_fifo_pop_hands_all_deltas_of_a_key_oldest_first() -> None:
    known = new_indexer({})
    f = DeltaFIFO(known_objects=known)
    f.add(pod("a", rv="1"))
    f.add(pod("b", rv="1"))
    f.update(pod("a", rv="2"))
    assert len(f) == 2
    assert f.list_keys() == ["default/a", "default/b"]
    c = Collect()
    f.pop(c)
    f.pop(c)
    assert c.types() == [["Added", "Updated"], ["Added"]]
    assert [d.object["metadata"]["resourceVersion"] for d in c.calls[0][0]] == ["1", "2"]


def test_delta_fifo_consecutive_deletes_collapse_keeping_the_older_unless_tombstone() -> None:
    known = new_indexer({})
    known.add(pod("a"))
    f = DeltaFIFO(known_objects=known)
    first, second = pod("a", rv="5"), pod("a", rv="6")
    f.delete(first)
    f.delete(second)
    assert f.get_by_key("default/a") == [Delta("Deleted", first)]
    g = DeltaFIFO(known_objects=known)
    g.replace([], "9")  # tombstone for the known key
    g.delete(second)
    assert g.get_by_key("default/a") == [Delta("Deleted", second)]


def test_delta_fifo_delete_of_unknown_key_is_ignored() -> None:
    f = DeltaFIFO(known_objects=new_indexer({}))
    f.delete(pod("ghost"))
    assert len(f) == 0
    assert f.has_synced()  # a delete counts as population before any replace


def test_delta_fifo_replace_emits_replaced_and_tombstones_and_has_synced_after_processing() -> None:
    known = new_indexer({})
    known.add(pod("old", rv="1"))
    known.add(pod("kept", rv="1"))
    f = DeltaFIFO(known_objects=known)
    f.replace([pod("kept", rv="2"), pod("new", rv="3")], "3")
    assert not f.has_synced()
    c = Collect()
    seen_synced: list[bool] = []

    def process(deltas: list[Delta], initial: bool) -> None:
        seen_synced.append(f.has_synced())
        c(deltas, initial)

    for _ in range(3):
        f.pop(process)
    assert f.has_synced()
    assert seen_synced == [False, False, False]
    assert [(ds[0].type, name_of(ds[0].object), init) for ds, init in c.calls] == [
        ("Replaced", "kept", True),
        ("Replaced", "new", True),
        ("Deleted", "tomb:default/old", True),
    ]
    assert c.calls[2][0][0].object.obj == pod("old", rv="1")


def test_delta_fifo_without_known_objects_tombstones_queued_keys_and_sync_when_not_replaced() -> None:
    f = DeltaFIFO(emit_delta_type_replaced=False)
    f.add(pod("gone", rv="4"))
    f.replace([pod("here")], "5")
    assert f.get_by_key("default/here") == [Delta("Sync", pod("here"))]
    deltas = f.get_by_key("default/gone")
    assert deltas is not None and [d.type for d in deltas] == ["Added", "Deleted"]
    assert deltas[1].object == DeletedFinalStateUnknown("default/gone", pod("gone", rv="4"))


def test_delta_fifo_resync_skips_queued_keys_and_transformer_skips_tombstones() -> None:
    known = new_indexer({})
    known.add(pod("a"))
    known.add(pod("b"))
    seen: list[Any] = []

    def transform(obj: Any) -> Any:
        seen.append(obj)
        return obj

    f = DeltaFIFO(known_objects=known, transformer=transform)
    f.update(pod("a", rv="2"))
    f.resync()
    assert f.get_by_key("default/b") == [Delta("Sync", pod("b"))]
    assert [d.type for d in f.get_by_key("default/a") or []] == ["Updated"]
    f.replace([], "1")
    assert not any(isinstance(o, DeletedFinalStateUnknown) for o in seen)


def test_delta_fifo_requeue_puts_deltas_back() -> None:
    f = DeltaFIFO()
    f.add(pod("a"))

    def requeue(deltas: list[Delta], initial: bool) -> None:
        raise RequeueError()

    f.pop(requeue)
    assert f.list_keys() == ["default/a"]
    with pytest.raises(KeyError):

        def requeue_err(deltas: list[Delta], initial: bool) -> None:
            raise RequeueError(KeyError("x"))

        f.pop(requeue_err)
    assert f.list_keys() == ["default/a"]
    c = Collect()
    f.pop(c)
    assert c.types() == [["Added"]]


def test_delta_fifo_pop_blocks_until_item_or_close_and_honours_timeout() -> None:
    f = DeltaFIFO()
    assert f.pop(Collect(), timeout=0.01) is None
    c = Collect()
    t = threading.Thread(target=lambda: f.pop(c))
    t.start()
    f.add(pod("a"))
    t.join(2)
    assert c.types() == [["Added"]]
    f.close()
    assert f.is_closed()
    with pytest.raises(FIFOClosedError):
        f.pop(Collect())


# -- RealFIFO ------------------------------------------------------------------------------------------------------


def test_real_fifo_keeps_arrival_order_per_event() -> None:
    f = RealFIFO(known_objects=new_indexer({}))
    f.add(pod("a", rv="1"))
    f.add(pod("b", rv="1"))
    f.update(pod("a", rv="2"))
    f.delete(pod("b", rv="1"))
    assert len(f) == 4
    c = Collect()
    for _ in range(4):
        f.pop(c)
    assert [(ds[0].type, name_of(ds[0].object)) for ds, _ in c.calls] == [
        ("Added", "a"),
        ("Added", "b"),
        ("Updated", "a"),
        ("Deleted", "b"),
    ]
    assert all(len(ds) == 1 and not init for ds, init in c.calls)


def test_real_fifo_replace_is_one_replaced_all_delta_and_syncs_after_it() -> None:
    f = RealFIFO(known_objects=new_indexer({}), transformer=lambda o: {**o, "t": True})
    f.replace([pod("a"), pod("b")], "7")
    assert len(f) == 1 and not f.has_synced()
    c = Collect()
    f.pop(c)
    [(deltas, initial)] = c.calls
    assert initial and deltas[0].type == "ReplacedAll"
    info = deltas[0].object
    assert isinstance(info, ReplacedAllInfo) and info.resource_version == "7"
    assert [o["metadata"]["name"] for o in info.objects] == ["a", "b"] and info.objects[0]["t"]
    assert f.has_synced()
    f.add(pod("c"))
    c2 = Collect()
    f.pop(c2)
    assert c2.calls[0][1] is False


def test_real_fifo_non_atomic_replace_puts_tombstones_first() -> None:
    known = new_indexer({})
    known.add(pod("old"))
    known.add(pod("kept"))
    f = RealFIFO(known_objects=known, atomic_events=False)
    f.add(pod("queued-gone"))
    f.replace([pod("kept", rv="2"), pod("new")], "9")
    c = Collect()
    while len(f):
        f.pop(c)
    assert [(ds[0].type, name_of(ds[0].object)) for ds, _ in c.calls] == [
        ("Added", "queued-gone"),
        ("Deleted", "tomb:default/queued-gone"),
        ("Deleted", "tomb:default/old"),
        ("Replaced", "kept"),
        ("Replaced", "new"),
    ]


def test_real_fifo_resync_skips_queued_keys_and_close_raises() -> None:
    known = new_indexer({})
    known.add(pod("a"))
    known.add(pod("b"))
    f = RealFIFO(known_objects=known)
    f.update(pod("a", rv="2"))
    f.resync()
    c = Collect()
    while len(f):
        f.pop(c)
    assert [(ds[0].type, name_of(ds[0].object)) for ds, _ in c.calls] == [("Updated", "a"), ("Sync", "b")]
    assert f.pop(c, timeout=0.01) is None
    f.close()
    with pytest.raises(FIFOClosedError):
        f.pop(c)


def test_real_fifo_pop_batch_takes_distinct_objects_in_order() -> None:
    f = RealFIFO(known_objects=new_indexer({}))
    for name in ("a", "b", "c"):
        f.add(pod(name))
    f.update(pod("b", rv="2"))  # a second delta of b closes the first batch
    f.delete(pod("d"))
    f.replace([pod("e")], "5")  # a ReplacedAll goes alone
    f.add(pod("f"))
    c = Collect()
    while len(f):
        f.pop_batch(c)
    assert c.types() == [["Added"] * 3, ["Updated", "Deleted"], ["ReplacedAll"], ["Added"]]
    assert [name_of(d.object) for d in c.calls[0][0] + c.calls[1][0] + c.calls[3][0]] == ["a", "b", "c", "b", "d", "f"]
    assert f.pop_batch(c, timeout=0.01) is None
    f.close()
    with pytest.raises(FIFOClosedError):
        f.pop_batch(c)


def test_real_fifo_pop_batch_stops_at_the_end_of_the_initial_population_and_its_size() -> None:
    known = new_indexer({})
    f = RealFIFO(known_objects=known, atomic_events=False)
    f.replace([pod(f"p{i}") for i in range(5)], "3")
    f.add(pod("late"))
    c = Collect()
    f.pop_batch(c, batch_size=3)
    assert not f.has_synced()
    f.pop_batch(c)
    assert f.has_synced()
    f.pop_batch(c)
    assert [(len(ds), initial) for ds, initial in c.calls] == [(3, True), (2, True), (1, False)]
