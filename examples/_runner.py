"""Shared plumbing of the informer examples: `--kubeconfig/--context`, and a demo cluster when none is configured.

A cluster counts as configured when `--kubeconfig` is given, KUBECONFIG is set, ~/.kube/config exists, or the
program runs in a pod (service-account token and KUBERNETES_SERVICE_HOST/PORT). Otherwise `connect()` starts a
`kubeclient.testing.FakeAPIServer` on loopback, lets the example seed a few objects, and hands back its config,
so every example runs out of the box.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kubeclient
from kubeclient.config import Config
from kubeclient.config.incluster import incluster_possible
from kubeclient.dynamic import DynamicClient
from kubeclient.schema import GVR

__all__ = [
    "NAMESPACES",
    "PODS",
    "SECRETS",
    "add_cluster_arguments",
    "cluster_configured",
    "connect",
    "create_objects",
    "demo_pod",
    "kubegen",
    "kubegen_command",
    "on_shutdown_signals",
    "say",
    "wait_for_shutdown",
]

PODS = GVR("", "v1", "pods")
NAMESPACES = GVR("", "v1", "namespaces")
SECRETS = GVR("", "v1", "secrets")

Seed = Callable[[DynamicClient], None]


def say(*parts: Any) -> None:
    """Print one line and flush: output is read line by line by whoever runs the example (often through a pipe)."""
    print(*parts, flush=True)


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kubeconfig", help="kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)")
    parser.add_argument("--context", help="kubeconfig context to use")


def cluster_configured(kubeconfig: str | None) -> bool:
    """Whether `load_config` has anything to load (see the module docstring)."""
    if kubeconfig or os.environ.get("KUBECONFIG"):
        return True
    return (Path.home() / ".kube" / "config").exists() or incluster_possible()


@contextmanager
def connect(args: argparse.Namespace, *, seed: Seed | None = None) -> Iterator[Config]:
    """The client config of the configured cluster, or of a seeded fake API server kept running meanwhile."""
    if cluster_configured(args.kubeconfig):
        yield kubeclient.load_config(args.kubeconfig, context=args.context)
        return
    from kubeclient.testing import FakeAPIServer

    with FakeAPIServer() as server:
        print(f"no cluster configured: using a fake API server at {server.url}", file=sys.stderr, flush=True)
        cfg = server.config()
        if seed is not None:
            with DynamicClient.for_config(cfg) as dyn:
                seed(dyn)
        yield cfg


def demo_pod(name: str, namespace: str, *, node: str = "", **labels: str) -> dict[str, Any]:
    """A small pod manifest for seeding a demo cluster."""
    spec: dict[str, Any] = {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]}
    if node:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": spec,
    }


def create_objects(dyn: DynamicClient, gvr: GVR, objects: list[dict[str, Any]], *, namespaced: bool) -> None:
    resource = dyn.resource(gvr, namespaced=namespaced)
    for obj in objects:
        namespace = obj["metadata"].get("namespace", "")
        client = resource.namespace(namespace) if namespaced else resource
        client.create(obj)


def on_shutdown_signals(stop: Callable[[], None]) -> None:
    """Call `stop()` on SIGINT or SIGTERM (threads: handlers run on the main thread)."""

    def handler(signum: int, frame: object) -> None:
        stop()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def wait_for_shutdown(stop: threading.Event) -> None:
    """Block the main thread until `stop` is set, waking now and then: the OS may hand a signal to another thread,
    and Python runs the handler only when the main thread runs again, which an unbounded wait would never do."""
    while not stop.wait(0.25):
        pass


def kubegen_command() -> str:
    """The `kubegen` command installed beside this interpreter (else the one on PATH), as a user runs it."""
    command = shutil.which("kubegen", path=str(Path(sys.executable).parent)) or shutil.which("kubegen")
    if command is None:
        raise SystemExit("error: the kubegen command is not installed (pip install kubeclient[generate])")
    return command


def kubegen(*args: str) -> str:
    """Run kubegen and return its output; a failure ends the program with kubegen's one-line reason."""
    result = subprocess.run([kubegen_command(), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"error: kubegen {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout
