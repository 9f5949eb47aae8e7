"""`python -m kubeclient exec|port-forward|cp` as programs, on both backends (cp on the fake: the stub has no tar)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from backends import Backend
from streaming_helpers import Pod


def _run(kubeconfig: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "kubeclient", *args[:1], "--kubeconfig", str(kubeconfig), *args[1:]],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
        env=env,
    )


@pytest.fixture
def kubeconfig(backend: Backend, tmp_path: Path) -> Path:
    return backend.write_kubeconfig(tmp_path / "kubeconfig")


def test_cli_exec(backend: Backend, pod: Pod, kubeconfig: Path) -> None:
    out = _run(kubeconfig, "exec", "-n", pod.namespace, pod.name, "--", "echo", "cli")
    assert (out.returncode, out.stdout) == (0, b"cli\n"), out.stderr
    out = _run(kubeconfig, "exec", "-n", pod.namespace, "-i", pod.name, "--", "cat", stdin=b"piped" * 10000)
    assert (out.returncode, out.stdout) == (0, b"piped" * 10000), out.stderr
    out = _run(kubeconfig, "exec", "-n", pod.namespace, pod.name, "--", "sh", "-c", "exit 4")
    assert out.returncode == 4
    assert b"command terminated with exit code 4" in out.stderr
    out = _run(kubeconfig, "exec", "-n", pod.namespace, "no-such-pod", "--", "echo")
    assert out.returncode == 1
    assert b"not found" in out.stderr


def test_cli_port_forward(backend: Backend, pod: Pod, kubeconfig: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if backend.fake is not None:
        backend.fake.forward_port(pod.namespace, pod.name, port, ("127.0.0.1", port))
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    cmd = [sys.executable, "-m", "kubeclient", "port-forward", "--kubeconfig", str(kubeconfig)]
    proc = subprocess.Popen([*cmd, "-n", pod.namespace, pod.name, f":{port}"], stdout=subprocess.PIPE, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith("Forwarding from 127.0.0.1:") and line.strip().endswith(f"-> {port}"), line
        local = int(line.split(":")[1].split(" ")[0])
        with socket.create_connection(("127.0.0.1", local), timeout=30) as client:
            conn, _ = listener.accept()
            client.sendall(b"via cli")
            assert conn.recv(100) == b"via cli"
            conn.close()
    finally:
        proc.terminate()
        proc.wait(10)
        listener.close()


def test_cli_cp(backend: Backend, pod: Pod, kubeconfig: Path, tmp_path: Path) -> None:
    fake = backend.fake_server("the kubelet stub has no tar")
    source = tmp_path / "a.txt"
    source.write_text("cli copy")
    out = _run(kubeconfig, "cp", "-n", pod.namespace, str(source), f"{pod.name}:/a.txt")
    assert out.returncode == 0, out.stderr
    assert fake.pod_files(pod.namespace, pod.name).read("/a.txt") == b"cli copy"
