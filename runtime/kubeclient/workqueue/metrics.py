"""Metrics hooks for the workqueue, after client-go's util/workqueue/metrics.go.

A `MetricsProvider` (e.g. a Prometheus adapter) makes one metric of each kind per queue name. A queue records
metrics only when it has a non-empty name and a provider; otherwise every hook is a no-op, so an unnamed queue
pays nothing. Times are seconds read from the queue's clock:

- depth: items waiting to be handed out (inc on add, dec on get);
- adds: items added (an add of an item already waiting is not counted);
- latency: seconds between an item's add and its get;
- work duration: seconds between an item's get and its done;
- unfinished work seconds / longest running processor seconds: set periodically from the items being processed;
- retries: calls to add_after (every rate-limited re-add goes through it).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Protocol

from kubeclient.workqueue.clock import Clock

__all__ = [
    "CounterMetric",
    "GaugeMetric",
    "HistogramMetric",
    "MetricsProvider",
    "NoopMetricsProvider",
    "QueueMetrics",
    "RetryMetrics",
    "SettableGaugeMetric",
]


class GaugeMetric(Protocol):
    """A value that goes up and down by one."""

    def inc(self) -> None: ...

    def dec(self) -> None: ...


class SettableGaugeMetric(Protocol):
    """A value that is set outright."""

    def set(self, value: float) -> None: ...


class CounterMetric(Protocol):
    """A value that only goes up."""

    def inc(self) -> None: ...


class HistogramMetric(Protocol):
    """Records observations (seconds)."""

    def observe(self, value: float) -> None: ...


class MetricsProvider(Protocol):
    """Makes the metrics of one queue; `name` is the queue's name."""

    def new_depth_metric(self, name: str) -> GaugeMetric: ...

    def new_adds_metric(self, name: str) -> CounterMetric: ...

    def new_latency_metric(self, name: str) -> HistogramMetric: ...

    def new_work_duration_metric(self, name: str) -> HistogramMetric: ...

    def new_unfinished_work_seconds_metric(self, name: str) -> SettableGaugeMetric: ...

    def new_longest_running_processor_seconds_metric(self, name: str) -> SettableGaugeMetric: ...

    def new_retries_metric(self, name: str) -> CounterMetric: ...


class _NoopMetric:
    def inc(self) -> None:
        pass

    def dec(self) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, value: float) -> None:
        pass


_NOOP = _NoopMetric()


class NoopMetricsProvider:
    """The default provider: every metric ignores what it is told."""

    def new_depth_metric(self, name: str) -> GaugeMetric:
        return _NOOP

    def new_adds_metric(self, name: str) -> CounterMetric:
        return _NOOP

    def new_latency_metric(self, name: str) -> HistogramMetric:
        return _NOOP

    def new_work_duration_metric(self, name: str) -> HistogramMetric:
        return _NOOP

    def new_unfinished_work_seconds_metric(self, name: str) -> SettableGaugeMetric:
        return _NOOP

    def new_longest_running_processor_seconds_metric(self, name: str) -> SettableGaugeMetric:
        return _NOOP

    def new_retries_metric(self, name: str) -> CounterMetric:
        return _NOOP


class QueueMetrics:
    """The per-queue bookkeeping behind the hooks. Not thread-safe: the queue calls it under its own lock."""

    def __init__(self, provider: MetricsProvider, name: str, clock: Clock) -> None:
        self._clock = clock
        self._depth = provider.new_depth_metric(name)
        self._adds = provider.new_adds_metric(name)
        self._latency = provider.new_latency_metric(name)
        self._work_duration = provider.new_work_duration_metric(name)
        self._unfinished = provider.new_unfinished_work_seconds_metric(name)
        self._longest = provider.new_longest_running_processor_seconds_metric(name)
        self._add_times: dict[Hashable, float] = {}
        self._processing_start_times: dict[Hashable, float] = {}

    @classmethod
    def create(cls, provider: MetricsProvider | None, name: str, clock: Clock) -> QueueMetrics | None:
        """The metrics of a queue, or None when it records none (no name, or no real provider)."""
        if not name or provider is None or isinstance(provider, NoopMetricsProvider):
            return None
        return cls(provider, name, clock)

    def add(self, item: Hashable) -> None:
        self._adds.inc()
        self._depth.inc()
        # An item re-added while being processed keeps the time of its first add (it waits since then).
        self._add_times.setdefault(item, self._clock.now())

    def get(self, item: Hashable) -> None:
        now = self._clock.now()
        self._depth.dec()
        self._processing_start_times[item] = now
        started = self._add_times.pop(item, None)
        if started is not None:
            self._latency.observe(now - started)

    def done(self, item: Hashable) -> None:
        started = self._processing_start_times.pop(item, None)
        if started is not None:
            self._work_duration.observe(self._clock.now() - started)

    def update_unfinished_work(self) -> None:
        now = self._clock.now()
        total = 0.0
        oldest = 0.0
        for started in self._processing_start_times.values():
            age = now - started
            total += age
            oldest = max(oldest, age)
        self._unfinished.set(total)
        self._longest.set(oldest)


class RetryMetrics:
    """Counts add_after calls of a named delaying queue; a no-op for unnamed ones."""

    def __init__(self, provider: MetricsProvider | None, name: str) -> None:
        self._retries: CounterMetric | None = None
        if name and provider is not None and not isinstance(provider, NoopMetricsProvider):
            self._retries = provider.new_retries_metric(name)

    def retry(self) -> None:
        if self._retries is not None:
            self._retries.inc()
