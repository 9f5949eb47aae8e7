"""Scenario 1: a RESTClient for core/v1 lists pods (limit=100) and nodes, decoded into typed lists.

    python examples/rest_list_pods.py [--kubeconfig PATH] [--context NAME] [--namespace NS]

Prints `namespace: <ns>, name: <name>, status: <phase>` per pod, then `Node Name <name>` per node (nodes are
cluster-scoped: no namespace segment in the path). Without a configured cluster it runs against a seeded fake API
server.
"""

from __future__ import annotations

import argparse

from _runner import PODS, add_cluster_arguments, connect, create_objects, demo_pod, say

from kubeapi.core.v1 import NodeList, PodList
from kubeclient import GVR
from kubeclient.dynamic import DynamicClient
from kubeclient.rest import RESTClient

NODES = GVR("", "v1", "nodes")


def seed(dyn: DynamicClient) -> None:
    create_objects(dyn, PODS, [demo_pod("web-0", "default"), demo_pod("web-1", "default")], namespaced=True)
    pods = dyn.resource(PODS, namespaced=True).namespace("default")
    for name, phase in (("web-0", "Running"), ("web-1", "Pending")):
        pods.patch(name, {"status": {"phase": phase}}, "merge", subresource="status")
    create_objects(dyn, NODES, [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}}], namespaced=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="default")
    args = parser.parse_args(argv)
    with connect(args, seed=seed) as cfg, RESTClient.for_config(cfg, group="", version="v1") as rc:
        pods = rc.get().namespace(args.namespace).resource("pods").param("limit", 100).do().into(PodList)
        for pod in pods.items:
            meta, status = pod.metadata, pod.status
            phase = status.phase if status else ""
            say(f"namespace: {meta.namespace if meta else ''}, name: {meta.name if meta else ''}, status: {phase}")
        nodes = rc.get().resource("nodes").do().into(NodeList)
        for node in nodes.items:
            say(f"Node Name {node.metadata.name if node.metadata else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
