"""Event broadcasters and recorders: client-go `tools/events` (events.k8s.io/v1) and `tools/record` (core/v1).

    with EventBroadcaster.for_config(cfg) as broadcaster:            # a background thread writes the events
        recorder = broadcaster.new_recorder("example.com/secret-injector")
        recorder.eventf(namespace, None, "Normal", "Created", "CreateSecret", "created secret %s", name)
    # leaving the block writes what is queued and the pending series counts, then stops the thread

    legacy = LegacyEventBroadcaster.for_config(cfg); legacy.start()   # core/v1 Events, for older clusters
    legacy.new_recorder("secret-injector").event(pod, "Warning", "Failed", "could not pull")
    legacy.shutdown()

A recorder never blocks its caller and never raises for the server's sake: it builds the Event (a reference to the
object through `kubeclient.ownership.get_reference`; an object that cannot be referenced, or a type other than
Normal/Warning, is logged and dropped, as in client-go) and puts it on a bounded queue (1000; when full the event is
dropped and counted in `dropped`). One worker (a thread; a task for the asyncio broadcasters) takes the events in
order, correlates them (see `kubeclient.events.correlator`) and writes them: a new event is created, a repeated one
is patched (strategic merge) — a patch of an event the server no longer has falls back to a create. Failures that
may pass (transport errors, a series create that races) are retried up to 12 times, `retry_sleep` (10 s) apart with
25 % jitter; the server refusing an event is logged and the event given up. `shutdown()` stops taking events,
writes what is queued (retries are cut short), writes every pending series count, and stops the worker.

Events go to the namespace of the object they are about, "default" for cluster-scoped objects. The events.k8s.io
broadcaster also runs client-go's per-object spam filter (its Go counterpart has none; the server is guarded the
same way), which `spam_filter=False` turns off.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import random
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.errors import StatusError, is_already_exists, is_not_found
from kubeclient.events.correlator import (
    SERIES_FINISH_AFTER,
    SERIES_REFRESH_EVERY,
    EventCorrelator,
    SeriesCache,
    SeriesWrite,
    SpamFilter,
    event_name,
    micro_time,
    wire_time,
)
from kubeclient.ownership import InvalidReferenceError, get_reference
from kubeclient.schema import GVR

__all__ = [
    "AsyncEventBroadcaster",
    "AsyncLegacyEventBroadcaster",
    "EventBroadcaster",
    "EventRecorder",
    "LegacyEventBroadcaster",
    "LegacyEventRecorder",
]

logger = logging.getLogger("kubeclient.events")

EVENTS_V1 = GVR("events.k8s.io", "v1", "events")
EVENTS_CORE = GVR("", "v1", "events")
MAX_QUEUED_EVENTS = 1000
MAX_TRIES = 12
RETRY_SLEEP = 10.0
EVENT_TYPES = ("Normal", "Warning")
_STOP = object()


def _format(note: str, args: tuple[Any, ...]) -> str:
    if not args:
        return note
    try:
        return note % args
    except (TypeError, ValueError):
        return f"{note} {args!r}"  # as Go's %!(EXTRA ...): never lose the arguments


def _sleep_for(retry_sleep: float) -> float:
    return retry_sleep * (1 + 0.25 * random.random())


def _classify(err: BaseException, *, series: bool) -> bool:
    """Whether a failed write is worth another try (client-go recordEvent/recordToSink)."""
    if isinstance(err, StatusError):
        return series and is_already_exists(err)
    return True


# --- building events (pure) ------------------------------------------------------------------------------------


def build_v1_event(
    regarding: Any,
    related: Any,
    *,
    event_type: str,
    reason: str,
    action: str,
    note: str,
    controller: str,
    instance: str,
    now: float,
) -> dict[str, Any] | None:
    ref = get_reference(regarding)
    related_ref = None
    if related is not None:
        try:
            related_ref = get_reference(related)
        except InvalidReferenceError as err:
            logger.debug("could not reference the related object: %s", err)
    namespace = ref.get("namespace") or "default"
    event: dict[str, Any] = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": event_name(str(ref.get("name", "")), now), "namespace": namespace},
        "eventTime": micro_time(now),
        "reportingController": controller,
        "reportingInstance": instance,
        "action": action,
        "reason": reason,
        "regarding": ref,
        "note": note,
        "type": event_type,
    }
    if related_ref is not None:
        event["related"] = related_ref
    return event


def build_core_event(
    obj: Any, event_type: str, reason: str, message: str, *, component: str, host: str, now: float
) -> dict[str, Any]:
    ref = get_reference(obj)
    stamp = wire_time(now)
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": event_name(str(ref.get("name", "")), now), "namespace": ref.get("namespace") or "default"},
        "involvedObject": ref,
        "reason": reason,
        "message": message,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
        "type": event_type,
        "source": {"component": component, **({"host": host} if host else {})},
        "reportingComponent": component,
        "reportingInstance": host,
    }


# --- recorders -------------------------------------------------------------------------------------------------


class EventRecorder:
    """Records events.k8s.io/v1 Events through its broadcaster (client-go events.EventRecorder)."""

    def __init__(self, enqueue: Callable[[dict[str, Any]], None], controller: str, instance: str) -> None:
        self._enqueue = enqueue
        self.reporting_controller = controller
        self.reporting_instance = instance

    def eventf(  # noqa: PLR0917 - client-go's Eventf(regarding, related, type, reason, action, note, args...)
        self, regarding: Any, related: Any, event_type: str, reason: str, action: str, note: str, *args: Any
    ) -> None:
        """Record that `action` on `regarding` happened for `reason`; `note % args` is the message (≤ 1 kB)."""
        message = _format(note, args)
        if event_type not in EVENT_TYPES:
            logger.error("unsupported event type %r; event %s/%s dropped", event_type, reason, action)
            return
        try:
            event = build_v1_event(
                regarding,
                related,
                event_type=event_type,
                reason=reason,
                action=action,
                note=message,
                controller=self.reporting_controller,
                instance=self.reporting_instance,
                now=time.time(),
            )
        except InvalidReferenceError as err:
            logger.error("could not reference the object, event %s dropped: %s", reason, err)
            return
        if event is not None:
            self._enqueue(event)


class LegacyEventRecorder:
    """Records core/v1 Events (client-go record.EventRecorder)."""

    def __init__(self, enqueue: Callable[[dict[str, Any]], None], component: str, host: str) -> None:
        self._enqueue = enqueue
        self.component = component
        self.host = host

    def event(self, obj: Any, event_type: str, reason: str, message: str) -> None:
        if event_type not in EVENT_TYPES:
            logger.error("unsupported event type %r; event %s dropped", event_type, reason)
            return
        try:
            event = build_core_event(
                obj, event_type, reason, message, component=self.component, host=self.host, now=time.time()
            )
        except InvalidReferenceError as err:
            logger.error("could not reference the object, event %s dropped: %s", reason, err)
            return
        self._enqueue(event)

    def eventf(self, obj: Any, event_type: str, reason: str, message: str, *args: Any) -> None:
        self.event(obj, event_type, reason, _format(message, args))


def _default_instance(controller: str) -> str:
    return f"{controller}-{socket.gethostname()}"[:128]


# --- the sync broadcasters -------------------------------------------------------------------------------------


class _ThreadBroadcaster:
    """The queue, the worker thread and the retrying writer shared by the two sync broadcasters."""

    gvr: GVR

    def __init__(self, dyn: DynamicClient, *, queue_size: int, retry_sleep: float, max_tries: int) -> None:
        self.dyn = dyn
        self.retry_sleep = retry_sleep
        self.max_tries = max_tries
        self.dropped = 0
        self.written = 0  # successful creates and patches
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=queue_size)
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._owns_client = False

    def _client(self, namespace: str) -> Any:
        return self.dyn.resource(self.gvr, namespaced=True).namespace(namespace)

    def _enqueue(self, event: dict[str, Any]) -> None:
        if self._closing.is_set():
            logger.debug("broadcaster shut down; event %s dropped", event.get("reason"))
            return
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            with self._lock:
                self.dropped += 1
            logger.warning("event queue full; event %s dropped", event.get("reason"))

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"events-{self.gvr.group or 'core'}", daemon=True)
            self._thread.start()

    def shutdown(self, timeout: float | None = 30.0) -> None:
        """Write what is queued and every pending series count, then stop the worker."""
        self._closing.set()
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
        if self._owns_client:
            self.dyn.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self._tick_interval())
            except queue.Empty:
                self._tick()
                continue
            if item is _STOP:
                self._flush()
                return
            try:
                self._handle(item)
            except Exception:
                logger.exception("event handling failed")
            self._tick()

    def _write(self, do: Callable[[], Any], *, series: bool, what: str) -> Any:
        for attempt in range(self.max_tries):
            try:
                result = do()
            except Exception as err:
                if not _classify(err, series=series):
                    logger.log(
                        logging.DEBUG if is_already_exists(err) else logging.ERROR,
                        "server rejected event %s (will not retry): %s",
                        what,
                        err,
                    )
                    return None
                if attempt + 1 >= self.max_tries:
                    logger.error("unable to write event %s (retry limit exceeded): %s", what, err)
                    return None
                logger.warning("unable to write event %s (may retry after sleeping): %s", what, err)
                # During shutdown the pause is cut short: the flush should not wait out a dead server for minutes.
                if self._closing.wait(_sleep_for(self.retry_sleep)) and attempt >= 1:
                    return None
                continue
            with self._lock:
                self.written += 1
            return result
        return None

    def _create_or_patch(self, event: dict[str, Any], patch: dict[str, Any] | None, *, series: bool) -> Any:
        meta = event["metadata"]
        client = self._client(meta["namespace"])

        def do() -> Any:
            if patch is not None:
                try:
                    return client.patch(meta["name"], patch, "strategic")
                except Exception as err:
                    if not is_not_found(err):
                        raise
            body = dict(event, metadata={k: v for k, v in meta.items() if k != "resourceVersion"})
            return client.create(body)

        return self._write(do, series=series, what=f"{event.get('reason')} on {meta['name']}")

    # overridden
    def _tick_interval(self) -> float | None:
        return None

    def _tick(self) -> None:
        pass

    def _handle(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        pass


class EventBroadcaster(_ThreadBroadcaster):
    """events.k8s.io/v1 (client-go events.EventBroadcaster); see the module docstring."""

    gvr = EVENTS_V1

    def __init__(
        self,
        dyn: DynamicClient,
        *,
        queue_size: int = MAX_QUEUED_EVENTS,
        retry_sleep: float = RETRY_SLEEP,
        max_tries: int = MAX_TRIES,
        spam_filter: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(dyn, queue_size=queue_size, retry_sleep=retry_sleep, max_tries=max_tries)
        self.series = SeriesCache(clock=clock)
        self.spam = SpamFilter(clock=clock, key=_v1_spam_key) if spam_filter else None
        self.clock = clock
        self._next_finish = clock() + SERIES_FINISH_AFTER
        self._next_refresh = clock() + SERIES_REFRESH_EVERY

    @classmethod
    def for_config(cls, cfg: Any, **options: Any) -> EventBroadcaster:
        broadcaster = cls(DynamicClient.for_config(cfg), **options)
        broadcaster._owns_client = True
        return broadcaster

    def new_recorder(self, reporting_controller: str, *, reporting_instance: str | None = None) -> EventRecorder:
        """A recorder for one controller; the instance defaults to `<controller>-<hostname>`. Starts the worker."""
        self.start()
        instance = reporting_instance or _default_instance(reporting_controller)
        return EventRecorder(self._enqueue, reporting_controller, instance)

    def _handle(self, event: dict[str, Any]) -> None:
        if self.spam is not None and self.spam.skip(event):
            logger.debug("event %s on %s filtered as spam", event.get("reason"), event["regarding"].get("name"))
            return
        write = self.series.observe(event)
        if write is not None:
            self._record(write)

    def _record(self, write: SeriesWrite) -> None:
        written = self._create_or_patch(write.event, write.patch, series=write.patch is not None)
        if written is not None:
            self.series.remember(write.key, written)

    def _tick_interval(self) -> float | None:
        return max(min(self._next_finish, self._next_refresh) - self.clock(), 0.05)

    def _tick(self) -> None:
        now = self.clock()
        if now >= self._next_finish:
            self._next_finish = now + SERIES_FINISH_AFTER
            for write in self.series.finished():
                self._record(write)
        if now >= self._next_refresh:
            self._next_refresh = now + SERIES_REFRESH_EVERY
            for write in self.series.series_writes():
                self._record(write)

    def _flush(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                self._handle(item)
        for write in self.series.series_writes():
            self._record(write)


def _v1_spam_key(event: Mapping[str, Any]) -> tuple[Any, ...]:
    ref = event.get("regarding") or {}
    return (
        event.get("reportingController"),
        event.get("reportingInstance"),
        *(ref.get(k, "") for k in ("kind", "namespace", "name", "uid", "apiVersion")),
        event.get("type"),
    )


class LegacyEventBroadcaster(_ThreadBroadcaster):
    """core/v1 Events with client-go's EventCorrelator (record.EventBroadcaster + StartRecordingToSink)."""

    gvr = EVENTS_CORE

    def __init__(
        self,
        dyn: DynamicClient,
        *,
        queue_size: int = MAX_QUEUED_EVENTS,
        retry_sleep: float = RETRY_SLEEP,
        max_tries: int = MAX_TRIES,
        correlator: EventCorrelator | None = None,
    ) -> None:
        super().__init__(dyn, queue_size=queue_size, retry_sleep=retry_sleep, max_tries=max_tries)
        self.correlator = correlator or EventCorrelator()

    @classmethod
    def for_config(cls, cfg: Any, **options: Any) -> LegacyEventBroadcaster:
        broadcaster = cls(DynamicClient.for_config(cfg), **options)
        broadcaster._owns_client = True
        return broadcaster

    def new_recorder(self, component: str, *, host: str | None = None) -> LegacyEventRecorder:
        self.start()
        return LegacyEventRecorder(self._enqueue, component, host if host is not None else socket.gethostname())

    def _handle(self, event: dict[str, Any]) -> None:
        result = self.correlator.correlate(event)
        if result.skip or result.event is None:
            return
        written = self._create_or_patch(result.event, result.patch, series=False)
        if written is not None:
            self.correlator.update_state(written)

    def _flush(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP:
                self._handle(item)


# --- asyncio ---------------------------------------------------------------------------------------------------


class _TaskBroadcaster:
    gvr: GVR

    def __init__(self, dyn: AsyncDynamicClient, *, queue_size: int, retry_sleep: float, max_tries: int) -> None:
        self.dyn = dyn
        self.retry_sleep = retry_sleep
        self.max_tries = max_tries
        self.dropped = 0
        self.written = 0
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=queue_size)
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._owns_client = False

    def _client(self, namespace: str) -> Any:
        return self.dyn.resource(self.gvr, namespaced=True).namespace(namespace)

    def _enqueue(self, event: dict[str, Any]) -> None:
        """Called on the event loop's thread (recorders do not block)."""
        if self._closing.is_set():
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1
            logger.warning("event queue full; event %s dropped", event.get("reason"))

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"events-{self.gvr.group or 'core'}")

    async def aclose(self) -> None:
        """Write what is queued and every pending series count, then stop the worker task."""
        self._closing.set()
        if self._task is not None:
            await self._queue.put(_STOP)
            await self._task
        if self._owns_client:
            await self.dyn.aclose()

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _run(self) -> None:
        while True:
            try:
                item = await asyncio.wait_for(self._queue.get(), self._tick_interval())
            except TimeoutError:
                await self._tick()
                continue
            if item is _STOP:
                await self._flush()
                return
            try:
                await self._handle(item)
            except Exception:
                logger.exception("event handling failed")
            await self._tick()

    async def _write(self, do: Callable[[], Any], *, series: bool, what: str) -> Any:
        for attempt in range(self.max_tries):
            try:
                result = await do()
            except Exception as err:
                if not _classify(err, series=series):
                    logger.log(
                        logging.DEBUG if is_already_exists(err) else logging.ERROR,
                        "server rejected event %s (will not retry): %s",
                        what,
                        err,
                    )
                    return None
                if attempt + 1 >= self.max_tries:
                    logger.error("unable to write event %s (retry limit exceeded): %s", what, err)
                    return None
                logger.warning("unable to write event %s (may retry after sleeping): %s", what, err)
                try:
                    await asyncio.wait_for(self._closing.wait(), _sleep_for(self.retry_sleep))
                    if attempt >= 1:
                        return None
                except TimeoutError:
                    pass
                continue
            self.written += 1
            return result
        return None

    async def _create_or_patch(self, event: dict[str, Any], patch: dict[str, Any] | None, *, series: bool) -> Any:
        meta = event["metadata"]
        client = self._client(meta["namespace"])

        async def do() -> Any:
            if patch is not None:
                try:
                    return await client.patch(meta["name"], patch, "strategic")
                except Exception as err:
                    if not is_not_found(err):
                        raise
            body = dict(event, metadata={k: v for k, v in meta.items() if k != "resourceVersion"})
            return await client.create(body)

        return await self._write(do, series=series, what=f"{event.get('reason')} on {meta['name']}")

    def _tick_interval(self) -> float | None:
        return None

    async def _tick(self) -> None:
        pass

    async def _handle(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    async def _flush(self) -> None:
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not _STOP:
                await self._handle(item)


class AsyncEventBroadcaster(_TaskBroadcaster):
    """`EventBroadcaster` on asyncio: `async with AsyncEventBroadcaster.for_config(cfg) as b: ...`."""

    gvr = EVENTS_V1

    def __init__(
        self,
        dyn: AsyncDynamicClient,
        *,
        queue_size: int = MAX_QUEUED_EVENTS,
        retry_sleep: float = RETRY_SLEEP,
        max_tries: int = MAX_TRIES,
        spam_filter: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(dyn, queue_size=queue_size, retry_sleep=retry_sleep, max_tries=max_tries)
        self.series = SeriesCache(clock=clock)
        self.spam = SpamFilter(clock=clock, key=_v1_spam_key) if spam_filter else None
        self.clock = clock
        self._next_finish = clock() + SERIES_FINISH_AFTER
        self._next_refresh = clock() + SERIES_REFRESH_EVERY

    @classmethod
    def for_config(cls, cfg: Any, **options: Any) -> AsyncEventBroadcaster:
        broadcaster = cls(AsyncDynamicClient.for_config(cfg), **options)
        broadcaster._owns_client = True
        return broadcaster

    def new_recorder(self, reporting_controller: str, *, reporting_instance: str | None = None) -> EventRecorder:
        self.start()
        instance = reporting_instance or _default_instance(reporting_controller)
        return EventRecorder(self._enqueue, reporting_controller, instance)

    async def _handle(self, event: dict[str, Any]) -> None:
        if self.spam is not None and self.spam.skip(event):
            return
        write = self.series.observe(event)
        if write is not None:
            await self._record(write)

    async def _record(self, write: SeriesWrite) -> None:
        written = await self._create_or_patch(write.event, write.patch, series=write.patch is not None)
        if written is not None:
            self.series.remember(write.key, written)

    def _tick_interval(self) -> float | None:
        return max(min(self._next_finish, self._next_refresh) - self.clock(), 0.05)

    async def _tick(self) -> None:
        now = self.clock()
        if now >= self._next_finish:
            self._next_finish = now + SERIES_FINISH_AFTER
            for write in self.series.finished():
                await self._record(write)
        if now >= self._next_refresh:
            self._next_refresh = now + SERIES_REFRESH_EVERY
            for write in self.series.series_writes():
                await self._record(write)

    async def _flush(self) -> None:
        await super()._flush()
        for write in self.series.series_writes():
            await self._record(write)


class AsyncLegacyEventBroadcaster(_TaskBroadcaster):
    """`LegacyEventBroadcaster` on asyncio."""

    gvr = EVENTS_CORE

    def __init__(
        self,
        dyn: AsyncDynamicClient,
        *,
        queue_size: int = MAX_QUEUED_EVENTS,
        retry_sleep: float = RETRY_SLEEP,
        max_tries: int = MAX_TRIES,
        correlator: EventCorrelator | None = None,
    ) -> None:
        super().__init__(dyn, queue_size=queue_size, retry_sleep=retry_sleep, max_tries=max_tries)
        self.correlator = correlator or EventCorrelator()

    @classmethod
    def for_config(cls, cfg: Any, **options: Any) -> AsyncLegacyEventBroadcaster:
        broadcaster = cls(AsyncDynamicClient.for_config(cfg), **options)
        broadcaster._owns_client = True
        return broadcaster

    def new_recorder(self, component: str, *, host: str | None = None) -> LegacyEventRecorder:
        self.start()
        return LegacyEventRecorder(self._enqueue, component, host if host is not None else socket.gethostname())

    async def _handle(self, event: dict[str, Any]) -> None:
        result = self.correlator.correlate(event)
        if result.skip or result.event is None:
            return
        written = await self._create_or_patch(result.event, result.patch, series=False)
        if written is not None:
            self.correlator.update_state(written)
