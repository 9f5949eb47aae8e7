"""Object builders shared by the cache tests (wire-form dicts and a typed stand-in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def pod(name: str, ns: str = "default", rv: str = "1", node: str | None = None, **labels: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "resourceVersion": rv, "labels": dict(labels)},
        "spec": {},
    }
    if not ns:
        del obj["metadata"]["namespace"]
    if node is not None:
        obj["spec"]["nodeName"] = node
    return obj


@dataclass
class TypedMeta:
    name: str
    namespace: str | None = None
    resource_version: str | None = None
    labels: dict[str, str] | None = field(default=None)


@dataclass
class TypedObj:
    metadata: TypedMeta
