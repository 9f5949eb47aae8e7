"""exec and attach (client-go's tools/remotecommand), blocking API; `kubeclient.remotecommand.aio` is the asyncio one.

    result = remotecommand.exec(cfg, "default", "web-0", ["ls", "/"])        # ExecResult(stdout, stderr, exit_code)
    with remotecommand.exec_stream(cfg, "default", "web-0", ["cat"], stdin=True) as s:
        s.write(b"hello"); s.close_stdin()
        for channel, data in s: ...
        s.wait()                                                                 # the exit code

The WebSocket channel protocols `v5.channel.k8s.io` (preferred) and `v4.channel.k8s.io` are negotiated like client-go;
the blocking calls run the asyncio implementation on a private event loop thread that ends with the call or session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Self

from kubeclient.remotecommand import aio
from kubeclient.remotecommand.aio import AsyncExecSession, ExecResult, NonZeroExitError, Stdin
from kubeclient.remotecommand.portal import Portal
from kubeclient.remotecommand.protocol import (
    CHANNEL_STDERR,
    CHANNEL_STDOUT,
    EXEC_PROTOCOLS,
    V4,
    V5,
    ProtocolNegotiationError,
)
from kubeclient.remotecommand.websocket import WebSocketClosedError

__all__ = [
    "CHANNEL_STDERR",
    "CHANNEL_STDOUT",
    "V4",
    "V5",
    "AsyncExecSession",
    "ExecResult",
    "ExecSession",
    "NonZeroExitError",
    "ProtocolNegotiationError",
    "WebSocketClosedError",
    "attach",
    "attach_stream",
    "exec",
    "exec_stream",
]


class ExecSession:
    """The blocking face of an `AsyncExecSession`: iterate for (channel, bytes); write, close_stdin, resize, wait."""

    def __init__(self, portal: Portal, session: AsyncExecSession) -> None:
        self._portal = portal
        self._session = session
        self.protocol = session.protocol
        self.tty = session.tty

    @property
    def exit_code(self) -> int | None:
        return self._session.exit_code

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        iterator = self._session.__aiter__()

        async def step() -> tuple[int, bytes]:
            return await anext(iterator)

        while True:
            try:
                yield self._portal.run(step())
            except StopAsyncIteration:
                return

    def write(self, data: bytes) -> None:
        self._portal.run(self._session.write(data))

    def close_stdin(self) -> None:
        self._portal.run(self._session.close_stdin())

    def resize(self, width: int, height: int) -> None:
        self._portal.run(self._session.resize(width, height))

    def wait(self, timeout: float | None = None) -> int:
        return self._portal.run(self._session.wait(), timeout)

    def close(self) -> None:
        try:
            with contextlib.suppress(Exception):
                self._portal.run(self._session.aclose(), 10)
        finally:
            self._portal.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _session(opener: Any) -> ExecSession:
    portal = Portal()
    try:
        return ExecSession(portal, portal.run(opener))
    except BaseException:
        portal.close()
        raise


def exec_stream(
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
    protocols: Sequence[str] = EXEC_PROTOCOLS,
) -> ExecSession:
    """Start `command` and return the session; close it (or use `with`) to release its connection and thread."""
    return _session(
        aio.exec_stream(
            cfg, namespace, name, command, container=container, stdin=stdin, stdout=stdout, stderr=stderr, tty=tty,
            protocols=protocols,
        )
    )  # fmt: skip


def attach_stream(
    cfg: Any,
    namespace: str,
    name: str,
    *,
    container: str | None = None,
    stdin: bool = False,
    stdout: bool = True,
    stderr: bool = True,
    tty: bool = False,
    protocols: Sequence[str] = EXEC_PROTOCOLS,
) -> ExecSession:
    """Attach to the running process and return the session."""
    return _session(
        aio.attach_stream(
            cfg, namespace, name, container=container, stdin=stdin, stdout=stdout, stderr=stderr, tty=tty,
            protocols=protocols,
        )
    )  # fmt: skip


def exec(
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
    protocols: Sequence[str] = EXEC_PROTOCOLS,
) -> ExecResult:
    """Run `command` to completion: ExecResult(stdout, stderr, exit_code). `stdin` is bytes or a binary file; a
    non-zero exit raises NonZeroExitError only with `check=True`; `timeout` (seconds) raises TimeoutError."""
    with Portal() as portal:
        return portal.run(
            aio.exec(
                cfg, namespace, name, command, container=container, stdin=stdin, tty=tty, check=check,
                timeout=timeout, protocols=protocols,
            )
        )  # fmt: skip


def attach(
    cfg: Any,
    namespace: str,
    name: str,
    *,
    container: str | None = None,
    stdin: Stdin | None = None,
    tty: bool = False,
    check: bool = False,
    timeout: float | None = None,
    protocols: Sequence[str] = EXEC_PROTOCOLS,
) -> ExecResult:
    """Attach to the running process until it ends (or `timeout`)."""
    with Portal() as portal:
        return portal.run(
            aio.attach(
                cfg, namespace, name, container=container, stdin=stdin, tty=tty, check=check, timeout=timeout,
                protocols=protocols,
            )
        )  # fmt: skip
