"""`make demo`: a short tour of what kubeclient does today, printing what happens.

It writes a two-file KUBECONFIG chain and loads it (first file wins), shows the redacted merged view, resolves
kubectl-style names with a RESTMapper built from the committed v1.36 API snapshot, parses label selectors, and
runs a rate-limited workqueue worker that retries a failing item with exponential back-off.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

import yaml

import kubeclient
from kubeclient import labels
from kubeclient.apidocs import APIDocuments
from kubeclient.config import view
from kubeclient.discovery import RESTMapper
from kubeclient.workqueue import ItemExponentialFailureRateLimiter, RateLimitingQueue

ROOT = Path(__file__).resolve().parents[1]


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
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig_tour(Path(tmp))
    restmapper_tour()
    selector_tour()
    workqueue_tour()


if __name__ == "__main__":
    main()
