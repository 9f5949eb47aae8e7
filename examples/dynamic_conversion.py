"""Scenario 3: the DynamicClient lists pods as plain dicts, converts the list to a typed PodList and back
losslessly (runtime.DefaultUnstructuredConverter), and lists a custom resource no typed client knows.

    python examples/dynamic_conversion.py [--kubeconfig PATH] [--context NAME] [--namespace NS]
        [--custom GROUP/VERSION/RESOURCE]

`--custom` defaults to widgets (example.com/v1/widgets, the CRD in examples/crds/); use e.g.
cert-manager.io/v1/certificates on a cluster running cert-manager. Without a configured cluster it runs against a
fake API server seeded with pods, the widgets CRD and one Widget.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml
from _runner import PODS, add_cluster_arguments, connect, create_objects, demo_pod, say

from kubeapi.core.v1 import PodList
from kubeclient import GVR, NotFoundError
from kubeclient.dynamic import DynamicClient

CRDS = GVR("apiextensions.k8s.io", "v1", "customresourcedefinitions")
WIDGET_CRD = Path(__file__).resolve().parent / "crds" / "widgets.example.com.yaml"


def seed(dyn: DynamicClient) -> None:
    create_objects(dyn, PODS, [demo_pod("web-0", "default", app="web")], namespaced=True)
    crd = next(d for d in yaml.safe_load_all(WIDGET_CRD.read_text()) if d and d["metadata"]["name"].startswith("widg"))
    dyn.resource(CRDS, namespaced=False).create(crd)
    widgets = dyn.resource(GVR("example.com", "v1", "widgets"), namespaced=True).namespace("default")
    for _ in range(50):  # the CRD's resources are served once it is established
        try:
            widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "gear"}}
            widgets.create({**widget, "spec": {"size": "small"}})
            return
        except NotFoundError:
            time.sleep(0.1)
    raise RuntimeError("the widgets CRD was not served within 5 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--custom", default="example.com/v1/widgets", help="GROUP/VERSION/RESOURCE to list")
    args = parser.parse_args(argv)
    group, version, resource = args.custom.split("/")
    with connect(args, seed=seed) as cfg, DynamicClient.for_config(cfg) as dyn:
        unstructured = dyn.resource(PODS, namespaced=True).namespace(args.namespace).list()
        for item in unstructured["items"]:
            say(f"dict: {item['metadata']['namespace']}/{item['metadata']['name']}")
        typed = PodList.from_dict(unstructured)
        say(f"typed: PodList with {len(typed.items)} pod(s)")
        back = typed.to_dict()
        say(f"round trip lossless: {back == unstructured}")
        if back != unstructured:
            return 1
        try:
            custom = dyn.resource(GVR(group, version, resource), namespaced=True).namespace(args.namespace).list()
        except NotFoundError:
            print(f"{args.custom} is not served by this cluster", file=sys.stderr)
            return 0
        for item in custom["items"]:
            say(f"{resource}: {item['metadata']['name']} {item.get('spec', {})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
