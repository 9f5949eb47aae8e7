"""Scenario 5 on asyncio: a pod informer feeding a rate-limited workqueue, drained by worker tasks.

    python examples/informer_workqueue_async.py [--kubeconfig PATH] [--context NAME] [--namespace NS] [--workers N]

Same behaviour and output as examples/informer_workqueue.py: handlers queue `namespace/name` keys, a worker looks the
pod up in the informer's indexer and prints `processing pod: namespace:<ns>, podName:<name>`, then forgets the key;
failures are retried with the controller rate limiter up to 5 times. SIGINT or SIGTERM shuts down and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from _runner import PODS, add_cluster_arguments, connect, create_objects, demo_pod, say

from kubeclient.cache import deletion_handling_meta_namespace_key, split_meta_namespace_key
from kubeclient.cache.aio import AsyncDynamicSharedInformerFactory
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.workqueue import AsyncRateLimitingQueue, default_controller_rate_limiter

MAX_RETRIES = 5


def seed(dyn: DynamicClient) -> None:
    create_objects(
        dyn,
        PODS,
        [demo_pod("web-1", "default", app="web"), demo_pod("web-2", "default", app="web")],
        namespaced=True,
    )


class Controller:
    def __init__(self, indexer: Any, queue: AsyncRateLimitingQueue[str]) -> None:
        self.indexer = indexer
        self.queue = queue

    def enqueue(self, obj: Any) -> None:
        self.queue.add(deletion_handling_meta_namespace_key(obj))

    async def sync(self, key: str) -> None:
        pod = self.indexer.get_by_key(key)
        if pod is None:
            say(f"pod {key} does not exist anymore")
            return
        namespace, name = split_meta_namespace_key(key)
        say(f"processing pod: namespace:{namespace}, podName:{name}")

    async def worker(self) -> None:
        async with contextlib.aclosing(self.queue.items()) as keys:
            async for key in keys:
                try:
                    await self.sync(key)
                    self.queue.forget(key)
                except Exception as err:
                    if self.queue.num_requeues(key) < MAX_RETRIES:
                        print(f"error syncing pod {key}: {err}; retrying", file=sys.stderr, flush=True)
                        self.queue.add_rate_limited(key)
                    else:
                        print(f"dropping pod {key} out of the queue: {err}", file=sys.stderr, flush=True)
                        self.queue.forget(key)


async def run(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    # connect() may seed a fake API server with blocking calls: harmless here, before any other task runs.
    with connect(args, seed=seed) as cfg:
        async with AsyncDynamicClient.for_config(cfg) as dyn:
            factory = AsyncDynamicSharedInformerFactory(dyn, namespace=args.namespace)
            informer = factory.for_resource(PODS).informer()
            queue: AsyncRateLimitingQueue[str] = AsyncRateLimitingQueue(default_controller_rate_limiter(), name="pods")
            controller = Controller(informer.get_indexer(), queue)
            informer.add_event_handler(
                on_add=lambda obj, _initial: controller.enqueue(obj),
                on_update=lambda _old, new: controller.enqueue(new),
                on_delete=controller.enqueue,
            )
            factory.start()
            while not stop.is_set() and not all((await factory.wait_for_cache_sync(timeout=0.5)).values()):
                pass
            workers = [asyncio.create_task(controller.worker(), name=f"worker-{i}") for i in range(args.workers)]
            if not stop.is_set():
                print("pod controller started", file=sys.stderr, flush=True)
            await stop.wait()
            queue.shut_down()
            await factory.shutdown()
            await asyncio.gather(*workers)
    print("pod controller stopped", file=sys.stderr, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--namespace", default="", help="watch one namespace (default: all)")
    parser.add_argument("--workers", type=int, default=1)
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
