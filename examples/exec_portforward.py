"""Scenario: run commands in a pod, stream a session, forward a port and copy a file, sync and asyncio.

    python examples/exec_portforward.py [--kubeconfig PATH] [--context NAME] [--namespace NS] [--pod NAME]
                                        [--port PORT]

Against a cluster, name a running pod whose image has `echo`, `cat`, `sh` (and `tar` for the copy); `--port` forwards
that pod port and sends an HTTP request through it. Without a configured cluster it runs against the fake API server,
whose pod runs the built-in commands and forwards its port 8080 to a small HTTP server started here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from _runner import add_cluster_arguments, cluster_configured, say

import kubeclient
from kubeapi import AsyncClientset, Clientset
from kubeclient import cp
from kubeclient.config import Config


@contextlib.contextmanager
def demo_cluster(namespace: str, pod: str, port: int) -> Iterator[Config]:
    """A fake API server with a running pod whose port `port` reaches a local HTTP server."""
    from kubeclient.testing import FakeAPIServer

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            del format, args

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    with FakeAPIServer() as server:
        server.create_running_pod(namespace, pod)
        server.forward_port(namespace, pod, port, ("127.0.0.1", web.server_address[1]))
        say(f"no cluster configured: using a fake API server at {server.url}")
        yield server.config(namespace=namespace)
    web.shutdown()
    web.server_close()


def http_get(port: int) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
        return sock.recv(4096).split(b"\r\n", 1)[0].decode()


def run(cfg: Config, namespace: str, pod: str, port: int | None) -> None:
    with Clientset.for_config(cfg) as cs:
        pods = cs.core_v1.pods(namespace)
        result = pods.exec(pod, ["echo", "hello", "from", pod])
        say(f"exec echo: exit {result.exit_code}, stdout {result.stdout!r}")
        result = pods.exec(pod, ["sh", "-c", "exit 3"])
        say(f"exec sh -c 'exit 3': exit {result.exit_code} (a result, not an exception)")
        result = pods.exec(pod, ["cat"], stdin=b"x" * 1_000_000)
        say(f"exec cat with 1 MB on stdin: {len(result.stdout)} bytes back")

        with pods.exec_stream(pod, ["cat"], stdin=True) as session:
            session.write(b"typed into the session\n")
            session.close_stdin()
            for channel, data in session:
                say(f"session channel {channel}: {data!r}")
            say(f"session ended with exit code {session.exit_code} over {session.protocol}")

        if port is not None:
            with pods.port_forward(pod, [f":{port}"]) as forwarder:
                local = forwarder.local_port(port)
                say(f"port-forward 127.0.0.1:{local} -> {pod}:{port}: {http_get(local)}")

        remote = "/tmp/kubeclient-example.txt"  # noqa: S108 - a path inside the pod, not on this machine
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp, "hello.txt")
            source.write_text("copied with tar over exec\n")
            try:
                cp.copy_to_pod(cfg, namespace, pod, source, remote)
                cp.copy_from_pod(cfg, namespace, pod, remote, Path(tmp, "back.txt"))
                say(f"cp there and back: {Path(tmp, 'back.txt').read_text()!r}")
            except cp.CopyError as err:
                say(f"cp failed (does the image have tar?): {err}")

    async def concurrently() -> None:
        async with AsyncClientset.for_config(cfg) as acs:
            apods = acs.core_v1.pods(namespace)
            results = await asyncio.gather(*(apods.exec(pod, ["echo", str(i)]) for i in range(5)))
            say("asyncio, 5 execs at once:", " ".join(r.stdout.decode().strip() for r in results))

    asyncio.run(concurrently())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--pod", default="web-0")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    if cluster_configured(args.kubeconfig):
        run(kubeclient.load_config(args.kubeconfig, context=args.context), args.namespace, args.pod, args.port)
        return
    with demo_cluster(args.namespace, args.pod, 8080) as cfg:
        run(cfg, args.namespace, args.pod, 8080)


if __name__ == "__main__":
    main()
