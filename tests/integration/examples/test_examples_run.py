"""Every example runs as a program and prints what it promises."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env, check=False
    )


def test_tour_runs() -> None:
    out = run("examples/tour.py")
    assert out.returncode == 0, out.stderr
    assert "token: REDACTED" in out.stdout and "token-from-a" not in out.stdout
    assert "deploy → deployments.v1.apps (Deployment, namespace)" in out.stdout
    assert "processed default/flaky after 4 attempt(s)" in out.stdout
    for line in (
        "  scaled through the scale subresource to 3",
        '  server-side apply by a second manager: Apply failed with 1 conflict: conflict with "tour": '
        ".metadata.labels.owner",
        "  MODIFIED Pod watched {'app': 'demo', 'stage': 'two'}",
        "  lister, app=api, served from memory: api-0, api-1, api-2",
        "  created Widget gear: size=small, replicas=1 (defaulted)",
        "  status subresource: readyReplicas=1",
    ):
        assert line in out.stdout.splitlines(), line


def test_kubeconfig_example(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text(
        yaml.safe_dump(
            {
                "clusters": [{"name": "c", "cluster": {"server": "https://k:6443"}}],
                "users": [{"name": "u", "user": {"token": "s3cret"}}],
                "contexts": [
                    {"name": "one", "context": {"cluster": "c", "user": "u"}},
                    {"name": "two", "context": {"cluster": "c", "user": "u", "namespace": "ns2"}},
                ],
                "current-context": "one",
            }
        )
    )
    out = run("examples/kubeconfig_handling.py", "--kubeconfig", str(path), "--context", "two")
    assert out.returncode == 0, out.stderr
    assert "namespace: ns2" in out.stdout and "current-context: two" in out.stdout and "s3cret" not in out.stdout
    env = {k: v for k, v in os.environ.items() if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST")}
    env["HOME"] = str(tmp_path)
    missing = run("examples/kubeconfig_handling.py", env=env)
    assert missing.returncode == 1 and "no configuration found" in missing.stderr


def test_exec_portforward_example(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"} | {"HOME": str(tmp_path)}
    out = run("examples/exec_portforward.py", env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    for line in (
        "exec echo: exit 0, stdout b'hello from web-0\\n'",
        "exec sh -c 'exit 3': exit 3 (a result, not an exception)",
        "exec cat with 1 MB on stdin: 1000000 bytes back",
        "session channel 1: b'typed into the session\\n'",
        "session ended with exit code 0 over v5.channel.k8s.io",
        "cp there and back: 'copied with tar over exec\\n'",
        "asyncio, 5 execs at once: 0 1 2 3 4",
    ):
        assert line in lines, line
    assert any(line.startswith("port-forward 127.0.0.1:") and line.endswith("HTTP/1.0 200 OK") for line in lines)
