"""kubeclient.watchtools (RetryWatcher, until, until_with_sync) on the fake server and the real control plane."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from backends import Backend
from tools_helpers import CONFIGMAPS, configmap, unique

from kubeclient import watchtools
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.errors import ExpiredError
from kubeclient.wait import WaitTimeoutError
from kubeclient.watch import WatchEvent


def later(delay: float, fn: Any) -> threading.Timer:
    timer = threading.Timer(delay, fn)
    timer.start()
    return timer


def named(event: WatchEvent[Any]) -> tuple[str, str]:
    return event.type, event.object["metadata"]["name"]


def test_retry_watcher_resumes_across_clean_closes(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        prefix = unique("rw")
        rv = cms.list()["metadata"]["resourceVersion"]
        watcher = watchtools.RetryWatcher(cms, rv, timeout_seconds=1, min_restart_delay=0.1, label_selector="rw=1")
        names = [f"{prefix}-{i}" for i in range(4)]

        def produce() -> None:
            for name in names:
                cms.create(configmap(name, labels={"rw": "1"}))
                threading.Event().wait(0.7)  # spread over several server-side watch timeouts

        producer = threading.Thread(target=produce)
        producer.start()
        seen = []
        for event in watcher:
            seen.append(named(event))
            if len(seen) == len(names):
                watcher.stop()
        producer.join()
        assert seen == [("ADDED", n) for n in names]  # each once, in order, across the restarts
        assert watcher.restarts >= 1
        assert int(watcher.resource_version) >= int(cms.get(names[-1])["metadata"]["resourceVersion"])


def test_retry_watcher_refuses_an_unresumable_start(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        for rv in ("", "0"):
            with pytest.raises(ValueError, match="is not supported"):
                watchtools.RetryWatcher(cms, rv)


def test_retry_watcher_retries_faults_and_reports_expiry(backend: Backend) -> None:
    fake = backend.fake_server("closing watches, failing requests and compacting history on demand")
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        rv = cms.list()["metadata"]["resourceVersion"]
        watcher = watchtools.RetryWatcher(cms, rv, min_restart_delay=0.05)
        events = iter(watcher)
        cms.create(configmap("a"))
        assert named(next(events)) == ("ADDED", "a")
        fake.faults.close_watches()
        fake.faults.fail_next(1, status=500, match=lambda r: r.query.get("watch") == ["true"])
        cms.create(configmap("b"))
        assert named(next(events)) == ("ADDED", "b")
        assert watcher.restarts >= 1
        watcher.stop()
        old = rv
        cms.create(configmap("c"))
        fake.faults.compact()
        with pytest.raises(ExpiredError):
            next(iter(watchtools.RetryWatcher(cms, old, min_restart_delay=0.05)))


def test_until_meets_conditions_in_turn(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        name = unique("until")
        rv = cms.list()["metadata"]["resourceVersion"]
        later(0.3, lambda: cms.create(configmap(name, {"step": "1"})))
        later(0.8, lambda: cms.patch(name, {"data": {"step": "2"}}))
        event = watchtools.until(
            cms,
            rv,
            lambda e: e.type == "ADDED" and e.object["metadata"]["name"] == name,
            lambda e: e.type == "MODIFIED" and e.object["data"]["step"] == "2",
            timeout=20,
        )
        assert named(event) == ("MODIFIED", name)
        rv = event.object["metadata"]["resourceVersion"]
        with pytest.raises(WaitTimeoutError, match=r"timed out after 0\.5 s waiting for configmaps to meet the cond"):
            watchtools.until(cms, rv, lambda e: e.type == "DELETED", timeout=0.5)
        later(0.2, lambda: cms.patch(name, {"data": {"step": "3"}}))
        with pytest.raises(WaitTimeoutError, match=f"last seen: MODIFIED {backend.namespace}/{name}"):
            watchtools.until(cms, rv, lambda e: e.type == "DELETED", timeout=1.5)


def test_until_with_sync_sees_existing_objects_and_preconditions(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        name = unique("sync")
        cms.create(configmap(name, {"ready": "no"}, labels={"sync": name}))
        # The object existed before the call: it arrives as ADDED from the initial list.
        event = watchtools.until_with_sync(cms, lambda e: e.type == "ADDED", label_selector=f"sync={name}", timeout=20)
        assert event is not None and named(event) == ("ADDED", name)
        # A precondition that holds on the synced cache returns at once, without an event.
        present = watchtools.until_with_sync(
            cms, lambda e: False, precondition=lambda store: len(store.list()) == 1, label_selector=f"sync={name}"
        )
        assert present is None
        later(0.5, lambda: cms.patch(name, {"data": {"ready": "yes"}}))
        event = watchtools.until_with_sync(
            cms, lambda e: e.object["data"]["ready"] == "yes", label_selector=f"sync={name}", timeout=20
        )
        assert event is not None and named(event) == ("MODIFIED", name)
        deleting = later(0.5, lambda: cms.delete(name))
        event = watchtools.until_with_sync(cms, lambda e: e.type == "DELETED", field_selector=f"metadata.name={name}")
        assert event is not None and named(event) == ("DELETED", name)
        # The DELETED event can arrive before the DELETE's own answer: the client must stay open until it has.
        deleting.join()


def test_async_watch_tools(backend: Backend) -> None:
    async def scenario() -> None:
        async with AsyncDynamicClient.for_config(backend.config()) as dyn:
            cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
            prefix = unique("arw")
            rv = (await cms.list())["metadata"]["resourceVersion"]

            async def produce() -> None:
                for i in range(3):
                    await cms.create(configmap(f"{prefix}-{i}", labels={"arw": prefix}))
                    await asyncio.sleep(0.7)

            task = asyncio.create_task(produce())
            watcher = watchtools.AsyncRetryWatcher(
                cms, rv, timeout_seconds=1, min_restart_delay=0.1, label_selector=f"arw={prefix}"
            )
            seen = []
            async for event in watcher:
                seen.append(named(event))
                if len(seen) == 3:
                    await watcher.aclose()
            await task
            assert seen == [("ADDED", f"{prefix}-{i}") for i in range(3)] and watcher.restarts >= 1

            async def patch_later() -> None:
                await asyncio.sleep(0.3)
                await cms.patch(f"{prefix}-0", {"data": {"a": "2"}})

            rv = (await cms.list())["metadata"]["resourceVersion"]
            patcher = asyncio.create_task(patch_later())
            event = await watchtools.async_until(cms, rv, lambda e: e.type == "MODIFIED", timeout=20)
            await patcher
            assert named(event) == ("MODIFIED", f"{prefix}-0")
            with pytest.raises(WaitTimeoutError, match=r"waiting for configmaps"):
                await watchtools.async_until(
                    cms, event.object["metadata"]["resourceVersion"], lambda e: True, timeout=0.3
                )
            synced = await watchtools.async_until_with_sync(
                cms, lambda e: e.type == "ADDED", label_selector=f"arw={prefix}", timeout=20
            )
            assert synced is not None and synced.type == "ADDED"
            none = await watchtools.async_until_with_sync(
                cms, lambda e: False, precondition=lambda s: len(s.list()) == 3, label_selector=f"arw={prefix}"
            )
            assert none is None

    asyncio.run(scenario())
