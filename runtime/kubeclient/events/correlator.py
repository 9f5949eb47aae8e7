"""The pure half of event recording (client-go `tools/record/events_cache.go` and `tools/events` series): building
Events, the spam filter, the aggregator, the counting logger and the series cache. No I/O, a clock passed in.

Legacy core/v1 Events go through `EventCorrelator.correlate(event)`, as client-go's EventCorrelator:
1. aggregate: events alike but for their message (same source, object, type, reason) are grouped; from the
   `max_events`-th distinct message within `max_interval` seconds on, the group is written as one event whose
   message is "(combined from similar events): <latest message>";
2. count: an event equal to one seen before (same source, object, type, reason and message) becomes an update of
   that event — same name, `count` + 1, the original `firstTimestamp` — sent as a patch of count, lastTimestamp and
   message instead of a new object;
3. filter: a token bucket per source + object + type (`burst` 25, refilled at `qps` 1/300 s: one event per five
   minutes once the burst is spent) drops the rest. Counting happens before filtering, as in client-go, so a count
   written later includes the occurrences that were dropped.

events.k8s.io/v1 Events go through `SeriesCache.observe(event)`, as client-go's tools/events broadcaster: the first
occurrence of an isomorphic event (same type, action, reason, reporting controller and instance, regarding and
related objects) is created; the second turns it into a series (count 2, lastObservedTime) sent as a patch; later
ones only count locally and are written when the series is refreshed (`refresh_due`, every 30 minutes), finished
(`finished`, 6 minutes after its last observation) or flushed at shutdown.
"""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

__all__ = [
    "DEFAULT_AGGREGATE_INTERVAL",
    "DEFAULT_AGGREGATE_MAX_EVENTS",
    "DEFAULT_SPAM_BURST",
    "DEFAULT_SPAM_QPS",
    "MAX_LRU_CACHE_ENTRIES",
    "CorrelateResult",
    "EventCorrelator",
    "SeriesCache",
    "SeriesWrite",
    "SpamFilter",
    "TokenBucket",
    "event_name",
    "micro_time",
    "wire_time",
]

MAX_LRU_CACHE_ENTRIES = 4096
DEFAULT_AGGREGATE_MAX_EVENTS = 10
DEFAULT_AGGREGATE_INTERVAL = 600.0
DEFAULT_SPAM_BURST = 25
DEFAULT_SPAM_QPS = 1.0 / 300.0
SERIES_FINISH_AFTER = 6 * 60.0
SERIES_REFRESH_EVERY = 30 * 60.0

Clock = Callable[[], float]  # seconds since the epoch
K = TypeVar("K")
V = TypeVar("V")


def wire_time(t: float) -> str:
    """meta/v1 Time: RFC 3339, whole seconds."""
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_time(t: float) -> str:
    """meta/v1 MicroTime: RFC 3339 with microseconds."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_name(regarding_name: str, t: float) -> str:
    """`<object name>.<unix nanoseconds in hex>`, the name client-go gives an event."""
    return f"{regarding_name}.{int(t * 1e9):x}"


class _LRU(Generic[K, V]):
    """A bounded mapping that forgets the least recently used key (client-go's lru.Cache)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> list[tuple[K, V]]:
        return list(self._data.items())


class TokenBucket:
    """A passive token bucket (flowcontrol.NewTokenBucketPassiveRateLimiter): starts full with `burst` tokens,
    refills at `qps` per second up to `burst`; `try_accept()` takes one if there is one."""

    def __init__(self, qps: float, burst: int, clock: Clock) -> None:
        self.qps = qps
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.last = clock()

    def try_accept(self) -> bool:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + max(now - self.last, 0.0) * self.qps)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


