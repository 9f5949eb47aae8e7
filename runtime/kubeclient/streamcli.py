"""`python -m kubeclient exec|port-forward|cp`: thin command lines over kubeclient.remotecommand, .portforward and
.cp with kubectl's spelling of the flags.

    python -m kubeclient exec [-n NS] [-c CONTAINER] [-i] [-t] POD -- COMMAND [ARG...]
    python -m kubeclient port-forward [-n NS] [--address ADDR] POD [LOCAL:]REMOTE...
    python -m kubeclient cp [-n NS] [-c CONTAINER] SRC DEST          (one of them [namespace/]pod:path)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from typing import Any

__all__ = ["add_commands", "run"]


def add_commands(sub: Any) -> None:
    def common(parser: argparse.ArgumentParser, container: bool = True) -> None:
        parser.add_argument("--kubeconfig", help="kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)")
        parser.add_argument("--context", help="kubeconfig context to use")
        parser.add_argument("-n", "--namespace", help="namespace (default: the context's)")
        if container:
            parser.add_argument("-c", "--container", help="container name (required when the pod has several)")

    e = sub.add_parser("exec", help="run a command in a container, like `kubectl exec`")
    common(e)
    e.add_argument("-i", "--stdin", action="store_true", help="pass this program's stdin to the container")
    e.add_argument("-t", "--tty", action="store_true", help="allocate a TTY (stderr arrives in stdout)")
    e.add_argument("pod")
    e.add_argument("command_args", nargs=argparse.REMAINDER, metavar="-- COMMAND", help="the command and its arguments")
    p = sub.add_parser("port-forward", help="forward local ports to a pod, like `kubectl port-forward`")
    common(p, container=False)
    p.add_argument("--address", default="127.0.0.1", help="local address to listen on")
    p.add_argument("pod")
    p.add_argument("ports", nargs="+", help="PORT, LOCAL:REMOTE or :REMOTE (a free local port)")
    c = sub.add_parser("cp", help="copy files to and from a container, like `kubectl cp` (needs tar in it)")
    common(c)
    c.add_argument("src")
    c.add_argument("dest")


def run(args: argparse.Namespace) -> int:
    from kubeclient.config import load_config
    from kubeclient.errors import ApiError
    from kubeclient.remotecommand import ProtocolNegotiationError, WebSocketClosedError

    cfg = load_config(args.kubeconfig, context=args.context)
    namespace = args.namespace or cfg.namespace
    try:
        if args.command == "exec":
            return asyncio.run(_exec(cfg, namespace, args))
        if args.command == "port-forward":
            return _port_forward(cfg, namespace, args)
        from kubeclient import cp

        cp.cp(cfg, args.src, args.dest, namespace=namespace, container=args.container)
        return 0
    except (ApiError, ProtocolNegotiationError, WebSocketClosedError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


async def _exec(cfg: Any, namespace: str, args: argparse.Namespace) -> int:
    from kubeclient.remotecommand import aio

    command = list(args.command_args)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        raise ValueError("you must specify at least one command for the container (after --)")
    session = await aio.exec_stream(
        cfg, namespace, args.pod, command, container=args.container, stdin=args.stdin, tty=args.tty
    )
    async with session:
        feeder = asyncio.create_task(_feed_stdin(session)) if args.stdin else None
        outputs = {1: sys.stdout.buffer, 2: sys.stderr.buffer}
        async for channel, data in session:
            outputs[channel].write(data)
            outputs[channel].flush()
        if feeder is not None:
            feeder.cancel()
        code = session.exit_code or 0
    if code:
        print(f"command terminated with exit code {code}", file=sys.stderr)
    return code


async def _feed_stdin(session: Any) -> None:
    from kubeclient.remotecommand import WebSocketClosedError

    stdin: Any = sys.stdin.buffer  # read1: whatever is available, so typed input goes out line by line
    try:
        while chunk := await asyncio.to_thread(stdin.read1, 32768):
            await session.write(chunk)
        await session.close_stdin()
    except WebSocketClosedError:
        pass


def _port_forward(cfg: Any, namespace: str, args: argparse.Namespace) -> int:
    from kubeclient import portforward

    with portforward.port_forward(cfg, namespace, args.pod, args.ports, address=args.address) as forwarder:
        for mapping in forwarder.mappings:
            print(f"Forwarding from {args.address}:{mapping.local} -> {mapping.remote}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0
