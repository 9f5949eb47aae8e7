"""kubeclient.manifests (and `python -m kubeclient apply -f`) on the fake server and the real control plane: the
CRDs of ../shared/fixtures/crds plus objects of those kinds in one multi-document file, applied twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from backends import Backend
from tools_helpers import CONFIGMAPS, unique

from kubeclient import manifests
from kubeclient.dynamic import DynamicClient
from kubeclient.errors import NotFoundError
from kubeclient.scale import ScaleClient
from kubeclient.schema import GVR

REPO = Path(__file__).resolve().parents[3]
CRDS = REPO.parent / "shared" / "fixtures" / "crds"
needs_crds = pytest.mark.skipif(not CRDS.is_dir(), reason=f"{CRDS} is absent (the ../shared fixtures)")


def objects(ns: str, cluster_suffix: str) -> list[dict[str, Any]]:
    """One object of most fixture kinds; `ns` is a namespace created by the same file."""
    return [
        {"apiVersion": "cert-manager.io/v1", "kind": "Issuer", "metadata": {"name": "selfsigned", "namespace": ns},
         "spec": {"selfSigned": {}}},
        {"apiVersion": "cert-manager.io/v1", "kind": "Certificate", "metadata": {"name": "web", "namespace": ns},
         "spec": {"secretName": "web-tls", "dnsNames": ["web.example.com"],
                  "issuerRef": {"name": "selfsigned", "kind": "Issuer"}}},
        {"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition",
         "metadata": {"name": "macvlan", "namespace": ns}, "spec": {"config": '{"cniVersion": "0.3.1"}'}},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
         "metadata": {"name": f"example-{cluster_suffix}"}, "spec": {"controllerName": "example.com/gateway"}},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw", "namespace": ns},
         "spec": {"gatewayClassName": f"example-{cluster_suffix}",
                  "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
         "metadata": {"name": "route", "namespace": ns}, "spec": {"parentRefs": [{"name": "gw"}]}},
        {"apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": {"name": "web", "namespace": ns},
         "spec": {"to": {"kind": "Service", "name": "web"}}},
        {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshot",
         "metadata": {"name": "snap", "namespace": ns}, "spec": {"source": {"persistentVolumeClaimName": "data"}}},
        {"apiVersion": "migration.k8s.io/v1alpha1", "kind": "StorageVersionMigration",
         "metadata": {"name": f"migrate-{cluster_suffix}"}, "spec": {"resource": {"group": "apps", "version": "v1",
                                                                                    "resource": "deployments"}}},
        {"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": ns},
             "data": {"mode": "blue"}}]},
    ]  # fmt: skip


def bundle(tmp_path: Path, ns: str, suffix: str) -> Path:
    """One multi-document file: the objects first (apply must reorder), then the namespace, then every CRD."""
    docs: list[Any] = objects(ns, suffix)
    docs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for crd_file in sorted(CRDS.iterdir()):
        docs.extend(d for d in yaml.safe_load_all(crd_file.read_text()) if d)
    path = tmp_path / "bundle.yaml"
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return path


def summary(results: list[manifests.Result]) -> list[tuple[str, str, str]]:
    return [(r.document.gvk.kind, r.document.name, r.action) for r in results]


@needs_crds
def test_apply_twice_then_delete(backend: Backend, tmp_path: Path) -> None:
    cfg = backend.config()
    ns, suffix = unique("apply"), unique("x")
    path = bundle(tmp_path, ns, suffix)
    first = manifests.apply(cfg, path, field_manager="manifests-test")
    failures = [str(r) for r in first if not r.ok]
    assert failures == []
    kinds = [r.document.gvk.kind for r in first]
    n_crds = kinds.count("CustomResourceDefinition")
    assert n_crds == 15 and kinds[:n_crds] == ["CustomResourceDefinition"] * n_crds
    assert kinds[n_crds] == "Namespace"
    # CRDs may be there from other tests (they persist on a real server); every object of ours is new.
    assert {a for k, _, a in summary(first) if k == "CustomResourceDefinition"} <= {
        "created",
        "configured",
        "unchanged",
    }
    assert [a for k, _, a in summary(first) if k != "CustomResourceDefinition"] == ["created"] * 11
    assert str(first[n_crds]) == f"namespace/{ns} created"
    cert = next(r for r in first if r.document.gvk.kind == "Certificate")
    assert str(cert) == "certificate.cert-manager.io/web created" and cert.namespace == ns
    assert cert.object is not None and cert.object["spec"]["secretName"] == "web-tls"

    second = manifests.apply(cfg, path, field_manager="manifests-test")
    assert [(k, n, a) for k, n, a in summary(second) if a != "unchanged"] == [], [str(r) for r in second]
    assert len(second) == len(first)

    with DynamicClient.for_config(cfg) as dyn:
        got = dyn.resource(CONFIGMAPS, namespaced=True).namespace(ns).get("settings")
        assert got["data"] == {"mode": "blue"}
        managers = {m["manager"] for m in got["metadata"]["managedFields"]}
        assert managers == {"manifests-test"}

    # Delete only the objects (keep the CRDs: other tests on the same server use them).
    objects_file = tmp_path / "objects.yaml"
    objects_file.write_text(yaml.safe_dump_all(objects(ns, suffix), sort_keys=False))
    gone = manifests.delete(cfg, objects_file)
    assert [r.action for r in gone] == ["deleted"] * 10
    assert gone[0].document.gvk.kind == "ConfigMap"  # reverse order
    again = manifests.delete(cfg, objects_file)
    assert [r.action for r in again] == ["not found"] * 10
    with DynamicClient.for_config(cfg) as dyn, pytest.raises(NotFoundError):
        dyn.resource(GVR("cert-manager.io", "v1", "certificates"), namespaced=True).namespace(ns).get("web")


SCALABLE_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.scale.kubeclient.test}
spec:
  group: scale.kubeclient.test
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {replicas: {type: integer}}}
          status: {type: object, properties: {replicas: {type: integer}}}
---
apiVersion: scale.kubeclient.test/v1
kind: Widget
metadata: {name: w1}
spec: {replicas: 2}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: bad, namespace: elsewhere}
data: {a: "1"}
---
apiVersion: nope.kubeclient.test/v1
kind: Nothing
metadata: {name: x}
"""


