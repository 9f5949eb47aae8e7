"""How each library watches pods into its own typed objects, and how our informer's cache compares with plain dicts.

Run inside the measured interpreter (see measure.py) against the fake API server that run.py started and filled
(see fakecluster.py). Every watch starts at the same resourceVersion, so every library receives the same ADDED
events over one connection; the clock runs from the first event to the last, which leaves out connection set-up
and each library's lazy first-use work. Beside wall time we take the process's CPU time over the same span: the
fake server is Python too and may be slower than the fastest clients, and CPU per event is what the client spends
whether or not it waits for the server.
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any


class Counter:
    """Counts ADDED events; `seen` says when the last one has arrived."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.n = 0
        self.object_type = ""
        self.wall = (0.0, 0.0)
        self.cpu = (0.0, 0.0)

    def seen(self, event_type: str, obj: Any) -> bool:
        if event_type != "ADDED":
            return False
        self.n += 1
        if self.n == 1:
            self.object_type = f"{type(obj).__module__}.{type(obj).__qualname__}"
            self.wall = (time.perf_counter(), 0.0)
            self.cpu = (time.process_time(), 0.0)
        if self.n < self.count:
            return False
        self.wall = (self.wall[0], time.perf_counter())
        self.cpu = (self.cpu[0], time.process_time())
        return True

    def result(self) -> dict[str, Any]:
        if self.n < self.count:
            raise RuntimeError(f"the watch ended after {self.n} of {self.count} ADDED events")
        events = self.count - 1  # the first event starts the clock
        wall = self.wall[1] - self.wall[0]
        cpu = self.cpu[1] - self.cpu[0]
        return {
            "events": events,
            "watch_s": wall,
            "events_per_s": events / wall if wall > 0 else 0.0,
            "cpu_us_per_event": cpu / events * 1e6 if events else 0.0,
            "object_type": self.object_type,
        }


Watch = Callable[[str, str, str, Counter], None]


