"""The scenario programs against a real cluster (KUBECLIENT_E2E_KUBECONFIG, else the real control plane)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kubeclient import GVR
from kubeclient.config import load_config
from kubeclient.dynamic import DynamicClient

ROOT = Path(__file__).resolve().parents[2]


def run(example: str, kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / example), "--kubeconfig", str(kubeconfig), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_scenarios_1_to_4_and_7(e2e_kubeconfig: Path, e2e_namespace: str) -> None:
    # What the programs list is made here: a bare control plane has no pods of its own.
    with DynamicClient.for_config(load_config(str(e2e_kubeconfig))) as dyn:
        dyn.resource(GVR("", "v1", "pods"), namespaced=True).namespace(e2e_namespace).create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "listed"},
                "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]},
            }
        )
        nodes = [n["metadata"]["name"] for n in dyn.resource(GVR("", "v1", "nodes"), namespaced=False).list()["items"]]
    listed = run("rest_list_pods.py", e2e_kubeconfig, "--namespace", e2e_namespace).stdout.splitlines()
    assert f"namespace: {e2e_namespace}, name: listed, status: Pending" in listed
    assert [line for line in listed if line.startswith("Node Name ")] == [f"Node Name {n}" for n in nodes]
    out = run("clientset_nodes_pods.py", e2e_kubeconfig, "--namespace", e2e_namespace).stdout
    assert "listed" in out and all(f"node: {n}" in out for n in nodes)
    run("clientset_nodes_pods.py", e2e_kubeconfig, "--asyncio")
    assert "round trip lossless: True" in run("dynamic_conversion.py", e2e_kubeconfig).stdout
    assert "name: deployments, group: apps, version: v1" in run("discovery_api_resources.py", e2e_kubeconfig).stdout
    run("lister.py", e2e_kubeconfig, "--namespace", e2e_namespace)


def test_scenario_10_everyday_crud(e2e_kubeconfig: Path) -> None:
    lines = run("everyday_crud.py", e2e_kubeconfig).stdout.splitlines()
    assert "apply by other-tool with force: tier=backend, appliers ['crud-example', 'other-tool']" in lines
    assert "scale: Deployment web to 3 (deployment spec.replicas=3)" in lines
    assert lines[-1].endswith("deleted")


def test_scenario_11_typed_crd(e2e_kubeconfig: Path, e2e_namespace: str) -> None:
    lines = run("typed_crd.py", e2e_kubeconfig, "--namespace", e2e_namespace).stdout.splitlines()
    assert "status updated: readyReplicas=1 (spec unchanged: small)" in lines
    assert f"lister: {e2e_namespace}/gear ready=1" in lines


def test_scenario_12_regenerate(e2e_kubeconfig: Path, tmp_path: Path) -> None:
    out = run("regenerate_new_version.py", e2e_kubeconfig, "--out", str(tmp_path)).stdout
    assert "regenerated kubeapi:" in out
