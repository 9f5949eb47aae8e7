"""Concurrency: many writers and watchers at once; every watcher sees every event exactly once, in order."""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

from fake_helpers import CM, client_for, configmap

from kubeclient.testing import FakeAPIServer

WRITERS = 50
WATCHERS = 20
# 3 s keeps the suite fast; KUBECLIENT_FAKE_STRESS_SECONDS=10 runs the full ten seconds.
SECONDS = float(os.environ.get("KUBECLIENT_FAKE_STRESS_SECONDS", "3"))


def test_writers_and_watchers(kube_fake: FakeAPIServer) -> None:
    with client_for(kube_fake) as setup:
        start_rv = setup.get(CM).json()["metadata"]["resourceVersion"]
    stop = threading.Event()
    lock = threading.Lock()
    written: set[int] = set()
    deletes = [0]
    seen: list[list[dict[str, Any]]] = [[] for _ in range(WATCHERS)]
    done_rv: list[int] = []

    def watcher(i: int) -> None:
        with (
            client_for(kube_fake) as client,
            client.stream(
                "GET", CM, params={"watch": "true", "resourceVersion": start_rv, "timeoutSeconds": "60"}
            ) as response,
        ):
            for line in response.iter_lines():
                if not line:
                    continue
                event = json.loads(line)
                seen[i].append(event)
                if event["object"]["metadata"]["name"] == "sentinel":
                    return

    def writer(i: int) -> None:
        with client_for(kube_fake) as client:
            n = 0
            while not stop.is_set():
                name = f"w{i}-{n}"
                obj = client.post(CM, json=configmap(name)).json()
                obj["data"] = {"a": "2"}
                updated = client.put(f"{CM}/{name}", json=obj).json()
                mine = {int(obj["metadata"]["resourceVersion"]), int(updated["metadata"]["resourceVersion"])}
                removed = n % 2 == 0 and client.delete(f"{CM}/{name}").status_code == 200
                with lock:
                    written.update(mine)
                    deletes[0] += removed
                n += 1

    watch_threads = [threading.Thread(target=watcher, args=(i,), daemon=True) for i in range(WATCHERS)]
    for t in watch_threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(kube_fake.api.open_watchers()) < WATCHERS and time.monotonic() < deadline:
        time.sleep(0.01)
    write_threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(WRITERS)]
    for t in write_threads:
        t.start()
    time.sleep(SECONDS)
    stop.set()
    for t in write_threads:
        t.join(30)
    with client_for(kube_fake) as client:
        done_rv.append(int(client.post(CM, json=configmap("sentinel")).json()["metadata"]["resourceVersion"]))
    for t in watch_threads:
        t.join(30)
        assert not t.is_alive()

    reference = [(e["type"], int(e["object"]["metadata"]["resourceVersion"])) for e in seen[0]]
    rvs = [rv for _, rv in reference]
    assert rvs == sorted(set(rvs)), "events out of order or repeated"
    assert rvs[-1] == done_rv[0]
    assert written <= set(rvs)
    assert sum(1 for t, _ in reference if t == "DELETED") == deletes[0]
    assert len(written) > WRITERS * 2
    for other in seen[1:]:
        assert [(e["type"], int(e["object"]["metadata"]["resourceVersion"])) for e in other] == reference
