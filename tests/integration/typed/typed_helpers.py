"""Helpers of the typed-client integration tests: a recording transport, one scenario runner for the sync and the
asyncio clientset, and object builders.

Each scenario is an `async def scenario(k: Kube)` that calls the typed clients through `await k(...)`: with the
asyncio clientset that awaits the coroutine, with the sync one it passes the value through. So every test runs the
same requests through both `Clientset` and `AsyncClientset`.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import yaml
from backends import Backend

from kubeapi import AsyncClientset, Clientset
from kubeapi.apiextensions.v1.models import CustomResourceDefinition
from kubeapi.core.v1.models import Container, Namespace, Pod, PodSpec, ResourceRequirements
from kubeapi.meta.v1.models import ObjectMeta
from kubeclient.config import Config
from kubeclient.errors import AlreadyExistsError, NotFoundError
from kubeclient.wait import async_poll_until
from kubeclient.watch import WatchEvent

REPO = Path(__file__).resolve().parents[3]
WIDGETS_CRD = REPO / "examples" / "crds" / "widgets.example.com.yaml"
CERT_MANAGER_CRD = REPO.parent / "shared" / "fixtures" / "crds" / "certificates.cert-manager.io-crd.yaml"
ACCEPT = "application/json, */*"
WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class CRDPackages:
    """The packages kubegen generated for the session (their directory is on sys.path)."""

    out: Path
    widgets: str
    cert_manager: str | None  # None when ../shared is absent


@dataclass(frozen=True)
class Sent:
    """One request as it left the client (after auth, before TLS); credentials are not kept."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: httpx.Headers = field(repr=False)
    body: bytes = field(repr=False)

    def params(self, key: str) -> list[str]:
        return [v for k, v in self.query if k == key]

    def param(self, key: str) -> str | None:
        values = self.params(key)
        assert len(values) <= 1, f"{key} sent {len(values)} times: {values}"
        return values[0] if values else None

    @property
    def keys(self) -> list[str]:
        return [k for k, _ in self.query]

    @property
    def content_type(self) -> str | None:
        value: str | None = self.headers.get("content-type")
        return value

    def json(self) -> Any:
        return json.loads(self.body)


