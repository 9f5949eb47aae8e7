"""Scenarios 1-4 as programs, run as subprocesses against a FakeAPIServer through a kubeconfig, and on their own
(no cluster configured: each starts and seeds its own fake server)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubeclient import GVR
from kubeclient.dynamic import DynamicClient
from kubeclient.testing import FakeAPIServer

ROOT = Path(__file__).resolve().parents[3]


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBECACHEDIR")}
    env["HOME"] = str(home)
    return env


def run(example: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / example), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(home),
        check=False,
    )


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[FakeAPIServer, Path]]:
    with FakeAPIServer() as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        yield server, kubeconfig


def seed_pods_and_nodes(server: FakeAPIServer) -> None:
    with DynamicClient.for_config(server.config()) as dyn:
        pods = dyn.resource(GVR("", "v1", "pods"), namespaced=True).namespace("default")
        for name, phase in (("a", "Running"), ("b", "Succeeded")):
            pods.create({"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
            pods.patch(name, {"status": {"phase": phase}}, subresource="status")
        dyn.resource(GVR("", "v1", "nodes"), namespaced=False).create({"metadata": {"name": "n1"}})


def test_rest_list_pods_against_a_cluster(cluster: tuple[FakeAPIServer, Path], tmp_path: Path) -> None:
    server, kubeconfig = cluster
    seed_pods_and_nodes(server)
    out = run("rest_list_pods.py", "--kubeconfig", str(kubeconfig), home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "namespace: default, name: a, status: Running",
        "namespace: default, name: b, status: Succeeded",
        "Node Name n1",
    ]


@pytest.mark.parametrize("mode", [[], ["--asyncio"]], ids=["sync", "asyncio"])
def test_clientset_nodes_and_pods(cluster: tuple[FakeAPIServer, Path], tmp_path: Path, mode: list[str]) -> None:
    server, kubeconfig = cluster
    seed_pods_and_nodes(server)
    out = run("clientset_nodes_pods.py", "--kubeconfig", str(kubeconfig), *mode, home=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("node: n1, created: 20") and lines[0].endswith("Z")
    assert lines[1:] == [
        "namespace: default, name: a, status: Running",
        "namespace: default, name: b, status: Succeeded",
    ]


@pytest.mark.parametrize(
    "example", ["rest_list_pods.py", "clientset_nodes_pods.py", "dynamic_conversion.py", "discovery_api_resources.py"]
)
def test_examples_run_without_a_cluster(example: str, tmp_path: Path) -> None:
    out = run(example, home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "using a fake API server" in out.stderr
    assert out.stdout.strip()


def test_dynamic_conversion_is_lossless_and_lists_custom_resources(tmp_path: Path) -> None:
    out = run("dynamic_conversion.py", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "round trip lossless: True" in out.stdout
    assert "widgets: gear {'size': 'small', 'replicas': 1}" in out.stdout


def test_discovery_second_run_needs_no_server(cluster: tuple[FakeAPIServer, Path], tmp_path: Path) -> None:
    server, kubeconfig = cluster
    cache = tmp_path / "cache"
    first = run("discovery_api_resources.py", "--kubeconfig", str(kubeconfig), "--cache-dir", str(cache), home=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "name: deployments/scale, group: apps, version: v1" in first.stdout
    assert "name: pods/log, group: , version: v1" in first.stdout
    assert "preferred: deployments.apps/v1 (Deployment)" in first.stdout
    assert first.stdout.rstrip().endswith("served from: the server")
    server.stop()  # nothing answers now: the second run must come from the disk cache alone
    second = run(
        "discovery_api_resources.py", "--kubeconfig", str(kubeconfig), "--cache-dir", str(cache), home=tmp_path
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.rstrip().endswith("served from: the disk cache")
    assert second.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]
