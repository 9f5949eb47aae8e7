"""Scenario 10 (examples/everyday_crud.py) against a fake API server, checked in its output and in the server."""

from __future__ import annotations

import re
from pathlib import Path

from test_examples_clients import run

from kubeapi import Clientset
from kubeclient.testing import FakeAPIServer

EXPECTED = [
    "namespace NS created",
    *(
        f"{kind}: created, got, updated (resourceVersion changed: True), listed 1 with reviewed=yes"
        for kind in ("ConfigMap", "Secret", "Pod", "Service", "Deployment", "ReplicaSet", "StatefulSet", "Ingress")
    ),
    'stale update refused: Operation cannot be fulfilled on configmaps "settings": the object has been modified; '
    "please apply your changes to the latest version and try again",
    "watch: MODIFIED ConfigMap settings data={'mode': 'blue', 'touched': '1'}",
    "watch: DELETED ConfigMap settings data={'mode': 'blue', 'touched': '1'}",
    "merge patch: Secret annotations {'rotated': 'today'}",
    "json patch: Deployment label patched=json, minReadySeconds=5",
    "strategic merge patch: main kept image registry.k8s.io/pause:3.10, env MODE=blue",
    "apply: Service web tier=frontend (manager crud-example)",
    'apply by other-tool refused: Apply failed with 1 conflict: conflict with "crud-example": .metadata.labels.tier',
    "apply by other-tool with force: tier=backend, appliers ['crud-example', 'other-tool']",
    "crud-example still owns: labels {}, 1 port(s)",
    "scale: Deployment web to 3 (deployment spec.replicas=3)",
    "scale: StatefulSet db to 2",
    "scale: ReplicaSet batch has selector 'app=batch'",
    "delete: Deployment web with propagationPolicy=Foreground",
    "delete: Pod debug at once, only if its uid is still the one read",
    "delete collection: Secrets and ConfigMaps part-of=crud-example, 0 Secrets left",
]


def normalized(stdout: str) -> tuple[str, list[str]]:
    names = set(re.findall(r"kubeclient-crud-[a-z0-9]{5}", stdout))
    assert len(names) == 1, stdout
    name = names.pop()
    return name, stdout.replace(name, "NS").splitlines()


def test_everyday_crud_without_a_cluster_cleans_up(tmp_path: Path) -> None:
    out = run("everyday_crud.py", home=tmp_path)
    assert out.returncode == 0, out.stderr
    _, lines = normalized(out.stdout)
    assert lines == [*EXPECTED, "namespace NS deleted"]
    assert "using a fake API server" in out.stderr


def test_everyday_crud_leaves_what_it_promises_with_keep(tmp_path: Path) -> None:
    with FakeAPIServer() as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kubeconfig")
        out = run("everyday_crud.py", "--kubeconfig", str(kubeconfig), "--keep", home=tmp_path)
        assert out.returncode == 0, out.stderr
        ns, lines = normalized(out.stdout)
        assert lines == EXPECTED
        with Clientset.for_config(server.config()) as cs:
            service = cs.core_v1.services(ns).get("web")
            assert service.metadata.labels["tier"] == "backend"
            assert service.spec.ports[0].port == 80
            assert [d.metadata.name for d in cs.apps_v1.deployments(ns).list().items] == []
            assert cs.apps_v1.stateful_sets(ns).get("db").spec.replicas == 2
            assert [p.metadata.name for p in cs.core_v1.pods(ns).list().items] == []
            assert cs.core_v1.config_maps(ns).list(label_selector="app.kubernetes.io/part-of=crud-example").items == []
            assert cs.networking_v1.ingresses(ns).get("web").spec.rules[0].host == "web.example.com"
