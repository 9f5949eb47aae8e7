"""exec and attach through the WebSocket channel protocols, sync and asyncio, against the fake server and through the
real kube-apiserver to the kubelet stub: output per channel, stdin (10 MB intact), exit codes, check=True, resize,
protocol fallback and its error, the server's refusals as typed errors, and no thread or socket left behind."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import io
import os
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from backends import Backend
from streaming_helpers import Pod

from kubeclient import DynamicClient, errors, remotecommand
from kubeclient.config.exec_plugin import ExecConfig
from kubeclient.remotecommand import aio
from kubeclient.schema import GVR
from kubeclient.testing.streaming import ExecCall


def test_exec_echo_exit_code_and_stderr(backend: Backend, pod: Pod) -> None:
    cfg = backend.config()
    result = remotecommand.exec(cfg, pod.namespace, pod.name, ["echo", "hello", "world"])
    assert (result.stdout, result.stderr, result.exit_code) == (b"hello world\n", b"", 0)

    failed = remotecommand.exec(cfg, pod.namespace, pod.name, ["sh", "-c", "exit 3"])
    assert failed.exit_code == 3
    with pytest.raises(remotecommand.NonZeroExitError) as info:
        remotecommand.exec(cfg, pod.namespace, pod.name, ["sh", "-c", "exit 7"], check=True)
    assert info.value.exit_code == 7

    err = remotecommand.exec(cfg, pod.namespace, pod.name, ["sh", "-c", "echo oops >&2"], container="main")
    assert (err.stdout, err.stderr, err.exit_code) == (b"", b"oops\n", 0)

    missing = remotecommand.exec(cfg, pod.namespace, pod.name, ["no-such-command"])
    assert missing.exit_code == 127


def test_exec_stdin_10mb_intact_sync(backend: Backend, pod: Pod) -> None:
    data = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    result = remotecommand.exec(backend.config(), pod.namespace, pod.name, ["cat"], stdin=io.BytesIO(data), timeout=120)
    assert result.exit_code == 0
    assert hashlib.sha256(result.stdout).hexdigest() == hashlib.sha256(data).hexdigest()


def test_exec_stdout_10mb_async(backend: Backend, pod: Pod) -> None:
    async def main() -> None:
        result = await aio.exec(backend.config(), pod.namespace, pod.name, ["yes-bytes", str(10 * 1024 * 1024)])
        assert result.exit_code == 0
        assert len(result.stdout) == 10 * 1024 * 1024

        data = b"0123456789abcdef" * 65536
        echoed = await aio.exec(backend.config(), pod.namespace, pod.name, ["cat"], stdin=data)
        assert echoed.stdout == data

    asyncio.run(main())


def test_stream_session_stdin_writes_close_and_resize(backend: Backend, pod: Pod) -> None:
    cfg = backend.config()
    with remotecommand.exec_stream(cfg, pod.namespace, pod.name, ["cat"], stdin=True) as session:
        assert session.protocol == remotecommand.V5
        session.write(b"first ")
        session.write(b"second")
        session.close_stdin()
        out = b"".join(data for channel, data in session if channel == remotecommand.CHANNEL_STDOUT)
        assert out == b"first second"
        assert session.exit_code == 0

    async def resize() -> bytes:
        async with await aio.exec_stream(cfg, pod.namespace, pod.name, ["tty-size"], tty=True, stdin=True) as s:
            await s.resize(132, 43)
            out = b""
            async for _, data in s:
                out += data
            return out

    assert asyncio.run(resize()) == b"132x43 tty=true\n"


def test_attach_behaves_as_cat(backend: Backend, pod: Pod) -> None:
    result = remotecommand.attach(backend.config(), pod.namespace, pod.name, stdin=b"attached\n", timeout=30)
    assert result.stdout == b"attached\n"
    assert result.exit_code == 0

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(3):
            yield b"part %d;" % i

    async def attach_async() -> None:
        result = await aio.attach(backend.config(), pod.namespace, pod.name, stdin=chunks(), timeout=30)
        assert (result.stdout, result.exit_code) == (b"part 0;part 1;part 2;", 0)
        async with await aio.attach_stream(backend.config(), pod.namespace, pod.name, stdin=True) as session:
            await session.write(b"by hand")
            await session.close_stdin()
            assert b"".join([data async for _, data in session]) == b"by hand"
            assert session.exit_code == 0

    asyncio.run(attach_async())


def test_v4_fallback_and_negotiation_error(backend: Backend, pod: Pod) -> None:
    cfg = backend.config()
    result = remotecommand.exec(cfg, pod.namespace, pod.name, ["echo", "v4"], protocols=[remotecommand.V4])
    assert result.stdout == b"v4\n"
    with remotecommand.exec_stream(cfg, pod.namespace, pod.name, ["echo", "x"], protocols=[remotecommand.V4]) as s:
        assert s.protocol == remotecommand.V4
        assert s.wait() == 0
    with pytest.raises(remotecommand.ProtocolNegotiationError, match=r"v9\.channel\.k8s\.io"):
        remotecommand.exec(cfg, pod.namespace, pod.name, ["echo"], protocols=["v9.channel.k8s.io"])


def test_server_refusals_are_typed_errors(backend: Backend, pod: Pod) -> None:
    cfg = backend.config()
    with pytest.raises(errors.BadRequestError, match="nope"):
        remotecommand.exec(cfg, pod.namespace, pod.name, ["echo"], container="nope")
    with pytest.raises(errors.NotFoundError):
        remotecommand.exec(cfg, pod.namespace, "no-such-pod", ["echo"])


def _client_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("kubeclient")]


def _open_sockets() -> int:
    """Sockets this process holds (the fake server's among them: it runs in process)."""
    fds = Path("/proc/self/fd")
    count = 0
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def _settles_to(expected: int) -> int:
    deadline = time.monotonic() + 10
    while (now := _open_sockets()) > expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return now


def test_timeout_and_cancellation_leave_nothing_behind(backend: Backend, pod: Pod) -> None:
    cfg = backend.config()
    remotecommand.exec(cfg, pod.namespace, pod.name, ["echo", "warm-up"])
    time.sleep(0.5)  # the fake server's side of the warm-up connection closes in its own thread
    before, sockets = _client_threads(), _open_sockets()
    with pytest.raises(TimeoutError):
        remotecommand.exec(cfg, pod.namespace, pod.name, ["sleep", "30"], timeout=1)
    assert _client_threads() == before

    async def cancelled() -> None:
        task = asyncio.create_task(aio.exec(cfg, pod.namespace, pod.name, ["sleep", "30"]))
        await asyncio.sleep(1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancelled())
    assert _client_threads() == before
    assert _settles_to(sockets) <= sockets


def test_unscheduled_pod_and_forbidden_user_are_typed_errors(backend: Backend, pod: Pod) -> None:
    cfg = backend.config()
    unscheduled = f"{pod.name}-pending"
    with DynamicClient.for_config(cfg) as dyn:
        dyn.resource(GVR("", "v1", "pods")).namespace(pod.namespace).create(
            {"metadata": {"name": unscheduled}, "spec": {"containers": [{"name": "main", "image": "stub"}]}}
        )
    with pytest.raises(errors.BadRequestError, match="does not have a host assigned"):
        remotecommand.exec(cfg, pod.namespace, unscheduled, ["echo"])

    # A user the server knows but who may not create pods/exec: client certificate on the real one, a read-only
    # token user on the fake.
    user = f"viewer-{pod.name}"
    if backend.plane is not None:
        viewer = backend.plane.config(backend.plane.add_user(user), namespace=pod.namespace)
    else:
        assert backend.fake is not None
        viewer = backend.fake.config(backend.fake.add_user(user, read_only=True), namespace=pod.namespace)
    with pytest.raises(errors.ForbiddenError, match="pods/exec"):
        remotecommand.exec(viewer, pod.namespace, pod.name, ["echo"])

    async def forbidden_async() -> None:
        with pytest.raises(errors.ForbiddenError):
            await aio.attach(viewer, pod.namespace, pod.name, timeout=10)

    asyncio.run(forbidden_async())


def test_registered_handler_interleaves_stdout_and_stderr(backend: Backend, pod: Pod) -> None:
    fake = backend.fake_server("a Python handler stands in for the container's process")

    def handler(call: ExecCall) -> int:
        for i in range(200):
            (call.stdout if i % 2 == 0 else call.stderr).write(b"%d\n" % i)
        data = call.stdin.read()
        call.stdout.write(b"stdin:" + data)
        return 5

    fake.register_exec(pod.namespace, pod.name, handler)
    result = remotecommand.exec(backend.config(), pod.namespace, pod.name, ["anything"], stdin=b"x")
    assert result.exit_code == 5
    assert result.stdout == b"".join(b"%d\n" % i for i in range(0, 200, 2)) + b"stdin:x"
    assert result.stderr == b"".join(b"%d\n" % i for i in range(1, 200, 2))


def test_upgrade_goes_through_wrap_transport(backend: Backend, pod: Pod) -> None:
    """The WebSocket opens through the Config's transport chain: a wrapping transport sees the upgrade request."""
    seen: list[str] = []

    class Recording(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(f"{request.method} {request.url.path} {request.headers.get('upgrade')}")
            return await self.inner.handle_async_request(request)

        async def aclose(self) -> None:
            await self.inner.aclose()

    cfg = dataclasses.replace(backend.config(), wrap_transport=Recording)
    assert remotecommand.exec(cfg, pod.namespace, pod.name, ["echo", "wrapped"]).stdout == b"wrapped\n"
    # kubectl's read of the pod (is it completed?), then the upgrade.
    pod_path = f"/api/v1/namespaces/{pod.namespace}/pods/{pod.name}"
    assert seen == [f"GET {pod_path} None", f"GET {pod_path}/exec websocket"]


def test_closing_a_session_whose_output_nobody_reads(backend: Backend, pod: Pod) -> None:
    """The reader stops even when its queue is full: closing never waits for a consumer."""

    async def main() -> None:
        session = await aio.exec_stream(backend.config(), pod.namespace, pod.name, ["yes-bytes", str(50 << 20)])
        await asyncio.sleep(1)  # the queue fills up and the reader waits for room
        await asyncio.wait_for(session.aclose(), 10)

    asyncio.run(main())
    with remotecommand.exec_stream(backend.config(), pod.namespace, pod.name, ["yes-bytes", str(50 << 20)]) as s:
        channel, data = next(iter(s))
        assert channel == remotecommand.CHANNEL_STDOUT and data.startswith(b"y")


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on loopback that records the targets it tunnels to."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.targets: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(4096)
            if not chunk:
                client.close()
                return
            head += chunk
        target = head.split(b" ")[1].decode()
        self.targets.append(target)
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pump(src: socket.socket, dst: socket.socket) -> None:
            with contextlib.suppress(OSError):
                while data := src.recv(65536):
                    dst.sendall(data)
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)

    def close(self) -> None:
        self.sock.close()


def test_exec_through_an_http_proxy(backend: Backend, pod: Pod) -> None:
    """proxy-url applies to the WebSocket too: the upgrade travels through the CONNECT tunnel."""
    proxy = ConnectProxy()
    try:
        cfg = dataclasses.replace(backend.config(), proxy_url=proxy.url)
        result = remotecommand.exec(cfg, pod.namespace, pod.name, ["cat"], stdin=b"tunnelled" * 1000)
        assert result.stdout == b"tunnelled" * 1000
        assert proxy.targets == [backend.url.removeprefix("https://")]
    finally:
        proxy.close()


def test_exec_with_exec_plugin_credentials(backend: Backend, pod: Pod, tmp_path: Path) -> None:
    """Credentials from an exec plugin (client.authentication.k8s.io/v1) authenticate the WebSocket upgrade."""
    base = backend.config()
    # The admin's own credentials, handed out by the plugin: a token (fake) or a client certificate (real).
    if base.token:
        status = {"token": base.token}
    else:
        assert base.client_cert_data is not None and base.client_key_data is not None
        status = {
            "clientCertificateData": base.client_cert_data.decode(),
            "clientKeyData": base.client_key_data.decode(),
        }
    plugin = tmp_path / "plugin.py"
    credential = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": status}
    plugin.write_text(f"import json\nprint(json.dumps({credential!r}))\n")
    exec_config = ExecConfig(command=sys.executable, args=[str(plugin)], interactive_mode="Never")
    cfg = dataclasses.replace(base, token=None, client_cert_data=None, client_key_data=None, exec_provider=exec_config)
    assert remotecommand.exec(cfg, pod.namespace, pod.name, ["echo", "plugged"]).stdout == b"plugged\n"