def test_apply_text_async_with_failures_and_a_scalable_crd(backend: Backend) -> None:
    cfg = backend.config()

    async def run() -> list[manifests.Result]:
        return await manifests.async_apply(cfg, SCALABLE_CRD, namespace=backend.namespace, field_manager="t")

    results = asyncio.run(run())
    by_kind = {r.document.gvk.kind: r for r in results}
    assert by_kind["CustomResourceDefinition"].ok
    assert by_kind["Widget"].action == "created"
    assert by_kind["ConfigMap"].action == "failed"
    assert "does not match the namespace" in str(by_kind["ConfigMap"].error)
    assert by_kind["Nothing"].action == "failed"
    assert 'no matches for kind "Nothing"' in str(by_kind["Nothing"])
    assert "<text>#3" in str(by_kind["Nothing"])
    # The polymorphic scale client serves the CRD's scale subresource.
    with ScaleClient.for_config(cfg) as sc:
        scale = sc.scales(backend.namespace).get("widgets.scale.kubeclient.test", "w1")
        assert scale["spec"]["replicas"] == 2
        scale["spec"]["replicas"] = 5
        assert sc.scales(backend.namespace).update("widgets.scale.kubeclient.test", scale)["spec"]["replicas"] == 5
    # The scale update made its client the owner of spec.replicas: applying 2 again conflicts, unless forced.
    again = manifests.apply(cfg, SCALABLE_CRD, namespace=backend.namespace, field_manager="t")
    widget = {r.document.gvk.kind: r for r in again}["Widget"]
    assert widget.action == "failed" and "conflict" in str(widget.error)
    dry = manifests.apply(cfg, SCALABLE_CRD, namespace=backend.namespace, field_manager="t", dry_run=True, force=True)
    assert {r.document.gvk.kind: r.action for r in dry}["Widget"] == "configured"  # would put replicas back to 2
    assert sc_replicas(cfg, backend.namespace) == 5  # a dry run changes nothing
    stopped = manifests.apply(cfg, SCALABLE_CRD, namespace=backend.namespace, field_manager="t", stop_on_error=True)
    assert [r.action for r in stopped] == ["unchanged", "failed"]  # stopped at the Widget conflict

    async def remove() -> list[manifests.Result]:
        return await manifests.async_delete(
            cfg, SCALABLE_CRD.split("---\napiVersion: v1", maxsplit=1)[0].split("---", 1)[1]
        )

    assert [r.action for r in asyncio.run(remove())] == ["deleted"]


