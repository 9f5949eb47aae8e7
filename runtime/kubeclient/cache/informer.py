"""SharedIndexInformer: one reflector + in-order FIFO + indexer, fanned out to many handlers
(client-go tools/cache/shared_informer.go).

Semantics:
- Deltas popped from the FIFO update the indexer, then become notifications: an object the indexer did not hold
  → `on_add(obj, is_in_initial_list)`; one it held → `on_update(old, new)`; a deletion → `on_delete(obj)` where obj
  may be a `DeletedFinalStateUnknown` tombstone. An update whose old and new resourceVersion are equal is a resync:
  it goes only to handlers whose own resync period is due.
- Every handler has its own unbounded buffer and its own delivery thread (asyncio: task), so a slow handler never
  stalls the others or the informer. A handler that raises is logged; delivery goes on.
- A handler added after start first receives a synthetic `on_add(obj, True)` for every cached object, queued
  before any later event (deltas are held back while it joins).
- `registration.has_synced()` is true once the informer has synced and that handler has processed its initial adds.
- Resync: a handler's period (≥ 1 s; 0 = never) is raised to the informer's resync check period; the reflector
  resyncs every check period when at least one handler is due.
- `set_transform` and `set_watch_error_handler` raise `RuntimeError` after start. The transform runs on every object
  before it is queued (list items, watch objects; not tombstones).

`_InformerCore` holds this I/O-free logic; `SharedIndexInformer` (threads) and
`kubeclient.cache.aio.AsyncSharedIndexInformer` are thin shells over it.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from kubeclient.cache.reflector import (
    Clock,
    Reflector,
    ReflectorStore,
    WatchErrorHandler,
    object_resource_version,
)

__all__ = [
    "MINIMUM_RESYNC_PERIOD",
    "HandlerRegistration",
    "ResourceEventHandler",
    "ResourceEventHandlerFuncs",
    "SharedIndexInformer",
    "Transform",
]

logger = logging.getLogger("kubeclient.cache.informer")

T = TypeVar("T")
MINIMUM_RESYNC_PERIOD = 1.0
Transform = Callable[[Any], Any]


class ResourceEventHandler(Protocol):
    def on_add(self, obj: Any, is_in_initial_list: bool) -> Any: ...

    def on_update(self, old: Any, new: Any) -> Any: ...

    def on_delete(self, obj: Any) -> Any: ...


@dataclass
class ResourceEventHandlerFuncs:
    """A handler from optional functions; a missing one ignores its events. Async shells await coroutines."""

    add_func: Callable[[Any, bool], Any] | None = None
    update_func: Callable[[Any, Any], Any] | None = None
    delete_func: Callable[[Any], Any] | None = None

    def on_add(self, obj: Any, is_in_initial_list: bool) -> Any:
        return self.add_func(obj, is_in_initial_list) if self.add_func else None

    def on_update(self, old: Any, new: Any) -> Any:
        return self.update_func(old, new) if self.update_func else None

    def on_delete(self, obj: Any) -> Any:
        return self.delete_func(obj) if self.delete_func else None


def _adapt_add(func: Callable[..., Any]) -> Callable[[Any, bool], Any]:
    """Accept on_add(obj) as well as on_add(obj, is_in_initial_list)."""
    try:
        params = [
            p
            for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
    except (TypeError, ValueError):
        return func
    if len(params) == 1 and params[0].kind != params[0].VAR_POSITIONAL:
        return lambda obj, _initial: func(obj)
    return func


def make_handler(
    handler: ResourceEventHandler | None,
    on_add: Callable[..., Any] | None,
    on_update: Callable[[Any, Any], Any] | None,
    on_delete: Callable[[Any], Any] | None,
) -> ResourceEventHandler:
    if handler is not None:
        if on_add or on_update or on_delete:
            raise ValueError("add_event_handler: pass either a handler object or on_add/on_update/on_delete, not both")
        return handler
    return ResourceEventHandlerFuncs(_adapt_add(on_add) if on_add else None, on_update, on_delete)


# Notifications: ("add", obj, is_in_initial_list) | ("update", old, new) | ("delete", obj, None)
Notification = tuple[str, Any, Any]


def deliver(handler: ResourceEventHandler, note: Notification) -> Any:
    kind, a, b = note
    if kind == "add":
        return handler.on_add(a, bool(b))
    if kind == "update":
        return handler.on_update(a, b)
    return handler.on_delete(a)


class ListenerState:
    """One handler's buffer, resync schedule and initial-list tracking (no I/O; shells add the waking)."""

    def __init__(
        self,
        handler: ResourceEventHandler,
        requested_resync: float,
        resync: float,
        now: float,
        informer_synced: Callable[[], bool],
    ) -> None:
        self.handler = handler
        self.requested_resync_period = requested_resync
        self.resync_period = resync
        self.next_resync = now + resync
        self.buffer: deque[Notification] = deque()
        self._pending_initial = 0
        self._informer_synced = informer_synced
        self._lock = threading.Lock()

    def push(self, note: Notification) -> None:
        with self._lock:
            if note[0] == "add" and note[2]:
                self._pending_initial += 1
            self.buffer.append(note)

    def pop(self) -> Notification | None:
        with self._lock:
            return self.buffer.popleft() if self.buffer else None

    def done(self, note: Notification) -> None:
        if note[0] == "add" and note[2]:
            with self._lock:
                self._pending_initial -= 1

    def has_synced(self) -> bool:
        with self._lock:
            pending = self._pending_initial
        return self._informer_synced() and pending == 0

    def should_resync(self, now: float, sync_all: bool) -> bool:
        if self.resync_period == 0:
            return False
        return sync_all or now >= self.next_resync

    def determine_next_resync(self, now: float) -> None:
        self.next_resync = now + self.resync_period


