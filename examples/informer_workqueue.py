"""Scenario 5: a pod informer feeding a rate-limited workqueue, drained by worker threads (client-go's workqueue
example).

    python examples/informer_workqueue.py [--kubeconfig PATH] [--context NAME] [--namespace NS] [--workers N]

The informer's add/update/delete handlers put `namespace/name` keys on the queue; a worker gets a key, looks the pod
up in the informer's indexer and prints `processing pod: namespace:<ns>, podName:<name>` (or that the pod is gone),
then forgets the key. A failing key is retried with the controller rate limiter up to 5 times. SIGINT or SIGTERM
shuts the queue down, stops the informers and exits 0. Without a configured cluster it runs against a seeded fake
API server.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from _runner import (
    PODS,
    add_cluster_arguments,
    connect,
    create_objects,
    demo_pod,
    on_shutdown_signals,
    say,
    wait_for_shutdown,
)

from kubeclient.cache import deletion_handling_meta_namespace_key, split_meta_namespace_key
from kubeclient.cache.factory import DynamicSharedInformerFactory
from kubeclient.dynamic import DynamicClient
from kubeclient.workqueue import RateLimitingQueue, default_controller_rate_limiter

MAX_RETRIES = 5


def seed(dyn: DynamicClient) -> None:
    create_objects(
        dyn,
        PODS,
        [demo_pod("web-1", "default", app="web"), demo_pod("web-2", "default", app="web")],
        namespaced=True,
    )


class Controller:
    def __init__(self, indexer: Any, queue: RateLimitingQueue[str]) -> None:
        self.indexer = indexer
        self.queue = queue

    def enqueue(self, obj: Any) -> None:
        # Deletions may hand over a tombstone: its key is the deleted object's.
        self.queue.add(deletion_handling_meta_namespace_key(obj))

    def sync(self, key: str) -> None:
        pod = self.indexer.get_by_key(key)
        if pod is None:
            say(f"pod {key} does not exist anymore")
            return
        namespace, name = split_meta_namespace_key(key)
        say(f"processing pod: namespace:{namespace}, podName:{name}")

    def worker(self) -> None:
        for key in self.queue.items():  # done(key) follows every iteration
            try:
                self.sync(key)
                self.queue.forget(key)
            except Exception as err:
                if self.queue.num_requeues(key) < MAX_RETRIES:
                    print(f"error syncing pod {key}: {err}; retrying", file=sys.stderr, flush=True)
                    self.queue.add_rate_limited(key)
                else:
                    print(f"dropping pod {key} out of the queue: {err}", file=sys.stderr, flush=True)
                    self.queue.forget(key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="", help="watch one namespace (default: all)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    stop = threading.Event()
    on_shutdown_signals(stop.set)
    with connect(args, seed=seed) as cfg, DynamicClient.for_config(cfg) as dyn:
        factory = DynamicSharedInformerFactory(dyn, namespace=args.namespace)
        informer = factory.for_resource(PODS).informer()
        queue: RateLimitingQueue[str] = RateLimitingQueue(default_controller_rate_limiter(), name="pods")
        controller = Controller(informer.get_indexer(), queue)
        informer.add_event_handler(
            on_add=lambda obj, _initial: controller.enqueue(obj),
            on_update=lambda _old, new: controller.enqueue(new),
            on_delete=controller.enqueue,
        )
        factory.start()
        while not stop.is_set() and not all(factory.wait_for_cache_sync(timeout=0.5).values()):
            pass
        workers = [threading.Thread(target=controller.worker, name=f"worker-{i}") for i in range(args.workers)]
        for thread in workers:
            thread.start()
        if not stop.is_set():
            print("pod controller started", file=sys.stderr, flush=True)
        wait_for_shutdown(stop)
        queue.shut_down()
        factory.shutdown()
        for thread in workers:
            thread.join()
    print("pod controller stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