def watch_kubeclient(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    from kubeapi import Clientset
    from kubeclient.config import load_config

    with (
        Clientset.for_config(load_config(kubeconfig)) as cs,
        cs.core_v1.pods(namespace).watch(resource_version=rv) as w,
    ):
        for event in w:
            if counter.seen(event.type, event.object):
                break


def watch_kubeclient_asyncio(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    import asyncio

    from kubeapi import AsyncClientset
    from kubeclient.config import load_config

    async def run() -> None:
        async with (
            AsyncClientset.for_config(load_config(kubeconfig)) as cs,
            cs.core_v1.pods(namespace).watch(resource_version=rv) as w,
        ):
            async for event in w:
                if counter.seen(event.type, event.object):
                    break

    asyncio.run(run())


def watch_raw(loads: Callable[[bytes], Any]) -> Watch:
    """The floor: the same stream read with httpx and parsed into dicts, no typed objects."""

    def watch(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
        import httpx

        config = json.loads(Path(kubeconfig).read_text())
        server = config["clusters"][0]["cluster"]["server"]
        token = config["users"][0]["user"]["token"]
        url = f"{server}/api/v1/namespaces/{namespace}/pods"
        params = {"watch": "1", "resourceVersion": rv}
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(timeout=None) as client, client.stream("GET", url, params=params, headers=headers) as r:
            r.raise_for_status()
            rest = b""
            for chunk in r.iter_raw():
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    event = loads(line)
                    if counter.seen(event["type"], event["object"]):
                        return

    return watch


def watch_orjson(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    import orjson

    watch_raw(orjson.loads)(kubeconfig, namespace, rv, counter)


def watch_lightkube(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    from lightkube import Client, KubeConfig
    from lightkube.resources.core_v1 import Pod

    client = Client(config=KubeConfig.from_file(kubeconfig))
    for event_type, pod in client.watch(Pod, namespace=namespace, resource_version=rv):
        if counter.seen(event_type, pod):
            break


def watch_kubernetes(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    from kubernetes import client, config, watch

    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_pod, namespace, resource_version=rv):
        if counter.seen(event["type"], event["object"]):
            w.stop()
            break


def watch_kubernetes_asyncio(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    import asyncio

    from kubernetes_asyncio import client, config, watch

    async def run() -> None:
        await config.load_kube_config(config_file=kubeconfig)
        async with client.ApiClient() as api:
            v1 = client.CoreV1Api(api)
            async with watch.Watch() as w:
                async for event in w.stream(v1.list_namespaced_pod, namespace, resource_version=rv):
                    if counter.seen(event["type"], event["object"]):
                        w.stop()
                        break

    asyncio.run(run())


def watch_kr8s(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    import asyncio

    import kr8s.asyncio

    async def run() -> None:
        # kr8s's asyncio API: its sync one runs this same generator on a helper thread.
        api = await kr8s.asyncio.api(kubeconfig=kubeconfig)
        async for event_type, pod in api.watch("pods", namespace=namespace, since=rv):
            if counter.seen(event_type, pod):
                break

    asyncio.run(run())


def watch_cloudcoil(kubeconfig: str, namespace: str, rv: str, counter: Counter) -> None:
    from cloudcoil.client import Config
    from cloudcoil.models.kubernetes.core.v1 import Pod

    with Config(kubeconfig=kubeconfig):
        for event_type, pod in Pod.watch(namespace=namespace, resource_version=rv):
            if counter.seen(event_type, pod):
                break


WATCHES: dict[str, Watch] = {
    "kubeclient": watch_kubeclient,
    "kubeclient-asyncio": watch_kubeclient_asyncio,
    "json.loads": watch_raw(json.loads),
    "orjson": watch_orjson,
    "lightkube": watch_lightkube,
    "kubernetes": watch_kubernetes,
    "kubernetes_asyncio": watch_kubernetes_asyncio,
    "kr8s": watch_kr8s,
    "cloudcoil": watch_cloudcoil,
}


def watch_throughput(case: str, kubeconfig: str, namespace: str, rv: str, count: int) -> dict[str, Any]:
    counter = Counter(count)
    WATCHES[case](kubeconfig, namespace, rv, counter)
    return counter.result()


# informer memory


def _rss_bytes() -> int:
    """Resident memory now (not the peak): the informer is measured while it holds its cache."""
    import os

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _hold_informer(kubeconfig: str, namespace: str, count: int) -> Callable[[], tuple[object, Callable[[], None]]]:
    """Our typed pod informer, synced; gives (what it holds, how to stop it)."""
    from kubeapi import Clientset
    from kubeapi.core.v1 import Pod
    from kubeapi.informers import SharedInformerFactory
    from kubeclient.config import load_config

    cs = Clientset.for_config(load_config(kubeconfig))
    # First use builds decoders and loads modules; that is not the cache's memory.
    cs.core_v1.pods(namespace).list(limit=1)
    Pod.from_json(json.dumps({"metadata": {"name": "warm"}}).encode())

    def start() -> tuple[object, Callable[[], None]]:
        factory = SharedInformerFactory(cs, namespace=namespace)
        pods = factory.core_v1.pods()
        pods.informer()
        factory.start()
        if not all(factory.wait_for_cache_sync(timeout=600).values()):
            raise RuntimeError("the pod informer did not sync")
        held = pods.lister().list()
        if len(held) != count:
            raise RuntimeError(f"the informer holds {len(held)} pods, expected {count}")

        def stop() -> None:
            factory.shutdown()
            cs.close()

        return pods, stop

    return start


def _hold_dicts(kubeconfig: str, namespace: str, count: int) -> Callable[[], tuple[object, Callable[[], None]]]:
    """The baseline: the same pods from one LIST, parsed by json.loads and kept by namespace/name like a store."""
    import httpx

    config = json.loads(Path(kubeconfig).read_text())
    server = config["clusters"][0]["cluster"]["server"]
    headers = {"Authorization": f"Bearer {config['users'][0]['user']['token']}"}
    client = httpx.Client(base_url=server, headers=headers, timeout=None)
    client.get(f"/api/v1/namespaces/{namespace}/pods", params={"limit": "1"}).raise_for_status()

    def start() -> tuple[object, Callable[[], None]]:
        response = client.get(f"/api/v1/namespaces/{namespace}/pods")
        response.raise_for_status()
        items = json.loads(response.content)["items"]
        del response
        store = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in items}
        if len(store) != count:
            raise RuntimeError(f"the list holds {len(store)} pods, expected {count}")
        return store, client.close

    return start


HOLDERS = {"kubeclient": _hold_informer, "dicts": _hold_dicts}


def informer_memory(case: str, how: str, kubeconfig: str, namespace: str, count: int) -> dict[str, Any]:
    """Memory the synced cache holds: by tracemalloc (Python allocations still alive) or by resident-set growth
    (what the OS sees, allocator slack included); each in its own interpreter, tracemalloc's book-keeping would
    swell the RSS."""
    start = HOLDERS[case](kubeconfig, namespace, count)
    gc.collect()
    if how == "tracemalloc":
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        held, stop = start()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        key = "held_mb"
    else:
        base = _rss_bytes()
        held, stop = start()
        gc.collect()
        grown = _rss_bytes() - base
        key = "rss_mb"
    stop()
    del held
    return {key: grown / 1e6}


# informer sync time


ListOnce = Callable[[int | None], list[tuple[str, Any]]]


def _list_lightkube(kubeconfig: str, namespace: str, resource: str) -> ListOnce:
    from lightkube import Client, KubeConfig
    from lightkube.resources.core_v1 import ConfigMap, Pod

    client = Client(config=KubeConfig.from_file(kubeconfig))
    kind = {"pods": Pod, "configmaps": ConfigMap}[resource]

    def list_once(limit: int | None) -> list[tuple[str, Any]]:
        if limit:  # chunk_size pages on through the whole list as it is iterated: stop after the first page
            first = client.list(kind, namespace=namespace, chunk_size=limit)
            return [(o.metadata.name, o) for _, o in zip(range(limit), first, strict=False)]
        return [(o.metadata.name, o) for o in client.list(kind, namespace=namespace)]

    return list_once


def _list_kubernetes(kubeconfig: str, namespace: str, resource: str) -> ListOnce:
    from kubernetes import client, config

    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    call = {"pods": v1.list_namespaced_pod, "configmaps": v1.list_namespaced_config_map}[resource]

    def list_once(limit: int | None) -> list[tuple[str, Any]]:
        answer = call(namespace, limit=limit) if limit else call(namespace)
        return [(o.metadata.name, o) for o in answer.items]

    return list_once


def _read_watch_list(kubeconfig: str, namespace: str, resource: str) -> ListOnce:
    """The floor of a JSON sync: the same WatchList request written on a TLS socket and its answer read in 256 KiB
    blocks, never parsed: only the chunked coding is undone, to count objects by their `"type":"ADDED"` (a chunk may
    split one); the read ends at the initial-events-end bookmark. What the server takes to send it bounds every JSON
    client's sync."""
    import socket
    from urllib.parse import urlencode, urlsplit

    from kubeclient.config import load_config
    from kubeclient.rest.chunked import ChunkedDecoder

    cfg = load_config(kubeconfig)
    if cfg.auth_kind != "client-certificate":
        raise ValueError(f"the JSON floor authenticates with a client certificate; {kubeconfig} has {cfg.auth_kind}")
    server = urlsplit(cfg.host)
    host, port = server.hostname or "127.0.0.1", server.port or 443
    tls = cfg.ssl_context()
    marker, added = b"k8s.io/initial-events-end", b'"type":"ADDED"'

    def request(query: dict[str, str]) -> bytes:
        path = f"/api/v1/namespaces/{namespace}/{resource}?{urlencode(query)}"
        return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode()

    def list_once(limit: int | None) -> list[tuple[str, Any]]:
        with socket.create_connection((host, port)) as raw, tls.wrap_socket(raw, server_hostname=host) as conn:
            if limit:  # the warm-up: the handshake's code paths
                conn.sendall(request({"limit": str(limit)}))
                conn.recv(1 << 16)
                return [(str(i), None) for i in range(limit)]
            query = {"watch": "1", "sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan"}
            conn.sendall(request({**query, "allowWatchBookmarks": "true"}))
            block = bytearray(1 << 18)
            count, tail, body = 0, b"", ChunkedDecoder()
            head: bytes | None = b""
            while read := conn.recv_into(block):
                data = bytes(block[:read])
                if head is not None:  # the status line and headers come first
                    head += data
                    if b"\r\n\r\n" not in head:
                        continue
                    data = head.split(b"\r\n\r\n", 1)[1]
                    head = None
                joined = tail + body.feed(data)
                count += joined.count(added) - tail.count(added)
                if marker in joined:
                    break
                tail = joined[-64:]
        return [(str(i), None) for i in range(count)]

    return list_once


# What a user of a client with no informer writes: one LIST into a dict keyed namespace/name, then a watch from the
# list's resourceVersion. The cache is synced once the list is stored, so the watch is not part of the sync.
LIST_LOOPS: dict[str, Callable[[str, str, str], ListOnce]] = {
    "lightkube": _list_lightkube,
    "kubernetes": _list_kubernetes,
    "json-floor": _read_watch_list,
}


RESOURCES = {"pods": "pods", "configmaps": "config_maps"}


def informer_sync(
    case: str, kubeconfig: str, namespace: str, count: int, *, resource: str = "pods", held: bool = False
) -> dict[str, Any]:
    """Time and CPU from starting our typed informer on `resource` (WatchList, as client-go's) to its cache synced,
    as `clientgo-bench informer` measures client-go's; modules are loaded and a connection is made before the
    clock. `case` is "kubeclient" (threads), "kubeclient-asyncio", or a peer's list loop (LIST_LOOPS). With
    `held`, the sync is instead traced (tracemalloc, so its time is not reported) and the memory the synced cache
    holds is given."""
    import asyncio

    if case not in ("kubeclient", "kubeclient-asyncio", *LIST_LOOPS):
        raise ValueError(f"no informer case {case!r}")
    clock: dict[str, Any] = {}

    def begin() -> None:
        gc.collect()
        if held:
            tracemalloc.start()
            clock["base"] = tracemalloc.get_traced_memory()[0]
        clock["wall"], clock["cpu"] = time.perf_counter(), time.process_time()

    def end(objects: int, synced: bool) -> dict[str, Any]:
        wall, cpu = time.perf_counter() - clock["wall"], time.process_time() - clock["cpu"]
        if not synced or objects != count:
            raise RuntimeError(f"the informer synced {objects} of {count} {resource}")
        if held:
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - clock["base"]
            tracemalloc.stop()
            return {"objects": objects, "held_mb": grown / 1e6}
        return {"objects": objects, "sync_s": wall, "cpu_s": cpu}

    if case in LIST_LOOPS:
        list_once = LIST_LOOPS[case](kubeconfig, namespace, resource)
        list_once(1)  # warm: modules, models and the connection, as for ours
        begin()
        store = {f"{namespace}/{name}": obj for name, obj in list_once(None)}
        return end(len(store), True)

    from kubeclient.config import load_config

    attr = RESOURCES[resource]
    cfg = load_config(kubeconfig)
    if case == "kubeclient":
        from kubeapi import Clientset
        from kubeapi.informers import SharedInformerFactory

        cs = Clientset.for_config(cfg)
        getattr(cs.core_v1, attr)(namespace).list(limit=1)
        factory = SharedInformerFactory(cs, namespace=namespace)
        informer = getattr(factory.core_v1, attr)()
        informer.informer()
        begin()
        factory.start()
        synced = all(factory.wait_for_cache_sync(timeout=600, poll=0.001).values())
        result = end(len(informer.lister().list()), synced)
        factory.shutdown()
        cs.close()
        return result

    async def run() -> dict[str, Any]:
        from kubeapi import AsyncClientset
        from kubeapi.informers import AsyncSharedInformerFactory

        acs = AsyncClientset.for_config(cfg)
        await getattr(acs.core_v1, attr)(namespace).list(limit=1)
        factory = AsyncSharedInformerFactory(acs, namespace=namespace)
        informer = getattr(factory.core_v1, attr)()
        informer.informer()
        begin()
        factory.start()
        synced = all((await factory.wait_for_cache_sync(timeout=600, poll=0.001)).values())
        result = end(len(informer.lister().list()), synced)
        await factory.shutdown()
        await acs.aclose()
        return result

    return asyncio.run(run())
