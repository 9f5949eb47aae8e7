"""Reflector: keeps a store in step with the server by list + watch (client-go tools/cache/reflector.go).

The behaviour (client-go-semantics.md §2) lives in one I/O-free flow, `ReflectorFlow.run()`, a generator that yields
effects (`ListCall`, `WatchCall`, `NextEvent`, `CloseWatch`, `Sleep`) and receives their results (or has their
exceptions thrown in). `Reflector` drives it with threads; `kubeclient.cache.aio.AsyncReflector` drives the same
flow on asyncio. The store is written directly (its methods never block on I/O).

Rules:
- Run loop: list-and-watch, then wait one back-off step, forever (client-go BackoffUntil, sliding). Back-off is
  800 ms doubling to 30 s with jitter (factor 1: a step d waits d..2d), reset after 2 minutes without a step.
- WatchList (default on): a watch with sendInitialEvents=true, resourceVersionMatch=NotOlderThan,
  allowWatchBookmarks=true, resourceVersion=<last synced, or "" when unavailable>. Events go to a temporary store
  until the BOOKMARK annotated `k8s.io/initial-events-end: "true"`; then `store.replace(items, bookmark RV)` and the
  same stream continues as the watch. 429 / connection refused back off and retry; 410 or "too large RV" retry
  with RV ""; any other error falls back to list + watch.
- List: RV "0" first, later the last synced RV, "" once the RV was found unavailable. Paged by 500 through the pager
  (off when the RV is neither "" nor "0", unless an earlier RV="0" list came back paged); later pages send only
  `continue`; an Expired on page 2+ falls back to one full list. Expired/Gone (or too large RV) → mark the RV
  unavailable and list again at once with RV "".
- Watch: resourceVersion=last synced, timeoutSeconds random in [min, 2·min] (5-10 min), allowWatchBookmarks=true;
  a client-side read timeout bounds silence on the stream (half-open connections). Every event updates the last
  synced RV (a BOOKMARK only that). ERROR events become `StatusError`s. A clean close (or a transport error while
  reading: reset, timeout) → watch again from the last RV without listing; but a close within 1 s with no event
  → end this round (list again after back-off). Expired/Gone → end (list again); 429 → back off, watch again;
  connection refused when starting → back off, watch again; anything else → end.
- Errors that end a round go to the watch-error handler (default: log).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from kubeclient.cache.listwatch import ListerWatcher, ListOptions, ListPage, WatchStream
from kubeclient.errors import (
    CannotConnectError,
    InternalError,
    StatusError,
    TransportError,
    error_from_status,
    is_gone,
    is_resource_expired,
    is_too_many_requests,
)

__all__ = [
    "INITIAL_EVENTS_END_ANNOTATION",
    "Backoff",
    "Clock",
    "CloseWatch",
    "ListCall",
    "NextEvent",
    "Reflector",
    "ReflectorFlow",
    "ReflectorStore",
    "Sleep",
    "VeryShortWatchError",
    "WatchCall",
    "WatchErrorHandler",
    "default_watch_error_handler",
    "is_too_large_resource_version_error",
    "object_resource_version",
]

logger = logging.getLogger("kubeclient.cache.reflector")

INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end"
DEFAULT_PAGE_SIZE = 500
MIN_WATCH_TIMEOUT = 300.0
BACKOFF_INITIAL = 0.8
BACKOFF_CAP = 30.0
BACKOFF_RESET = 120.0
BACKOFF_FACTOR = 2.0
BACKOFF_JITTER = 1.0


class Clock(Protocol):
    def now(self) -> float: ...


class _MonotonicClock:
    def now(self) -> float:
        return time.monotonic()


class ReflectorStore(Protocol):
    """What a reflector writes to: a DeltaFIFO / RealFIFO, or any Store."""

    def add(self, obj: Any) -> None: ...

    def update(self, obj: Any) -> None: ...

    def delete(self, obj: Any) -> None: ...

    def replace(self, items: list[Any], resource_version: str) -> None: ...

    def resync(self) -> None: ...


WatchErrorHandler = Callable[[Any, BaseException], None]


def default_watch_error_handler(reflector: Any, err: BaseException) -> None:
    """client-go DefaultWatchErrorHandler: an expired watch is routine, anything else is a warning."""
    name = getattr(reflector, "name", "reflector")
    if is_resource_expired(err) or is_gone(err):
        logger.info("%s: watch closed: %s", name, err)
    else:
        logger.warning("%s: failed to watch: %s", name, err)


class VeryShortWatchError(Exception):
    """The server closed a watch within a second without sending anything: likely a hot loop; list again later."""


def is_too_large_resource_version_error(err: BaseException) -> bool:
    """The server is behind the RV we asked for (cause ResourceVersionTooLarge, or its well-known message)."""
    if not isinstance(err, StatusError):
        return False
    if any(c.get("reason") == "ResourceVersionTooLarge" for c in err.causes):
        return True
    return "Too large resource version" in err.message


def _is_expired(err: BaseException) -> bool:
    return is_resource_expired(err) or is_gone(err)


def _is_connection_refused(err: BaseException) -> bool:
    return isinstance(err, (CannotConnectError, httpx.ConnectError, ConnectionRefusedError))


def _is_watch_error_retriable(err: BaseException) -> bool:
    return _is_connection_refused(err) or is_too_many_requests(err)


def _is_stream_transport_error(err: BaseException) -> bool:
    # client-go treats probable EOF and timeouts while reading a watch as a normal close.
    return isinstance(err, (TransportError, httpx.TransportError, httpx.StreamError, OSError, TimeoutError))


def _field(obj: Any, wire: str, attr: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(wire)
    return getattr(obj, attr, None)


def object_resource_version(obj: Any) -> str:
    """metadata.resourceVersion of a dict or typed object ("" if absent)."""
    rv = _field(_field(obj, "metadata", "metadata"), "resourceVersion", "resource_version")
    return str(rv) if rv else ""


def _annotations(obj: Any) -> dict[str, str]:
    value = _field(_field(obj, "metadata", "metadata"), "annotations", "annotations")
    return value if isinstance(value, dict) else {}


def _status_error(obj: Any) -> StatusError:
    if isinstance(obj, StatusError):
        return obj
    if not isinstance(obj, dict):
        to_dict = getattr(obj, "to_dict", None)
        obj = to_dict() if callable(to_dict) else {}
    if not obj.get("code") and not obj.get("reason"):
        return InternalError({"code": 500, "reason": "InternalError", "message": f"watch ERROR event: {obj!r}"})
    return error_from_status(obj)


class Backoff:
    """Exponential back-off with jitter and reset after calm (client-go NewExponentialBackoffManager).

    `step()` returns the next wait: the current duration d, jittered to d + rand·jitter·d; the duration then grows
    by `factor` up to `cap`. If more than `reset_after` seconds passed since the previous step, it restarts at
    `initial`.
    """

    def __init__(
        self,
        *,
        initial: float = BACKOFF_INITIAL,
        cap: float = BACKOFF_CAP,
        reset_after: float = BACKOFF_RESET,
        factor: float = BACKOFF_FACTOR,
        jitter: float = BACKOFF_JITTER,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.initial = initial
        self.cap = cap
        self.reset_after = reset_after
        self.factor = factor
        self.jitter = jitter
        self._clock = clock or _MonotonicClock()
        self._rng = rng or random.Random()
        self._duration = initial
        self._last: float | None = None

    def step(self) -> float:
        now = self._clock.now()
        if self._last is not None and now - self._last > self.reset_after:
            self._duration = self.initial
        self._last = now
        duration = self._duration
        self._duration = min(self._duration * self.factor, self.cap)
        if self.jitter > 0:
            duration += self._rng.random() * self.jitter * duration
        return duration


# Effects the flow yields; the driver performs them and sends back the result.
@dataclass(frozen=True)
class ListCall:
    options: ListOptions


@dataclass(frozen=True)
class WatchCall:
    options: ListOptions
    read_timeout: float | None


@dataclass(frozen=True)
class NextEvent:
    """Read the next event of `stream`; the result is a WatchEvent, or None at the end of the stream."""

    stream: Any


@dataclass(frozen=True)
class CloseWatch:
    stream: Any


@dataclass(frozen=True)
class Sleep:
    seconds: float


Effect = ListCall | WatchCall | NextEvent | CloseWatch | Sleep
Flow = Generator[Effect, Any, Any]


class ReflectorFlow:
    """The reflector's state and its I/O-free control flow (see the module docstring)."""

    def __init__(
        self,
        store: ReflectorStore,
        *,
        name: str = "reflector",
        key_func: Callable[[Any], str],
        use_watch_list: bool = True,
        page_size: int = 0,
        min_watch_timeout: float = MIN_WATCH_TIMEOUT,
        watch_read_timeout: float | None = None,
        watch_error_handler: WatchErrorHandler | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self.name = name
        self.store = store
        self.key_func = key_func
        self.use_watch_list = use_watch_list
        self.page_size = page_size
        self.min_watch_timeout = min_watch_timeout
        self.watch_read_timeout = watch_read_timeout
        self.watch_error_handler: WatchErrorHandler = watch_error_handler or default_watch_error_handler
        self.clock: Clock = clock or _MonotonicClock()
        self.rng = rng or random.Random()
        self.backoff = backoff or Backoff(clock=self.clock, rng=self.rng)
        self._lock = threading.Lock()
        self._last_sync_rv = ""
        self._rv_unavailable = False
        self._paginated_result = False

    # -- resource versions ------------------------------------------------------------------------------------

    @property
    def last_sync_resource_version(self) -> str:
        with self._lock:
            return self._last_sync_rv

    def _set_last_sync_rv(self, rv: str) -> None:
        with self._lock:
            self._last_sync_rv = rv

    def relist_resource_version(self) -> str:
        """The RV of the next list: "" after it was found unavailable, "0" first, else the last synced RV."""
        if self._rv_unavailable:
            return ""
        return self.last_sync_resource_version or "0"

    def rewatch_resource_version(self) -> str:
        """The RV of a WatchList request: "" after unavailable (a consistent read), else the last synced RV."""
        return "" if self._rv_unavailable else self.last_sync_resource_version

    def _watch_timeout(self) -> int:
        return int(self.min_watch_timeout * (self.rng.random() + 1.0))

    def _read_timeout(self, timeout_seconds: int) -> float:
        # The server must end the watch by timeoutSeconds; silence beyond that means a dead (half-open) connection.
        return self.watch_read_timeout if self.watch_read_timeout is not None else timeout_seconds + 30.0

    # -- the run loop -----------------------------------------------------------------------------------------

    def run(self) -> Flow:
        """Forever: one list-and-watch round, then one back-off step."""
        while True:
            try:
                yield from self.list_and_watch()
            except Exception as err:
                self.watch_error_handler(self, err)
            yield Sleep(self.backoff.step())

    def list_and_watch(self) -> Flow:
        """One round: initial state (WatchList or list), then watch until a relist is needed; errors propagate."""
        stream = None
        fallback_to_list = not self.use_watch_list
        if self.use_watch_list:
            try:
                stream = yield from self._watch_list()
            except Exception as err:
                logger.warning("%s: watch-list request failed, falling back to list/watch: %s", self.name, err)
                fallback_to_list = True
                stream = None
        if fallback_to_list:
            yield from self._list()
        yield from self._watch(stream)

    # -- list ---------------------------------------------------------------------------------------------------

    def _list(self) -> Flow:
        options = ListOptions(resource_version=self.relist_resource_version())
        if self.page_size:
            page_size = self.page_size
        elif self._paginated_result:
            page_size = DEFAULT_PAGE_SIZE
        elif options.resource_version not in ("", "0"):
            # Listing at a given RV without a limit is served from the watch cache; paging would hit etcd.
            page_size = 0
        else:
            page_size = DEFAULT_PAGE_SIZE
        try:
            items, rv, paginated = yield from self._pager_list(options, page_size)
        except Exception as err:
            if not (_is_expired(err) or is_too_large_resource_version_error(err)):
                raise
            self._rv_unavailable = True
            retry = ListOptions(resource_version=self.relist_resource_version())
            items, rv, paginated = yield from self._pager_list(retry, page_size)
        if options.resource_version == "0" and paginated:
            # A paged answer to RV="0" means no watch cache: keep paging later lists too.
            self._paginated_result = True
        self._rv_unavailable = False
        self.store.replace(items, rv)
        self._set_last_sync_rv(rv)

    def _pager_list(self, options: ListOptions, page_size: int) -> Flow:
        """client-go pager: pages of `page_size`; the list RV is the first page's; Expired on page 2+ → full list."""
        opts = ListOptions(
            resource_version=options.resource_version,
            resource_version_match=options.resource_version_match,
            limit=options.limit or page_size,
        )
        items: list[Any] = []
        list_rv: str | None = None
        paginated = False
        while True:
            try:
                page: ListPage = yield ListCall(opts)
            except Exception as err:
                if not is_resource_expired(err) or not opts.continue_:
                    raise
                full = ListOptions(
                    resource_version=options.resource_version, resource_version_match=options.resource_version_match
                )
                page = yield ListCall(full)
                return list(page.items), page.resource_version, paginated
            if list_rv is None:
                list_rv = page.resource_version
            items.extend(page.items)
            if not page.continue_:
                return items, list_rv, paginated
            # Later pages carry only the continue token (the server refuses an RV together with it).
            opts = ListOptions(limit=opts.limit, continue_=page.continue_)
            paginated = True

    # -- watch-list ---------------------------------------------------------------------------------------------

    def _retriable_with_side_effects(self, err: BaseException) -> Flow:
        if _is_watch_error_retriable(err):
            yield Sleep(self.backoff.step())
            return True
        if _is_expired(err) or is_too_large_resource_version_error(err):
            self._rv_unavailable = True
            return True
        return False

    def _watch_list(self) -> Flow:
        while True:
            temp: dict[str, Any] = {}
            timeout = self._watch_timeout()
            options = ListOptions(
                resource_version=self.rewatch_resource_version(),
                resource_version_match="NotOlderThan",
                allow_watch_bookmarks=True,
                send_initial_events=True,
                timeout_seconds=timeout,
            )
            start = self.clock.now()
            try:
                stream = yield WatchCall(options, self._read_timeout(timeout))
            except Exception as err:
                if (yield from self._retriable_with_side_effects(err)):
                    continue
                raise
            rv_box = [""]
            try:
                done = yield from self._handle_watch(stream, start, _TempStore(temp, self.key_func), rv_box, True)
            except Exception as err:
                if (yield from self._retriable_with_side_effects(err)):
                    continue
                raise
            if done:
                break
        self._rv_unavailable = False
        self.store.replace(list(temp.values()), rv_box[0])
        self._set_last_sync_rv(rv_box[0])
        return stream

    # -- watch --------------------------------------------------------------------------------------------------

    def _watch(self, stream: Any) -> Flow:
        while True:
            start = self.clock.now()
            if stream is None:
                timeout = self._watch_timeout()
                options = ListOptions(
                    resource_version=self.last_sync_resource_version,
                    timeout_seconds=timeout,
                    allow_watch_bookmarks=True,
                )
                try:
                    stream = yield WatchCall(options, self._read_timeout(timeout))
                except Exception as err:
                    if _is_watch_error_retriable(err):
                        yield Sleep(self.backoff.step())
                        continue
                    raise
            failure: Exception | None = None
            try:
                yield from self._handle_watch(stream, start, self.store, None, False)
            except Exception as e:
                failure = e
            stream = None
            if failure is None:
                continue
            if is_too_many_requests(failure):
                yield Sleep(self.backoff.step())
                continue
            if _is_expired(failure):
                # A list at the last synced RV returns data at least that fresh: list again, RV still available.
                logger.info("%s: watch closed: %s", self.name, failure)
                return
            if isinstance(failure, VeryShortWatchError):
                raise failure
            logger.warning("%s: watch ended with error: %s", self.name, failure)
            return

    def _handle_watch(
        self, stream: Any, start: float, store: ReflectorStore, rv_box: list[str] | None, watch_list: bool
    ) -> Flow:
        """Apply events to `store` until the stream ends (returns False) or, for WatchList, the initial-events-end
        bookmark arrives (returns True, stream left open). The stream is closed on every other exit."""
        count = 0
        try:
            while True:
                try:
                    event = yield NextEvent(stream)
                except Exception as err:
                    if _is_stream_transport_error(err):
                        logger.debug("%s: watch stream ended: %s", self.name, err)
                        break
                    raise
                if event is None:
                    break
                if event.type == "ERROR":
                    raise _status_error(event.object)
                obj = event.object
                rv = object_resource_version(obj)
                bookmark_end = False
                try:
                    if event.type == "ADDED":
                        store.add(obj)
                    elif event.type == "MODIFIED":
                        store.update(obj)
                    elif event.type == "DELETED":
                        store.delete(obj)
                    elif event.type == "BOOKMARK":
                        bookmark_end = watch_list and _annotations(obj).get(INITIAL_EVENTS_END_ANNOTATION) == "true"
                    else:
                        logger.error("%s: unknown watch event type %r", self.name, event.type)
                except Exception as err:
                    logger.error("%s: unable to apply watch event %s to the store: %s", self.name, event.type, err)
                if rv_box is not None:
                    rv_box[0] = rv
                else:
                    self._set_last_sync_rv(rv)
                    updater = getattr(store, "update_resource_version", None)
                    if callable(updater):
                        updater(rv)
                count += 1
                if bookmark_end:
                    # The stream stays open: it continues as the watch.
                    return True
        except GeneratorExit:
            # The driver is shutting the flow down and closes open streams itself.
            raise
        except BaseException:
            yield CloseWatch(stream)
            raise
        yield CloseWatch(stream)
        if count == 0 and self.clock.now() - start < 1.0:
            raise VeryShortWatchError(f"{self.name}: very short watch: the server closed it without sending events")
        return False


class _TempStore:
    """The WatchList temporary store: objects by key."""

    def __init__(self, items: dict[str, Any], key_func: Callable[[Any], str]) -> None:
        self._items = items
        self._key = key_func

    def add(self, obj: Any) -> None:
        self._items[self._key(obj)] = obj

    def update(self, obj: Any) -> None:
        self._items[self._key(obj)] = obj

    def delete(self, obj: Any) -> None:
        self._items.pop(self._key(obj), None)

    def replace(self, items: list[Any], resource_version: str) -> None:
        self._items.clear()
        for obj in items:
            self.add(obj)

    def resync(self) -> None:
        return None


class _Stopped(Exception):
    pass


class Reflector:
    """Runs a `ReflectorFlow` against a `ListerWatcher` on threads.

    `run()` blocks until `stop()`; `start()` runs it on a daemon thread. With `resync_period` > 0, a second thread
    calls `store.resync()` every period when `should_resync()` (if given) says so. `backoff` replaces the default
    back-off (800 ms doubling to 30 s, reset after 2 minutes calm); `sleep` (tests) replaces the interruptible wait
    used for back-off.
    """

    def __init__(
        self,
        lister_watcher: ListerWatcher,
        store: ReflectorStore,
        *,
        name: str = "reflector",
        key_func: Callable[[Any], str] | None = None,
        resync_period: float = 0.0,
        should_resync: Callable[[], bool] | None = None,
        use_watch_list: bool = True,
        page_size: int = 0,
        min_watch_timeout: float = MIN_WATCH_TIMEOUT,
        watch_read_timeout: float | None = None,
        watch_error_handler: WatchErrorHandler | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.lister_watcher = lister_watcher
        self.flow = ReflectorFlow(
            store,
            name=name,
            key_func=key_func or _default_key_func(),
            use_watch_list=use_watch_list,
            page_size=page_size,
            min_watch_timeout=min_watch_timeout,
            watch_read_timeout=watch_read_timeout,
            watch_error_handler=watch_error_handler,
            clock=clock,
            rng=rng,
            backoff=backoff,
        )
        self.name = name
        self.resync_period = resync_period
        self.should_resync = should_resync
        self._sleep = sleep
        self._stop = threading.Event()
        self._streams_lock = threading.Lock()
        self._streams: dict[int, WatchStream] = {}
        self._thread: threading.Thread | None = None

    @property
    def last_sync_resource_version(self) -> str:
        return self.flow.last_sync_resource_version

    def set_watch_error_handler(self, handler: WatchErrorHandler) -> None:
        self.flow.watch_error_handler = handler

    def start(self) -> None:
        """Run on a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, name=f"reflector-{self.name}", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop: close the open watch and wait (up to `timeout`) for the thread started by `start()`."""
        self._stop.set()
        with self._streams_lock:
            streams = list(self._streams.values())
        for stream in streams:
            try:
                stream.close()
            except Exception as err:
                logger.debug("%s: closing watch on stop: %s", self.name, err)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        """List and watch until `stop()`."""
        resync_thread = None
        if self.resync_period > 0:
            resync_thread = threading.Thread(target=self._resync_loop, name=f"resync-{self.name}", daemon=True)
            resync_thread.start()
        flow = self.flow.run()
        try:
            self._drive(flow)
        finally:
            flow.close()
            with self._streams_lock:
                streams = list(self._streams.values())
                self._streams.clear()
            for stream in streams:
                try:
                    stream.close()
                except Exception as err:
                    logger.debug("%s: closing watch: %s", self.name, err)

    def _drive(self, flow: Flow) -> None:
        value: Any = None
        error: BaseException | None = None
        while True:
            if self._stop.is_set():
                return
            try:
                effect = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration:
                return
            value, error = None, None
            try:
                value = self._perform(effect)
            except _Stopped:
                return
            except Exception as err:
                if self._stop.is_set():
                    return
                error = err

    def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, NextEvent):
            return next(effect.stream, None)
        if isinstance(effect, ListCall):
            return self.lister_watcher.list(effect.options)
        if isinstance(effect, WatchCall):
            stream = self.lister_watcher.watch(effect.options, read_timeout=effect.read_timeout)
            with self._streams_lock:
                self._streams[id(stream)] = stream
            if self._stop.is_set():
                stream.close()
                raise _Stopped
            return stream
        if isinstance(effect, CloseWatch):
            with self._streams_lock:
                self._streams.pop(id(effect.stream), None)
            effect.stream.close()
            return None
        if isinstance(effect, Sleep):
            if self._sleep is not None:
                self._sleep(effect.seconds)
            elif self._stop.wait(effect.seconds):
                raise _Stopped
            return None
        raise TypeError(f"unknown reflector effect {effect!r}")

    def _resync_loop(self) -> None:
        while not self._stop.wait(self.resync_period):
            if self.should_resync is None or self.should_resync():
                try:
                    self.flow.store.resync()
                except Exception as err:
                    logger.error("%s: resync failed: %s", self.name, err)


def _default_key_func() -> Callable[[Any], str]:
    from kubeclient.cache import keys

    func: Callable[[Any], str] = keys.deletion_handling_meta_namespace_key
    return func