class HandlerRegistration:
    """Returned by `add_event_handler`: `has_synced()` tells whether this handler saw the whole initial list."""

    def __init__(self, state: ListenerState) -> None:
        self._state = state

    def has_synced(self) -> bool:
        return self._state.has_synced()

    @property
    def handler(self) -> ResourceEventHandler:
        return self._state.handler


def determine_resync_period(desired: float, check: float) -> float:
    if desired == 0:
        return 0.0
    if check == 0:
        logger.warning("resync period %ss requested but the informer does not resync; ignoring", desired)
        return 0.0
    return max(desired, check)


class _TransformingStore:
    """Applies the informer's transform to objects on their way from the reflector to the FIFO."""

    def __init__(self, inner: ReflectorStore, transform: Transform | None) -> None:
        self._inner = inner
        self._transform = transform

    def _t(self, obj: Any) -> Any:
        return self._transform(obj) if self._transform is not None else obj

    def add(self, obj: Any) -> None:
        self._inner.add(self._t(obj))

    def update(self, obj: Any) -> None:
        self._inner.update(self._t(obj))

    def delete(self, obj: Any) -> None:
        self._inner.delete(self._t(obj))

    def replace(self, items: list[Any], resource_version: str) -> None:
        self._inner.replace([self._t(o) for o in items], resource_version)

    def resync(self) -> None:
        self._inner.resync()


