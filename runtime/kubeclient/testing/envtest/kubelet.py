"""The kubelet streaming stub beside a bare control plane: a Node whose kubelet endpoint is the stub, and Pods bound
to it that report Running, so exec, attach, port-forward and logs go through kube-apiserver as on a real cluster
(kube-apiserver turns a WebSocket client's stream into SPDY towards the kubelet).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kubeclient.config import Config
from kubeclient.testing.envtest.errors import ControlPlaneError
from kubeclient.testing.envtest.process import Process, free_port

NODE_NAME = "envtest-kubelet"
STUB_START_TIMEOUT = 10.0


class KubeletStub:
    def __init__(self, binary: Path, work_dir: Path, node_name: str = NODE_NAME) -> None:
        self.node_name = node_name
        self.port = free_port()
        self._process = Process(
            "kubelet-streaming-stub", [str(binary), f"--port={self.port}"], work_dir / "kubelet-streaming-stub.log"
        )

    def start(self, config: Config) -> None:
        self._process.start()
        deadline = time.monotonic() + STUB_START_TIMEOUT
        while True:
            if self._process.exit_code() is not None:
                raise ControlPlaneError(
                    f"kubelet-streaming-stub exited with code {self._process.exit_code()}:\n{self._process.log_tail()}"
                )
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise ControlPlaneError(
                        f"kubelet-streaming-stub did not listen on 127.0.0.1:{self.port} within "
                        f"{STUB_START_TIMEOUT:g} s:\n{self._process.log_tail()}"
                    ) from None
                time.sleep(0.05)
        self._register_node(config)

    def stop(self) -> None:
        self._process.stop(5.0)

    def _register_node(self, config: Config) -> None:
        from kubeclient.dynamic import DynamicClient
        from kubeclient.schema import GVR

        with DynamicClient.for_config(config) as dyn:
            nodes = dyn.resource(GVR("", "v1", "nodes"), namespaced=False)
            nodes.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": self.node_name}})
            # Only an InternalIP: kube-apiserver tries a Hostname address first, and this one would not resolve.
            status = {
                "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": self.port}},
                "conditions": [
                    {
                        "type": "Ready",
                        "status": "True",
                        "reason": "KubeletReady",
                        "message": "kubelet-streaming-stub is serving",
                    }
                ],
            }
            nodes.patch(self.node_name, {"status": status}, "merge", subresource="status")

    def create_running_pod(
        self,
        config: Config,
        namespace: str,
        name: str,
        containers: Sequence[str],
        labels: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        from kubeclient.dynamic import DynamicClient
        from kubeclient.schema import GVR

        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        pod: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
            "spec": {
                "nodeName": self.node_name,
                "containers": [{"name": c, "image": "kubelet-streaming-stub"} for c in containers],
            },
        }
        status = {
            "phase": "Running",
            "hostIP": "127.0.0.1",
            "podIP": "127.0.0.1",
            "startTime": now,
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": now}
                for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "containerStatuses": [
                {
                    "name": c,
                    "image": "kubelet-streaming-stub",
                    "imageID": "",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": now}},
                }
                for c in containers
            ],
        }
        with DynamicClient.for_config(config) as dyn:
            pods = dyn.resource(GVR("", "v1", "pods"), namespaced=True).namespace(namespace)
            pods.create(pod)
            result: dict[str, Any] = pods.patch(name, {"status": status}, "merge", subresource="status")
            return result
