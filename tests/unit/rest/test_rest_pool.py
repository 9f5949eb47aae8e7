"""kubeclient.rest.pool: httpcore's connection assignment made safe under many threads.

The race it fixes (a connection handed to a request closed by another thread's pass before the request sends on
it) cannot be produced on demand through requests, so the assignment pass is driven directly, with connections
that only have the state the pass reads. A threaded run through a real transport shows the swapped pool at work.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import httpcore
import httpx
import pytest

from kubeclient.config import Config
from kubeclient.rest import pool
from kubeclient.rest.transport import client_kwargs
from kubeclient.testing import FakeAPIServer

ORIGIN = httpcore.URL("https://api.example:6443/").origin
HTTP11 = httpcore.HTTP11Connection


@dataclasses.dataclass(eq=False)
class Connection:
    """What the assignment pass asks of a connection; `state` as httpcore names them."""

    state: str = "IDLE"
    expired: bool = False
    http2: bool = False
    origin: Any = dataclasses.field(default_factory=lambda: ORIGIN)
    # httpcore's HTTPConnection holds its protocol's connection once connected (None before): HTTP/1.1 here
    _connection: Any = dataclasses.field(default_factory=lambda: httpcore.HTTP11Connection.__new__(HTTP11))

    def can_handle_request(self, origin: Any) -> bool:
        return bool(origin == self.origin)

    def is_available(self) -> bool:
        return self.state == "IDLE" or (self.http2 and self.state == "ACTIVE")

    def is_idle(self) -> bool:
        return self.state == "IDLE"

    def is_closed(self) -> bool:
        return self.state == "CLOSED"

    def has_expired(self) -> bool:
        return self.expired


def request() -> Any:
    return httpcore._sync.connection_pool.PoolRequest(httpcore.Request("GET", "https://api.example:6443/api"))


def make_pool(*, max_connections: int = 10, keepalive: int = 10) -> Any:
    made = httpcore.ConnectionPool(max_connections=max_connections, max_keepalive_connections=keepalive)
    assert pool.install(made)
    made.create_connection = lambda origin: Connection(state="NEW", origin=origin, _connection=None)
    return made


def assign(p: Any, connections: list[Connection], requests: list[Any]) -> list[Any]:
    p._connections = list(connections)
    p._requests = list(requests)
    return list(p._assign_requests_to_connections())


def test_a_connection_handed_to_a_request_is_not_closed_as_surplus_or_expired() -> None:
    p = make_pool(keepalive=1)
    handed, expired_but_handed, spare = Connection(), Connection(expired=True), Connection()
    waiting, other = request(), request()
    waiting.assign_to_connection(handed)  # assigned, not yet sent on: still IDLE
    other.assign_to_connection(expired_but_handed)
    closing = assign(p, [handed, expired_but_handed, spare], [waiting, other])
    assert closing == []  # one idle connection no request holds: within keep-alive 1
    assert p._connections == [handed, expired_but_handed, spare]


def test_a_connection_handed_to_a_request_is_not_given_to_another() -> None:
    p = make_pool()
    handed = Connection()
    first, second = request(), request()
    first.assign_to_connection(handed)
    assign(p, [handed], [first, second])
    assert second.connection is not handed
    assert second.connection.state == "NEW"  # a connection of its own


def test_queued_requests_in_one_pass_get_distinct_connections() -> None:
    p = make_pool()
    idle = [Connection(), Connection()]
    queued = [request() for _ in range(3)]
    assign(p, idle, queued)
    given = [r.connection for r in queued]
    assert given[:2] == idle and given[2].state == "NEW"


def test_a_full_pool_makes_room_only_by_closing_a_connection_nobody_holds() -> None:
    p = make_pool(max_connections=2)
    handed, busy = Connection(), Connection(state="ACTIVE")
    holder, sender, queued = request(), request(), request()
    holder.assign_to_connection(handed)
    sender.assign_to_connection(busy)
    closing = assign(p, [handed, busy], [holder, sender, queued])
    assert closing == [] and queued.connection is None  # it waits, nothing it needs is closed

    spare = Connection()
    closing = assign(p, [handed, spare], [holder, queued])
    assert queued.connection is spare  # an idle connection nobody holds is simply reused


def test_only_idle_connections_count_against_keep_alive() -> None:
    p = make_pool(max_connections=100, keepalive=2)
    active = [Connection(state="ACTIVE") for _ in range(30)]
    idle = [Connection() for _ in range(3)]
    senders = [request() for _ in active]
    for sender, connection in zip(senders, active, strict=True):
        sender.assign_to_connection(connection)
    closing = assign(p, active + idle, senders)
    assert closing == idle[:1]  # the oldest surplus idle one; httpcore 1.0.9 counted all 33 and closed all 3


def test_expired_and_closed_connections_leave_the_pool() -> None:
    p = make_pool()
    expired, closed, fine = Connection(expired=True), Connection(state="CLOSED"), Connection()
    closing = assign(p, [expired, closed, fine], [])
    assert closing == [expired]
    assert p._connections == [fine]


def test_an_http2_connection_takes_several_requests() -> None:
    p = make_pool()
    shared = Connection(state="ACTIVE", http2=True)
    shared._connection = httpcore.HTTP2Connection.__new__(httpcore.HTTP2Connection)
    queued = [request() for _ in range(3)]
    assign(p, [shared], queued)
    assert all(r.connection is shared for r in queued)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_the_transports_we_build_get_the_safe_pool(asynchronous: bool) -> None:
    kwargs = client_kwargs(Config("https://127.0.0.1:1"), asynchronous=asynchronous)  # nothing is connected
    built = kwargs["transport"]._pool
    assert type(built).__mro__[1] is pool._SafeAssignment
    assert isinstance(built, httpcore.AsyncConnectionPool if asynchronous else httpcore.ConnectionPool)
    assert pool.install(built)  # idempotent
    assert not pool.install(object())


def test_many_threads_on_one_client_see_no_transport_errors(kube_fake: FakeAPIServer) -> None:
    """40 threads on a pool that keeps 2 idle connections: connections are handed over and closed all the time."""
    cfg = dataclasses.replace(kube_fake.config(), qps=1e6, burst=1_000_000)
    kwargs = client_kwargs(cfg)
    kwargs["transport"]._pool._max_keepalive_connections = 2
    errors: list[str] = []
    with httpx.Client(**kwargs) as client:

        def work() -> None:
            for _ in range(25):
                try:
                    client.get("/api/v1/namespaces/default/configmaps").raise_for_status()
                except Exception as exc:  # collected: the assertion names them
                    errors.append(repr(exc))

        threads = [threading.Thread(target=work) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
