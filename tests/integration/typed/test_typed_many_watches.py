"""Many long-lived watches on one client never starve its short requests: watches have a connection pool of their
own (kubeclient.rest.transport.WATCH_LIMITS), so a plain list answers while more watches are open than the request
pool's 100 connections."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from backends import Backend

from kubeapi import AsyncClientset, Clientset
from kubeapi.core.v1.models import ConfigMap
from kubeapi.meta.v1.models import ObjectMeta

WATCHES = 110  # more than the request pool's 100 connections
GUARD = 120.0  # seconds: only so that a regression fails instead of hanging the run


def test_a_list_answers_while_more_than_100_watches_are_open(backend: Backend) -> None:
    outcome: dict[str, Any] = {}

    def scenario() -> None:
        with Clientset.for_config(backend.config(qps=1000)) as cs:
            config_maps = cs.core_v1.config_maps(backend.namespace)
            config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-watches"), data={"a": "1"}))
            watches = [config_maps.watch(resource_version="0", timeout_seconds=300) for _ in range(WATCHES)]
            try:
                outcome["listed"] = [c.metadata.name for c in config_maps.list().items if c.metadata]
                outcome["got"] = config_maps.get("many-watches").data
                first = next(iter(watches[-1]))  # the last watch opened is live too
                outcome["event"] = (first.type, first.object.metadata.name if first.object.metadata else None)
            finally:
                for watch in watches:
                    watch.close()

    worker = threading.Thread(target=scenario, daemon=True)
    worker.start()
    worker.join(GUARD)
    assert not worker.is_alive(), f"a list or get waited for watches to end ({WATCHES} watches open)"
    assert "many-watches" in outcome["listed"]
    assert outcome["got"] == {"a": "1"}
    assert outcome["event"] == ("ADDED", "many-watches")


def test_asyncio_a_list_answers_while_more_than_100_watches_are_open(backend: Backend) -> None:
    async def scenario() -> tuple[list[str], tuple[str, str | None]]:
        async with AsyncClientset.for_config(backend.config(qps=1000)) as cs:
            config_maps = cs.core_v1.config_maps(backend.namespace)
            await config_maps.create(ConfigMap(metadata=ObjectMeta(name="many-watches-aio"), data={"a": "1"}))
            watches = [await config_maps.watch(resource_version="0", timeout_seconds=300) for _ in range(WATCHES)]
            try:
                listed = [c.metadata.name for c in (await config_maps.list()).items if c.metadata]
                first = await anext(aiter(watches[-1]))
                return listed, (first.type, first.object.metadata.name if first.object.metadata else None)
            finally:
                for watch in watches:
                    await watch.aclose()

    listed, event = asyncio.run(asyncio.wait_for(scenario(), GUARD))
    assert "many-watches-aio" in listed
    assert event[0] == "ADDED"
