"""Helpers for informer tests against the fake server or the real control plane: request logs (the fake's fault
hook sees every request; `ClientLog` sees one client's, on either backend), pod manifests, a handler that records
what it sees, and waiting."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx

from kubeclient.cache import DeletedFinalStateUnknown
from kubeclient.config import Config
from kubeclient.schema import GVR
from kubeclient.testing import FakeAPIServer, FaultRequest
from kubeclient.wait import async_poll_until, poll_until

PODS = GVR("", "v1", "pods")
LEASES = GVR("coordination.k8s.io", "v1", "leases")


class RequestLog:
    """Every request the server receives, in order (recorded by a zero-delay latency rule that matches nothing)."""

    def __init__(self, server: FakeAPIServer) -> None:
        self._lock = threading.Lock()
        self._requests: list[FaultRequest] = []
        server.faults.add_latency(0.0, match=self._record)

    def _record(self, request: FaultRequest) -> bool:
        with self._lock:
            self._requests.append(request)
        return False

    def all(self) -> list[FaultRequest]:
        with self._lock:
            return list(self._requests)

    def mark(self) -> int:
        with self._lock:
            return len(self._requests)

    def since(self, mark: int, plural: str | None = None) -> list[FaultRequest]:
        with self._lock:
            out = self._requests[mark:]
        return [r for r in out if plural is None or r.path.rstrip("/").split("/")[-1] == plural]

    def reads(self, mark: int, plural: str) -> list[FaultRequest]:
        """The list and watch requests of `plural` since `mark` (what a reflector sends)."""
        return [r for r in self.since(mark, plural) if r.verb in ("list", "watch")]


class ClientLog(RequestLog):
    """The requests one client sends, recorded by its transport (client-go's WrapTransport), so the same checks run
    against the real control plane. `config()` is the client's configuration with the recorder wrapped in."""

    def __init__(self) -> None:  # no server hook: the client's own transport records
        self._lock = threading.Lock()
        self._requests = []

    def config(self, base: Config) -> Config:
        return dataclasses.replace(base, wrap_transport=self._wrap)

    def _wrap(self, inner: Any) -> Any:
        log = self

        def seen(request: httpx.Request) -> None:
            query = parse_qs(request.url.query.decode(), keep_blank_values=True)
            watch = query.get("watch") == ["true"] or query.get("watch") == ["1"]
            verb = "watch" if watch else ("list" if request.method == "GET" else request.method.lower())
            log._record(FaultRequest(request.method, request.url.path, query, verb))

        if isinstance(inner, httpx.AsyncBaseTransport):

            class AsyncRecording(httpx.AsyncBaseTransport):
                async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                    seen(request)
                    return await inner.handle_async_request(request)

                async def aclose(self) -> None:
                    await inner.aclose()

            return AsyncRecording()

        class Recording(httpx.BaseTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                seen(request)
                return inner.handle_request(request)

            def close(self) -> None:
                inner.close()

        return Recording()


def param(request: FaultRequest, key: str) -> str | None:
    values = request.query.get(key)
    return values[0] if values else None


def pod(name: str, namespace: str = "default", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]},
    }


def name_of(obj: Any) -> str:
    if isinstance(obj, DeletedFinalStateUnknown):
        return str(obj.key).rsplit("/", 1)[-1]
    return str(obj["metadata"]["name"])


class Recorder:
    """Records (kind, name, extra) for every notification; thread-safe; usable by the sync and async informers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[tuple[str, str, Any]] = []

    def on_add(self, obj: Any, is_in_initial_list: bool) -> None:
        with self._lock:
            self.events.append(("add", name_of(obj), is_in_initial_list))

    def on_update(self, old: Any, new: Any) -> None:
        with self._lock:
            self.events.append(
                ("update", name_of(new), (old["metadata"]["resourceVersion"], new["metadata"]["resourceVersion"]))
            )

    def on_delete(self, obj: Any) -> None:
        with self._lock:
            self.events.append(("delete", name_of(obj), isinstance(obj, DeletedFinalStateUnknown)))

    def snapshot(self) -> list[tuple[str, str, Any]]:
        with self._lock:
            return list(self.events)

    def has(self, kind: str, name: str) -> bool:
        return any(e[0] == kind and e[1] == name for e in self.snapshot())


def wait_until(cond: Callable[[], bool], timeout: float = 10.0, message: str = "condition") -> None:
    poll_until(cond, interval=0.01, timeout=timeout, what=message)


async def await_until(cond: Callable[[], bool], timeout: float = 10.0, message: str = "condition") -> None:
    async def check() -> bool:
        return cond()

    await async_poll_until(check, interval=0.01, timeout=timeout, what=message)
