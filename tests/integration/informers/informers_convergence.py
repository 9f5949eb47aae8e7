"""The convergence run: a pod informer against a FakeAPIServer while a writer performs random creates, updates and
deletes and the server's fault injection closes watches, stalls a connection, answers 429s and 500s, compacts history
(→ 410) and restarts. Used by the CI test (few operations, several seeds) and by bench/convergence.py (more).

What is checked afterwards (`ConvergenceResult.problems()`):
- the informer's store equals the server's pods exactly (resourceVersion per key);
- every deleted pod was announced to the handler (as itself or as a DeletedFinalStateUnknown tombstone), and no
  live pod was announced deleted; names are never reused, so "deleted" is unambiguous;
- the handler never saw an object older than one it already had for that key (resourceVersion per key strictly
  increasing over adds and updates; a tombstone may repeat the last one seen);
- the handler's final view of every live pod is the server's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from kubeclient.cache import DeletedFinalStateUnknown, DeltaFIFO, deletion_handling_meta_namespace_key
from kubeclient.cache.aio import AsyncDynamicSharedInformerFactory
from kubeclient.cache.factory import DynamicSharedInformerFactory
from kubeclient.cache.reflector import Backoff
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.errors import StatusError, TransportError
from kubeclient.schema import GVR
from kubeclient.testing import FakeAPIServer, FaultRequest

PODS = GVR("", "v1", "pods")
STORAGE_KEY = ("", "pods")  # the fake server's storage key of core pods
NAMESPACES = ("default", "kube-system")
# threads and asyncio informers with the default in-order FIFO; "deltafifo": threads over the classic DeltaFIFO.
MODES = ("threads", "asyncio", "deltafifo")
FAULTS = ("close", "stall", "429", "500", "compact", "restart")
# How long a stalled watch stays silent before the reflector gives up on it (the client-side read timeout); the
# server sends bookmarks four times as often, so only a stalled watch is ever that silent.
WATCH_READ_TIMEOUT = 1.0
BOOKMARK_INTERVAL = 0.25
TARGET_POPULATION = 150


def _rv(obj: Any) -> int:
    return int(obj["metadata"]["resourceVersion"])


class HandlerAudit:
    """The informer handler: checks RV monotonicity per key as notifications arrive and keeps the last view."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.last_rv: dict[str, int] = {}
        self.view: dict[str, int] = {}
        self.deleted: set[str] = set()
        self.seen: set[str] = set()
        self.tombstones = 0
        self.violations: list[str] = []
        self.notifications = 0

    def _see(self, key: str, rv: int, what: str, *, allow_equal: bool = False) -> None:
        last = self.last_rv.get(key)
        if last is not None and (rv < last or (rv == last and not allow_equal)):
            self.violations.append(f"{what} {key} at resourceVersion {rv} after {last}")
        self.last_rv[key] = max(rv, last or 0)

    def on_add(self, obj: Any, is_in_initial_list: bool) -> None:
        key = deletion_handling_meta_namespace_key(obj)
        with self._lock:
            self.notifications += 1
            self._see(key, _rv(obj), "add")
            self.view[key] = _rv(obj)
            self.seen.add(key)

    def on_update(self, old: Any, new: Any) -> None:
        key = deletion_handling_meta_namespace_key(new)
        with self._lock:
            self.notifications += 1
            if _rv(old) != self.view.get(key):
                self.violations.append(f"update {key}: old object at {_rv(old)}, handler last saw {self.view.get(key)}")
            self._see(key, _rv(new), "update")
            self.view[key] = _rv(new)

    def on_delete(self, obj: Any) -> None:
        with self._lock:
            self.notifications += 1
            if isinstance(obj, DeletedFinalStateUnknown):
                self.tombstones += 1
                key, state = str(obj.key), obj.obj
            else:
                key, state = deletion_handling_meta_namespace_key(obj), obj
            if state is not None:
                self._see(key, _rv(state), "delete", allow_equal=True)
            self.deleted.add(key)
            self.view.pop(key, None)

    def snapshot(self) -> tuple[dict[str, int], set[str], set[str], list[str]]:
        """(view, keys ever added, keys announced deleted, violations)."""
        with self._lock:
            return dict(self.view), set(self.seen), set(self.deleted), list(self.violations)


