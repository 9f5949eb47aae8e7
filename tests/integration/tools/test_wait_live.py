"""kubeclient.wait against the fake server and the real control plane, sync and asyncio."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from backends import Backend
from tools_helpers import CONFIGMAPS, DEPLOYMENTS, configmap, deployment, ready_status, unique

from kubeclient import wait
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.errors import ForbiddenError, InternalError, NotFoundError


def later(delay: float, fn: object) -> threading.Timer:
    timer = threading.Timer(delay, fn)  # type: ignore[arg-type]
    timer.start()
    return timer


def test_for_condition_waits_for_a_status_written_later(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        deploys = dyn.resource(DEPLOYMENTS, namespaced=True).namespace(backend.namespace)
        name = unique("web")
        deploys.create(deployment(name))
        deploys.patch_subresource(name, "status", ready_status("False"))
        timer = later(0.5, lambda: deploys.patch_subresource(name, "status", ready_status("True")))
        obj = wait.for_condition(deploys, name, "available", timeout=20, interval=0.1)  # case-insensitive type
        timer.join()
        conditions = obj["status"]["conditions"]
        assert [(c["type"], c["status"]) for c in conditions] == [("Available", "True")]


def test_for_condition_timeout_says_what_was_last_seen(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        deploys = dyn.resource(DEPLOYMENTS, namespaced=True).namespace(backend.namespace)
        name = unique("web")
        deploys.create(deployment(name))
        deploys.patch_subresource(name, "status", ready_status("False", reason="NoPods"))
        with pytest.raises(wait.WaitTimeoutError) as caught:
            wait.for_condition(deploys, name, "Available", timeout=0.6, interval=0.1)
        message = str(caught.value)
        assert message.startswith(f"timed out after 0.6 s waiting for condition Available=True on deployments/{name}")
        assert "last seen: condition Available is False (reason: NoPods, message: made False by the test)" in message
        with pytest.raises(wait.WaitTimeoutError, match="no condition Progressing"):
            wait.for_condition(deploys, name, "Progressing", timeout=0.3, interval=0.1)


def test_for_delete_and_for_jsonpath(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        name = unique("cm")
        cms.create(configmap(name, {"mode": "blue"}))
        later(0.4, lambda: cms.patch(name, {"data": {"mode": "green"}}))
        got = wait.for_jsonpath(cms, name, "{.data.mode}", "green", timeout=20, interval=0.1)
        assert got["data"]["mode"] == "green"
        assert wait.for_jsonpath(cms, name, ".metadata.name", timeout=5)["metadata"]["name"] == name
        with pytest.raises(wait.WaitTimeoutError, match=r"last seen: \{.data.mode\} = green"):
            wait.for_jsonpath(cms, name, "{.data.mode}", "red", timeout=0.3, interval=0.1)
        later(0.4, lambda: cms.delete(name))
        wait.for_delete(cms, name, timeout=20, interval=0.1)
        with pytest.raises(NotFoundError):
            cms.get(name)
        wait.for_delete(cms, name, timeout=1)  # already gone


def test_for_delete_passes_when_the_object_was_replaced(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        name = unique("cm")
        uid = cms.create(configmap(name))["metadata"]["uid"]
        cms.delete(name)
        cms.create(configmap(name))
        wait.for_delete(cms, name, uid=uid, timeout=5)
        with pytest.raises(wait.WaitTimeoutError, match="still present"):
            wait.for_delete(cms, name, timeout=0.3, interval=0.1)


def test_server_errors_are_not_swallowed(backend: Backend) -> None:
    if backend.is_real:
        assert backend.plane is not None
        user = unique("nobody")
        backend.plane.add_user(user, [])  # no role bound: every read is forbidden
        cfg, expected = backend.plane.config(user=user, namespace=backend.namespace), ForbiddenError
    else:
        assert backend.fake is not None
        backend.fake.faults.fail_next(1, status=500, retry_after=None, match=lambda r: r.method == "GET")
        cfg, expected = backend.config(), InternalError
    with DynamicClient.for_config(cfg) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        with pytest.raises(expected):
            wait.for_delete(cms, "anything", timeout=5)


def test_async_waits(backend: Backend) -> None:
    async def scenario() -> None:
        async with AsyncDynamicClient.for_config(backend.config()) as dyn:
            deploys = dyn.resource(DEPLOYMENTS, namespaced=True).namespace(backend.namespace)
            cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
            name = unique("web")
            await deploys.create(deployment(name))

            async def become_ready() -> None:
                await asyncio.sleep(0.3)
                await deploys.patch_subresource(name, "status", ready_status("True"))

            task = asyncio.create_task(become_ready())
            obj = await wait.async_for_condition(deploys, name, "Available", timeout=20, interval=0.1)
            await task
            assert obj["status"]["conditions"][0]["status"] == "True"
            with pytest.raises(wait.WaitTimeoutError, match="last seen: condition Available is True"):
                await wait.async_for_condition(deploys, name, "Available", "False", timeout=0.3, interval=0.1)
            await cms.create(configmap("w", {"k": "v"}))
            got = await wait.async_for_jsonpath(cms, "w", "{.data.k}", "v", timeout=5)
            assert got["data"] == {"k": "v"}
            await cms.delete("w")
            await wait.async_for_delete(cms, "w", timeout=20, interval=0.1)

    asyncio.run(scenario())


def test_poll_until_returns_the_value_and_times_out_with_the_last_one() -> None:
    calls: list[float] = []

    def third_time() -> str | None:
        calls.append(time.monotonic())
        return "done" if len(calls) == 3 else None

    assert wait.poll_until(third_time, interval=0.01, timeout=5) == "done"
    with pytest.raises(wait.WaitTimeoutError, match="waiting for the cache; last seen: 0"):
        wait.poll_until(lambda: 0, interval=0.01, timeout=0.05, what="the cache")
