"""kubeclient.events on the fake server and the real control plane: what the broadcasters write, sync and asyncio."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import httpx
from backends import Backend
from tools_helpers import CONFIGMAPS, configmap, unique

from kubeclient.dynamic import DynamicClient
from kubeclient.events import (
    AsyncEventBroadcaster,
    AsyncLegacyEventBroadcaster,
    EventBroadcaster,
    EventCorrelator,
    LegacyEventBroadcaster,
)
from kubeclient.events.broadcaster import EVENTS_CORE, EVENTS_V1


def events_about(dyn: DynamicClient, backend: Backend, name: str, *, v1: bool = True) -> list[dict[str, Any]]:
    client = dyn.resource(EVENTS_V1 if v1 else EVENTS_CORE, namespaced=True).namespace(backend.namespace)
    items = client.list()["items"]
    key = "regarding" if v1 else "involvedObject"
    return sorted((e for e in items if e[key]["name"] == name), key=lambda e: e["reason"])


def test_event_recorder_writes_series(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cm = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace).create(configmap(unique("cm")))
        name = cm["metadata"]["name"]
        with EventBroadcaster.for_config(backend.config()) as broadcaster:
            recorder = broadcaster.new_recorder("example.com/tester", reporting_instance="tester-1")
            for _ in range(3):
                recorder.eventf(cm, None, "Normal", "Synced", "Sync", "synced %s in %d ms", name, 5)
            recorder.eventf(cm, cm, "Warning", "Broken", "Check", "plain note")
            recorder.eventf(cm, None, "Bogus", "Dropped", "Check", "an unknown type is dropped")
            recorder.eventf({"kind": "Thing"}, None, "Normal", "Dropped", "Check", "no reference is possible")
        assert broadcaster.dropped == 0
        broken, synced = events_about(dyn, backend, name)
        assert synced["note"] == f"synced {name} in 5 ms"
        assert synced["series"]["count"] == 3 and synced["series"]["lastObservedTime"]
        assert (synced["reportingController"], synced["reportingInstance"], synced["action"]) == (
            "example.com/tester",
            "tester-1",
            "Sync",
        )
        assert synced["regarding"] == {
            "kind": "ConfigMap",
            "namespace": backend.namespace,
            "name": name,
            "uid": cm["metadata"]["uid"],
            "apiVersion": "v1",
            "resourceVersion": cm["metadata"]["resourceVersion"],
        }
        assert synced["metadata"]["name"].startswith(f"{name}.")
        assert "series" not in broken and broken["type"] == "Warning" and broken["related"]["name"] == name
        if backend.is_real:  # the fake keeps the two APIs' events apart (a known difference)
            # Both APIs serve the same objects: the v1 event reads as a core/v1 Event too.
            core = events_about(dyn, backend, name, v1=False)
            assert [e["reason"] for e in core] == ["Broken", "Synced"]


def test_legacy_recorder_counts_by_patch(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cm = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace).create(configmap(unique("cm")))
        name = cm["metadata"]["name"]
        broadcaster = LegacyEventBroadcaster.for_config(
            backend.config(), correlator=EventCorrelator(burst=4, qps=0.0001)
        )
        recorder = broadcaster.new_recorder("tester", host="node-1")
        for _ in range(3):
            recorder.event(cm, "Normal", "Started", "started it")
        for i in range(4):
            # The same bucket (source, object, type): one token is left after Started, attempts 1-3 are dropped.
            recorder.eventf(cm, "Normal", "Failed", "attempt %d failed", i)
        broadcaster.shutdown()
        events = events_about(dyn, backend, name, v1=False)
        assert [(e["reason"], e["count"]) for e in events] == [("Failed", 1), ("Started", 3)]
        failed, started = events
        assert failed["message"] == "attempt 0 failed"
        assert started["source"] == {"component": "tester", "host": "node-1"}
        assert started["firstTimestamp"] <= started["lastTimestamp"]
        assert broadcaster.written == 4  # one create and two patches for Started, one create for Failed


def test_async_broadcasters(backend: Backend) -> None:
    async def scenario() -> tuple[str, dict[str, Any]]:
        with DynamicClient.for_config(backend.config()) as dyn:
            cm = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace).create(configmap(unique("a")))
        async with AsyncEventBroadcaster.for_config(backend.config()) as broadcaster:
            recorder = broadcaster.new_recorder("example.com/async")
            recorder.eventf(cm, None, "Normal", "Synced", "Sync", "once")
            recorder.eventf(cm, None, "Normal", "Synced", "Sync", "once")
        legacy = AsyncLegacyEventBroadcaster.for_config(backend.config())
        recorder2 = legacy.new_recorder("async-legacy")
        recorder2.event(cm, "Normal", "Legacy", "hello")
        recorder2.event(cm, "Normal", "Legacy", "hello")
        await legacy.aclose()
        return cm["metadata"]["name"], cm

    name, _ = asyncio.run(scenario())
    with DynamicClient.for_config(backend.config()) as dyn:
        v1 = [(e["reason"], e.get("series", {}).get("count")) for e in events_about(dyn, backend, name)]
        # On the real server core/v1 Events read through events.k8s.io/v1 too; the fake keeps them apart.
        assert v1 == ([("Legacy", None)] if backend.is_real else []) + [("Synced", 2)]
        core = {e["reason"]: e for e in events_about(dyn, backend, name, v1=False)}
        assert core["Legacy"]["count"] == 2
        assert core["Legacy"]["source"]["component"] == "async-legacy"


def test_a_full_queue_drops_instead_of_blocking(backend: Backend) -> None:
    backend.fake_server("latency injection keeps the writer busy")
    fake = backend.fake
    assert fake is not None
    fake.faults.add_latency(0.5, match=lambda r: "events" in r.path)
    with DynamicClient.for_config(backend.config()) as dyn:
        cm = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace).create(configmap(unique("q")))
    broadcaster = EventBroadcaster.for_config(backend.config(), queue_size=2, spam_filter=False)
    recorder = broadcaster.new_recorder("example.com/busy")
    for i in range(10):
        recorder.eventf(cm, None, "Normal", f"Reason{i}", "Act", "n")
    assert broadcaster.dropped >= 6
    fake.faults.clear()
    broadcaster.shutdown()
    assert broadcaster.written + broadcaster.dropped == 10


class FlakyTransport(httpx.BaseTransport):
    """Fails the first `failures` event creates with a connection error, as a network blip would."""

    def __init__(self, inner: httpx.BaseTransport, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/events") and self.failures > 0:
            self.failures -= 1
            raise httpx.ConnectError("connection refused (injected)", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_transport_errors_are_retried(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cm = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace).create(configmap(unique("r")))
        flaky = dataclasses.replace(backend.config(), wrap_transport=lambda inner: FlakyTransport(inner, 2))
        with EventBroadcaster.for_config(flaky, retry_sleep=0.05) as broadcaster:
            broadcaster.new_recorder("example.com/retry").eventf(cm, None, "Normal", "Retried", "Act", "n")
            for _ in range(200):
                if broadcaster.written:
                    break
                time.sleep(0.02)
        assert broadcaster.written == 1
        assert [e["reason"] for e in events_about(dyn, backend, cm["metadata"]["name"])] == ["Retried"]


def test_server_refusal_is_not_retried(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cm = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace).create(configmap(unique("v")))
    with EventBroadcaster.for_config(backend.config(), retry_sleep=5.0) as broadcaster:
        # An action longer than 128 characters is invalid (422): logged and given up at once, no 5 s sleep.
        started = time.monotonic()
        broadcaster.new_recorder("example.com/invalid").eventf(cm, None, "Normal", "Bad", "x" * 200, "n")
    assert broadcaster.written == 0 and time.monotonic() - started < 4
