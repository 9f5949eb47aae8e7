"""A watch kubectl reads in protobuf, on both backends: `kubectl exec deployment/NAME` with no pod yet lists the
pods of its selector and, finding none, watches them through its typed (protobuf) client until one appears — the
length-prefixed WatchEvent stream of a protobuf watch. (`kubectl get -w` asks for JSON or JSON Tables, so it never
tries protobuf.) The pod then appears, kubectl decodes its ADDED event and runs the command in it."""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from backends import Backend
from test_kubectl import KUBECTLS, Kubectl, pinned

PROTOBUF_WATCH = "application/vnd.kubernetes.protobuf;stream=watch"


@pytest.fixture(params=sorted(KUBECTLS), ids=lambda minor: f"kubectl1.{minor}")
def kubectl(request: pytest.FixtureRequest, backend: Backend, tmp_path: Path) -> Kubectl:
    return Kubectl(backend, tmp_path, pinned(request.param))


def deployment(name: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: main, image: stub}}]}}
"""


def test_exec_into_a_deployment_waits_for_its_pod_through_a_protobuf_watch(
    backend: Backend, kubectl: Kubectl, tmp_path: Path
) -> None:
    name = f"pbw-{uuid.uuid4().hex[:6]}"
    kubectl("create", "-f", "-", stdin=deployment(name))  # no controllers on either backend: it makes no pod
    log = tmp_path / "kubectl.log"
    cmd = [str(kubectl.binary), "-n", kubectl.namespace, "-v=8", "exec", f"deployment/{name}", "--", "echo", "hi"]
    with log.open("w") as err, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=kubectl.env) as proc:
        deadline = time.monotonic() + 30
        # Its watch is open once the answer's headers are logged.
        while PROTOBUF_WATCH not in log.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert PROTOBUF_WATCH in log.read_text(), log.read_text()[-3000:]
        pod = f"{name}-{os.urandom(2).hex()}"
        server = backend.plane or backend.fake
        assert server is not None
        server.create_running_pod(kubectl.namespace, pod, labels={"app": name})
        out, _ = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (0, b"hi\n"), log.read_text()[-3000:]
    text = log.read_text()
    watch_request = next(line for line in text.splitlines() if "watch=true" in line and "/pods?" in line)
    assert "labelSelector=app%3D" in watch_request
