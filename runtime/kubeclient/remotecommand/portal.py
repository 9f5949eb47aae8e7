"""A private event loop in a thread, so that the blocking API drives the asyncio implementation: one protocol
implementation, and the concurrent reads and writes a stream needs without sharing a TLS socket between threads.
The thread lives as long as the session (or call) that made it, and is joined when it closes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Portal"]


class Portal:
    def __init__(self, name: str = "kubeclient-stream") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._closed = False
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run `coro` on the loop and wait for it; an interrupt or timeout here cancels it there."""
        if self._closed:
            coro.close()
            raise RuntimeError("the session is closed")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            with contextlib.suppress(BaseException):
                future.result(5)
            raise TimeoutError(f"timed out after {timeout} s") from None
        except BaseException:
            if not future.done():
                future.cancel()
                with contextlib.suppress(BaseException):
                    future.result(5)
            raise

    def close(self) -> None:
        """Cancel whatever still runs on the loop, stop it and join its thread."""
        if self._closed:
            return
        self._closed = True

        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()
            await self.loop.shutdown_default_executor()

        with contextlib.suppress(BaseException):
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self.loop.close()

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