class _InformerCore:
    """The state and I/O-free logic shared by the thread and asyncio informers."""

    def __init__(
        self,
        *,
        indexer: Any,
        default_resync: float,
        clock: Clock | None,
        wake: Callable[[ListenerState], None],
    ) -> None:
        self.indexer = indexer
        self.clock: Clock = clock or _Monotonic()
        self.default_resync = default_resync
        self.resync_check_period = default_resync
        self.transform: Transform | None = None
        self.watch_error_handler: WatchErrorHandler | None = None
        self.started = False
        self.stopped = False
        self.listeners: list[ListenerState] = []
        self.syncing: list[ListenerState] = []
        self.queue: Any = None
        self.reflector_rv: Callable[[], str] = lambda: ""
        # Held while deltas are applied, and while a late handler joins (so it sees a consistent snapshot).
        self.block_deltas = threading.RLock()
        self._listeners_lock = threading.RLock()
        self._wake = wake

    # -- configuration ------------------------------------------------------------------------------------------

    def set_transform(self, transform: Transform | None) -> None:
        with self.block_deltas:
            if self.started:
                raise RuntimeError("set_transform: the informer has already started")
            self.transform = transform

    def set_watch_error_handler(self, handler: WatchErrorHandler) -> None:
        with self.block_deltas:
            if self.started:
                raise RuntimeError("set_watch_error_handler: the informer has already started")
            self.watch_error_handler = handler

    def has_synced(self) -> bool:
        queue = self.queue
        return bool(queue is not None and queue.has_synced())

    # -- handlers -----------------------------------------------------------------------------------------------

    def add_listener(self, handler: ResourceEventHandler, resync_period: float | None) -> ListenerState:
        with self.block_deltas:
            if self.stopped:
                raise RuntimeError("add_event_handler: the informer has stopped")
            period = self.default_resync if resync_period is None else resync_period
            if period > 0:
                period = max(period, MINIMUM_RESYNC_PERIOD)
                if period < self.resync_check_period or self.resync_check_period == 0:
                    if self.started:
                        logger.warning(
                            "resync period %ss is smaller than the started informer's %ss; using the latter",
                            period,
                            self.resync_check_period,
                        )
                        period = self.resync_check_period
                    else:
                        self.resync_check_period = period
            state = ListenerState(
                handler,
                period,
                determine_resync_period(period, self.resync_check_period),
                self.clock.now(),
                self.has_synced,
            )
            if not self.started:
                for other in self.listeners:
                    other.resync_period = determine_resync_period(
                        other.requested_resync_period, self.resync_check_period
                    )
            with self._listeners_lock:
                self.listeners.append(state)
            if self.started:
                for obj in self.indexer.list():
                    state.push(("add", obj, True))
            return state

    def remove_listener(self, state: ListenerState) -> None:
        with self._listeners_lock:
            if state in self.listeners:
                self.listeners.remove(state)
            if state in self.syncing:
                self.syncing.remove(state)

    def should_resync(self) -> bool:
        """Called by the reflector each check period: which handlers are due (they get the Sync updates)."""
        now = self.clock.now()
        with self._listeners_lock:
            self.syncing = []
            for state in self.listeners:
                if state.should_resync(now, False):
                    self.syncing.append(state)
                    state.determine_next_resync(now)
            return bool(self.syncing)

    def distribute(self, note: Notification, is_sync: bool) -> None:
        with self._listeners_lock:
            targets = list(self.syncing if is_sync else self.listeners)
        for state in targets:
            state.push(note)
            self._wake(state)

    # -- applying deltas -----------------------------------------------------------------------------------------

    def handle_deltas(self, deltas: Any, is_in_initial_list: bool) -> None:
        """Apply popped deltas to the indexer and notify handlers (client-go processDeltas)."""
        with self.block_deltas:
            for delta in _as_list(deltas):
                kind = _delta_type(delta)
                obj = _delta_object(delta)
                if kind == "ReplacedAll":
                    self._replaced_all(obj, is_in_initial_list)
                elif kind == "Deleted":
                    self.indexer.delete(obj)
                    self.distribute(("delete", obj, None), False)
                else:
                    self._upsert(obj, is_in_initial_list, kind)

    def _upsert(self, obj: Any, is_in_initial_list: bool, kind: str, key: str | None = None) -> None:
        indexer = self.indexer
        put = getattr(indexer, "put", None)  # our Indexer: the key is computed once, not for get and again for add
        if put is not None:
            if key is None:
                key = self.indexer_key(obj)
            old = indexer.get_by_key(key)
        else:
            old = indexer.get(obj)
            old = old[0] if isinstance(old, tuple) and len(old) == 2 and isinstance(old[1], bool) else old
        if old is not None:
            if put is not None:
                put(key, obj)
            else:
                indexer.update(obj)
            is_sync = object_resource_version(old) == object_resource_version(obj) and kind in ("Sync", "Replaced")
            if not is_sync and object_resource_version(old) == object_resource_version(obj):
                # client-go: an update that does not move the RV is a resync whatever the delta type.
                is_sync = True
            self.distribute(("update", old, obj), is_sync)
        else:
            if put is not None:
                put(key, obj)
            else:
                indexer.add(obj)
            self.distribute(("add", obj, is_in_initial_list), False)

    def _replaced_all(self, info: Any, is_in_initial_list: bool) -> None:
        """One atomic Replace: tombstone deletes first, then updates for known keys and adds for new ones."""
        objects = list(_attr(info, "objects", "items") or [])
        keyed = [(self.indexer_key(o), o) for o in objects]
        new_keys = {key for key, _ in keyed}
        for old in list(self.indexer.list()):
            if self.indexer_key(old) not in new_keys:
                tombstone = _tombstone(self.indexer_key(old), old)
                self.indexer.delete(old)
                self.distribute(("delete", tombstone, None), False)
        for key, obj in keyed:
            self._upsert(obj, is_in_initial_list, "Replaced", key)

    def indexer_key(self, obj: Any) -> str:
        key_func = getattr(self.indexer, "key_func", None)
        if callable(key_func):
            return str(key_func(obj))
        from kubeclient.cache import keys

        return str(keys.deletion_handling_meta_namespace_key(obj))


