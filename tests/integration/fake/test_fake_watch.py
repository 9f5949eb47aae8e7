"""Watch streams of the fake API server: events, bookmarks, resumption, expiry, WatchList and selectors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from fake_helpers import CM, configmap, shape, wire

from kubeclient.testing import FakeAPIServer


def watch(api: httpx.Client, params: dict[str, str], during: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """Events of one watch request (which must end by itself, e.g. through timeoutSeconds); `during` runs alongside."""
    events: list[dict[str, Any]] = []
    with api.stream("GET", CM, params={"watch": "true", **params}) as response:
        assert response.status_code == 200
        assert response.headers["transfer-encoding"] == "chunked"
        if during is not None:
            threading.Thread(target=during, daemon=True).start()
        for line in response.iter_lines():
            if line:
                events.append(json.loads(line))
    return events


def test_events_match_real_stream(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    rv = api.post(CM, json=configmap("w1", {"x": "1"})).json()["metadata"]["resourceVersion"]

    def writes() -> None:
        time.sleep(0.1)
        obj = api.get(f"{CM}/w1").json()
        obj["metadata"]["labels"] = {"l": "v"}
        api.put(f"{CM}/w1", json=obj)
        api.delete(f"{CM}/w1")

    events = watch(api, {"resourceVersion": str(int(rv) - 1), "timeoutSeconds": "1"}, writes)
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    real = wire("watch-stream.jsonl")
    for mine, theirs in zip(events, real, strict=False):
        assert mine["type"] == theirs["type"]
        assert set(mine["object"]["metadata"]) <= set(theirs["object"]["metadata"]) | {"labels"}
        assert mine["object"]["kind"] == "ConfigMap"
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3


def test_bookmarks_when_allowed(api: httpx.Client) -> None:
    with FakeAPIServer(bookmark_interval=0.2) as server:
        from fake_helpers import client_for

        with client_for(server) as client:
            events = watch(client, {"allowWatchBookmarks": "true", "timeoutSeconds": "1", "resourceVersion": "1"})
    bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
    assert bookmarks
    real = wire("watch-stream.jsonl")[-1]
    assert shape(bookmarks[0]) == shape(real)
    assert not [e for e in watch(api, {"timeoutSeconds": "1", "resourceVersion": "1"}) if e["type"] == "BOOKMARK"]


def test_resume_from_resource_version(api: httpx.Client) -> None:
    first = api.post(CM, json=configmap("a")).json()["metadata"]["resourceVersion"]
    api.post(CM, json=configmap("b"))
    api.post(CM, json=configmap("c"))
    events = watch(api, {"resourceVersion": first, "timeoutSeconds": "0.3"})
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "b"), ("ADDED", "c")]


def test_legacy_watch_starts_with_synthetic_added(api: httpx.Client) -> None:
    api.post(CM, json=configmap("a"))
    events = watch(api, {"timeoutSeconds": "0.3"})
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [("ADDED", "a")]
    assert (
        watch(
            api,
            {
                "timeoutSeconds": "0.3",
                "resourceVersion": "0",
                "sendInitialEvents": "false",
                "resourceVersionMatch": "NotOlderThan",
            },
        )
        == []
    )


def test_too_old_resource_version_is_410_error_event(kube_fake: FakeAPIServer, api: httpx.Client) -> None:
    rv = api.post(CM, json=configmap("a")).json()["metadata"]["resourceVersion"]
    api.post(CM, json=configmap("b"))
    compacted = kube_fake.faults.compact()
    events = watch(api, {"resourceVersion": str(int(rv) - 1), "timeoutSeconds": "1"})
    assert len(events) == 1 and events[0]["type"] == "ERROR"
    status = events[0]["object"]
    assert status["code"] == 410 and status["reason"] == "Expired"
    assert status["message"] == f"too old resource version: {int(rv) - 1} ({compacted})"


def test_send_initial_events_matches_real_watchlist(api: httpx.Client) -> None:
    api.post(CM, json=configmap("cfg"))
    params = {
        "sendInitialEvents": "true",
        "resourceVersionMatch": "NotOlderThan",
        "allowWatchBookmarks": "true",
        "timeoutSeconds": "0.5",
    }
    events = watch(api, params)
    real = wire("watchlist-initial-events.jsonl")
    assert [e["type"] for e in events[:2]] == ["ADDED", "BOOKMARK"]
    assert shape(events[0]) == shape(real[0])
    assert shape(events[1]) == shape(real[-1])
    assert events[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    bad = api.get(CM, params={"watch": "true", "sendInitialEvents": "true"})
    assert bad.status_code == 422


def test_timeout_seconds_ends_stream(api: httpx.Client) -> None:
    started = time.monotonic()
    assert watch(api, {"timeoutSeconds": "1", "resourceVersion": "1"}) == []
    assert 0.9 <= time.monotonic() - started < 3


def test_selector_transitions(api: httpx.Client) -> None:
    api.post(CM, json=configmap("a", labels={"env": "prod"}))
    start = api.get(CM).json()["metadata"]["resourceVersion"]

    def writes() -> None:
        time.sleep(0.1)
        obj = api.get(f"{CM}/a").json()
        obj["metadata"]["labels"] = {"env": "dev"}
        obj = api.put(f"{CM}/a", json=obj).json()
        obj["metadata"]["labels"] = {"env": "prod"}
        api.put(f"{CM}/a", json=obj)
        api.post(CM, json=configmap("other", labels={"env": "dev"}))

    events = watch(api, {"resourceVersion": start, "labelSelector": "env=prod", "timeoutSeconds": "1"}, writes)
    assert [e["type"] for e in events] == ["DELETED", "ADDED"]
    named = watch(api, {"resourceVersion": start, "fieldSelector": "metadata.name=other", "timeoutSeconds": "0.3"})
    assert [e["type"] for e in named] == ["ADDED"]


def test_metadata_watch_and_single_object_path(api: httpx.Client) -> None:
    api.post(CM, json=configmap("a"))
    api.post(CM, json=configmap("b"))
    accept = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"
    with api.stream(
        "GET",
        "/api/v1/watch/namespaces/default/configmaps/b",
        params={"timeoutSeconds": "0.3"},
        headers={"Accept": accept},
    ) as response:
        events = [json.loads(line) for line in response.iter_lines() if line]
    assert [(e["object"]["kind"], e["object"]["metadata"]["name"]) for e in events] == [("PartialObjectMetadata", "b")]
