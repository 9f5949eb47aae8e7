"""The fake API server the watch and informer benchmarks read from, started and filled once by run.py.

Plain HTTP (`tls=False`), so the peers need no CA; the kubeconfig it writes carries the admin token. The pods are
the synthetic ones of podlist.py as a client would create them: no status and none of the fields the server sets
(uid, resourceVersion, creationTimestamp, managedFields); the server adds its own metadata and managedFields, so
each watch event is about the size of a busy cluster's pod.
"""

from __future__ import annotations

import dataclasses
import random
import time
from pathlib import Path
from typing import Any

from podlist import make_pod

NAMESPACE = "bench"
SERVER_SET = ("resourceVersion", "uid", "creationTimestamp", "managedFields", "namespace")


@dataclasses.dataclass
class Cluster:
    server: Any  # kubeclient.testing.FakeAPIServer
    kubeconfig: Path
    namespace: str
    rv: str  # the resourceVersion before the pods were created: a watch from it sees them all as ADDED
    pods: int
    create_s: float

    def stop(self) -> None:
        self.server.stop()


def creatable_pod(rng: random.Random, index: int) -> dict[str, Any]:
    pod = make_pod(rng, index)
    for key in SERVER_SET:
        pod["metadata"].pop(key, None)
    pod.pop("status", None)
    return pod


def start(pods: int, workdir: Path, seed: int = 1) -> Cluster:
    from kubeclient.dynamic import DynamicClient
    from kubeclient.schema import GVR
    from kubeclient.testing import FakeAPIServer

    # Each watch run replays the creations from the history, so it must hold them all.
    server = FakeAPIServer(tls=False, history_limit=max(100_000, 2 * pods)).start()
    try:
        kubeconfig = server.write_kubeconfig(workdir / "kubeconfig")
        # No client-side rate limit: the default 5 QPS would make filling the server take minutes.
        config = dataclasses.replace(server.config(), qps=0)
        with DynamicClient.for_config(config) as dyn:
            dyn.resource(GVR("", "v1", "namespaces")).create({"metadata": {"name": NAMESPACE}})
            client = dyn.resource(GVR("", "v1", "pods")).namespace(NAMESPACE)
            rv = client.list(limit=1)["metadata"]["resourceVersion"]
            rng = random.Random(seed)
            t = time.perf_counter()
            for i in range(pods):
                client.create(creatable_pod(rng, i))
            create_s = time.perf_counter() - t
    except BaseException:
        server.stop()
        raise
    return Cluster(server, kubeconfig, NAMESPACE, str(rv), pods, create_s)
