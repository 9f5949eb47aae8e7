"""The convergence run against the real control plane: a pod informer in a namespace of its own while a writer
performs random creates, updates and deletes, with the faults a real kube-apiserver allows — watches that end by
themselves every few seconds (short `timeoutSeconds`), etcd compactions, and a restart of kube-apiserver in the
middle of the stream. The checks are those of informers_convergence.py (`ConvergenceResult.problems()`), against
what the server lists at the end.

A compaction of etcd does not by itself make the watch cache answer 410 (it keeps its own window of events), so
re-lists come from the restart; the run reports how many there were.
"""

from __future__ import annotations

import dataclasses
import random
import time
from typing import Any

from informers_convergence import (
    PODS,
    ConvergenceResult,
    HandlerAudit,
    _AsyncInformerThread,
    _diff,
    _rv,
    _Writer,
)
from informers_live import ClientLog

from kubeclient.cache import deletion_handling_meta_namespace_key
from kubeclient.cache.factory import DynamicSharedInformerFactory
from kubeclient.cache.reflector import Backoff
from kubeclient.dynamic import DynamicClient
from kubeclient.testing import ControlPlane

REAL_FAULTS = ("compact", "restart")
MIN_WATCH_TIMEOUT = 2.0  # every watch ends by itself after 2-3 s: timeoutSeconds is the real server's close


def run_real_convergence(
    plane: ControlPlane, namespace: str, seed: int, ops: int, *, mode: str = "threads", converge_timeout: float = 60.0
) -> ConvergenceResult:
    rng = random.Random(seed)
    result = ConvergenceResult(seed=seed, ops=ops, mode=mode)
    audit = HandlerAudit()
    log = ClientLog()
    cfg = dataclasses.replace(plane.config(namespace=namespace), qps=-1.0)
    options: dict[str, Any] = {
        "min_watch_timeout": MIN_WATCH_TIMEOUT,
        "rng": random.Random(seed + 1),
        "backoff": Backoff(initial=0.05, cap=0.5, rng=random.Random(seed + 2)),
    }
    factory: DynamicSharedInformerFactory | None = None
    informer_client: DynamicClient | None = None
    async_informer: _AsyncInformerThread | None = None
    with DynamicClient.for_config(cfg) as writer_client:
        writer = _Writer(writer_client, rng, result, namespaces=(namespace,), patience=60.0)
        for _ in range(min(50, ops // 4)):
            writer.step()
        if mode == "threads":
            informer_client = DynamicClient.for_config(log.config(cfg))
            factory = DynamicSharedInformerFactory(informer_client, namespace=namespace, reflector_options=options)
            informer = factory.for_resource(PODS).informer()
            informer.add_event_handler(audit)
            store = informer.get_store()
            factory.start()
            if not all(factory.wait_for_cache_sync(30).values()):
                raise RuntimeError("informer did not sync")
        elif mode == "asyncio":
            async_informer = _AsyncInformerThread(log.config(cfg), audit, options, namespace=namespace)
            async_informer.start(30)
            store = async_informer.store
        else:
            raise ValueError(f"mode must be threads or asyncio, not {mode!r}")
        try:
            remaining = ops - result.creates - result.updates - result.deletes
            schedule = {remaining // 3: "compact", (2 * remaining) // 3: "restart"}
            start = time.monotonic()
            for i in range(remaining):
                writer.step()
                fault = schedule.get(i)
                if fault == "compact":
                    plane.compact()
                elif fault == "restart":
                    plane.restart_apiserver()
                if fault:
                    result.faults.append(fault)
            result.write_seconds = time.monotonic() - start
            listed = writer_client.resource(PODS, namespaced=True).namespace(namespace).list()
            expected = {deletion_handling_meta_namespace_key(o): _rv(o) for o in listed["items"]}
            start = time.monotonic()
            deadline = start + converge_timeout
            while True:
                cached = {deletion_handling_meta_namespace_key(o): _rv(o) for o in store.list()}
                view = audit.snapshot()[0]
                if (cached == expected and view == expected) or time.monotonic() > deadline:
                    break
                time.sleep(0.02)
            result.converge_seconds = time.monotonic() - start
        finally:
            if factory is not None:
                factory.shutdown()
            if informer_client is not None:
                informer_client.close()
            if async_informer is not None:
                async_informer.stop()
    view, seen, announced, violations = audit.snapshot()
    result.store_diff = _diff(expected, cached)
    result.handler_diff = _diff(expected, view)
    result.missed_deletes = sorted((writer.deleted & seen) - announced)
    result.spurious_deletes = sorted(announced - writer.deleted)
    result.violations = violations
    result.tombstones = audit.tombstones
    result.notifications = audit.notifications
    reads = log.reads(0, "pods")
    result.watch_requests = sum(1 for r in reads if r.watch)
    result.list_requests = sum(1 for r in reads if r.verb == "list")
    result.relists = result.list_requests + sum(1 for r in reads if r.query.get("sendInitialEvents") == ["true"])
    if set(expected) != set(writer.live):
        result.store_diff.append(
            f"writer bookkeeping differs from the server: {sorted(set(expected) ^ set(writer.live))[:5]}"
        )
    return result
