"""Scenario 6: a standalone indexer keyed by `namespace/name` with two index functions.

    python examples/indexer.py

Indexes: "namespace" (the built-in namespace index) and "nodeName" (a pod's spec.nodeName; [] for anything that is
not a pod). Three pods go in; the program prints what `by_index` finds and what the indexes hold. No cluster needed.
"""

from __future__ import annotations

import sys
from typing import Any

from kubeclient.cache import NAMESPACE_INDEX, meta_namespace_index_func, meta_namespace_key, new_indexer

NODE_NAME_INDEX = "nodeName"


def node_name_index_func(obj: Any) -> list[str]:
    """A pod's node (empty when unscheduled); nothing for other kinds."""
    if not isinstance(obj, dict) or obj.get("kind") != "Pod":
        return []
    return [str((obj.get("spec") or {}).get("nodeName") or "")]


def pod(name: str, namespace: str, node: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"nodeName": node, "containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]},
    }


def names(objects: list[Any]) -> str:
    return ", ".join(sorted(obj["metadata"]["name"] for obj in objects)) or "(none)"


def main() -> int:
    indexer = new_indexer(
        {NAMESPACE_INDEX: meta_namespace_index_func, NODE_NAME_INDEX: node_name_index_func}, key_func=meta_namespace_key
    )
    indexer.add(pod("index-pod-1", "default", "node1"))
    indexer.add(pod("index-pod-2", "default", "node2"))
    indexer.add(pod("index-pod-3", "kube-system", "node2"))

    print(f"keys: {', '.join(sorted(indexer.list_keys()))}")
    print(f'by_index("namespace", "default"): {names(indexer.by_index(NAMESPACE_INDEX, "default"))}')
    print(f'by_index("nodeName", "node2"): {names(indexer.by_index(NODE_NAME_INDEX, "node2"))}')
    print(f'by_index("nodeName", "node1"): {names(indexer.by_index(NODE_NAME_INDEX, "node1"))}')
    print(f'index_keys("nodeName", "node2"): {", ".join(sorted(indexer.index_keys(NODE_NAME_INDEX, "node2")))}')
    print(f'list_index_func_values("nodeName"): {", ".join(sorted(indexer.list_index_func_values(NODE_NAME_INDEX)))}')
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "default"}}
    print(f"nodeName index of a ConfigMap: {node_name_index_func(config_map)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
