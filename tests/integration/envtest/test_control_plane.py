"""The real control plane itself (kubeclient.testing.ControlPlane): users and RBAC, tokens, CRDs waited for until
served, restarts, asyncio use, a clear failure, the command line, and no process left behind — even when the test
process is killed outright. Skips when no kube-apiserver/etcd binaries are found."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from kubeclient.config import Config, load_config
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.errors import ForbiddenError, UnauthorizedError
from kubeclient.rest import RESTClient
from kubeclient.schema import GVR
from kubeclient.testing import ControlPlane, ControlPlaneError
from kubeclient.testing.envtest import find_assets
from kubeclient.testing.envtest.pki import CertificateAuthority

REPO = Path(__file__).resolve().parents[3]
WIDGETS_CRD = REPO / "examples" / "crds" / "widgets.example.com.yaml"
CONFIGMAPS = GVR("", "v1", "configmaps")
NAMESPACES = GVR("", "v1", "namespaces")


@pytest.fixture(scope="module")
def assets() -> Path:
    try:
        return find_assets().directory
    except ControlPlaneError as err:
        pytest.skip(f"no real control plane: {err}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: only its parent's wait() would clear it.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def wait_dead(pids: list[int], timeout: float = 20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_users_are_authenticated_and_authorized_by_rbac(kube_control_plane: ControlPlane, kube_namespace: str) -> None:
    viewer = kube_control_plane.add_user(f"viewer-{os.urandom(3).hex()}", groups=["team-view"])
    assert viewer.certificate is not None and "BEGIN" not in repr(viewer)
    with DynamicClient.for_config(kube_control_plane.config()) as admin:
        admin.resource(CONFIGMAPS, namespaced=True).namespace(kube_namespace).create(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "seen"}, "data": {"a": "1"}}
        )
        with DynamicClient.for_config(kube_control_plane.config(viewer)) as as_viewer:
            configmaps = as_viewer.resource(CONFIGMAPS, namespaced=True).namespace(kube_namespace)
            with pytest.raises(ForbiddenError, match=f'User "{viewer.name}" cannot get resource "configmaps"'):
                configmaps.get("seen")
            # Grant the group read access in the namespace: RBAC is enforced for real.
            rbac = "rbac.authorization.k8s.io"
            admin.resource(GVR(rbac, "v1", "roles"), namespaced=True).namespace(kube_namespace).create(
                {
                    "apiVersion": f"{rbac}/v1",
                    "kind": "Role",
                    "metadata": {"name": "read-configmaps"},
                    "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}],
                }
            )
            admin.resource(GVR(rbac, "v1", "rolebindings"), namespaced=True).namespace(kube_namespace).create(
                {
                    "apiVersion": f"{rbac}/v1",
                    "kind": "RoleBinding",
                    "metadata": {"name": "team-view"},
                    "roleRef": {"apiGroup": rbac, "kind": "Role", "name": "read-configmaps"},
                    "subjects": [{"apiGroup": rbac, "kind": "Group", "name": "team-view"}],
                }
            )
            deadline = time.monotonic() + 10
            while True:  # the authorizer's informer sees the binding a moment later
                try:
                    assert configmaps.get("seen")["data"] == {"a": "1"}
                    break
                except ForbiddenError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            with pytest.raises(ForbiddenError):
                configmaps.delete("seen")
    with pytest.raises(ControlPlaneError, match="exists already"):
        kube_control_plane.add_user(viewer.name)


def test_kubeconfig_files_verify_tls_and_work_with_kubectl(kube_control_plane: ControlPlane, tmp_path: Path) -> None:
    kubeconfig = yaml.safe_load(kube_control_plane.kubeconfig_path.read_text())
    cluster = kubeconfig["clusters"][0]["cluster"]
    assert cluster["server"] == kube_control_plane.url and "insecure-skip-tls-verify" not in cluster
    assert oct(kube_control_plane.kubeconfig_path.stat().st_mode & 0o777) == "0o600"
    kubectl = kube_control_plane.kubectl
    if kubectl is None:
        pytest.skip("no kubectl beside the control plane's binaries")
    out = subprocess.run(
        [str(kubectl), "--kubeconfig", str(kube_control_plane.kubeconfig_path), "version", "-o", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(out.stdout)["serverVersion"]["gitVersion"].startswith("v1.36.")
    # A kubeconfig trusting another CA does not verify the server: TLS verification is on.
    foreign = kube_control_plane.kubeconfig()
    foreign["clusters"][0]["cluster"]["certificate-authority-data"] = base64.b64encode(
        CertificateAuthority().cert_pem
    ).decode()
    path = tmp_path / "foreign"
    path.write_text(yaml.safe_dump(foreign))
    failed = subprocess.run(
        [str(kubectl), "--kubeconfig", str(path), "get", "namespaces"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert failed.returncode != 0 and "certificate" in failed.stderr


def test_install_crds_returns_when_served_by_discovery_and_openapi(kube_control_plane: ControlPlane) -> None:
    installed = kube_control_plane.install_crds([WIDGETS_CRD])
    assert sorted(c["metadata"]["name"] for c in installed) == ["gadgets.example.com", "widgets.example.com"]
    config = kube_control_plane.config()
    with DynamicClient.for_config(config) as dyn:
        # Usable at once: no polling left to the caller.
        widgets = dyn.resource(GVR("example.com", "v1", "widgets"), namespaced=True).namespace("default")
        assert widgets.list()["kind"] == "WidgetList"
    with RESTClient.for_config(config) as rest:
        document = rest.get().abs_path("/openapi/v3/apis/example.com/v1").do().json()
    assert "com.example.v1.Widget" in document["components"]["schemas"]
    # Installing again is an apply: no AlreadyExists.
    assert len(kube_control_plane.install_crds([WIDGETS_CRD])) == 2
    with pytest.raises(ControlPlaneError, match="no CustomResourceDefinition"):
        kube_control_plane.install_crds([{"apiVersion": "v1", "kind": "ConfigMap"}])


def test_tokens_audit_log_restart_and_stop_leave_nothing_behind(assets: Path) -> None:
    plane = ControlPlane(assets, token_users={"robot": ["system:masters"]}, audit_log=True)
    with plane:
        robot = plane.user("robot")
        assert robot.token and robot.token not in repr(robot) and robot.token not in repr(plane)
        assert "token" in plane.kubeconfig("robot")["users"][0]["user"]
        with DynamicClient.for_config(plane.config("robot")) as dyn:
            dyn.resource(CONFIGMAPS, namespaced=True).namespace("default").create(
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kept"}}
            )
        bad = Config(plane.url, token="not-a-token", ca_data=plane.ca_pem)
        with DynamicClient.for_config(bad) as dyn, pytest.raises(UnauthorizedError):
            dyn.resource(NAMESPACES, namespaced=False).list()
        pids = [p.pid for p in (plane._etcd, plane._apiserver) if p is not None and p.pid]
        before = plane._apiserver.pid if plane._apiserver else None

        plane.restart_apiserver()
        assert plane._apiserver is not None and plane._apiserver.pid != before
        with DynamicClient.for_config(plane.config("robot")) as dyn:  # same data, same port, same CA
            assert dyn.resource(CONFIGMAPS, namespaced=True).namespace("default").get("kept")
        assert plane.audit_log_path is not None
        audited = [json.loads(line) for line in plane.audit_log_path.read_text().splitlines()]
        assert any(e.get("user", {}).get("username") == "robot" for e in audited)
        work_dir = plane.work_dir
        pids.append(plane._apiserver.pid or 0)
    assert plane.started_in is not None and plane.stopped_in is not None
    assert not plane.running and not work_dir.exists()
    assert wait_dead(pids, 1.0) == []


def test_asyncio_use(assets: Path) -> None:
    async def main() -> None:
        async with ControlPlane(assets) as plane:
            async with AsyncDynamicClient.for_config(plane.config()) as dyn:
                listed = await dyn.resource(NAMESPACES, namespaced=False).list()
            assert "default" in [n["metadata"]["name"] for n in listed["items"]]
        assert not plane.running

    asyncio.run(main())


def test_a_failure_to_start_reports_the_apiserver_log(assets: Path) -> None:
    plane = ControlPlane(assets, apiserver_args=["--no-such-flag=1"], start_timeout=30)
    with pytest.raises(ControlPlaneError) as failed:
        plane.start()
    assert "kube-apiserver" in str(failed.value) and "unknown flag: --no-such-flag" in str(failed.value)
    assert not plane.running


def test_missing_binaries_are_named(tmp_path: Path) -> None:
    (tmp_path / "etcd").write_text("")
    with pytest.raises(ControlPlaneError, match="has no executable etcd, kube-apiserver"):
        ControlPlane(tmp_path)
    without_assets = {k: v for k, v in os.environ.items() if k != "KUBEBUILDER_ASSETS"}
    probe = subprocess.run(
        [sys.executable, "-c", "from kubeclient.testing import ControlPlane; ControlPlane()"],
        env=without_assets,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "no control-plane binaries: pass assets=DIR or set KUBEBUILDER_ASSETS" in probe.stderr


CHILD = """
import sys, time
from kubeclient.testing import ControlPlane
plane = ControlPlane(sys.argv[1]).start()
print(plane._etcd.pid, plane._apiserver.pid, plane.work_dir, flush=True)
time.sleep(600)
"""


def test_a_killed_test_process_leaves_no_etcd_or_apiserver(assets: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(assets)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        etcd, apiserver, _ = child.stdout.readline().split()
        pids = [int(etcd), int(apiserver)]
        assert all(alive(p) for p in pids)
    finally:
        child.send_signal(signal.SIGKILL)  # no finally, no atexit: only the kernel's parent-death signal
        child.wait()
    assert wait_dead(pids) == [], "etcd/kube-apiserver outlived a SIGKILLed parent"


def test_the_command_line_runs_one_in_the_foreground(assets: Path, tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kubeclient.testing",
            "control-plane",
            "--assets",
            str(assets),
            "--kubeconfig-out",
            str(kubeconfig),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("kube-apiserver serving on https://127.0.0.1:"), first
        assert proc.stdout.readline().strip() == f"kubeconfig written to {kubeconfig}"
        with DynamicClient.for_config(load_config(kubeconfig=str(kubeconfig))) as dyn:
            assert dyn.resource(NAMESPACES, namespaced=False).get("default")["metadata"]["name"] == "default"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err


def test_kube_namespace_empties_what_the_test_made(kube_control_plane: ControlPlane) -> None:
    with kube_control_plane.namespace("emptied") as name, DynamicClient.for_config(kube_control_plane.config()) as dyn:
        dyn.resource(CONFIGMAPS, namespaced=True).namespace(name).create(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "made"}}
        )
    with DynamicClient.for_config(kube_control_plane.config()) as dyn:
        left = dyn.resource(CONFIGMAPS, namespaced=True).namespace(name).list()["items"]
        namespace = dyn.resource(NAMESPACES, namespaced=False).get(name)
    assert left == []
    # No namespace controller: it stays Terminating, which is why nothing waits for it.
    assert namespace["status"]["phase"] == "Terminating"
