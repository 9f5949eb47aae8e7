"""`make demo`: a short tour of kubeclient against a fake API server, printing what happens.

After `make generate` has rebuilt `kubeapi` from `openapi/`, the tour starts a `kubeclient.testing.FakeAPIServer`
(a kube-apiserver v1.36 look-alike over HTTPS on 127.0.0.1) and shows typed CRUD with the Clientset, a watch, a
shared informer with a lister, a typed package generated on the fly from a CRD manifest and used against the server,
kubeconfig merging with secrets redacted, kubectl-style names through a RESTMapper, label selectors, and a
rate-limited workqueue worker retrying a failing item with exponential back-off.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import yaml
from _runner import kubegen_command

import kubeclient
from kubeapi import Clientset
from kubeapi.apiextensions.v1 import CustomResourceDefinition
from kubeapi.apps.v1 import Deployment, DeploymentSpec
from kubeapi.apps.v1 import applyconfigs as apps_ac
from kubeapi.core.v1 import Container, Pod, PodSpec, PodTemplateSpec
from kubeapi.informers import SharedInformerFactory
from kubeapi.meta.v1 import LabelSelector, ObjectMeta
from kubeclient import labels
from kubeclient.apidocs import APIDocuments
from kubeclient.config import Config, view
from kubeclient.discovery import RESTMapper
from kubeclient.errors import ConflictError
from kubeclient.testing import FakeAPIServer
from kubeclient.workqueue import ItemExponentialFailureRateLimiter, RateLimitingQueue

ROOT = Path(__file__).resolve().parents[1]
IMAGE = "registry.k8s.io/pause:3.10"


def pod(name: str, **pod_labels: str) -> Pod:
    return Pod(
        metadata=ObjectMeta(name=name, labels=pod_labels),
        spec=PodSpec(containers=[Container(name="main", image=IMAGE)]),
    )


def typed_crud_tour(cs: Clientset) -> None:
    print("== typed CRUD with the generated Clientset (kubeapi)")
    deployments = cs.apps_v1.deployments("default")
    template = PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": "web"}), spec=PodSpec(containers=[Container(name="web", image=IMAGE)])
    )
    spec = DeploymentSpec(replicas=1, selector=LabelSelector(match_labels={"app": "web"}), template=template)
    created = deployments.create(Deployment(metadata=ObjectMeta(name="web"), spec=spec))
    print(f"  created Deployment {created.metadata.name} (uid {created.metadata.uid[:8]}…, {type(created).__name__})")
    scale = deployments.get_scale("web")
    scale.spec.replicas = 3
    print(f"  scaled through the scale subresource to {deployments.update_scale('web', scale).spec.replicas}")
    env = {"spec": {"template": {"spec": {"containers": [{"name": "web", "env": [{"name": "MODE", "value": "a"}]}]}}}}
    patched = deployments.patch("web", env, "strategic")
    container = patched.spec.template.spec.containers[0]
    print(f"  strategic merge patch kept image {container.image} and added env {container.env[0].name}")
    apply = apps_ac.Deployment("web", "default").with_labels({"owner": "tour"})
    deployments.apply(apply, field_manager="tour")
    try:
        deployments.apply(apps_ac.Deployment("web", "default").with_labels({"owner": "intruder"}), field_manager="x")
    except ConflictError as err:
        print(f"  server-side apply by a second manager: {err}")
    owners = sorted({m.manager for m in deployments.get("web").metadata.managed_fields})
    print(f"  managers of Deployment web: {', '.join(owners)}")
    deployments.delete("web", propagation_policy="Background")
    print(f"  deleted; deployments left: {len(deployments.list().items)}")


def watch_tour(cs: Clientset) -> None:
    print("== a watch from a resourceVersion replays what happened since, typed")
    pods = cs.core_v1.pods("default")
    since = pods.list().metadata.resource_version
    pods.create(pod("watched", app="demo"))
    pods.patch("watched", {"metadata": {"labels": {"stage": "two"}}})
    pods.delete("watched")
    with pods.watch(resource_version=since, timeout_seconds=10) as events:
        for event in events:
            meta = event.object.metadata
            print(f"  {event.type:<8} {type(event.object).__name__} {meta.name} {meta.labels}")
            if event.type == "DELETED":
                break


def informer_tour(cs: Clientset) -> None:
    print("== a shared informer and its lister")
    pods = cs.core_v1.pods("default")
    for name, app in (("api-0", "api"), ("api-1", "api"), ("db-0", "db")):
        pods.create(pod(name, app=app))
    factory = SharedInformerFactory(cs)
    pod_informer = factory.core_v1.pods()
    added = threading.Event()
    pod_informer.informer().add_event_handler(
        on_add=lambda obj, *_: added.set() if obj.metadata.name == "api-2" else None
    )
    factory.start()
    try:
        factory.wait_for_cache_sync(timeout=30)
        lister = pod_informer.lister()
        print(f"  synced: {len(lister.list())} pods in the cache")
        pods.create(pod("api-2", app="api"))
        added.wait(10)
        selected = sorted(p.metadata.name for p in lister.pods("default").list(labels.parse("app=api")))
        print(f"  lister, app=api, served from memory: {', '.join(selected)}")
    finally:
        factory.shutdown()


def crd_tour(cs: Clientset, cfg: Config, tmp: Path) -> None:
    print("== a typed package generated from a CRD manifest (kubegen generate --from-crds)")
    manifest = ROOT / "examples" / "crds" / "widgets.example.com.yaml"
    subprocess.run(
        [kubegen_command(), "generate", "--from-crds", str(manifest), "--package", "widgets", "--out", str(tmp)],
        check=True,
    )
    for doc in yaml.safe_load_all(manifest.read_text()):
        if doc:
            cs.apiextensions_v1.custom_resource_definitions().create(CustomResourceDefinition.from_dict(doc))
    sys.path.insert(0, str(tmp))
    widgets_pkg = importlib.import_module("widgets")
    v1 = importlib.import_module("widgets.example_com.v1")
    with widgets_pkg.Clientset.for_config(cfg) as wcs:
        widgets = wcs.example_com_v1.widgets("default")
        widget = v1.Widget(metadata=ObjectMeta(name="gear"), spec=v1.WidgetSpec(size="small"))
        created = widgets.create(widget)
        spec = created.spec
        print(f"  created {type(created).__name__} gear: size={spec.size}, replicas={spec.replicas} (defaulted)")
        created.status = v1.WidgetStatus(ready_replicas=1)
        updated = widgets.update_status(created)
        print(f"  status subresource: readyReplicas={updated.status.ready_replicas}")
        print(f"  listed: {[w.metadata.name for w in widgets.list().items]}")


def server_tour(tmp: Path) -> None:
    with FakeAPIServer() as server:
        print(f"== a fake API server at {server.url}, serving Kubernetes v1.36 (kubeclient.testing.FakeAPIServer)")
        cfg = server.config()
        with Clientset.for_config(cfg) as cs:
            typed_crud_tour(cs)
            watch_tour(cs)
            informer_tour(cs)
            crd_tour(cs, cfg, tmp)


def kubeconfig_tour(tmp: Path) -> None:
    print("== kubeconfig: KUBECONFIG=a:b, the first file wins per entry and for current-context")
    for name, server, ns in (("a", "https://a.example:6443", "team-a"), ("b", "https://b.example:6443", "team-b")):
        (tmp / name).write_text(
            yaml.safe_dump(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [
                        {"name": "prod", "cluster": {"server": server}},
                        {"name": name, "cluster": {"server": server}},
                    ],
                    "users": [{"name": "dev", "user": {"token": f"token-from-{name}"}}],
                    "contexts": [
                        {"name": f"ctx-{name}", "context": {"cluster": "prod", "user": "dev", "namespace": ns}}
                    ],
                    "current-context": f"ctx-{name}",
                }
            )
        )
    os.environ["KUBECONFIG"] = os.pathsep.join(str(tmp / n) for n in ("a", "b"))
    cfg = kubeclient.load_config()
    print(f"  loaded {cfg!r}")
    other = kubeclient.load_config(context="ctx-b")
    print(f"  context ctx-b → server {other.host} (cluster 'prod' came from file a), namespace {other.namespace}")
    print("  merged view, secrets redacted:")
    for line in view(minify=True).splitlines():
        print(f"    {line}")


def restmapper_tour() -> None:
    print("== RESTMapper over the committed Kubernetes v1.36 snapshot")
    docs = APIDocuments.from_directory(ROOT / "openapi" / "kubernetes-1.36")
    mapper = RESTMapper(docs.groups(), docs.resources())
    print(f"  {len(docs.groups())} groups, {len(docs.resources())} resources")
    for name in ("po", "deploy", "hpa", "ing", "events", "deployment.v1.apps"):
        m = mapper.rest_mapping_for(name)
        where = f"{m.resource.resource}.{m.resource.version}.{m.resource.group or 'core'}"
        print(f"  {name:>20} → {where} ({m.kind.kind}, {m.scope})")
    print(f"  category 'all': {', '.join(g.resource for g in mapper.resources_for_category('all'))}")


def selector_tour() -> None:
    print("== label selectors")
    sel = labels.parse("app in (web,api), tier!=db, !canary")
    for pod in ({"app": "web", "tier": "frontend"}, {"app": "web", "canary": "true"}, {"app": "db"}):
        print(f"  {str(sel)!r} matches {pod}: {sel.matches(pod)}")


def workqueue_tour() -> None:
    print("== rate-limited workqueue: a worker retries a failing key with exponential back-off")
    queue: RateLimitingQueue[str] = RateLimitingQueue(ItemExponentialFailureRateLimiter(0.005, 1.0))
    attempts: dict[str, int] = {}
    done = threading.Event()

    def worker() -> None:
        while True:
            key, shutdown = queue.get()
            if shutdown or key is None:
                return
            attempts[key] = attempts.get(key, 0) + 1
            try:
                if key == "default/flaky" and attempts[key] < 4:
                    raise RuntimeError("not ready yet")
                print(f"  processed {key} after {attempts[key]} attempt(s)")
                queue.forget(key)
                if key == "default/flaky":
                    done.set()
            except RuntimeError as exc:
                print(f"  {key}: {exc}; retry #{queue.num_requeues(key) + 1}")
                queue.add_rate_limited(key)
            finally:
                queue.done(key)

    thread = threading.Thread(target=worker)
    thread.start()
    for key in ("default/web-0", "default/flaky"):
        queue.add(key)
    done.wait(10)
    queue.shut_down()
    thread.join()


def main() -> None:
    # Line by line, so the lines keep their place among the progress output of the kubegen command.
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as tmp:
        server_tour(Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig_tour(Path(tmp))
    restmapper_tour()
    selector_tour()
    workqueue_tour()


if __name__ == "__main__":
    main()
