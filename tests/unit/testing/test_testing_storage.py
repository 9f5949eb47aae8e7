"""Storage of the fake server: resourceVersions, snapshots at past versions, compaction, watch fan-out."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.testing.objects import decode_continue, encode_continue
from kubeclient.testing.status import APIStatus
from kubeclient.testing.storage import Event, Store, TooOld

KEY = ("", "configmaps")


def obj(name: str, value: int, namespace: str = "ns") -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": namespace}, "data": {"v": str(value)}}


class Recorder:
    def __init__(self) -> None:
        self.key = KEY
        self.events: list[Event] = []

    def offer(self, event: Event) -> None:
        self.events.append(event)


OPS = st.lists(st.tuples(st.sampled_from(["put", "delete"]), st.sampled_from("abcd"), st.integers(0, 9)), max_size=30)


@given(OPS)
def test_snapshot_at_every_past_version_equals_the_state_then(ops: list[tuple[str, str, int]]) -> None:
    store = Store()
    states: dict[int, dict[str, str]] = {store.rv: {}}
    current: dict[str, str] = {}
    for op, name, value in ops:
        if op == "put":
            store.commit(KEY, obj(name, value))
            current[name] = str(value)
        elif store.remove(KEY, obj(name, 0)) is not None:
            del current[name]
        states[store.rv] = dict(current)
    for rv, expected in states.items():
        items, at = store.snapshot(KEY, None, rv)
        assert at == rv
        assert {o["metadata"]["name"]: o["data"]["v"] for o in items} == expected
    names = [o["metadata"]["name"] for o in store.snapshot(KEY, None)[0]]
    assert names == sorted(names)


def test_resource_versions_increase_and_deletes_take_one() -> None:
    store = Store()
    a = store.commit(KEY, obj("a", 1))
    b = store.commit(("apps", "deployments"), obj("b", 1))
    final = store.remove(KEY, a)
    assert final is not None
    assert int(a["metadata"]["resourceVersion"]) < int(b["metadata"]["resourceVersion"])
    assert int(final["metadata"]["resourceVersion"]) == store.rv
    assert store.remove(KEY, a) is None


def test_compaction_makes_old_versions_too_old() -> None:
    store = Store()
    first = int(store.commit(KEY, obj("a", 1))["metadata"]["resourceVersion"])
    store.commit(KEY, obj("a", 2))
    assert store.compact() == store.rv
    with pytest.raises(TooOld) as err:
        store.snapshot(KEY, None, first)
    assert str(err.value) == f"too old resource version: {first} ({store.rv})"
    with pytest.raises(TooOld):
        store.subscribe(Recorder(), first)
    assert store.subscribe(Recorder(), store.rv)[0] == []


def test_history_limit_compacts_automatically() -> None:
    store = Store(history_limit=3)
    for i in range(5):
        store.commit(KEY, obj("a", i))
    assert store.compacted == store.rv - 3
    with pytest.raises(TooOld):
        store.snapshot(KEY, None, store.compacted - 1)


def test_subscribers_get_backlog_then_live_events_of_their_resource() -> None:
    store = Store()
    start = store.rv
    store.commit(KEY, obj("a", 1))
    sub = Recorder()
    backlog, _ = store.subscribe(sub, start)
    assert [e.type for e in backlog] == ["ADDED"]
    live = store.snapshot(KEY, "ns")[0][0]
    store.commit(KEY, {**live, "data": {"v": "2"}})
    store.commit(("apps", "deployments"), obj("d", 1))
    store.remove(KEY, live)
    assert [e.type for e in sub.events] == ["MODIFIED", "DELETED"]
    assert sub.events[0].prev is live
    store.unsubscribe(sub)
    store.commit(KEY, obj("b", 1))
    assert len(sub.events) == 2


@given(st.integers(0, 2**40), st.text(min_size=0, max_size=40))
def test_continue_tokens_round_trip(rv: int, start: str) -> None:
    assert decode_continue(encode_continue(rv, start.replace("\x00", ""))) == (rv, start.replace("\x00", ""))


def test_bad_continue_token_is_400() -> None:
    with pytest.raises(APIStatus) as err:
        decode_continue("not-a-token")
    assert err.value.code == 400
