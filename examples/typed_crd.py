"""Scenario 11: a typed client for a custom resource, generated from its CRD manifest and from the cluster.

    python examples/typed_crd.py [--kubeconfig PATH] [--context NAME] [--out DIR] [--namespace NS] [--keep]

1. `kubegen generate --from-crds examples/crds/widgets.example.com.yaml` writes the package `widgets_from_manifest`;
2. the CRDs of that file are installed in the cluster, and the program waits until they are served (Established,
   in discovery and in the OpenAPI v3 document, which a real server publishes a few seconds later);
3. `kubegen generate --from-cluster --group example.com` writes `widgets_from_cluster` from what the server now
   publishes (its OpenAPI v3 and discovery documents); both packages have the same classes and client methods;
4. with the cluster-made package: a typed informer and lister start, a Widget is created, its watch events are
   printed, its status is updated through the status subresource, and the lister sees the result.

The CRDs and the Widget are deleted at the end unless `--keep` is given. Without a configured cluster it runs
against a fake API server (whose kubeconfig the `kubegen` command is given).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import yaml
from _runner import add_cluster_arguments, cluster_configured, connect, kubegen, say

from kubeapi import Clientset as KubeClientset
from kubeapi.apiextensions.v1 import CustomResourceDefinition
from kubeapi.meta.v1 import ObjectMeta
from kubeclient.config import Config
from kubeclient.crds import CRDNotReadyError, wait_for_crds
from kubeclient.errors import is_already_exists, is_not_found

ROOT = Path(__file__).resolve().parents[1]
CRDS = ROOT / "examples" / "crds" / "widgets.example.com.yaml"
ESTABLISH_TIMEOUT = 60.0


@contextmanager
def cluster_kubeconfig(args: argparse.Namespace, workdir: Path) -> Iterator[None]:
    """Point args at the configured cluster, or at a fake API server written to a kubeconfig kubegen can read."""
    if cluster_configured(args.kubeconfig):
        yield
        return
    from kubeclient.testing import FakeAPIServer

    with FakeAPIServer() as server:
        print(f"no cluster configured: using a fake API server at {server.url}", file=sys.stderr, flush=True)
        args.kubeconfig = str(server.write_kubeconfig(workdir / "kubeconfig"))
        yield


def cluster_args(args: argparse.Namespace) -> list[str]:
    out = ["--kubeconfig", args.kubeconfig] if args.kubeconfig else []
    return out + (["--context", args.context] if args.context else [])


def install_crds(cs: KubeClientset, cfg: Config) -> list[str]:
    """Create the CRDs of the manifest (keeping ones already there) and wait until the server serves them: Established,
    in discovery, and in the OpenAPI v3 document kubegen reads (a real server publishes that a few seconds later)."""
    crds = cs.apiextensions_v1.custom_resource_definitions()
    manifests = [doc for doc in yaml.safe_load_all(CRDS.read_text()) if doc]
    for doc in manifests:
        try:
            crds.create(CustomResourceDefinition.from_dict(doc))
        except Exception as err:
            if not is_already_exists(err):
                raise
    names = [doc["metadata"]["name"] for doc in manifests]
    try:
        wait_for_crds(cfg, manifests, timeout=ESTABLISH_TIMEOUT)
    except CRDNotReadyError as err:
        raise SystemExit(f"error: {err}") from None
    for name in names:
        say(f"CRD {name} installed and established")
    return names


def same_shape(manifest_pkg: str, cluster_pkg: str) -> None:
    """Both packages define the same classes and the same client methods for example.com/v1."""
    a = importlib.import_module(f"{manifest_pkg}.example_com.v1")
    b = importlib.import_module(f"{cluster_pkg}.example_com.v1")
    assert sorted(a.__all__) == sorted(b.__all__), (a.__all__, b.__all__)
    a_client = importlib.import_module(f"{manifest_pkg}.example_com.v1.client").WidgetClient
    b_client = importlib.import_module(f"{cluster_pkg}.example_com.v1.client").WidgetClient
    methods = {n for n in dir(b_client) if not n.startswith("_") and hasattr(b_client, n)}
    assert methods == {n for n in dir(a_client) if not n.startswith("_") and hasattr(a_client, n)}
    kinds = ", ".join(n for n in sorted(b.__all__) if n.startswith("Widget"))
    say(f"both packages define {kinds}")
    say(f"WidgetClient verbs: {', '.join(sorted(m for m in methods if m in VERBS))}")


VERBS = {"create", "get", "list", "watch", "update", "update_status", "patch", "apply", "delete", "get_scale"}


def use_the_typed_package(cfg: Any, package: str, namespace: str, keep: bool) -> None:
    pkg = importlib.import_module(package)
    v1 = importlib.import_module(f"{package}.example_com.v1")
    informers = importlib.import_module(f"{package}.informers")
    with pkg.Clientset.for_config(cfg) as cs:
        widgets = cs.example_com_v1.widgets(namespace)
        factory = informers.SharedInformerFactory(cs)
        widget_informer = factory.example_com_v1.widgets()
        seen = threading.Event()
        widget_informer.informer().add_event_handler(
            on_update=lambda old, new: seen.set() if new.status and new.status.ready_replicas else None
        )
        factory.start()
        try:
            factory.wait_for_cache_sync(timeout=60)
            since = widgets.list().metadata.resource_version
            widget = v1.Widget(
                metadata=ObjectMeta(name="gear", labels={"team": "a"}),
                spec=v1.WidgetSpec(size="small", parts=[v1.WidgetSpecParts(name="axle", weight="2kg")]),
            )
            created = widgets.create(widget)
            say(f"created Widget {created.metadata.name}: size={created.spec.size}, replicas={created.spec.replicas}")
            created.status = v1.WidgetStatus(replicas=1, ready_replicas=1, selector="team=a")
            updated = widgets.update_status(created)
            say(f"status updated: readyReplicas={updated.status.ready_replicas} (spec unchanged: {updated.spec.size})")
            with widgets.watch(resource_version=since, timeout_seconds=10) as events:
                for event in events:
                    ready = event.object.status.ready_replicas if event.object.status else None
                    say(f"watch: {event.type} Widget {event.object.metadata.name} readyReplicas={ready}")
                    if ready:
                        break
            seen.wait(timeout=30)
            cached = widget_informer.lister().widgets(namespace).get("gear")
            say(f"lister: {cached.metadata.namespace}/{cached.metadata.name} ready={cached.status.ready_replicas}")
            scale = widgets.get_scale("gear")
            say(f"scale subresource: replicas={scale.spec.replicas}, selector={scale.status.selector!r}")
            if not keep:
                widgets.delete("gear")
        finally:
            factory.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--out", help="directory for the generated packages (default: a temporary one)")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--keep", action="store_true", help="keep the CRDs, the Widget and the generated packages")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        workdir = Path(args.out or stack.enter_context(tempfile.TemporaryDirectory(prefix="typed-crd-")))
        workdir.mkdir(parents=True, exist_ok=True)
        stack.enter_context(cluster_kubeconfig(args, workdir))
        kubegen("generate", "--from-crds", str(CRDS), "--package", "widgets_from_manifest", "--out", str(workdir))
        say("generated widgets_from_manifest from the CRD manifest")
        cfg = stack.enter_context(connect(args))
        cs = stack.enter_context(KubeClientset.for_config(cfg))
        crd_names = install_crds(cs, cfg)
        kubegen(
            "generate", "--from-cluster", *cluster_args(args), "--group", "example.com",
            "--package", "widgets_from_cluster", "--out", str(workdir),
        )  # fmt: skip
        say("generated widgets_from_cluster from the server's OpenAPI v3 and discovery documents")
        sys.path.insert(0, str(workdir))
        same_shape("widgets_from_manifest", "widgets_from_cluster")
        try:
            use_the_typed_package(cfg, "widgets_from_cluster", args.namespace, args.keep)
        finally:
            if not args.keep:
                for name in crd_names:
                    try:
                        cs.apiextensions_v1.custom_resource_definitions().delete(name)
                    except Exception as err:
                        if not is_not_found(err):
                            raise
                say(f"deleted CRDs {', '.join(crd_names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
