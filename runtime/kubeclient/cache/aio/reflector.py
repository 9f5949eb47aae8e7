"""AsyncReflector: drives `kubeclient.cache.reflector.ReflectorFlow` (the same rules) on asyncio.

`await run()` lists and watches until cancelled or `stop()`; `start()` runs it as a task. With `resync_period` > 0
a second task calls `store.resync()` every period when `should_resync()` says so. `backoff` replaces the default
(800 ms doubling to 30 s); `sleep` (tests) replaces `asyncio.sleep` for back-off.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

from kubeclient.cache.listwatch import AsyncListerWatcher, AsyncWatchStream
from kubeclient.cache.reflector import (
    MIN_WATCH_TIMEOUT,
    Backoff,
    Clock,
    CloseWatch,
    Effect,
    Flow,
    ListCall,
    NextEvent,
    ReflectorFlow,
    ReflectorStore,
    Sleep,
    WatchCall,
    WatchErrorHandler,
    _default_key_func,
)

__all__ = ["AsyncReflector"]

logger = logging.getLogger("kubeclient.cache.reflector")


class AsyncReflector:
    def __init__(
        self,
        lister_watcher: AsyncListerWatcher,
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
        sleep: Callable[[float], Awaitable[None]] | None = None,
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
        self._sleep = sleep or asyncio.sleep
        self._stopped = False
        self._task: asyncio.Task[None] | None = None
        self._streams: dict[int, AsyncWatchStream] = {}
        self._read_timeouts: dict[int, float | None] = {}

    @property
    def last_sync_resource_version(self) -> str:
        return self.flow.last_sync_resource_version

    def set_watch_error_handler(self, handler: WatchErrorHandler) -> None:
        self.flow.watch_error_handler = handler

    def start(self) -> asyncio.Task[None]:
        """Run as a task of the running loop (idempotent)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name=f"reflector-{self.name}")
        return self._task

    async def stop(self) -> None:
        """Stop: cancel the task started by `start()` and wait for it (open watches are closed)."""
        self._stopped = True
        task = self._task
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    @property
    def stopped(self) -> bool:
        return self._stopped

    async def run(self) -> None:
        resync_task = None
        if self.resync_period > 0:
            resync_task = asyncio.get_running_loop().create_task(self._resync_loop(), name=f"resync-{self.name}")
        flow = self.flow.run()
        try:
            await self._drive(flow)
        finally:
            flow.close()
            if resync_task is not None:
                resync_task.cancel()
            streams = list(self._streams.values())
            self._streams.clear()
            for stream in streams:
                try:
                    await stream.aclose()
                except Exception as err:
                    logger.debug("%s: closing watch: %s", self.name, err)

    async def _drive(self, flow: Flow) -> None:
        value: Any = None
        error: BaseException | None = None
        while not self._stopped:
            try:
                effect = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration:
                return
            value, error = None, None
            try:
                value = await self._perform(effect)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                if self._stopped:
                    return
                error = err

    async def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, NextEvent):
            # The read timeout is enforced here too, so a half-open connection is noticed whatever the transport.
            read_timeout = self._read_timeouts.get(id(effect.stream))
            try:
                # asyncio.timeout, not wait_for: wait_for makes a task per call, here one per event.
                async with asyncio.timeout(read_timeout):
                    return await effect.stream.__anext__()
            except StopAsyncIteration:
                return None
        if isinstance(effect, ListCall):
            return await self.lister_watcher.list(effect.options)
        if isinstance(effect, WatchCall):
            stream = await self.lister_watcher.watch(effect.options, read_timeout=effect.read_timeout)
            self._streams[id(stream)] = stream
            self._read_timeouts[id(stream)] = effect.read_timeout
            return stream
        if isinstance(effect, CloseWatch):
            self._streams.pop(id(effect.stream), None)
            self._read_timeouts.pop(id(effect.stream), None)
            await effect.stream.aclose()
            return None
        if isinstance(effect, Sleep):
            await self._sleep(effect.seconds)
            return None
        raise TypeError(f"unknown reflector effect {effect!r}")

    async def _resync_loop(self) -> None:
        while not self._stopped:
            await asyncio.sleep(self.resync_period)
            if self.should_resync is None or self.should_resync():
                try:
                    self.flow.store.resync()
                except Exception as err:
                    logger.error("%s: resync failed: %s", self.name, err)