class Recorder:
    """Every request a clientset sent, in order."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def record(self, request: httpx.Request) -> None:
        headers = httpx.Headers({k: v for k, v in request.headers.items() if k.lower() != "authorization"})
        self.sent.append(
            Sent(
                request.method,
                unquote(request.url.path),
                tuple(request.url.params.multi_items()),
                headers,
                request.content,
            )
        )

    def clear(self) -> None:
        self.sent.clear()

    def last(self, method: str | None = None, path: str | None = None) -> Sent:
        """The last request with `method` whose path ends with `path`."""
        for sent in reversed(self.sent):
            if (method is None or sent.method == method) and (path is None or sent.path.endswith(path)):
                return sent
        raise AssertionError(f"no {method or ''} request to ...{path or ''} among {self.sent}")

    def only(self) -> Sent:
        assert len(self.sent) == 1, self.sent
        return self.sent[0]


class RecordingTransport(httpx.BaseTransport):
    """Records each request, then sends it through `inner` (an HTTPTransport verifying the server's CA)."""

    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.recorder.record(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.recorder.record(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def client_config(backend: Backend) -> Config:
    # The client-side limiter (5 qps) would only slow the scenarios down; watches are never throttled anyway.
    return backend.config(qps=-1)


def sync_transport(cfg: Config, recorder: Recorder) -> RecordingTransport:
    # httpx ignores the Client's `verify` once a transport is given: the wrapped transport carries the TLS context
    # (the fake server's CA from the Config) itself, as RESTClient.for_config would build it.
    return RecordingTransport(httpx.HTTPTransport(verify=cfg.ssl_context()), recorder)


def async_transport(cfg: Config, recorder: Recorder) -> AsyncRecordingTransport:
    return AsyncRecordingTransport(httpx.AsyncHTTPTransport(verify=cfg.ssl_context()), recorder)


@dataclass
class Kube:
    """One flavor of the typed clientset (`cs`) over a recording transport, plus what scenarios need."""

    is_async: bool
    backend: Backend
    cs: Any  # Clientset | AsyncClientset: the scenarios are shared, their calls differ only by `await k(...)`
    recorder: Recorder
    namespaces: list[str] = field(default_factory=list)  # made by namespace(), emptied after a real-server run

    async def __call__(self, value: Any) -> Any:
        """The result of a typed-client call: awaited on asyncio, as returned when sync."""
        if self.is_async:
            assert inspect.isawaitable(value), f"the asyncio client returned {type(value).__name__}, not an awaitable"
            return await value
        assert not inspect.isawaitable(value), "the sync client returned an awaitable"
        return value

    async def collect(self, items: Any) -> list[Any]:
        """A list of what `list_all()` yields (an iterator, or an async iterator on asyncio)."""
        if self.is_async:
            return [item async for item in items]
        return list(items)

    async def next(self, items: Any) -> Any:
        """The next item of a `list_all()` iterator (sync or async)."""
        return await anext(items) if self.is_async else next(items)

    async def events(self, watch: Any, count: int) -> list[WatchEvent[Any]]:
        """The first `count` events of a watch (fewer if the server ends it first); the watch is closed after."""
        out: list[WatchEvent[Any]] = []
        if self.is_async:
            async with watch:
                async for event in watch:
                    out.append(event)
                    if len(out) == count:
                        break
        else:
            with watch:
                for event in watch:
                    out.append(event)
                    if len(out) == count:
                        break
        return out

    @asynccontextmanager
    async def stream(self, opened: Any) -> AsyncIterator[httpx.Response]:
        """Enter the context manager of a streamed subresource (sync or async) and yield the response."""
        if self.is_async:
            async with opened as response:
                yield response
        else:
            with opened as response:
                yield response

    async def read(self, response: httpx.Response) -> bytes:
        return await response.aread() if self.is_async else response.read()

    async def read_some(self, response: httpx.Response, size: int) -> bytes:
        """Up to about `size` bytes of a streamed body, or all of a shorter one (a followed log never ends)."""
        out = b""
        if self.is_async:
            async for chunk in response.aiter_bytes():
                out += chunk
                if len(out) >= size:
                    break
        else:
            for chunk in response.iter_bytes():
                out += chunk
                if len(out) >= size:
                    break
        return out

    async def namespace(self, prefix: str = "typed") -> str:
        """A fresh namespace, so scenarios never depend on what else the server holds."""
        name = f"{prefix}-{secrets.token_hex(3)}"
        await self(self.cs.core_v1.namespaces().create(Namespace(metadata=ObjectMeta(name=name))))
        self.namespaces.append(name)
        return name

    async def eventually(self, check: Callable[[], Awaitable[bool]], what: str) -> None:
        await async_poll_until(check, interval=0.05, timeout=WAIT_SECONDS, what=what)


Scenario = Callable[[Kube], Awaitable[None]]


def of_type(value: object, cls: type[Any]) -> bool:
    """isinstance() that leaves `value` un-narrowed for the type checker: scenarios then walk the optional fields
    of answers (which the server fills) without a None/UNSET check at every step."""
    return isinstance(value, cls)


def run_scenario(backend: Backend, is_async: bool, scenario: Scenario) -> None:
    """Build the clientset of the flavor over a recording transport, run the scenario on asyncio, close it."""

    async def main() -> None:
        cfg = client_config(backend)
        recorder = Recorder()
        if is_async:
            async with AsyncClientset.for_config(cfg, transport=async_transport(cfg, recorder)) as acs:
                await scenario(Kube(True, backend, acs, recorder, made))
        else:
            with Clientset.for_config(cfg, transport=sync_transport(cfg, recorder)) as cs:
                await scenario(Kube(False, backend, cs, recorder, made))

    made: list[str] = []
    try:
        asyncio.run(main())
    finally:
        if backend.plane is not None:
            for namespace in made:
                backend.plane.drop_namespace(namespace)


def pod(
    name: str,
    *,
    labels: Mapping[str, str] | None = None,
    namespace: str | None = None,
    cpu: str = "100m",
) -> Pod:
    """A small pod whose one container requests `cpu` (Burstable QoS, so a CPU resize keeps its QoS class)."""
    meta = ObjectMeta(name=name, labels=dict(labels or {"app": "typed"}))
    if namespace is not None:
        meta.namespace = namespace  # left UNSET otherwise: None would go on the wire as null
    return Pod(
        metadata=meta,
        spec=PodSpec(
            containers=[
                Container(name="app", image="nginx:1.27", resources=ResourceRequirements(requests={"cpu": cpu}))
            ]
        ),
    )


async def install_crds(k: Kube, manifest: Path) -> list[str]:
    """Create the CRDs of a manifest through the typed apiextensions client and wait until each is Established and
    its resource answers a list (a real server takes a moment to start serving a new CRD)."""
    crds = k.cs.apiextensions_v1.custom_resource_definitions()
    names = []
    for doc in yaml.safe_load_all(manifest.read_text()):
        if not doc:
            continue
        try:
            created = await k(crds.create(CustomResourceDefinition.from_dict(doc)))
        except AlreadyExistsError:
            # The real control plane lives for the whole session: an earlier test installed the same manifest.
            created = await k(crds.get(doc["metadata"]["name"]))
        assert of_type(created, CustomResourceDefinition)
        names.append(created.metadata.name)
        spec = created.spec
        version = next(v.name for v in spec.versions if v.served and v.storage)

        async def served(
            name: str = created.metadata.name,
            group: str = spec.group,
            plural: str = spec.names.plural,
            version: str = version,
        ) -> bool:
            crd = await k(crds.get(name))
            conditions = {c.type: c.status for c in crd.status.conditions or []}
            if conditions.get("Established") != "True":
                return False
            try:
                await k(k.cs.rest.for_group_version(group, version).get().resource(plural).param("limit", 1).do())
            except NotFoundError:
                return False
            return True

        await k.eventually(served, f"CRD {created.metadata.name} to be served")
    return names
