"""Watch tools: client-go `tools/watch` — RetryWatcher, until, until_with_sync — sync and asyncio.

    for event in RetryWatcher(pods, resource_version=rv):      # survives clean closes and transient errors
        ...
    event = until(pods, rv, lambda e: e.type == "DELETED", timeout=60)
    event = until_with_sync(pods, lambda e: is_ready(e.object), precondition=lambda store: ..., timeout=60)

`RetryWatcher` watches from a known resourceVersion and, whenever the stream ends (the server's timeout, a dropped
connection, a 500/504 or other transient ERROR), watches again from the last resourceVersion it delivered, with
bookmarks on so that resourceVersion stays fresh on quiet resources; bookmark events are consumed, not yielded.
Restarts are at least `min_restart_delay` apart (1 s, client-go's), or a status's Retry-After. Starting from "" or
"0" is refused: such a watch begins with synthetic events and cannot be resumed exactly. What the watcher cannot
recover from is raised to the caller: 410 Gone/Expired (the resourceVersion is too old: list again — or use
`until_with_sync`, which does), 401 and 403. `stop()` ends the iteration, from any thread (`await aclose()` on
asyncio).

`until(client, rv, *conditions)` feeds the events of a RetryWatcher to the conditions in turn: the first condition
is asked about each event until it returns true, then the second about the following events, and so on; the event
that satisfies the last one is returned. `until_with_sync` runs an informer instead of a bare watch, so nothing is
missed between the initial list and the watch and a 410 is handled by re-listing: the initial objects arrive as
ADDED events, `precondition(store)` is asked first once the cache has synced (true → returns None at once).
Running out of `timeout` raises `kubeclient.wait.WaitTimeoutError` naming the last event seen; errors raised by a
condition propagate.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import httpx

from kubeclient.cache.listwatch import AsyncResourceListWatch, ListOptions, ResourceListWatch
from kubeclient.cache.meta import get_name, get_namespace, get_resource_version
from kubeclient.errors import (
    ExpiredError,
    ForbiddenError,
    GoneError,
    StatusError,
    UnauthorizedError,
)
from kubeclient.wait import WaitTimeoutError
from kubeclient.watch import ADDED, BOOKMARK, DELETED, MODIFIED, WatchEvent

__all__ = [
    "AsyncRetryWatcher",
    "Condition",
    "RetryWatcher",
    "async_until",
    "async_until_with_sync",
    "until",
    "until_with_sync",
]

logger = logging.getLogger("kubeclient.watchtools")

Condition = Callable[[WatchEvent[Any]], bool]
Precondition = Callable[[Any], bool]
MIN_RESTART_DELAY = 1.0
_FATAL = (ExpiredError, GoneError, UnauthorizedError, ForbiddenError)


def _retry_delay(err: BaseException) -> float:
    if isinstance(err, StatusError) and err.retry_after_seconds:
        return float(err.retry_after_seconds)
    return 0.0


def _check_start(resource_version: str) -> None:
    if resource_version in ("", "0"):
        raise ValueError(
            f"initial resourceVersion {resource_version!r} is not supported: a watch from it starts with synthetic "
            "events and cannot be resumed; list first and watch from the list's resourceVersion"
        )


def _describe(event: WatchEvent[Any] | None) -> str | None:
    if event is None:
        return None
    name = get_name(event.object)
    ns = get_namespace(event.object)
    return f"{event.type} {ns + '/' if ns else ''}{name} at resourceVersion {get_resource_version(event.object)}"


class RetryWatcher:
    """A watch that resumes from its last resourceVersion (see the module docstring); iterate for WatchEvents."""

    def __init__(
        self,
        client: Any,
        resource_version: str,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        timeout_seconds: int | None = None,
        min_restart_delay: float = MIN_RESTART_DELAY,
    ) -> None:
        _check_start(resource_version)
        self.client = client
        self.resource_version = resource_version
        self.restarts = 0  # how many times the watch was opened again
        self._options = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "timeout_seconds": timeout_seconds,
        }
        self._min_restart_delay = min_restart_delay
        self._stopped = threading.Event()
        self._current: Any = None
        self._lock = threading.Lock()

    def stop(self) -> None:
        """End the iteration (from any thread); the open watch is closed."""
        self._stopped.set()
        with self._lock:
            current = self._current
        if current is not None:
            current.close()

    def __enter__(self) -> RetryWatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __iter__(self) -> Iterator[WatchEvent[Any]]:
        started = 0.0
        while not self._stopped.is_set():
            # NonSlidingUntil: one watch start per min_restart_delay at most, however long the last one ran.
            pause = started + self._min_restart_delay - time.monotonic()
            if started and pause > 0 and self._stopped.wait(pause):
                return
            started = time.monotonic()
            delay = 0.0
            try:
                watch = self.client.watch(
                    resource_version=self.resource_version, allow_watch_bookmarks=True, **self._options
                )
                with self._lock:
                    self._current = watch
                if self._stopped.is_set():
                    watch.close()
                    return
                for event in watch:
                    rv = get_resource_version(event.object)
                    if not rv:
                        raise ValueError(f"retry watcher: a {event.type} event without a resourceVersion")
                    self.resource_version = rv
                    if event.type != BOOKMARK:
                        yield event
            except _FATAL:
                raise
            except StatusError as err:
                delay = _retry_delay(err)
                logger.debug("watch from %s failed (%s); watching again", self.resource_version, err)
            except (httpx.TransportError, httpx.StreamError) as err:
                if self._stopped.is_set():
                    return
                logger.debug("watch from %s broke (%s); watching again", self.resource_version, err)
            finally:
                with self._lock:
                    current, self._current = self._current, None
                if current is not None:
                    current.close()
            if self._stopped.is_set():
                return
            self.restarts += 1
            if delay and self._stopped.wait(delay):
                return


class AsyncRetryWatcher:
    """`RetryWatcher` on asyncio: `async for event in AsyncRetryWatcher(client, rv)`; `await aclose()` to stop."""

    def __init__(
        self,
        client: Any,
        resource_version: str,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        timeout_seconds: int | None = None,
        min_restart_delay: float = MIN_RESTART_DELAY,
    ) -> None:
        _check_start(resource_version)
        self.client = client
        self.resource_version = resource_version
        self.restarts = 0
        self._options = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "timeout_seconds": timeout_seconds,
        }
        self._min_restart_delay = min_restart_delay
        self._stopped = False
        self._current: Any = None

    async def aclose(self) -> None:
        self._stopped = True
        if self._current is not None:
            await self._current.aclose()

    async def __aenter__(self) -> AsyncRetryWatcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def __aiter__(self) -> AsyncIterator[WatchEvent[Any]]:
        started = 0.0
        while not self._stopped:
            pause = started + self._min_restart_delay - time.monotonic()
            if started and pause > 0:
                await asyncio.sleep(pause)
            started = time.monotonic()
            delay = 0.0
            try:
                watch = self.client.watch(
                    resource_version=self.resource_version, allow_watch_bookmarks=True, **self._options
                )
                self._current = watch
                async for event in watch:
                    rv = get_resource_version(event.object)
                    if not rv:
                        raise ValueError(f"retry watcher: a {event.type} event without a resourceVersion")
                    self.resource_version = rv
                    if event.type != BOOKMARK:
                        yield event
            except _FATAL:
                raise
            except StatusError as err:
                delay = _retry_delay(err)
                logger.debug("watch from %s failed (%s); watching again", self.resource_version, err)
            except (httpx.TransportError, httpx.StreamError) as err:
                if self._stopped:
                    return
                logger.debug("watch from %s broke (%s); watching again", self.resource_version, err)
            finally:
                current, self._current = self._current, None
                if current is not None:
                    await current.aclose()
            if self._stopped:
                return
            self.restarts += 1
            if delay:
                await asyncio.sleep(delay)


# --- until ---------------------------------------------------------------------------------------------------


class _Progress:
    """Which condition is being asked; the last event seen, for the timeout message."""

    def __init__(self, conditions: tuple[Condition, ...]) -> None:
        if not conditions:
            raise ValueError("until needs at least one condition")
        self.conditions = conditions
        self.index = 0
        self.last: WatchEvent[Any] | None = None

    def feed(self, event: WatchEvent[Any]) -> bool:
        """True when the last condition is met by `event`."""
        self.last = event
        if self.conditions[self.index](event):
            self.index += 1
            return self.index == len(self.conditions)
        return False

    def timeout(self, what: str, timeout: float | None) -> WaitTimeoutError:
        step = f" (condition {self.index + 1} of {len(self.conditions)})" if len(self.conditions) > 1 else ""
        return WaitTimeoutError(f"{what}{step}", timeout, _describe(self.last))


def _label(client: Any) -> str:
    info = getattr(client, "info", None)
    return f"{getattr(info, 'plural', 'objects')} to meet the condition"


def until(
    client: Any,
    resource_version: str,
    *conditions: Condition,
    timeout: float | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> WatchEvent[Any]:
    """Watch (with a RetryWatcher) from `resource_version` until the conditions are met in turn; the event that
    met the last one is returned."""
    progress = _Progress(conditions)
    watcher = RetryWatcher(client, resource_version, label_selector=label_selector, field_selector=field_selector)
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        watcher.stop()

    timer = threading.Timer(timeout, expire) if timeout is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        for event in watcher:
            if progress.feed(event):
                return event
    finally:
        if timer is not None:
            timer.cancel()
        watcher.stop()
    if expired.is_set():
        raise progress.timeout(_label(client), timeout)
    raise RuntimeError("the watch ended before the condition was met")  # only reachable through stop()


async def async_until(
    client: Any,
    resource_version: str,
    *conditions: Condition,
    timeout: float | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> WatchEvent[Any]:
    progress = _Progress(conditions)
    watcher = AsyncRetryWatcher(client, resource_version, label_selector=label_selector, field_selector=field_selector)

    async def run() -> WatchEvent[Any]:
        async for event in watcher:
            if progress.feed(event):
                return event
        raise RuntimeError("the watch ended before the condition was met")

    try:
        return await asyncio.wait_for(run(), timeout)
    except TimeoutError:
        raise progress.timeout(_label(client), timeout) from None
    finally:
        await watcher.aclose()


class _Forward:
    """An informer handler turning its calls back into watch events (client-go's informerwatcher)."""

    def __init__(self, put: Callable[[WatchEvent[Any]], None]) -> None:
        self.put = put

    def on_add(self, obj: Any, is_in_initial_list: bool = False) -> None:
        self.put(WatchEvent(ADDED, obj))

    def on_update(self, old: Any, new: Any) -> None:
        self.put(WatchEvent(MODIFIED, new))

    def on_delete(self, obj: Any) -> None:
        # A tombstone (a deletion seen only through a relist) carries the last known state.
        self.put(WatchEvent(DELETED, obj.obj if hasattr(obj, "key") and hasattr(obj, "obj") else obj))


def _tweak(label_selector: str | None, field_selector: str | None) -> Callable[[ListOptions], None]:
    def tweak(options: ListOptions) -> None:
        if label_selector:
            options.label_selector = label_selector
        if field_selector:
            options.field_selector = field_selector

    return tweak


def until_with_sync(
    client: Any,
    *conditions: Condition,
    precondition: Precondition | None = None,
    timeout: float | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> WatchEvent[Any] | None:
    """Run an informer over `client` until the conditions are met in turn by its events (see the module doc)."""
    from kubeclient.cache.informer import SharedIndexInformer

    progress = _Progress(conditions)
    deadline = None if timeout is None else time.monotonic() + timeout
    events: queue.Queue[WatchEvent[Any]] = queue.Queue()
    lw = ResourceListWatch(client, tweak_list_options=_tweak(label_selector, field_selector))
    informer: SharedIndexInformer[Any] = SharedIndexInformer(lw, name="until-with-sync")
    registration = informer.add_event_handler(_Forward(events.put))
    informer.start()
    try:
        while not registration.has_synced():
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeoutError(f"the cache of {_label(client)}", timeout, "not synced")
            time.sleep(0.01)
        if precondition is not None and precondition(informer.get_store()):
            return None
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise progress.timeout(_label(client), timeout)
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                continue
            if progress.feed(event):
                return event
    finally:
        informer.stop()


async def async_until_with_sync(
    client: Any,
    *conditions: Condition,
    precondition: Precondition | Callable[[Any], Awaitable[bool]] | None = None,
    timeout: float | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> WatchEvent[Any] | None:
    from kubeclient.cache.aio.informer import AsyncSharedIndexInformer

    progress = _Progress(conditions)
    events: asyncio.Queue[WatchEvent[Any]] = asyncio.Queue()
    lw = AsyncResourceListWatch(client, tweak_list_options=_tweak(label_selector, field_selector))
    informer: AsyncSharedIndexInformer[Any] = AsyncSharedIndexInformer(lw, name="until-with-sync")
    registration = informer.add_event_handler(_Forward(events.put_nowait))
    informer.start()

    async def run() -> WatchEvent[Any] | None:
        while not registration.has_synced():
            await asyncio.sleep(0.01)
        if precondition is not None:
            verdict = precondition(informer.get_store())
            if isinstance(verdict, Awaitable):
                verdict = await verdict
            if verdict:
                return None
        while True:
            event = await events.get()
            if progress.feed(event):
                return event

    try:
        return await asyncio.wait_for(run(), timeout)
    except TimeoutError:
        raise progress.timeout(_label(client), timeout) from None
    finally:
        await informer.stop()