@dataclass
class ConvergenceResult:
    seed: int
    ops: int
    mode: str
    write_seconds: float = 0.0
    converge_seconds: float = 0.0
    creates: int = 0
    updates: int = 0
    deletes: int = 0
    faults: list[str] = field(default_factory=list)
    writer_retries: int = 0
    watch_requests: int = 0
    list_requests: int = 0
    relists: int = 0
    tombstones: int = 0
    notifications: int = 0
    store_diff: list[str] = field(default_factory=list)
    handler_diff: list[str] = field(default_factory=list)
    missed_deletes: list[str] = field(default_factory=list)
    spurious_deletes: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        out: list[str] = []
        for label, items in (
            ("store differs from the server", self.store_diff),
            ("handler view differs from the server", self.handler_diff),
            ("deleted but never announced", self.missed_deletes),
            ("announced deleted but alive", self.spurious_deletes),
            ("resourceVersion went backwards", self.violations),
            ("informer did not recover", self.stuck),
        ):
            if items:
                out.append(f"{label} ({len(items)}): {items[:10]}")
        return out


def _diff(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    out = []
    for key in sorted(set(expected) | set(actual)):
        if expected.get(key) != actual.get(key):
            out.append(f"{key}: server {expected.get(key)}, informer {actual.get(key)}")
    return out


class _Requests:
    """Counts the informer's reads through the fault hook (a zero-delay rule that matches nothing)."""

    def __init__(self, server: FakeAPIServer) -> None:
        self.watches = 0
        self.lists = 0
        self.initial_events = 0
        self._lock = threading.Lock()
        self.install(server)

    def install(self, server: FakeAPIServer) -> None:
        """(Re)install the counting rule (`faults.clear()` removes it)."""
        server.faults.add_latency(0.0, match=self._count)

    def _count(self, request: FaultRequest) -> bool:
        if request.path.endswith("/pods") and request.verb in ("list", "watch"):
            with self._lock:
                if request.verb == "list":
                    self.lists += 1
                else:
                    self.watches += 1
                    if request.query.get("sendInitialEvents") == ["true"]:
                        self.initial_events += 1
        return False


def _is_informer_read(request: FaultRequest) -> bool:
    return request.path.endswith("/pods") and request.verb in ("list", "watch")


class _Writer:
    """Random pod writes with fresh names; retries what the faults (or a restart) make fail."""

    def __init__(
        self,
        dyn: DynamicClient,
        rng: random.Random,
        result: ConvergenceResult,
        *,
        namespaces: tuple[str, ...] = NAMESPACES,
        patience: float = 2.5,
    ) -> None:
        self.pods = dyn.resource(PODS, namespaced=True)
        self.rng = rng
        self.result = result
        self.namespaces = namespaces
        self.patience = patience  # how long a write is retried (a restarting kube-apiserver takes seconds)
        self.live: dict[str, tuple[str, str]] = {}  # key -> (namespace, name)
        self.deleted: set[str] = set()
        self._serial = 0

    def _retry(self, call: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + self.patience
        while True:
            try:
                return call()
            except (httpx.TransportError, TransportError, StatusError) as err:
                if isinstance(err, StatusError) and err.code not in (429, 500, 503):
                    raise
                if time.monotonic() > deadline:
                    raise RuntimeError(f"writer: giving up after {self.patience} s: {err}") from err
                self.result.writer_retries += 1
                time.sleep(0.05)

    def step(self) -> None:
        population = len(self.live)
        roll = self.rng.random()
        create_p = 0.6 if population < TARGET_POPULATION else 0.25
        if population == 0 or roll < create_p:
            self._create()
        elif roll < create_p + (1 - create_p) * 0.6:
            self._update()
        else:
            self._delete()

    def _create(self) -> None:
        self._serial += 1
        namespace = self.rng.choice(self.namespaces)
        name = f"pod-{self._serial}"
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": {"gen": "0"}},
            "spec": {"containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10"}]},
        }
        client = self.pods.namespace(namespace)

        def create() -> Any:
            try:
                return client.create(body)
            except StatusError as err:
                if err.code == 409:  # the first attempt landed before a connection failure hid the answer
                    return client.get(name)
                raise

        self._retry(create)
        self.live[f"{namespace}/{name}"] = (namespace, name)
        self.result.creates += 1

    def _pick(self) -> tuple[str, str, str]:
        key = self.rng.choice(sorted(self.live))
        namespace, name = self.live[key]
        return key, namespace, name

    def _update(self) -> None:
        _, namespace, name = self._pick()
        client = self.pods.namespace(namespace)
        patch = {"metadata": {"labels": {"gen": str(self.rng.randrange(1_000_000))}}}
        self._retry(lambda: client.patch(name, patch))
        self.result.updates += 1

    def _delete(self) -> None:
        key, namespace, name = self._pick()
        client = self.pods.namespace(namespace)

        def delete() -> None:
            try:
                client.delete(name)
            except StatusError as err:
                if err.code != 404:  # 404: an earlier attempt deleted it
                    raise

        self._retry(delete)
        del self.live[key]
        self.deleted.add(key)
        self.result.deletes += 1


