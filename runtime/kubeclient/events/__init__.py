"""Events: client-go `tools/events` (events.k8s.io/v1) and `tools/record` (core/v1) — broadcasters writing on a
background thread or task, recorders that never block, and the correlator (aggregation, counting, spam filter).
See `kubeclient.events.broadcaster` and `kubeclient.events.correlator`; `get_reference` is `tools/reference`."""

from kubeclient.events.broadcaster import (
    AsyncEventBroadcaster,
    AsyncLegacyEventBroadcaster,
    EventBroadcaster,
    EventRecorder,
    LegacyEventBroadcaster,
    LegacyEventRecorder,
)
from kubeclient.events.correlator import CorrelateResult, EventCorrelator, SeriesCache, SpamFilter, TokenBucket
from kubeclient.ownership import get_reference

__all__ = [
    "AsyncEventBroadcaster",
    "AsyncLegacyEventBroadcaster",
    "CorrelateResult",
    "EventBroadcaster",
    "EventCorrelator",
    "EventRecorder",
    "LegacyEventBroadcaster",
    "LegacyEventRecorder",
    "SeriesCache",
    "SpamFilter",
    "TokenBucket",
    "get_reference",
]