def _ref(event: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = event.get(key)
    return value if isinstance(value, Mapping) else {}


def _source(event: Mapping[str, Any]) -> tuple[str, str]:
    src = _ref(event, "source")
    return str(src.get("component", "")), str(src.get("host", ""))


def _object_key(obj: Mapping[str, Any], *, field_path: bool) -> tuple[str, ...]:
    parts = [obj.get("kind", ""), obj.get("namespace", ""), obj.get("name", "")]
    if field_path:
        parts.append(obj.get("fieldPath", ""))
    parts += [obj.get("uid", ""), obj.get("apiVersion", "")]
    return tuple(str(p or "") for p in parts)


def spam_key(event: Mapping[str, Any]) -> tuple[str, ...]:
    """Source + involved object + type (client-go getSpamKey)."""
    return (*_source(event), *_object_key(_ref(event, "involvedObject"), field_path=False), str(event.get("type", "")))


def event_key(event: Mapping[str, Any]) -> tuple[str, ...]:
    """Everything that makes two legacy events the same event (client-go getEventKey)."""
    return (
        *_source(event),
        *_object_key(_ref(event, "involvedObject"), field_path=True),
        str(event.get("type", "")),
        str(event.get("reason", "")),
        str(event.get("message", "")),
    )


def aggregate_key(event: Mapping[str, Any]) -> tuple[tuple[str, ...], str]:
    """(the group, the member) of EventAggregatorByReasonFunc: alike but for the message."""
    group = (
        *_source(event),
        *_object_key(_ref(event, "involvedObject"), field_path=False),
        str(event.get("type", "")),
        str(event.get("reason", "")),
        str(event.get("reportingComponent", "")),
        str(event.get("reportingInstance", "")),
    )
    return group, str(event.get("message", ""))


class SpamFilter:
    """EventSourceObjectSpamFilter: one token bucket per spam key, in an LRU of `size` keys."""

    def __init__(
        self, *, burst: int = DEFAULT_SPAM_BURST, qps: float = DEFAULT_SPAM_QPS, clock: Clock = time.time,
        size: int = MAX_LRU_CACHE_ENTRIES, key: Callable[[Mapping[str, Any]], Any] = spam_key,
    ) -> None:  # fmt: skip
        self.burst, self.qps, self.clock, self.key = burst, qps, clock, key
        self._buckets: _LRU[Any, TokenBucket] = _LRU(size)

    def skip(self, event: Mapping[str, Any]) -> bool:
        """True when the event must be dropped (its bucket is empty)."""
        k = self.key(event)
        bucket = self._buckets.get(k)
        if bucket is None:
            bucket = TokenBucket(self.qps, self.burst, self.clock)
        self._buckets.put(k, bucket)
        return not bucket.try_accept()


@dataclass
class _Aggregate:
    members: set[str] = field(default_factory=set)
    last: float = 0.0


@dataclass
class _Observation:
    count: int
    first_timestamp: str
    name: str
    resource_version: str


@dataclass
class CorrelateResult:
    """What to write: `event` as a new object, or as `patch` (strategic merge) of the existing one; or nothing."""

    event: dict[str, Any] | None = None
    patch: dict[str, Any] | None = None
    skip: bool = False


class EventCorrelator:
    """client-go's EventCorrelator for core/v1 Events (see the module docstring)."""

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        burst: int = DEFAULT_SPAM_BURST,
        qps: float = DEFAULT_SPAM_QPS,
        max_events: int = DEFAULT_AGGREGATE_MAX_EVENTS,
        max_interval: float = DEFAULT_AGGREGATE_INTERVAL,
        cache_size: int = MAX_LRU_CACHE_ENTRIES,
    ) -> None:
        self.clock = clock
        self.max_events = max_events
        self.max_interval = max_interval
        self.spam = SpamFilter(burst=burst, qps=qps, clock=clock, size=cache_size)
        self._aggregates: _LRU[tuple[str, ...], _Aggregate] = _LRU(cache_size)
        self._observed: _LRU[tuple[str, ...], _Observation] = _LRU(cache_size)

    def _aggregate(self, event: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
        now = self.clock()
        group, member = aggregate_key(event)
        record = self._aggregates.get(group) or _Aggregate()
        if now - record.last > self.max_interval:
            record = _Aggregate()
        record.members.add(member)
        record.last = now
        self._aggregates.put(group, record)
        if len(record.members) < self.max_events:
            return event, event_key(event)
        record.members.pop()  # as client-go's PopAny: the group stays at the limit
        stamp = wire_time(now)
        involved = _ref(event, "involvedObject")
        combined = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": event_name(str(involved.get("name", "")), now), "namespace": _namespace(event)},
            "count": 1,
            "firstTimestamp": stamp,
            "lastTimestamp": stamp,
            "involvedObject": dict(involved),
            "message": f"(combined from similar events): {event.get('message', '')}",
            "type": event.get("type"),
            "reason": event.get("reason"),
            "source": dict(_ref(event, "source")),
            "reportingComponent": event.get("reportingComponent", ""),
            "reportingInstance": event.get("reportingInstance", ""),
        }
        return combined, group

    def correlate(self, event: Mapping[str, Any]) -> CorrelateResult:
        """Aggregate, count and filter one new event."""
        aggregated, key = self._aggregate(copy.deepcopy(dict(event)))
        last = self._observed.get(key)
        observed = aggregated
        patch = None
        if last is not None and last.count > 0:
            meta = observed.setdefault("metadata", {})
            meta["name"] = last.name
            if last.resource_version:
                meta["resourceVersion"] = last.resource_version
            observed["firstTimestamp"] = last.first_timestamp
            observed["count"] = last.count + 1
            # CreateTwoWayMergePatch from the event with count 0, lastTimestamp at the epoch and no message.
            patch = {"count": observed["count"], "lastTimestamp": observed.get("lastTimestamp")}
            if observed.get("message"):
                patch["message"] = observed["message"]
        self._observed.put(key, _Observation(
            int(observed.get("count") or 0), str(observed.get("firstTimestamp") or ""),
            str(observed.get("metadata", {}).get("name", "")),
            str(observed.get("metadata", {}).get("resourceVersion", "")),
        ))  # fmt: skip
        if self.spam.skip(observed):
            return CorrelateResult(skip=True)
        return CorrelateResult(observed, patch)

    def update_state(self, written: Mapping[str, Any]) -> None:
        """Remember what the server stored (name, resourceVersion, count) for the next update."""
        meta = written.get("metadata") or {}
        self._observed.put(event_key(written), _Observation(
            int(written.get("count") or 0), str(written.get("firstTimestamp") or ""),
            str(meta.get("name", "")), str(meta.get("resourceVersion", "")),
        ))  # fmt: skip

    def counts(self) -> dict[tuple[str, ...], int]:
        """The count seen so far of every event remembered (by event key)."""
        return {k: o.count for k, o in self._observed.items()}

    def observed_count(self, event: Mapping[str, Any]) -> int:
        """How many times this event (after aggregation) has been seen; 0 if unknown."""
        last = self._observed.get(event_key(event))
        return last.count if last is not None else 0


