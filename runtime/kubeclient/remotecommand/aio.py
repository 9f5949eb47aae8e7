"""exec and attach for asyncio: client-go's remotecommand over the WebSocket channel protocols (v5, then v4).

`exec()`/`attach()` run to completion and return an `ExecResult` (stdout, stderr, exit code: a non-zero exit is a
result unless `check=True`). `exec_stream()`/`attach_stream()` return a session to drive by hand: iterate it for
(channel, bytes) output, `write()` stdin, `close_stdin()`, `resize()`, and `wait()` for the exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any, Self

import httpx

from kubeclient.errors import error_from_response
from kubeclient.remotecommand import protocol as p
from kubeclient.remotecommand.result import ExecResult, NonZeroExitError
from kubeclient.remotecommand.websocket import WebSocket, WebSocketClosedError, connect
from kubeclient.rest.transport import request_extensions

__all__ = ["AsyncExecSession", "ExecResult", "NonZeroExitError", "attach", "attach_stream", "exec", "exec_stream"]

STDIN_CHUNK = 32 * 1024
# Output messages buffered ahead of the reader; beyond it the socket is not read, so a slow consumer slows the pod.
_QUEUE_DEPTH = 64
_END = (-1, b"")


class AsyncExecSession:
    """One running exec or attach. Output comes as (channel, bytes) with channel 1 (stdout) or 2 (stderr)."""

    def __init__(self, ws: WebSocket, *, tty: bool) -> None:
        self._ws = ws
        self.tty = tty
        self.protocol = ws.subprotocol
        self.exit_code: int | None = None
        self._status = bytearray()
        self._queue: asyncio.Queue[tuple[int, bytes] | BaseException] = asyncio.Queue(_QUEUE_DEPTH)
        self._done = False
        self._stdin_closed = False
        self._reader = asyncio.create_task(self._read_loop())

    async def _read_loop(self) -> None:
        try:
            while True:
                message = await self._ws.receive()
                if message is None:
                    break
                if not message:
                    continue
                channel, data = message[0], message[1:]
                if channel == p.CHANNEL_ERROR:
                    self._status += data
                elif channel in (p.CHANNEL_STDOUT, p.CHANNEL_STDERR) and data:
                    await self._queue.put((channel, data))
                # The close signal and unknown channels carry nothing for the caller (client-go discards them).
            await self._queue.put(_END)
        except asyncio.CancelledError:
            # Closing: nobody may be reading, so never wait for room in the queue here.
            with contextlib.suppress(asyncio.QueueFull):
                self._queue.put_nowait(WebSocketClosedError("the session was closed"))
            raise
        except Exception as exc:
            await self._queue.put(exc)

    def __aiter__(self) -> AsyncIterator[tuple[int, bytes]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[tuple[int, bytes]]:
        while not self._done:
            item = await self._queue.get()
            if isinstance(item, BaseException):
                self._done = True
                raise item
            if item is _END:
                self._done = True
                self._finish()
                return
            yield item

    def _finish(self) -> None:
        status = p.decode_exit_status(bytes(self._status)) if self._status else p.ExitStatus(0)
        if status.error is not None:
            raise status.error
        self.exit_code = status.exit_code

    async def write(self, data: bytes) -> None:
        """Send bytes to the command's stdin (the session must have been opened with stdin=True)."""
        if self._stdin_closed:
            raise ValueError("stdin is closed")
        view = memoryview(data)
        for start in range(0, len(view), STDIN_CHUNK):
            await self._ws.send(p.frame(p.CHANNEL_STDIN, bytes(view[start : start + STDIN_CHUNK])))

    async def close_stdin(self) -> None:
        """Signal end of input (v5 only: v4 has no half-close, so a command reading stdin to its end keeps waiting
        until the session closes)."""
        if self._stdin_closed:
            return
        self._stdin_closed = True
        if self.protocol == p.V5:
            await self._ws.send(p.close_message(p.CHANNEL_STDIN))

    async def resize(self, width: int, height: int) -> None:
        """Tell the TTY its new size in columns and rows."""
        await self._ws.send(p.resize_message(width, height))

    async def wait(self) -> int:
        """Wait for the command to end, discarding output not yet read; its exit code."""
        async for _ in self:
            pass
        if self.exit_code is None:
            raise WebSocketClosedError("the session ended before the command's exit status arrived")
        return self.exit_code

    async def aclose(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(BaseException):
            await self._reader
        await self._ws.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


async def _open(
    cfg: Any,
    namespace: str,
    name: str,
    subresource: str,
    command: Sequence[str] | None,
    *,
    container: str | None,
    stdin: bool,
    stdout: bool,
    stderr: bool,
    tty: bool,
    protocols: Sequence[str],
) -> AsyncExecSession:
    path = p.pod_path(namespace, name, subresource)
    query = p.exec_query(command, container=container, stdin=stdin, stdout=stdout, stderr=stderr, tty=tty)

    async def refuse_completed_pod(client: httpx.AsyncClient) -> None:
        # kubectl's check (exec.go, attach.go): the pod is read first and a completed one is refused, since the
        # apiserver forwards to the kubelet whatever the phase. A user allowed pods/exec but not `get pods` is not
        # refused here: the server's authorization of the exec itself decides.
        pod_url = path.rpartition("/")[0]
        response = await client.get(
            pod_url, headers={"Accept": "application/json"}, extensions=request_extensions(cfg) or {}
        )
        if response.status_code == 403:
            return
        if response.status_code != 200:
            raise error_from_response(response.status_code, response.content, method="GET")
        refusal = p.completed_pod_refusal(response.content, namespace, name, subresource)
        if refusal is not None:
            raise refusal

    ws = await connect(cfg, path, query, protocols, before=refuse_completed_pod)
    return AsyncExecSession(ws, tty=tty)


async def exec_stream(
    cfg: Any,
    namespace: str,
    name: str,
    command: Sequence[str],
    *,
    container: str | None = None,
    stdin: bool = False,
    stdout: bool = True,
    stderr: bool = True,
    tty: bool = False,
    protocols: Sequence[str] = p.EXEC_PROTOCOLS,
) -> AsyncExecSession:
    """Start `command` in the pod's container and return the session (use it as an async context manager)."""
    return await _open(
        cfg, namespace, name, "exec", command, container=container, stdin=stdin, stdout=stdout, stderr=stderr,
        tty=tty, protocols=protocols,
    )  # fmt: skip


async def attach_stream(
    cfg: Any,
    namespace: str,
    name: str,
    *,
    container: str | None = None,
    stdin: bool = False,
    stdout: bool = True,
    stderr: bool = True,
    tty: bool = False,
    protocols: Sequence[str] = p.EXEC_PROTOCOLS,
) -> AsyncExecSession:
    """Attach to the container's running process and return the session."""
    return await _open(
        cfg, namespace, name, "attach", None, container=container, stdin=stdin, stdout=stdout, stderr=stderr,
        tty=tty, protocols=protocols,
    )  # fmt: skip


Stdin = bytes | bytearray | memoryview | Any


async def _feed(session: AsyncExecSession, stdin: Stdin) -> None:
    try:
        if isinstance(stdin, bytes | bytearray | memoryview):
            await session.write(bytes(stdin))
        elif hasattr(stdin, "__aiter__"):
            async for chunk in stdin:
                await session.write(chunk)
        else:
            read = stdin.read
            while True:
                chunk = (
                    await read(STDIN_CHUNK)
                    if inspect.iscoroutinefunction(read)
                    else await asyncio.to_thread(read, STDIN_CHUNK)
                )
                if not chunk:
                    break
                await session.write(chunk)
        await session.close_stdin()
    except WebSocketClosedError:
        pass  # the command ended without reading all of its input, as a pipe would let it


async def _run(session: AsyncExecSession, stdin: Stdin | None, check: bool) -> ExecResult:
    feeder = asyncio.create_task(_feed(session, stdin)) if stdin is not None else None
    out, err = bytearray(), bytearray()
    try:
        async for channel, data in session:
            (out if channel == p.CHANNEL_STDOUT else err).extend(data)
        if session.exit_code is None:
            raise WebSocketClosedError("the session ended before the command's exit status arrived")
        result = ExecResult(bytes(out), bytes(err), session.exit_code)
    finally:
        if feeder is not None:
            feeder.cancel()
            with contextlib.suppress(BaseException):
                await feeder
        await session.aclose()
    return result.check() if check else result


async def exec(
    cfg: Any,
    namespace: str,
    name: str,
    command: Sequence[str],
    *,
    container: str | None = None,
    stdin: Stdin | None = None,
    tty: bool = False,
    check: bool = False,
    timeout: float | None = None,
    protocols: Sequence[str] = p.EXEC_PROTOCOLS,
) -> ExecResult:
    """Run `command` to completion. `stdin`: bytes, a binary file (read in a worker thread), or an async iterable of
    bytes; it is closed at its end (v5). `timeout` bounds the whole call (TimeoutError, connection closed)."""
    async with asyncio.timeout(timeout):
        session = await exec_stream(
            cfg, namespace, name, command, container=container, stdin=stdin is not None, tty=tty, protocols=protocols
        )
        return await _run(session, stdin, check)


async def attach(
    cfg: Any,
    namespace: str,
    name: str,
    *,
    container: str | None = None,
    stdin: Stdin | None = None,
    tty: bool = False,
    check: bool = False,
    timeout: float | None = None,
    protocols: Sequence[str] = p.EXEC_PROTOCOLS,
) -> ExecResult:
    """Attach to the running process until it ends (or `timeout`), sending `stdin` as `exec()` does."""
    async with asyncio.timeout(timeout):
        session = await attach_stream(
            cfg, namespace, name, container=container, stdin=stdin is not None, tty=tty, protocols=protocols
        )
        return await _run(session, stdin, check)
