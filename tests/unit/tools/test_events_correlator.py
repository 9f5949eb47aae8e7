"""The event correlator: spam filter limits and counts, as properties (hypothesis), plus the series cache."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kubeclient.events.correlator import (
    EventCorrelator,
    SeriesCache,
    SpamFilter,
    TokenBucket,
    event_key,
    spam_key,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def core_event(obj: str, reason: str, message: str, event_type: str = "Normal") -> dict[str, Any]:
    return {
        "metadata": {"name": f"{obj}.1", "namespace": "ns"},
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": obj, "uid": f"uid-{obj}", "apiVersion": "v1"},
        "reason": reason,
        "message": message,
        "type": event_type,
        "count": 1,
        "firstTimestamp": "2026-01-01T00:00:00Z",
        "lastTimestamp": "2026-01-01T00:00:00Z",
        "source": {"component": "test", "host": "h"},
    }


steps = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),  # object
        st.sampled_from(["Started", "Failed"]),  # reason
        st.sampled_from([f"message {i}" for i in range(14)]),  # message
        st.sampled_from(["Normal", "Warning"]),
        st.floats(0, 120),  # seconds before the event
    ),
    max_size=150,
)


@settings(max_examples=150, deadline=None)
@given(steps, st.integers(1, 30), st.floats(0.001, 1.0))
def test_spam_filter_never_lets_more_than_burst_plus_refill_per_key(
    events: list[tuple[str, str, str, str, float]], burst: int, qps: float
) -> None:
    clock = Clock()
    spam = SpamFilter(burst=burst, qps=qps, clock=clock)
    accepted: dict[tuple[str, ...], list[float]] = {}
    for obj, reason, message, event_type, dt in events:
        clock.now += dt
        event = core_event(obj, reason, message, event_type)
        if not spam.skip(event):
            accepted.setdefault(spam_key(event), []).append(clock.now)
    for times in accepted.values():
        # In every window [t_i, t_j] of a key: at most burst + qps * (t_j - t_i) events got through.
        for i in range(len(times)):
            for j in range(i, len(times)):
                assert j - i + 1 <= burst + qps * (times[j] - times[i]) + 1e-6


@settings(max_examples=150, deadline=None)
@given(steps, st.integers(2, 12))
def test_correlator_counts_add_up(events: list[tuple[str, str, str, str, float]], max_events: int) -> None:
    clock = Clock()
    correlator = EventCorrelator(clock=clock, max_events=max_events, burst=5, qps=0.01)
    written: dict[tuple[str, ...], list[int]] = {}
    for obj, reason, message, event_type, dt in events:
        clock.now += dt
        result = correlator.correlate(core_event(obj, reason, message, event_type))
        if not result.skip:
            assert result.event is not None
            counts = written.setdefault(event_key(result.event), [])
            counts.append(result.event["count"])
            # An update names the first event and patches only count, lastTimestamp and message.
            if result.event["count"] > 1:
                assert result.patch is not None and set(result.patch) <= {"count", "lastTimestamp", "message"}
            else:
                assert result.patch is None
    # Every event counted exactly once, in one key (its own, or its aggregate's), spam-filtered ones included.
    assert sum(correlator.counts().values()) == len(events)
    for counts in written.values():
        assert counts == sorted(counts) and len(set(counts)) == len(counts)  # counts only grow


def test_aggregation_combines_the_tenth_distinct_message() -> None:
    clock = Clock()
    correlator = EventCorrelator(clock=clock)
    results = [correlator.correlate(core_event("a", "Failed", f"m{i}")) for i in range(12)]
    messages = [r.event["message"] for r in results if r.event is not None]
    assert messages[:9] == [f"m{i}" for i in range(9)]
    assert messages[9:] == [f"(combined from similar events): m{i}" for i in (9, 10, 11)]
    assert [r.event["count"] for r in results[9:] if r.event] == [1, 2, 3]
    clock.now += 601  # a quiet interval starts the group anew
    assert correlator.correlate(core_event("a", "Failed", "m0"))
    assert correlator.correlate(core_event("a", "Failed", "m99")).event["message"] == "m99"  # type: ignore[index]


def test_spam_filter_defaults_are_client_gos() -> None:
    clock = Clock()
    correlator = EventCorrelator(clock=clock)
    same = [correlator.correlate(core_event("a", "Failed", "same")) for _ in range(30)]
    assert [r.skip for r in same] == [False] * 25 + [True] * 5
    assert Counter(correlator.counts().values()) == Counter({30: 1})  # the dropped ones are counted
    clock.now += 300  # one more token after five minutes
    assert not correlator.correlate(core_event("a", "Failed", "same")).skip
    assert correlator.correlate(core_event("a", "Failed", "same")).skip


def test_token_bucket_refills_up_to_burst() -> None:
    clock = Clock()
    bucket = TokenBucket(1.0, 2, clock)
    assert [bucket.try_accept() for _ in range(3)] == [True, True, False]
    clock.now += 10
    assert [bucket.try_accept() for _ in range(3)] == [True, True, False]


def test_series_cache_like_client_go() -> None:
    clock = Clock()
    cache = SeriesCache(clock=clock)
    event = {
        "type": "Normal",
        "action": "Sync",
        "reason": "Synced",
        "reportingController": "c",
        "reportingInstance": "i",
        "regarding": {"kind": "Pod", "name": "p"},
        "metadata": {"name": "p.1"},
    }
    first = cache.observe(event)
    assert first is not None and first.patch is None
    clock.now += 1
    second = cache.observe(event)
    assert second is not None and second.patch == {
        "series": {"count": 2, "lastObservedTime": second.patch["series"]["lastObservedTime"]}
    }
    assert cache.observe(event) is None and cache.observe(event) is None  # counted locally
    flushed = cache.series_writes()
    assert [w.event["series"]["count"] for w in flushed] == [4]
    clock.now += 6 * 60 + 1
    assert [w.event["series"]["count"] for w in cache.finished()] == [4]
    assert cache.events == {}
    other = dict(event, reason="Other")
    assert cache.observe(other) is not None and cache.observe(event) is not None  # a new first occurrence
