"""The scale subresource: an autoscaling/v1 Scale view of a workload or a custom resource (CRD scale paths)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubeclient import labels
from kubeclient.apidocs import Resource
from kubeclient.testing.crd import scale_paths
from kubeclient.testing.registry import Registry
from kubeclient.testing.status import Cause, invalid


def _get(obj: Mapping[str, Any], path: str) -> Any:
    cur: Any = obj
    for part in path.strip(".").split("."):
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def _set(obj: dict[str, Any], path: str, value: Any) -> None:
    parts = path.strip(".").split(".")
    cur = obj
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = cur[part] = {}
        cur = nxt
    cur[parts[-1]] = value


def _paths(registry: Registry, res: Resource) -> tuple[str, str, str | None]:
    version = registry.crd_version(res)
    if version is not None:
        return scale_paths(version)
    return ".spec.replicas", ".status.replicas", ".spec.selector"


def scale_of(registry: Registry, res: Resource, obj: Mapping[str, Any]) -> dict[str, Any]:
    spec_path, status_path, selector_path = _paths(registry, res)
    meta = obj.get("metadata") or {}
    out_meta = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta}
    status: dict[str, Any] = {"replicas": _get(obj, status_path) or 0}
    if selector_path is not None:
        raw = _get(obj, selector_path)
        if isinstance(raw, Mapping):
            try:
                text = str(labels.from_label_selector(raw))
            except labels.LabelSelectorError:
                text = ""
        else:
            text = str(raw or "")
        if text:
            status["selector"] = text
    replicas = _get(obj, spec_path)
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": out_meta,
        # autoscaling/v1 ScaleSpec.replicas is omitempty: 0 is not sent.
        "spec": {"replicas": replicas} if replicas else {},
        "status": status,
    }


def apply_scale(registry: Registry, res: Resource, obj: dict[str, Any], scale: Mapping[str, Any]) -> dict[str, Any]:
    """`obj` with the Scale's spec.replicas written to its replicas path (the only field a Scale changes)."""
    spec_path, _, _ = _paths(registry, res)
    replicas = (scale.get("spec") or {}).get("replicas")
    if isinstance(replicas, int) and replicas < 0 and not registry.is_custom(res):
        # Custom objects are checked against their own schema instead (see Objects.write).
        name = str((obj.get("metadata") or {}).get("name") or "")
        cause = Cause(
            "FieldValueInvalid", f"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas"
        )
        raise invalid("Scale", "autoscaling", name, [cause])
    # An absent spec.replicas is Go's zero value, as kube-apiserver decodes it: a Scale without it scales to 0.
    _set(obj, spec_path, replicas or 0)
    return obj
