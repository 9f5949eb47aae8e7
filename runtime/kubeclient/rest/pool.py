"""Connection assignment for httpcore's pools that is safe under many threads (and tasks).

httpcore 1.0.9's `_assign_requests_to_connections`, which runs on every request and every closed response, has
three faults that a controller with a few dozen threads on one client meets within seconds:

- It closes connections it has just handed to a request. An idle connection assigned to a queued request stays
  IDLE until that request's thread wakes up and sends on it; a pass run by another thread meanwhile sees an idle
  connection and closes it, as surplus keep-alive, as expired, or to make room. The request then sends on a closed
  socket. Its file descriptor number may already belong to a new connection, so the failures are strange: a TLS
  handshake reading another connection's bytes ("wrong version number"), "Bad file descriptor", or a handshake
  that waits for its connect timeout (encode/httpcore#1110, still open).
- It counts every connection, not the idle ones, against `max_keepalive_connections`, so with more requests in
  flight than that limit every idle connection is closed at once, and the next requests open new TLS connections.
- It is quadratic in the connections (the keep-alive count is rebuilt for each one).

`install(pool)` swaps in the assignment below: a connection referenced by a request of the pool is never closed,
and an HTTP/1.1 one is never given to a second request; idle connections are counted as idle; one pass over the
connections and the queued requests. Requests still take connections in the order they came. The pool classes are
swapped for subclasses (same state, one method more), so a pool httpx built keeps everything httpx gave it. An
httpcore without the expected layout is left alone.
"""

from __future__ import annotations

from typing import Any

import httpcore

__all__ = ["install"]

_POOL_ATTRIBUTES = ("_requests", "_connections", "_max_connections", "_max_keepalive_connections")


class _SafeAssignment:
    """The replacement of `_assign_requests_to_connections`, mixed in before the pool's own class."""

    _requests: list[Any]
    _connections: list[Any]
    _max_connections: int
    _max_keepalive_connections: int
    create_connection: Any  # the pool class this is mixed into has it

    def _assign_requests_to_connections(self) -> list[Any]:
        """Hand queued requests their connections; return the connections to close (closed outside the lock)."""
        closing: list[Any] = []
        spoken_for = {id(request.connection) for request in self._requests if request.connection is not None}
        kept: list[Any] = []
        for connection in self._connections:
            if connection.is_closed():
                continue
            # has_expired also polls an idle socket for the server having hung up: only for connections that no
            # request holds.
            if id(connection) not in spoken_for and connection.is_idle() and connection.has_expired():
                closing.append(connection)
                continue
            kept.append(connection)

        for request in self._requests:
            if request.connection is not None:
                continue
            origin = request.request.url.origin
            chosen = None
            for connection in kept:
                if (
                    connection.can_handle_request(origin)
                    and connection.is_available()
                    and (id(connection) not in spoken_for or _multiplexed(connection))
                ):
                    chosen = connection
                    break
            if chosen is None:
                if len(kept) >= self._max_connections:
                    victim = next((c for c in kept if c.is_idle() and id(c) not in spoken_for), None)
                    if victim is None:
                        continue  # it waits for a connection to be released
                    kept.remove(victim)
                    closing.append(victim)
                chosen = self.create_connection(origin)
                kept.append(chosen)
            request.assign_to_connection(chosen)
            spoken_for.add(id(chosen))

        idle = [connection for connection in kept if connection.is_idle() and id(connection) not in spoken_for]
        surplus = len(idle) - self._max_keepalive_connections
        if surplus > 0:
            for connection in idle[:surplus]:  # the oldest first, as the pool keeps them in the order made
                kept.remove(connection)
                closing.append(connection)
        self._connections = kept
        return closing


def _multiplexed(connection: Any) -> bool:
    """Whether the connection can take another request while one is assigned to it: HTTP/2, or one not yet
    connected that may become HTTP/2 (it says so by being available before it has a protocol)."""
    inner = getattr(connection, "_connection", None)
    if inner is None:
        return bool(connection.is_available())
    return isinstance(inner, httpcore.HTTP2Connection | httpcore.AsyncHTTP2Connection)


_SAFE_CLASSES: dict[type, type] = {}


def install(pool: Any) -> bool:
    """Give `pool` (an httpcore ConnectionPool or AsyncConnectionPool, or a proxy pool built on them) the safe
    assignment; False when it is not one, or its httpcore is laid out differently."""
    base = type(pool)
    if base in _SAFE_CLASSES.values():
        return True
    if not issubclass(base, httpcore.ConnectionPool | httpcore.AsyncConnectionPool):
        return False
    if not all(hasattr(pool, name) for name in _POOL_ATTRIBUTES) or not callable(
        getattr(base, "_assign_requests_to_connections", None)
    ):
        return False
    safe = _SAFE_CLASSES.get(base)
    if safe is None:
        safe = _SAFE_CLASSES[base] = type(base.__name__, (_SafeAssignment, base), {"__module__": __name__})
    pool.__class__ = safe
    return True
