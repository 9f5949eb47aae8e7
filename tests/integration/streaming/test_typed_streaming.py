"""The generated pods methods over the streaming calls, sync and asyncio, on both backends: exec, exec_stream,
attach, port_forward and port_stream on `Clientset.core_v1.pods(ns)`."""

from __future__ import annotations

import asyncio
import socket

import pytest
from backends import Backend
from streaming_helpers import Pod

from kubeapi import AsyncClientset, Clientset
from kubeclient import remotecommand


def test_typed_exec_attach_and_port_forward_sync(backend: Backend, pod: Pod) -> None:
    with Clientset.for_config(backend.config()) as cs:
        pods = cs.core_v1.pods(pod.namespace)
        result = pods.exec(pod.name, ["echo", "typed"])
        assert (result.stdout, result.exit_code) == (b"typed\n", 0)
        with pytest.raises(remotecommand.NonZeroExitError):
            pods.exec(pod.name, ["sh", "-c", "exit 4"], check=True)
        with pods.exec_stream(pod.name, ["cat"], stdin=True) as session:
            session.write(b"abc")
            session.close_stdin()
            assert b"".join(data for _, data in session) == b"abc"
        assert pods.attach(pod.name, stdin=b"hi", timeout=30).stdout == b"hi"

        listener = socket.create_server(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        if backend.fake is not None:
            backend.fake.forward_port(pod.namespace, pod.name, port, ("127.0.0.1", port))
        try:
            with pods.port_forward(pod.name, [f":{port}"]) as fwd:
                client = socket.create_connection(("127.0.0.1", fwd.local_port(port)), timeout=30)
                server, _ = listener.accept()
                client.sendall(b"to-pod")
                assert server.recv(100) == b"to-pod"
                server.sendall(b"from-pod")
                assert client.recv(100) == b"from-pod"
                client.close()
                server.close()
        finally:
            listener.close()


def test_typed_exec_and_port_stream_async(backend: Backend, pod: Pod) -> None:
    async def main() -> None:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.setblocking(False)
        port = listener.getsockname()[1]
        if backend.fake is not None:
            backend.fake.forward_port(pod.namespace, pod.name, port, ("127.0.0.1", port))
        async with AsyncClientset.for_config(backend.config()) as cs:
            pods = cs.core_v1.pods(pod.namespace)
            result = await pods.exec(pod.name, ["env"])
            assert f"POD_NAME={pod.name}".encode() in result.stdout
            async with await pods.exec_stream(pod.name, ["sh", "-c", "exit 9"]) as session:
                assert await session.wait() == 9
            stream = await pods.port_stream(pod.name, port)
            loop = asyncio.get_running_loop()
            server, _ = await loop.sock_accept(listener)
            await stream.write(b"ping")
            assert await loop.sock_recv(server, 100) == b"ping"
            await loop.sock_sendall(server, b"pong")
            assert await stream.read() == b"pong"
            await stream.aclose()
            server.close()
        listener.close()

    asyncio.run(main())
