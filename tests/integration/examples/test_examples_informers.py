"""Scenarios 5-8 as programs: each example runs as a subprocess against the fake server or the real control plane
(through a kubeconfig) and prints exactly what the scenario promises; the long-running ones stop cleanly on SIGINT /
SIGTERM. What needs the fake's request hook or its users runs on the fake alone."""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from backends import Backend

from kubeclient.dynamic import DynamicClient
from kubeclient.ownership import is_controlled_by
from kubeclient.schema import GVR
from kubeclient.testing import FakeAPIServer, FaultRequest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
PODS = GVR("", "v1", "pods")
NAMESPACES = GVR("", "v1", "namespaces")
SECRETS = GVR("", "v1", "secrets")


def pod(name: str, namespace: str = "default", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]},
    }


def clean_env(home: Path) -> dict[str, str]:
    """No ambient cluster: the examples see only what the test passes."""
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env["HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Program:
    """A running example whose stdout lines are collected by a reader thread."""

    def __init__(self, script: str, *args: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(EXAMPLES / script), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.put(raw.rstrip("\n"))

    def expect(self, line: str, timeout: float = 15.0) -> None:
        """Wait until `line` has been printed (lines seen before are kept)."""
        while line not in self.seen:
            try:
                self.seen.append(self.lines.get(timeout=timeout))
            except queue.Empty:
                raise AssertionError(f"{line!r} not printed within {timeout} s; saw {self.seen}") from None

    def stop(self, sig: signal.Signals, timeout: float = 15.0) -> tuple[int, str]:
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        self._reader.join(5)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        assert self.proc.stderr is not None
        return code, self.proc.stderr.read()


@pytest.fixture
def server() -> Iterator[FakeAPIServer]:
    with FakeAPIServer() as srv:
        yield srv


@pytest.fixture
def kubeconfig(backend: Backend, tmp_path: Path) -> str:
    return str(backend.write_kubeconfig(tmp_path / "kubeconfig"))


@pytest.fixture
def dyn(backend: Backend) -> Iterator[DynamicClient]:
    with DynamicClient.for_config(backend.config()) as client:
        yield client


@pytest.fixture
def fake_kubeconfig(server: FakeAPIServer, tmp_path: Path) -> str:
    return str(server.write_kubeconfig(tmp_path / "kubeconfig"))


@pytest.fixture
def fake_dyn(server: FakeAPIServer) -> Iterator[DynamicClient]:
    with DynamicClient.for_config(server.config()) as client:
        yield client


@pytest.mark.parametrize(
    ("script", "sig"),
    [
        ("informer_workqueue.py", signal.SIGINT),
        ("informer_workqueue.py", signal.SIGTERM),
        ("informer_workqueue_async.py", signal.SIGINT),
        ("informer_workqueue_async.py", signal.SIGTERM),
    ],
)
def test_informer_workqueue_processes_events_and_exits_cleanly(
    script: str, sig: signal.Signals, *, backend: Backend, dyn: DynamicClient, kubeconfig: str, tmp_path: Path
) -> None:
    ns, other = backend.namespace, backend.new_namespace()
    pods = dyn.resource(PODS, namespaced=True)
    pods.namespace(ns).create(pod("web-1", ns, app="web"))
    pods.namespace(other).create(pod("dns-0", other))
    program = Program(script, "--kubeconfig", kubeconfig, env=clean_env(tmp_path))
    try:
        program.expect(f"processing pod: namespace:{ns}, podName:web-1")
        program.expect(f"processing pod: namespace:{other}, podName:dns-0")
        pods.namespace(ns).create(pod("web-2", ns, app="web"))
        program.expect(f"processing pod: namespace:{ns}, podName:web-2")
        pods.namespace(ns).delete("web-1")
        program.expect(f"pod {ns}/web-1 does not exist anymore")
    finally:
        code, stderr = program.stop(sig)
    assert code == 0, stderr
    assert "pod controller stopped" in stderr and "Traceback" not in stderr
    assert all(
        re.fullmatch(r"processing pod: namespace:[\w-]+, podName:[\w-]+|pod [\w-]+/[\w-]+ does not exist anymore", line)
        for line in program.seen
    ), program.seen


def test_indexer_example_prints_the_index_lookups(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "indexer.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(tmp_path),
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "keys: default/index-pod-1, default/index-pod-2, kube-system/index-pod-3",
        'by_index("namespace", "default"): index-pod-1, index-pod-2',
        'by_index("nodeName", "node2"): index-pod-2, index-pod-3',
        'by_index("nodeName", "node1"): index-pod-1',
        'index_keys("nodeName", "node2"): default/index-pod-2, kube-system/index-pod-3',
        'list_index_func_values("nodeName"): node1, node2',
        "nodeName index of a ConfigMap: []",
    ]


def test_lister_lists_from_the_cache_with_a_selector_and_no_request_after_sync(
    server: FakeAPIServer, fake_dyn: DynamicClient, fake_kubeconfig: str, tmp_path: Path
) -> None:
    dyn, kubeconfig = fake_dyn, fake_kubeconfig
    pods = dyn.resource(PODS, namespaced=True)
    for obj in (
        pod("web-2", app="web"),
        pod("web-1", app="web", track="canary"),
        pod("db-0", app="db"),
        pod("api-0", app="api"),
        pod("web-9", "kube-system", app="web"),
    ):
        pods.namespace(obj["metadata"]["namespace"]).create(obj)
    requests: list[FaultRequest] = []

    def record(req: FaultRequest) -> bool:
        requests.append(req)
        return False  # a recorder, never a delay

    server.faults.add_latency(0.0, match=record)
    out = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "lister.py"),
            "--kubeconfig",
            kubeconfig,
            "--selector",
            "app in (web,api),!track",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(tmp_path),
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "Pod name: api-0, Namespace: default",
        "Pod name: web-2, Namespace: default",
    ]
    # The informer's single WatchList stream is the only request: listing came from the cache.
    pod_requests = [r for r in requests if r.path.endswith("/pods")]
    assert len(pod_requests) == 1 and pod_requests[0].watch, pod_requests
    assert pod_requests[0].query.get("sendInitialEvents") == ["true"]
    assert len(requests) == 1, requests