def _inject(server: FakeAPIServer, fault: str) -> None:
    faults = server.faults
    if fault == "close":
        faults.close_watches()
    elif fault == "stall":
        faults.stall_watches()
    elif fault == "429":
        # Without Retry-After the REST layer hands the 429 to the reflector, which backs off and watches again.
        faults.fail_next(2, status=429, retry_after=None, match=_is_informer_read)
        faults.close_watches()
    elif fault == "500":
        faults.fail_next(1, status=500, retry_after=None, match=_is_informer_read)
        faults.close_watches()
    elif fault == "compact":
        faults.compact()
        faults.close_watches()
    elif fault == "restart":
        faults.restart()
    else:
        raise ValueError(f"unknown fault {fault!r}")


class _AsyncInformerThread:
    """The asyncio informer, on an event loop of its own thread (the writer stays synchronous)."""

    def __init__(self, cfg: Any, audit: HandlerAudit, reflector_options: dict[str, Any], namespace: str = "") -> None:
        self._cfg = cfg
        self._namespace = namespace
        self._audit = audit
        self._options = reflector_options
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.store: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="async-informer", daemon=True)

    def start(self, timeout: float) -> None:
        self._thread.start()
        if not self._ready.wait(timeout) or self.error is not None:
            raise RuntimeError(f"the asyncio informer did not sync: {self.error!r}")

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as err:
            self.error = err
            self._ready.set()

    async def _run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with AsyncDynamicClient.for_config(self._cfg) as dyn:
            factory = AsyncDynamicSharedInformerFactory(dyn, namespace=self._namespace, reflector_options=self._options)
            informer = factory.for_resource(PODS).informer()
            informer.add_event_handler(self._audit)
            self.store = informer.get_store()
            factory.start()
            synced = await factory.wait_for_cache_sync(30)
            if not all(synced.values()):
                raise RuntimeError("asyncio informer did not sync")
            self._ready.set()
            await self._stop.wait()
            await factory.shutdown()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def _delta_fifo(key_func: Callable[[Any], str], known_objects: Any) -> DeltaFIFO:
    """The classic per-key queue (client-go before the in-order FIFO) instead of the default RealFIFO."""
    return DeltaFIFO(key_func=key_func, known_objects=known_objects)


def _healthy_watch(server: FakeAPIServer) -> bool:
    """Whether the informer has an open, non-stalled watch on the server."""
    return any(not w.closed.is_set() and not w.stalled.is_set() for w in server.api.open_watchers())


