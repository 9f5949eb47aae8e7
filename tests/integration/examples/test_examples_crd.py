"""Scenario 11 (examples/typed_crd.py): typed packages from a CRD manifest and from the cluster, then used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_examples_clients import run

from kubeclient import GVR
from kubeclient.dynamic import DynamicClient
from kubeclient.testing import FakeAPIServer

ROOT = Path(__file__).resolve().parents[3]
WIDGETS = GVR("example.com", "v1", "widgets")

EXPECTED = [
    "generated widgets_from_manifest from the CRD manifest",
    "CRD widgets.example.com installed and established",
    "CRD gadgets.example.com installed and established",
    "generated widgets_from_cluster from the server's OpenAPI v3 and discovery documents",
    "both packages define Widget, WidgetList, WidgetSpec, WidgetSpecParts, WidgetSpecTemplate, "
    "WidgetSpecTemplateFinish, WidgetStatus, WidgetStatusConditions",
    "WidgetClient verbs: apply, create, delete, get, get_scale, list, patch, update, update_status, watch",
    "created Widget gear: size=small, replicas=1",
    "status updated: readyReplicas=1 (spec unchanged: small)",
    "watch: ADDED Widget gear readyReplicas=None",
    "watch: MODIFIED Widget gear readyReplicas=1",
    "lister: default/gear ready=1",
    "scale subresource: replicas=1, selector='team=a'",
]


def test_typed_crd_without_a_cluster(tmp_path: Path) -> None:
    out = run("typed_crd.py", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [*EXPECTED, "deleted CRDs widgets.example.com, gadgets.example.com"]


def test_typed_crd_against_a_cluster_keeps_typed_packages_that_pass_mypy(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    with FakeAPIServer() as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        args = ("--kubeconfig", str(kubeconfig), "--out", str(out_dir), "--keep")
        out = run("typed_crd.py", *args, home=tmp_path)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines() == EXPECTED
        with DynamicClient.for_config(server.config()) as dyn:
            gear = dyn.resource(WIDGETS, namespaced=True).namespace("default").get("gear")
        assert gear["status"] == {"replicas": 1, "readyReplicas": 1, "selector": "team=a"}
        # A second run finds the CRDs and the packages already there and regenerates in place.
        again = run("typed_crd.py", *args, "--namespace", "kube-public", home=tmp_path)
        assert again.returncode == 0, again.stderr
    env = dict(os.environ, MYPYPATH=os.pathsep.join([str(out_dir), str(ROOT / "generated")]))
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
         "-p", "widgets_from_manifest", "-p", "widgets_from_cluster"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=600,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_regenerating_for_a_cluster_with_a_new_group_changes_nothing_else(tmp_path: Path) -> None:
    out = run("regenerate_new_version.py", "--out", str(tmp_path / "work"), home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "snapshot of the cluster's documents written to snapshot/",
        "kubegen diff openapi/kubernetes-1.36 snapshot:",
        "  + group-version example.com/v1",
        "  + group-version example.com/v1beta1",
        "  2 added, 0 removed, 0 changed",
        "regenerated kubeapi: 13 files added, 2 changed, 0 removed",
        "  new packages: kubeapi/example_com, kubeapi/example_com/v1, kubeapi/example_com/v1beta1",
        "  changed: kubeapi/clientset.py, kubeapi/informers/__init__.py",
        "  removed: nothing",
    ]
    regenerated = tmp_path / "work" / "generated"
    script = (
        "import kubeapi\n"
        "from kubeapi import Clientset\n"
        "from kubeapi.example_com.v1 import Widget\n"
        "from kubeapi.example_com.v1.client import WidgetClient\n"
        "print(kubeapi.__file__, hasattr(Clientset, 'example_com_v1'), hasattr(Clientset, 'apps_v1'))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(regenerated))
    imported = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.split() == [str(regenerated / "kubeapi" / "__init__.py"), "True", "True"]
