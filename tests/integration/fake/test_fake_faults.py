"""Fault injection: closing and stalling watches, injected 429/500/503, latency, compaction and restart."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest
from fake_helpers import CM, client_for, configmap

from kubeclient.testing import FakeAPIServer, FaultRequest


def _collect(api: httpx.Client, params: dict[str, str], events: list[dict[str, Any]], ended: threading.Event) -> None:
    try:
        with api.stream("GET", CM, params={"watch": "true", **params}) as response:
            for line in response.iter_lines():
                if line:
                    events.append(json.loads(line))
    except httpx.HTTPError:
        events.append({"type": "TRANSPORT-ERROR"})
    finally:
        ended.set()


def _open_watch(kube_fake: FakeAPIServer, **params: str) -> tuple[list[dict[str, Any]], threading.Event, httpx.Client]:
    client = client_for(kube_fake)
    events: list[dict[str, Any]] = []
    ended = threading.Event()
    threading.Thread(
        target=_collect, args=(client, {"resourceVersion": "1", **params}, events, ended), daemon=True
    ).start()
    deadline = time.monotonic() + 5
    while not kube_fake.api.open_watchers() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert kube_fake.api.open_watchers()
    return events, ended, client


def test_close_watches_ends_streams_cleanly(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    events, ended, client = _open_watch(kube_fake)
    api.post(CM, json=configmap("a"))
    assert kube_fake.faults.close_watches() == 1
    assert ended.wait(3)
    assert [e["type"] for e in events] in (["ADDED"], [])
    assert "TRANSPORT-ERROR" not in [e["type"] for e in events]
    client.close()


def test_stalled_watch_goes_silent_but_stays_open(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    events, ended, client = _open_watch(kube_fake)
    assert kube_fake.faults.stall_watches() == 1
    api.post(CM, json=configmap("a"))
    time.sleep(0.3)
    assert events == [] and not ended.is_set()
    kube_fake.faults.close_watches()
    assert ended.wait(3)
    client.close()


@pytest.mark.parametrize(
    ("code", "reason"), [(429, "TooManyRequests"), (500, "InternalError"), (503, "ServiceUnavailable")]
)
def test_fail_next_requests(kube_fake: FakeAPIServer, api: httpx.Client, code: int, reason: str) -> None:
    kube_fake.faults.fail_next(2, status=code, retry_after=1, match=lambda r: r.verb == "list")
    api.post(CM, json=configmap("a"))  # a create does not match the predicate
    for _ in range(2):
        answer = api.get(CM)
        assert answer.status_code == code
        assert answer.json()["reason"] == reason
        assert answer.headers["retry-after"] == "1"
    assert api.get(CM).status_code == 200


@pytest.mark.parametrize(("code", "header"), [(429, "1"), (503, "1"), (500, None), (409, None)])
def test_fail_next_default_retry_after_depends_on_the_status(
    kube_fake: FakeAPIServer, api: httpx.Client, code: int, header: str | None
) -> None:
    kube_fake.faults.fail_next(1, status=code)
    answer = api.get(CM)
    assert answer.status_code == code
    assert answer.headers.get("retry-after") == header


def test_fault_request_sees_watch_verb(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    seen: list[FaultRequest] = []

    def record(request: FaultRequest) -> bool:
        seen.append(request)
        return request.watch

    kube_fake.faults.fail_next(1, status=500, retry_after=None, match=record)
    assert api.get(CM).status_code == 200
    assert api.get(CM, params={"watch": "1"}).status_code == 500
    assert [r.verb for r in seen] == ["list", "watch"]
    assert "retry-after" not in api.get(CM).headers


def test_latency(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    kube_fake.faults.add_latency(0.3, match=lambda r: r.path.endswith("/configmaps"))
    started = time.monotonic()
    api.get(CM)
    assert time.monotonic() - started >= 0.3
    kube_fake.faults.clear()
    started = time.monotonic()
    api.get(CM)
    assert time.monotonic() - started < 0.3


def test_restart_keeps_storage_and_drops_connections(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    api.post(CM, json=configmap("kept"))
    port = kube_fake.port
    _, ended, client = _open_watch(kube_fake)
    kube_fake.faults.restart()
    assert ended.wait(3)
    assert kube_fake.port == port
    assert api.get(f"{CM}/kept").status_code == 200
    rv = api.post(CM, json=configmap("after")).json()["metadata"]["resourceVersion"]
    assert int(rv) > 1
    client.close()