def sc_replicas(cfg: Any, namespace: str) -> int:
    with ScaleClient.for_config(cfg) as sc:
        replicas: int = sc.scales(namespace).get("widgets.scale.kubeclient.test", "w1")["spec"]["replicas"]
        return replicas


def test_load_errors_name_the_document(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- just\n- a list\n")
    with pytest.raises(manifests.ManifestError, match=r"bad.yaml#1: a document must be an object"):
        manifests.load(bad)
    assert [d.problem.partition(": ")[2] for d in manifests.load(bad, strict=False)] == [
        "",
        "a document must be an object, not list",
    ]
    with pytest.raises(manifests.ManifestError, match="no such file or directory"):
        manifests.load(tmp_path / "missing.yaml")
    with pytest.raises(manifests.ManifestError, match=r"<text>: the object has no kind, metadata.name"):
        manifests.load("apiVersion: v1\nmetadata: {}\n")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.json").write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}')
    (tmp_path / "d" / "a.yml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\n")
    (tmp_path / "d" / "notes.txt").write_text("ignored")
    assert [d.name for d in manifests.load(tmp_path / "d")] == ["a", "b"]


def test_a_bad_document_fails_alone(backend: Backend) -> None:
    name = unique("good")
    text = "apiVersion: v1\nmetadata: {name: nokind}\n---\n- a\n- list\n---\n" + (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n"
    )
    results = manifests.apply(backend.config(), text, field_manager="t")
    assert [r.action for r in results] == ["failed", "failed", "created"]
    assert str(results[0]) == "/nokind failed: <text>#0: the object has no kind [<text>#0]"
    assert "a document must be an object, not list" in str(results[1].error)
    assert [r.action for r in manifests.delete(backend.config(), text)] == ["deleted", "failed", "failed"]


def test_cli_apply_and_delete(backend: Backend, tmp_path: Path) -> None:
    kubeconfig = backend.write_kubeconfig(tmp_path / "kubeconfig")
    name = unique("cli")
    manifest = tmp_path / "cm.yaml"
    manifest.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: '1'}}\n")
    base = [sys.executable, "-m", "kubeclient"]
    common = ["--kubeconfig", str(kubeconfig), "-n", backend.namespace, "-f", str(manifest)]
    out = subprocess.run([*base, "apply", *common], capture_output=True, text=True, check=False, timeout=60)
    assert (out.returncode, out.stdout) == (0, f"configmap/{name} created\n"), out.stderr
    out = subprocess.run([*base, "apply", *common], capture_output=True, text=True, check=False, timeout=60)
    assert out.stdout == f"configmap/{name} unchanged\n"
    out = subprocess.run([*base, "delete", *common], capture_output=True, text=True, check=False, timeout=60)
    assert out.stdout == f"configmap/{name} deleted\n"
    manifest.write_text("apiVersion: nope.example/v1\nkind: Nothing\nmetadata: {name: x}\n")
    out = subprocess.run([*base, "apply", *common], capture_output=True, text=True, check=False, timeout=60)
    assert out.returncode == 1 and 'no matches for kind "Nothing"' in out.stderr