def _tombstone(key: str, obj: Any) -> Any:
    from kubeclient.cache.delta_fifo import DeletedFinalStateUnknown

    return DeletedFinalStateUnknown(key, obj)


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _as_list(deltas: Any) -> list[Any]:
    if isinstance(deltas, (list, tuple)) and not (len(deltas) == 2 and isinstance(deltas[0], str)):
        return list(deltas)
    items = getattr(deltas, "deltas", None)
    if items is not None:
        return list(items)
    return [deltas]


def _delta_type(delta: Any) -> str:
    kind = _attr(delta, "type", "kind")
    if kind is None and isinstance(delta, tuple):
        kind = delta[0]
    value = getattr(kind, "value", kind)
    return str(value)


def _delta_object(delta: Any) -> Any:
    if isinstance(delta, tuple):
        return delta[1]
    return _attr(delta, "object", "obj")


class _Monotonic:
    def now(self) -> float:
        return time.monotonic()


class _ThreadListener:
    """Delivers one handler's notifications on its own thread."""

    def __init__(self, state: ListenerState, name: str) -> None:
        self.state = state
        self._cond = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=f"informer-handler-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        with self._cond:
            self._cond.notify()

    def stop(self, timeout: float | None) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                note = self.state.pop()
                while note is None:
                    if self._stopped:
                        return
                    self._cond.wait()
                    note = self.state.pop()
            if self._stopped:
                return
            try:
                deliver(self.state.handler, note)
            except Exception:
                logger.exception("informer event handler failed on %s", note[0])
            finally:
                self.state.done(note)


