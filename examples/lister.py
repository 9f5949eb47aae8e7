"""Scenario 7: list pods from an informer's cache with a label selector — no request to the server after the sync.

    python examples/lister.py [--kubeconfig PATH] [--context NAME] [--namespace NS] [--selector SEL]

Starts a pod informer, waits for its cache to sync, then lists pods in `--namespace` (default "default") matching
`--selector` (default "app=web"; any label selector, e.g. "app in (web,api),!canary") through the lister, printing
`Pod name: <name>, Namespace: <ns>` per pod, sorted by name. Without a configured cluster it runs against a seeded
fake API server.
"""

from __future__ import annotations

import argparse
import sys

from _runner import PODS, add_cluster_arguments, connect, create_objects, demo_pod, say

from kubeclient import labels
from kubeclient.cache.factory import DynamicSharedInformerFactory
from kubeclient.dynamic import DynamicClient

SYNC_TIMEOUT = 60.0


def seed(dyn: DynamicClient) -> None:
    create_objects(
        dyn,
        PODS,
        [
            demo_pod("web-1", "default", app="web"),
            demo_pod("web-2", "default", app="web"),
            demo_pod("db-0", "default", app="db"),
            demo_pod("web-1", "kube-system", app="web"),
        ],
        namespaced=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--selector", default="app=web", help="label selector (default: app=web)")
    args = parser.parse_args(argv)
    try:
        selector = labels.parse(args.selector)
    except labels.LabelSelectorError as err:
        print(f"error: --selector: {err}", file=sys.stderr)
        return 2

    with connect(args, seed=seed) as cfg, DynamicClient.for_config(cfg) as dyn:
        factory = DynamicSharedInformerFactory(dyn)
        pods = factory.for_resource(PODS)
        factory.start()
        try:
            if not all(factory.wait_for_cache_sync(timeout=SYNC_TIMEOUT).values()):
                print(f"error: the pod cache did not sync within {SYNC_TIMEOUT:.0f} s", file=sys.stderr)
                return 1
            for pod in sorted(pods.lister().namespaced(args.namespace).list(selector), key=_name):
                say(f"Pod name: {pod['metadata']['name']}, Namespace: {pod['metadata']['namespace']}")
        finally:
            factory.shutdown()
    return 0


def _name(obj: dict[str, dict[str, str]]) -> str:
    return obj["metadata"]["name"]


if __name__ == "__main__":
    sys.exit(main())