def _wait_healthy(server: FakeAPIServer, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not _healthy_watch(server):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def run_convergence(
    seed: int,
    ops: int,
    *,
    mode: str = "threads",
    faults: int = 12,
    fast_backoff: bool = True,
    converge_timeout: float = 30.0,
    recover_timeout: float = 15.0,
) -> ConvergenceResult:
    """One run (see the module docstring) in one of `MODES`. `faults` faults are spread evenly over the `ops`
    writes, each injected only once the informer holds a healthy watch again (so every fault hits a live stream,
    and an informer that fails to recover within `recover_timeout` is a failure). `fast_backoff` shortens the
    reflector's back-off (50 ms doubling to 0.5 s instead of 800 ms to 30 s) so a CI run is quick; the rules are
    the same."""
    rng = random.Random(seed)
    result = ConvergenceResult(seed=seed, ops=ops, mode=mode)
    audit = HandlerAudit()
    with FakeAPIServer(bookmark_interval=BOOKMARK_INTERVAL) as server:
        # Client-side throttling (QPS 5) would make this a test of the token bucket.
        cfg = dataclasses.replace(server.config(), qps=-1.0)
        requests = _Requests(server)
        reflector_options: dict[str, Any] = {
            "watch_read_timeout": WATCH_READ_TIMEOUT,
            "min_watch_timeout": 5.0,  # watches also end by themselves every 5-10 s
            "rng": random.Random(seed + 1),
        }
        if fast_backoff:
            reflector_options["backoff"] = Backoff(initial=0.05, cap=0.5, rng=random.Random(seed + 2))
        async_informer: _AsyncInformerThread | None = None
        factory: DynamicSharedInformerFactory | None = None
        informer_client: DynamicClient | None = None
        with DynamicClient.for_config(cfg) as writer_client:
            writer = _Writer(writer_client, rng, result)
            for _ in range(min(50, ops // 4)):  # something to list before the informer starts
                writer.step()
            if mode in ("threads", "deltafifo"):
                informer_client = DynamicClient.for_config(cfg)
                factory = DynamicSharedInformerFactory(
                    informer_client,
                    reflector_options=reflector_options,
                    queue_factory=_delta_fifo if mode == "deltafifo" else None,
                )
                informer = factory.for_resource(PODS).informer()
                informer.add_event_handler(audit)
                store = informer.get_store()
                factory.start()
                if not all(factory.wait_for_cache_sync(30).values()):
                    raise RuntimeError("informer did not sync")
            elif mode == "asyncio":
                async_informer = _AsyncInformerThread(cfg, audit, reflector_options)
                async_informer.start(30)
                store = async_informer.store
            else:
                raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
            try:
                schedule = [FAULTS[i % len(FAULTS)] for i in range(faults)]
                rng.shuffle(schedule)
                remaining = ops - result.creates - result.updates - result.deletes
                every = max(1, remaining // (faults + 1))
                start = time.monotonic()
                for i in range(remaining):
                    writer.step()
                    if schedule and (i + 1) % every == 0:
                        fault = schedule.pop()
                        if not _wait_healthy(server, recover_timeout):
                            result.stuck.append(f"no healthy watch {recover_timeout} s after {result.faults[-1:]}")
                        _inject(server, fault)
                        result.faults.append(fault)
                result.write_seconds = time.monotonic() - start
                server.faults.clear()
                requests.install(server)
                start = time.monotonic()
                expected = _server_state(server)
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
        # Objects created and deleted while the informer was cut off were never seen: nothing to announce.
        result.missed_deletes = sorted((writer.deleted & seen) - announced)
        result.spurious_deletes = sorted(announced - writer.deleted)
        result.violations = violations
        result.tombstones = audit.tombstones
        result.notifications = audit.notifications
        result.watch_requests = requests.watches
        result.list_requests = requests.lists
        result.relists = requests.initial_events + requests.lists
        if set(expected) != set(writer.live):
            stray = sorted(set(expected) ^ set(writer.live))[:5]
            result.store_diff.append(f"writer bookkeeping differs from the server: {stray}")
    return result


def _server_state(server: FakeAPIServer) -> dict[str, int]:
    items, _ = server.store.snapshot(STORAGE_KEY, None)
    return {deletion_handling_meta_namespace_key(o): _rv(o) for o in items}
