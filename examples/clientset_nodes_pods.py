"""Scenario 2: the typed Clientset lists nodes (name, creation time) and the pods of a namespace.

    python examples/clientset_nodes_pods.py [--kubeconfig PATH] [--context NAME] [--namespace NS] [--asyncio]

With `--asyncio` the same runs on AsyncClientset. Without a configured cluster it runs against a seeded fake API
server.
"""

from __future__ import annotations

import argparse
import asyncio

from _runner import PODS, add_cluster_arguments, connect, create_objects, demo_pod, say

from kubeapi import AsyncClientset, Clientset
from kubeapi.core.v1 import NodeList, PodList
from kubeclient import GVR
from kubeclient.config import Config
from kubeclient.dynamic import DynamicClient


def seed(dyn: DynamicClient) -> None:
    create_objects(dyn, PODS, [demo_pod("api-0", "default"), demo_pod("api-1", "default")], namespaced=True)
    nodes = [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"node-{i}"}} for i in (1, 2)]
    create_objects(dyn, GVR("", "v1", "nodes"), nodes, namespaced=False)


def report(nodes: NodeList, pods: PodList) -> None:
    for node in nodes.items:
        meta = node.metadata
        say(f"node: {meta.name if meta else ''}, created: {meta.creation_timestamp if meta else ''}")
    for pod in pods.items:
        meta = pod.metadata
        phase = pod.status.phase if pod.status else ""
        say(f"namespace: {meta.namespace if meta else ''}, name: {meta.name if meta else ''}, status: {phase}")


def run_sync(cfg: Config, namespace: str) -> None:
    with Clientset.for_config(cfg) as cs:
        report(cs.core_v1.nodes().list(), cs.core_v1.pods(namespace).list())


async def run_async(cfg: Config, namespace: str) -> None:
    async with AsyncClientset.for_config(cfg) as cs:
        nodes, pods = await asyncio.gather(cs.core_v1.nodes().list(), cs.core_v1.pods(namespace).list())
        report(nodes, pods)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--asyncio", action="store_true", help="use AsyncClientset")
    args = parser.parse_args(argv)
    with connect(args, seed=seed) as cfg:
        if args.asyncio:
            asyncio.run(run_async(cfg, args.namespace))
        else:
            run_sync(cfg, args.namespace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
