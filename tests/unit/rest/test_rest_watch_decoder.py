"""The incremental watch decoder: any split of the byte stream gives the same events (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.errors import ExpiredError
from kubeclient.watch import WatchDecodeError, WatchDecoder, raise_for_error

names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
events = st.lists(
    st.tuples(st.sampled_from(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]), names), min_size=0, max_size=12
)


def encode(items: list[tuple[str, str]]) -> bytes:
    return b"".join(json.dumps({"type": t, "object": {"metadata": {"name": n}}}).encode() + b"\n" for t, n in items)


@given(events, st.lists(st.integers(min_value=0, max_value=10_000), max_size=20))
def test_any_chunking_gives_the_same_events(items: list[tuple[str, str]], cuts: list[int]) -> None:
    data = encode(items)
    points = sorted({c % (len(data) + 1) for c in cuts})
    decoder: WatchDecoder[dict[str, object]] = WatchDecoder()
    out = []
    start = 0
    for point in [*points, len(data)]:
        out += decoder.feed(data[start:point])
        start = point
    out += decoder.flush()
    assert [(e.type, e.object["metadata"]["name"]) for e in out] == items  # type: ignore[index]


def test_last_event_without_newline_comes_out_on_flush() -> None:
    decoder: WatchDecoder[dict[str, object]] = WatchDecoder()
    assert decoder.feed(b'{"type":"ADDED","object":{}}') == []
    assert decoder.pending > 0
    assert [e.type for e in decoder.flush()] == ["ADDED"]


def test_error_event_raises_typed_status() -> None:
    decoder: WatchDecoder[dict[str, object]] = WatchDecoder()
    (event,) = decoder.feed(
        b'{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",'
        b'"message":"too old resource version: 1 (5)","reason":"Expired","code":410}}\n'
    )
    with pytest.raises(ExpiredError, match="too old resource version"):
        raise_for_error(event)


@pytest.mark.parametrize("frame", [b"{not json}\n", b'{"type":"NOPE","object":{}}\n', b"[1,2]\n"])
def test_bad_frames_are_named(frame: bytes) -> None:
    with pytest.raises(WatchDecodeError):
        WatchDecoder().feed(frame)


def test_real_watch_stream_fixture(shared_fixtures) -> None:  # type: ignore[no-untyped-def]
    for name in ("watch-stream.jsonl", "watchlist-initial-events.jsonl"):
        data = (shared_fixtures / "wire" / name).read_bytes()
        decoder: WatchDecoder[dict[str, object]] = WatchDecoder()
        got = decoder.feed(data) + decoder.flush()
        assert len(got) == sum(1 for line in data.splitlines() if line.strip())
        assert {e.type for e in got} <= {"ADDED", "MODIFIED", "DELETED", "BOOKMARK"}
