"""AsyncSharedIndexInformer: the shared informer on asyncio (same core, stores and semantics as
`kubeclient.cache.informer.SharedIndexInformer`).

Handlers may be plain functions or coroutine functions (their result is awaited). Each handler is served by its
own task with its own unbounded buffer. The FIFO is the same thread-safe queue; the processing task pops only when
the queue holds something, so it never blocks the event loop. All methods must be called on the loop's thread.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from kubeclient.cache.aio.reflector import AsyncReflector
from kubeclient.cache.informer import (
    HandlerRegistration,
    ListenerState,
    ResourceEventHandler,
    Transform,
    _InformerCore,
    _TransformingStore,
    default_indexer,
    default_queue_factory,
    deliver,
    make_handler,
)
from kubeclient.cache.reflector import Clock, WatchErrorHandler

__all__ = ["AsyncSharedIndexInformer"]

logger = logging.getLogger("kubeclient.cache.informer")

T = TypeVar("T")


class _NotifyingStore(_TransformingStore):
    """Wakes the processing task after every write the reflector makes to the FIFO."""

    def __init__(self, inner: Any, transform: Transform | None, notify: Callable[[], None]) -> None:
        super().__init__(inner, transform)
        self._notify = notify

    def add(self, obj: Any) -> None:
        super().add(obj)
        self._notify()

    def update(self, obj: Any) -> None:
        super().update(obj)
        self._notify()

    def delete(self, obj: Any) -> None:
        super().delete(obj)
        self._notify()

    def replace(self, items: list[Any], resource_version: str) -> None:
        super().replace(items, resource_version)
        self._notify()

    def resync(self) -> None:
        super().resync()
        self._notify()


class _TaskListener:
    def __init__(self, state: ListenerState, name: str) -> None:
        self.state = state
        self.name = name
        self._event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"informer-handler-{self.name}")

    def wake(self) -> None:
        self._event.set()

    async def stop(self) -> None:
        task = self._task
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _run(self) -> None:
        while True:
            note = self.state.pop()
            if note is None:
                self._event.clear()
                # Re-check after clearing: a push between pop() and clear() must not be missed.
                note = self.state.pop()
                if note is None:
                    await self._event.wait()
                    continue
            try:
                result = deliver(self.state.handler, note)
                if inspect.isawaitable(result):
                    await result
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("informer event handler failed on %s", note[0])
            finally:
                self.state.done(note)


class AsyncSharedIndexInformer(Generic[T]):
    """See the module docstring; the constructor takes the same options as `SharedIndexInformer`."""

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
        self._queue_factory = queue_factory or default_queue_factory
        self._listeners: dict[int, _TaskListener] = {}
        self._core = _InformerCore(
            indexer=indexer if indexer is not None else default_indexer(indexers),
            default_resync=resync,
            clock=clock,
            wake=self._wake,
        )
        self._reflector: AsyncReflector | None = None
        self._process_task: asyncio.Task[None] | None = None
        self._queued = asyncio.Event()
        self._stopped_event = asyncio.Event()

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
        state = self._core.add_listener(make_handler(handler, on_add, on_update, on_delete), resync_period)
        listener = _TaskListener(state, self.name)
        self._listeners[id(state)] = listener
        if self._core.started:
            listener.start()
            listener.wake()
        return HandlerRegistration(state)

    async def remove_event_handler(self, registration: HandlerRegistration) -> None:
        state = registration._state
        self._core.remove_listener(state)
        listener = self._listeners.pop(id(state), None)
        if listener is not None:
            await listener.stop()

    def _wake(self, state: ListenerState) -> None:
        listener = self._listeners.get(id(state))
        if listener is not None:
            listener.wake()

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

    def start(self) -> None:
        """Start the reflector, processing and handler tasks on the running loop (idempotent)."""
        if self._core.started or self._core.stopped:
            return
        with self._core.block_deltas:
            queue = self._queue_factory(self._core.indexer_key, self._core.indexer)
            self._core.queue = queue
            self._reflector = AsyncReflector(
                self.lister_watcher,
                _NotifyingStore(queue, self._core.transform, self._queued.set),
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
        loop = asyncio.get_running_loop()
        self._process_task = loop.create_task(self._process_loop(), name=f"informer-{self.name}")
        self._reflector.start()

    async def run(self) -> None:
        """Start, then wait until `stop()`."""
        self.start()
        await self._stopped_event.wait()

    async def stop(self) -> None:
        """Stop the reflector, processing and every handler task (buffers are dropped)."""
        if self._core.stopped:
            return
        self._core.stopped = True
        self._stopped_event.set()
        if self._reflector is not None:
            await self._reflector.stop()
        if self._process_task is not None:
            self._process_task.cancel()
            try:
                await self._process_task
            except asyncio.CancelledError:
                pass
        if self._core.queue is not None:
            self._core.queue.close()
        for listener in list(self._listeners.values()):
            await listener.stop()

    async def _process_loop(self) -> None:
        queue = self._core.queue
        pop = getattr(queue, "pop_batch", queue.pop)  # a queue of the user's may only pop one at a time
        while True:
            if len(queue) == 0:
                self._queued.clear()
                if len(queue) == 0:
                    await self._queued.wait()
                    continue
            try:
                pop(self._core.handle_deltas)
            except Exception as err:
                if queue.is_closed():
                    return
                logger.error("%s: processing deltas failed: %s", self.name, err)
            # Let handler tasks and the reflector run between items of a large relist.
            await asyncio.sleep(0)