class SharedIndexInformer(Generic[T]):
    """A shared informer on threads (see the module docstring).

    `lister_watcher` lists and watches the objects; `indexers` maps index names to index functions (the
    "namespace" index is added when not given); `resync` is the default handler resync period in seconds (0 = off).
    """

    def __init__(
        self,
        lister_watcher: Any,
        *,
        indexers: dict[str, Callable[[Any], list[str]]] | None = None,
        resync: float = 0.0,
        name: str = "informer",
        use_watch_list: bool = True,
        clock: Clock | None = None,
        reflector_options: dict[str, Any] | None = None,
        indexer: Any = None,
        queue_factory: Callable[[Callable[[Any], str], Any], Any] | None = None,
    ) -> None:
        self.name = name
        self.lister_watcher = lister_watcher
        self.use_watch_list = use_watch_list
        self._reflector_options = dict(reflector_options or {})
        self._listeners: dict[int, _ThreadListener] = {}
        self._queue_factory = queue_factory or default_queue_factory
        self._core = _InformerCore(
            indexer=indexer if indexer is not None else default_indexer(indexers),
            default_resync=resync,
            clock=clock,
            wake=self._wake,
        )
        self._reflector: Reflector | None = None
        self._process_thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    # -- configuration and handlers ------------------------------------------------------------------------------

    def set_transform(self, transform: Transform | None) -> None:
        self._core.set_transform(transform)

    def set_watch_error_handler(self, handler: WatchErrorHandler) -> None:
        self._core.set_watch_error_handler(handler)

    def add_indexers(self, indexers: dict[str, Callable[[Any], list[str]]]) -> None:
        self._core.indexer.add_indexers(indexers)

    def add_event_handler(
        self,
        handler: ResourceEventHandler | None = None,
        *,
        on_add: Callable[..., Any] | None = None,
        on_update: Callable[[Any, Any], Any] | None = None,
        on_delete: Callable[[Any], Any] | None = None,
        resync_period: float | None = None,
    ) -> HandlerRegistration:
        """Register a handler (an object with on_add/on_update/on_delete, or the functions); see the module doc."""
        state = self._core.add_listener(make_handler(handler, on_add, on_update, on_delete), resync_period)
        listener = _ThreadListener(state, self.name)
        with self._lock:
            self._listeners[id(state)] = listener
            if self._core.started:
                listener.start()
                listener.wake()
        return HandlerRegistration(state)

    def remove_event_handler(self, registration: HandlerRegistration) -> None:
        state = registration._state
        self._core.remove_listener(state)
        with self._lock:
            listener = self._listeners.pop(id(state), None)
        if listener is not None:
            listener.stop(1.0)

    def _wake(self, state: ListenerState) -> None:
        listener = self._listeners.get(id(state))
        if listener is not None:
            listener.wake()

    # -- state -------------------------------------------------------------------------------------------------

    def has_synced(self) -> bool:
        return self._core.has_synced()

    def get_store(self) -> Any:
        return self._core.indexer

    def get_indexer(self) -> Any:
        return self._core.indexer

    @property
    def last_sync_resource_version(self) -> str:
        return self._reflector.last_sync_resource_version if self._reflector is not None else ""

    @property
    def started(self) -> bool:
        return self._core.started

    def is_stopped(self) -> bool:
        return self._core.stopped

    # -- running ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the reflector, the FIFO processing and the handler threads in the background (idempotent)."""
        with self._lock:
            if self._core.started or self._core.stopped:
                return
            with self._core.block_deltas:
                queue = self._queue_factory(self._core.indexer_key, self._core.indexer)
                self._core.queue = queue
                self._reflector = Reflector(
                    self.lister_watcher,
                    _TransformingStore(queue, self._core.transform),
                    name=self.name,
                    key_func=self._core.indexer_key,
                    resync_period=self._core.resync_check_period,
                    should_resync=self._core.should_resync,
                    use_watch_list=self.use_watch_list,
                    watch_error_handler=self._core.watch_error_handler,
                    clock=self._core.clock,
                    **self._reflector_options,
                )
                self._core.started = True
            for listener in self._listeners.values():
                listener.start()
            self._process_thread = threading.Thread(
                target=self._process_loop, name=f"informer-{self.name}", daemon=True
            )
            self._process_thread.start()
            self._reflector.start()

    def run(self) -> None:
        """Start, then block until `stop()`."""
        self.start()
        # Bounded waits: on the main thread, a signal handler that calls stop() only runs when this thread wakes
        # (the OS may deliver the signal to another thread, which leaves an unbounded wait asleep for good).
        while not self._stop.wait(0.25):
            pass

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop the reflector, close the FIFO and stop every handler thread (their buffers are dropped)."""
        with self._lock:
            if self._core.stopped:
                return
            self._core.stopped = True
            listeners = list(self._listeners.values())
        self._stop.set()
        if self._reflector is not None:
            self._reflector.stop(timeout)
        if self._core.queue is not None:
            self._core.queue.close()
        if self._process_thread is not None and self._process_thread is not threading.current_thread():
            self._process_thread.join(timeout)
        for listener in listeners:
            listener.stop(timeout)

    def _process_loop(self) -> None:
        queue = self._core.queue
        pop = getattr(queue, "pop_batch", queue.pop)  # a queue of the user's may only pop one at a time
        while not self._stop.is_set():
            try:
                pop(self._core.handle_deltas)
            except Exception as err:
                if queue.is_closed():
                    return
                logger.error("%s: processing deltas failed: %s", self.name, err)


def default_indexer(indexers: dict[str, Callable[[Any], list[str]]] | None) -> Any:
    """The informer's indexer: keyed by namespace/name, with the "namespace" index unless given."""
    from kubeclient.cache.store import new_indexer

    return new_indexer(_with_namespace_index(indexers))


def default_queue_factory(key_func: Callable[[Any], str], known_objects: Any) -> Any:
    """The in-order FIFO v1.36 informers use, reporting deletions of known objects missing from a relist."""
    from kubeclient.cache.fifo import RealFIFO

    return RealFIFO(key_func=key_func, known_objects=known_objects)


def _with_namespace_index(
    indexers: dict[str, Callable[[Any], list[str]]] | None,
) -> dict[str, Callable[[Any], list[str]]]:
    from kubeclient.cache.index import NAMESPACE_INDEX, meta_namespace_index_func

    out = dict(indexers or {})
    out.setdefault(NAMESPACE_INDEX, meta_namespace_index_func)
    return out