def _namespace(event: Mapping[str, Any]) -> str:
    return str((event.get("metadata") or {}).get("namespace") or "default")


# --- events.k8s.io/v1 series ----------------------------------------------------------------------------------


def isomorphic_key(event: Mapping[str, Any]) -> tuple[Any, ...]:
    def ref(key: str) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, str(v)) for k, v in _ref(event, key).items()))

    return (
        event.get("type"),
        event.get("action"),
        event.get("reason"),
        event.get("reportingController"),
        event.get("reportingInstance"),
        ref("regarding"),
        ref("related"),
    )


@dataclass
class SeriesWrite:
    """A write for the v1 broadcaster: create `event`, or patch it with `patch` (falling back to create)."""

    key: tuple[Any, ...]
    event: dict[str, Any]
    patch: dict[str, Any] | None = None


class SeriesCache:
    """client-go tools/events' isomorphic event cache (see the module docstring)."""

    def __init__(self, *, clock: Clock = time.time) -> None:
        self.clock = clock
        self.events: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.last_seen: dict[tuple[Any, ...], float] = {}

    def observe(self, event: Mapping[str, Any]) -> SeriesWrite | None:
        key = isomorphic_key(event)
        now = self.clock()
        self.last_seen[key] = now
        cached = self.events.get(key)
        if cached is None:
            self.events[key] = copy.deepcopy(dict(event))
            return SeriesWrite(key, copy.deepcopy(self.events[key]))
        series = cached.get("series")
        if series is not None:
            series["count"] += 1
            series["lastObservedTime"] = micro_time(now)
            return None  # written at the next refresh, finish or flush
        cached["series"] = {"count": 2, "lastObservedTime": micro_time(now)}
        return self._series_write(key)

    def _series_write(self, key: tuple[Any, ...]) -> SeriesWrite:
        event = copy.deepcopy(self.events[key])
        return SeriesWrite(key, event, {"series": event["series"]})

    def remember(self, key: tuple[Any, ...], written: Mapping[str, Any]) -> None:
        """Keep the server's copy (its resourceVersion) while the local series goes on."""
        if key in self.events:
            series = self.events[key].get("series")
            self.events[key] = copy.deepcopy(dict(written))
            if series is not None:
                self.events[key]["series"] = series

    def series_writes(self) -> list[SeriesWrite]:
        """A write for every cached series (the periodic refresh, and the flush at shutdown)."""
        return [self._series_write(k) for k, e in self.events.items() if e.get("series") is not None]

    def finished(self) -> list[SeriesWrite]:
        """Series last observed more than 6 minutes ago: written one last time and forgotten; lone events that old
        are forgotten too."""
        cutoff = self.clock() - SERIES_FINISH_AFTER
        out = []
        for key in [k for k, t in self.last_seen.items() if t < cutoff]:
            if self.events[key].get("series") is not None:
                out.append(self._series_write(key))
            del self.events[key], self.last_seen[key]
        return out
