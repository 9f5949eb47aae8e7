"""The scenario programs against a real cluster (skipped unless KUBECLIENT_E2E_KUBECONFIG is set)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    assert run("rest_list_pods.py", e2e_kubeconfig, "--namespace", "kube-system").stdout
    assert "node: " in run("clientset_nodes_pods.py", e2e_kubeconfig, "--namespace", "kube-system").stdout
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
