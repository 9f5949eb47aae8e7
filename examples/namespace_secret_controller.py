"""Scenario 8: a namespace controller that makes sure every namespace has an image pull Secret.

    python examples/namespace_secret_controller.py [--kubeconfig PATH] [--context NAME] [--registry HOST]
                                                   [--username USER]   # password from $REGISTRY_PASSWORD

Runs in a pod (service-account config) or from a kubeconfig. A namespace informer queues each namespace it sees
added (kube-system, kube-public and kube-node-lease excepted); a worker gets Secret `registry-secret` there and, when
it is NotFound, creates it as a `kubernetes.io/dockerconfigjson` Secret whose `.dockerconfigjson` is
`{"auths": {"<registry>": {"username", "password", "auth": base64(user:pass)}}}`, owned by the namespace
(`kubeclient.ownership.owner_reference`: the controller reference, so `is_controlled_by(secret, namespace)` holds), and
records an event about the namespace (`kubeclient.events`: events.k8s.io/v1, written on a background thread; a
failure to write one is logged, never fatal). It starts working once its informer has synced (`kubeclient.wait`).
It prints one line per namespace:

    namespace <ns>: secret registry-secret created
    namespace <ns>: secret registry-secret found
    namespace <ns>: error getting secret registry-secret: <Status message>      (retried up to 3 times)
    namespace <ns>: error creating secret registry-secret: <Status message>

The password never appears in the output. SIGINT or SIGTERM stops the controller (exit 0). Without a configured
cluster it runs against a fake API server with one extra namespace.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import threading
from typing import Any

from _runner import (
    NAMESPACES,
    SECRETS,
    add_cluster_arguments,
    connect,
    create_objects,
    on_shutdown_signals,
    say,
    wait_for_shutdown,
)

from kubeclient import wait
from kubeclient.cache.factory import DynamicSharedInformerFactory
from kubeclient.dynamic import DynamicClient
from kubeclient.errors import StatusError, is_not_found
from kubeclient.events import EventBroadcaster, EventRecorder
from kubeclient.ownership import owner_reference
from kubeclient.workqueue import RateLimitingQueue, default_controller_rate_limiter

SECRET_NAME = "registry-secret"
CONTROLLER_NAME = "kubeclient.example/namespace-secret-controller"
SYSTEM_NAMESPACES = frozenset({"kube-system", "kube-public", "kube-node-lease"})
MAX_RETRIES = 3


def docker_config_secret(name: str, registry: str, username: str, password: str) -> dict[str, Any]:
    """The Secret body: `.dockerconfigjson` as kubectl create secret docker-registry writes it."""
    auth = base64.b64encode(f"{username}:{password}".encode()).decode()
    config = {"auths": {registry: {"username": username, "password": password, "auth": auth}}}
    payload = base64.b64encode(json.dumps(config, separators=(",", ":")).encode()).decode()
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name},
        "type": "kubernetes.io/dockerconfigjson",
        "data": {".dockerconfigjson": payload},
    }


def _message(err: Exception) -> str:
    return err.message if isinstance(err, StatusError) else str(err)


class SecretInjector:
    def __init__(
        self,
        dyn: DynamicClient,
        queue: RateLimitingQueue[str],
        secret: dict[str, Any],
        recorder: EventRecorder,
        namespaces: Any,
    ) -> None:
        self.secrets = dyn.resource(SECRETS, namespaced=True)
        self.queue = queue
        self.secret = secret
        self.recorder = recorder
        self.namespaces = namespaces  # the informer's store: the Namespace objects, with their UIDs

    def on_add(self, namespace: Any) -> None:
        name = namespace["metadata"]["name"]
        if name not in SYSTEM_NAMESPACES:
            self.queue.add(name)

    def sync(self, namespace: str) -> None:
        """Raises only for errors worth a retry (already reported)."""
        client = self.secrets.namespace(namespace)
        try:
            client.get(SECRET_NAME)
        except Exception as err:
            if not is_not_found(err):
                say(f"namespace {namespace}: error getting secret {SECRET_NAME}: {_message(err)}")
                raise
        else:
            say(f"namespace {namespace}: secret {SECRET_NAME} found")
            return
        owner = self.namespaces.get_by_key(namespace)
        secret = dict(self.secret)
        if owner is not None:
            # The namespace controls the Secret (a cluster-scoped owner of a namespaced dependent is allowed);
            # blockOwnerDeletion would need delete rights on namespaces where that admission plugin runs.
            secret["metadata"] = {
                **secret["metadata"],
                "ownerReferences": [owner_reference(owner, block_owner_deletion=False)],
            }
        try:
            created = client.create(secret)
        except Exception as err:
            say(f"namespace {namespace}: error creating secret {SECRET_NAME}: {_message(err)}")
            if owner is not None:
                self.recorder.eventf(owner, None, "Warning", "SecretFailed", "CreateSecret", "%s", _message(err))
            raise
        say(f"namespace {namespace}: secret {SECRET_NAME} created")
        if owner is not None:
            note = "created image pull secret %s"
            self.recorder.eventf(owner, created, "Normal", "SecretCreated", "CreateSecret", note, SECRET_NAME)

    def worker(self) -> None:
        for namespace in self.queue.items():
            try:
                self.sync(namespace)
                self.queue.forget(namespace)
            except Exception:
                if self.queue.num_requeues(namespace) < MAX_RETRIES:
                    self.queue.add_rate_limited(namespace)
                else:
                    self.queue.forget(namespace)


def seed(dyn: DynamicClient) -> None:
    create_objects(
        dyn, NAMESPACES, [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}], namespaced=False
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--registry", default="registry.example.com")
    parser.add_argument("--username", default=os.environ.get("REGISTRY_USERNAME", "puller"))
    args = parser.parse_args(argv)
    password = os.environ.get("REGISTRY_PASSWORD", "")
    secret = docker_config_secret(SECRET_NAME, args.registry, args.username, password)

    stop = threading.Event()
    on_shutdown_signals(stop.set)
    with (
        connect(args, seed=seed) as cfg,
        DynamicClient.for_config(cfg) as dyn,
        EventBroadcaster.for_config(cfg) as broadcaster,
    ):
        queue: RateLimitingQueue[str] = RateLimitingQueue(default_controller_rate_limiter(), name="namespaces")
        factory = DynamicSharedInformerFactory(dyn)
        informer = factory.for_resource(NAMESPACES).informer()
        recorder = broadcaster.new_recorder(CONTROLLER_NAME)
        injector = SecretInjector(dyn, queue, secret, recorder, informer.get_store())
        informer.add_event_handler(on_add=injector.on_add)
        factory.start()
        # client-go's WaitForCacheSync: no work before the cache holds what the server had.
        wait.poll_until(informer.has_synced, interval=0.05, timeout=60, what="the namespace informer to sync")
        worker = threading.Thread(target=injector.worker, name="secret-injector")
        worker.start()
        print("namespace controller started", file=sys.stderr, flush=True)
        wait_for_shutdown(stop)
        queue.shut_down()
        factory.shutdown()
        worker.join()
    print("namespace controller stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
