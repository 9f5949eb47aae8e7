"""Fault injection for reliability tests: `server.faults`.

    server.faults.close_watches()                 # end every open watch now (clients see a clean close)
    server.faults.stall_watches()                 # open watches go silent but stay open (a half-open peer)
    server.faults.fail_next(3, status=429, retry_after=1, match=lambda r: r.verb == "list")
    server.faults.fail_next(1, status=500)        # 500 InternalError (also 503 ServiceUnavailable)
    server.faults.add_latency(0.2, match=...)     # delay matching requests
    server.faults.compact()                       # forget history: older resourceVersions → 410 Expired
    server.faults.restart()                       # stop and start on the same port; storage is kept

Predicates receive a `FaultRequest` (method, path, query, verb, watch).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubeclient.testing.status import APIStatus

if TYPE_CHECKING:
    from kubeclient.testing.server import FakeAPIServer


@dataclass(frozen=True)
class FaultRequest:
    """What a fault predicate sees of a request. `verb` is the Kubernetes verb (get, list, watch, create, ...)."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    verb: str = ""

    @property
    def watch(self) -> bool:
        return self.verb == "watch"


Predicate = Callable[[FaultRequest], bool]


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int | None
    match: Predicate | None


@dataclass
class _Latency:
    seconds: float
    match: Predicate | None


def _status_for(code: int, retry_after: int | None) -> APIStatus:
    details: dict[str, object] = {}
    if retry_after is not None:
        details["retryAfterSeconds"] = retry_after
    if code == 429:
        return APIStatus(
            429, "TooManyRequests", "Too many requests, please try again later.", details, retry_after=retry_after
        )
    if code == 503:
        return APIStatus(503, "ServiceUnavailable", "service unavailable", details, retry_after=retry_after)
    details["causes"] = [{"message": "injected fault"}]
    return APIStatus(code, "InternalError", "Internal error occurred: injected fault", details, retry_after=retry_after)


AUTO = -1  # fail_next's default Retry-After: decided by the status


class Faults:
    """The fault controls of one `FakeAPIServer`; safe to call from any thread."""

    def __init__(self, server: FakeAPIServer) -> None:
        self._server = server
        self._lock = threading.Lock()
        self._failures: list[_Failure] = []
        self._latencies: list[_Latency] = []

    def close_watches(self) -> int:
        """End every open watch stream cleanly; returns how many were closed."""
        return self._server.close_watches()

    def stall_watches(self) -> int:
        """Stop sending on every open watch while keeping its connection open; returns how many were stalled."""
        return self._server.stall_watches()

    def fail_next(
        self, count: int, *, status: int = 429, retry_after: int | None = AUTO, match: Predicate | None = None
    ) -> None:
        """Answer the next `count` requests matching `match` (all when None) with `status` (429, 500, 503, ...).

        `retry_after` is the Retry-After header in seconds; by default 1 for 429 and 503 (as the apiserver's
        priority-and-fairness answers carry it) and none for other statuses, which clients then do not retry.
        """
        if retry_after == AUTO:
            retry_after = 1 if status in (429, 503) else None
        with self._lock:
            self._failures.append(_Failure(count, status, retry_after, match))

    def add_latency(self, seconds: float, *, match: Predicate | None = None) -> None:
        """Delay matching requests by `seconds` before they are served (until `clear()`)."""
        with self._lock:
            self._latencies.append(_Latency(seconds, match))

    def compact(self, upto: int | None = None) -> int:
        """Forget the event history up to `upto` (default: now); returns the compacted resourceVersion."""
        return self._server.store.compact(upto)

    def restart(self) -> None:
        """Drop every connection, stop listening and listen again on the same port; stored objects survive."""
        self._server.restart()

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()
            self._latencies.clear()

    # used by the server

    def check(self, request: FaultRequest) -> tuple[float, APIStatus | None]:
        """(delay, failure) for one request; consumes one use of the first matching failure."""
        with self._lock:
            delay = sum(lat.seconds for lat in self._latencies if lat.match is None or lat.match(request))
            for failure in self._failures:
                if failure.remaining > 0 and (failure.match is None or failure.match(request)):
                    failure.remaining -= 1
                    self._failures = [f for f in self._failures if f.remaining > 0]
                    return delay, _status_for(failure.status, failure.retry_after)
        return delay, None