def test_lister_without_a_configured_cluster_uses_a_seeded_fake_server(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / "lister.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(tmp_path),
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "no cluster configured: using a fake API server" in out.stderr
    assert out.stdout.splitlines() == ["Pod name: web-1, Namespace: default", "Pod name: web-2, Namespace: default"]


def decoded_docker_config(secret: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))
    return result


def test_namespace_controller_injects_the_registry_secret(
    backend: Backend, dyn: DynamicClient, kubeconfig: str, tmp_path: Path
) -> None:
    namespaces = dyn.resource(NAMESPACES, namespaced=False)
    secrets = dyn.resource(SECRETS, namespaced=True)
    team_b, team_c = backend.new_namespace(), f"team-c-{backend.namespace}"
    secrets.namespace(team_b).create(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "registry-secret"}, "stringData": {"x": "y"}}
    )
    env = clean_env(tmp_path)
    env["REGISTRY_PASSWORD"] = "pw-0xdeadbeef"
    args = ("--kubeconfig", kubeconfig, "--registry", "registry.test:5000", "--username", "robot")
    program = Program("namespace_secret_controller.py", *args, env=env)
    try:
        if not backend.is_real:  # the real control plane's default namespace may have it from an earlier test
            program.expect("namespace default: secret registry-secret created")
        program.expect(f"namespace {team_b}: secret registry-secret found")
        namespaces.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": team_c}})
        if backend.plane is not None:
            backend.cleanup.callback(backend.plane.drop_namespace, team_c)
        program.expect(f"namespace {team_c}: secret registry-secret created", timeout=30)
    finally:
        code, stderr = program.stop(signal.SIGTERM)
    assert code == 0, stderr
    assert not any("kube-" in line for line in program.seen), program.seen
    assert "pw-0xdeadbeef" not in "\n".join(program.seen) + stderr
    secret = secrets.namespace(team_c).get("registry-secret")
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    auths = decoded_docker_config(secret)["auths"]
    assert auths == {
        "registry.test:5000": {
            "username": "robot",
            "password": "pw-0xdeadbeef",
            "auth": base64.b64encode(b"robot:pw-0xdeadbeef").decode(),
        }
    }
    # The Secret that was found is left alone.
    assert ".dockerconfigjson" not in (secrets.namespace(team_b).get("registry-secret").get("data") or {})
    # The namespace controls the Secret it got, and an event about it says so (flushed before the program exited).
    owner = namespaces.get(team_c)
    assert is_controlled_by(secret, owner)
    assert secret["metadata"]["ownerReferences"][0]["kind"] == "Namespace"
    # Events about cluster-scoped objects live in "default".
    listed = dyn.resource(GVR("events.k8s.io", "v1", "events"), namespaced=True).namespace("default").list()["items"]
    events = [e for e in listed if e["regarding"].get("uid") == owner["metadata"]["uid"]]
    assert [(e["reason"], e["related"]["name"]) for e in events] == [("SecretCreated", "registry-secret")]
    assert events[0]["reportingController"] == "kubeclient.example/namespace-secret-controller"


def test_namespace_controller_reports_status_messages_of_other_errors(server: FakeAPIServer, tmp_path: Path) -> None:
    viewer = server.add_user("viewer", read_only=True)
    kubeconfig = str(server.write_kubeconfig(tmp_path / "viewer", user=viewer))
    program = Program("namespace_secret_controller.py", "--kubeconfig", kubeconfig, env=clean_env(tmp_path))
    try:
        program.expect(
            'namespace default: error creating secret registry-secret: secrets is forbidden: User "viewer" cannot '
            'create resource "secrets" in API group "" in the namespace "default"'
        )
    finally:
        code, stderr = program.stop(signal.SIGINT)
    assert code == 0, stderr


def test_namespace_controller_runs_in_cluster_with_the_service_account(server: FakeAPIServer, tmp_path: Path) -> None:
    # A pod's view: KUBERNETES_SERVICE_HOST/PORT and a mounted service-account directory, no kubeconfig anywhere.
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text(server.admin.token)
    (account / "ca.crt").write_bytes(server.ca_pem or b"")
    (account / "namespace").write_text("default")
    env = clean_env(tmp_path)
    env.update(
        KUBERNETES_SERVICE_HOST=server.host,
        KUBERNETES_SERVICE_PORT=str(server.port),
        KUBECLIENT_SERVICE_ACCOUNT_DIR=str(account),
    )
    program = Program("namespace_secret_controller.py", env=env)
    try:
        program.expect("namespace default: secret registry-secret created")
    finally:
        code, stderr = program.stop(signal.SIGINT)
    assert code == 0, stderr
    assert "fake API server" not in stderr  # the cluster was found, not replaced by the demo server
