"""Helpers of the fake API server's integration tests: clients, the real wire answers, and object builders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from kubeclient.testing import FakeAPIServer

REPO_ROOT = Path(__file__).resolve().parents[3]
WIRE = REPO_ROOT.parent / "shared" / "fixtures" / "wire"
CRDS = REPO_ROOT.parent / "shared" / "fixtures" / "crds"


def client_for(server: FakeAPIServer, token: str | None = None) -> httpx.Client:
    cfg = server.config()
    headers = {"Authorization": f"Bearer {token or cfg.token}"}
    return httpx.Client(base_url=server.url, verify=cfg.ssl_context(), headers=headers, timeout=10)


def wire(name: str) -> Any:
    """A real kube-apiserver answer from ../shared/fixtures/wire (the test skips when it is absent)."""
    path = WIRE / name
    if not path.exists():
        pytest.skip(f"real wire fixtures not available: {path} is absent (a fresh clone has no ../shared)")
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return json.loads(path.read_text())


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and value types, without the values themselves."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value[:1]]
    return type(value).__name__


def configmap(name: str, data: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"a": "1"}}


def deployment(name: str, replicas: int = 2, labels: dict[str, str] | None = None) -> dict[str, Any]:
    match = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": match},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": match},
            "template": {"metadata": {"labels": match}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}},
        },
    }


CM = "/api/v1/namespaces/default/configmaps"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
