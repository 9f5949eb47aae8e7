"""Objects and helpers shared by the client-tools tests (wait, ownership, metadata, scale, manifests, events)."""

from __future__ import annotations

import uuid
from typing import Any

from kubeclient.schema import GVR

CONFIGMAPS = GVR("", "v1", "configmaps")
DEPLOYMENTS = GVR("apps", "v1", "deployments")
STATEFULSETS = GVR("apps", "v1", "statefulsets")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def configmap(name: str, data: dict[str, str] | None = None, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, **meta}, "data": data or {"a": "1"}}


def deployment(name: str, replicas: int = 1) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]},
            },
        },
    }


def statefulset(name: str, replicas: int = 1) -> dict[str, Any]:
    body = deployment(name, replicas)
    body["kind"] = "StatefulSet"
    body["spec"]["serviceName"] = name
    return body


def ready_status(status: str, generation: int | None = None, reason: str = "Checked") -> dict[str, Any]:
    condition: dict[str, Any] = {
        "type": "Available",
        "status": status,
        "reason": reason,
        "message": f"made {status} by the test",
        "lastTransitionTime": "2026-01-01T00:00:00Z",
        "lastUpdateTime": "2026-01-01T00:00:00Z",
    }
    out: dict[str, Any] = {"status": {"conditions": [condition]}}
    if generation is not None:
        out["status"]["observedGeneration"] = generation
    return out
