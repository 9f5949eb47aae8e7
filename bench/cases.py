"""How each library decodes a PodList into its own typed objects and encodes it back.

Each case is looked up by name inside a fresh interpreter (see measure.py), so one library's imports never
colour another's numbers. The peers run from bench/.venv-peers, ours from the project's environment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Decode = Callable[[bytes], Any]
Encode = Callable[[Any], bytes]


def kubeclient_case() -> tuple[Decode, Encode]:
    from kubeapi.core.v1 import PodList

    return PodList.from_json, lambda obj: obj.to_json()


def json_case() -> tuple[Decode, Encode]:
    return json.loads, lambda obj: json.dumps(obj).encode()


def orjson_case() -> tuple[Decode, Encode]:
    import orjson

    return orjson.loads, orjson.dumps


def lightkube_case() -> tuple[Decode, Encode]:
    import msgspec
    from lightkube.core import decoders
    from lightkube.resources.core_v1 import Pod

    def decode(data: bytes) -> Any:
        return decoders.decode_list(data, Pod)

    def encode(decoded: Any) -> bytes:
        _cont, _rv, items = decoded
        return msgspec.json.encode({"items": items})

    return decode, encode


def kubernetes_case() -> tuple[Decode, Encode]:
    from kubernetes.client import ApiClient

    client = ApiClient()

    def decode(data: bytes) -> Any:
        # What the generated API does with a response body (kubernetes 37: text + content type).
        return client.deserialize(data.decode(), "V1PodList", "application/json")

    def encode(obj: Any) -> bytes:
        return json.dumps(client.sanitize_for_serialization(obj)).encode()

    return decode, encode


def kubernetes_asyncio_case() -> tuple[Decode, Encode]:
    import asyncio

    from kubernetes_asyncio.client import ApiClient

    async def make_client() -> Any:
        return ApiClient()  # its constructor needs a running loop; decoding does not

    client = asyncio.run(make_client())

    class _Response:
        def __init__(self, data: bytes) -> None:
            self.data = data

    def decode(data: bytes) -> Any:
        return client.deserialize(_Response(data), "V1PodList")

    def encode(obj: Any) -> bytes:
        return json.dumps(client.sanitize_for_serialization(obj)).encode()

    return decode, encode


def kr8s_case() -> tuple[Decode, Encode]:
    import os
    import tempfile

    # kr8s objects want an API handle; a kubeconfig naming an unreachable cluster gives one without I/O.
    kubeconfig = os.path.join(tempfile.mkdtemp(), "config")
    with open(kubeconfig, "w") as f:
        f.write(
            "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n"
            "users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
            "current-context: x\n"
        )
    os.environ["KUBECONFIG"] = kubeconfig
    import importlib

    from kr8s.objects import Pod

    api_module = importlib.import_module("kr8s._api")  # kr8s.__init__ shadows the module name with a function

    async def no_version_check(self: Any) -> None:
        return None  # creating the handle would GET /version; decoding needs no server

    api_module.Api._check_version = no_version_check

    def decode(data: bytes) -> Any:
        return [Pod(item) for item in json.loads(data)["items"]]

    def encode(pods: Any) -> bytes:
        return json.dumps({"items": [p.raw for p in pods]}).encode()

    return decode, encode


def cloudcoil_case() -> tuple[Decode, Encode]:
    from cloudcoil.models.kubernetes.core.v1 import Pod
    from cloudcoil.resources import ResourceList

    pod_list = ResourceList[Pod]  # what cloudcoil's client decodes a list into

    def decode(data: bytes) -> Any:
        return pod_list.model_validate_json(data)

    def encode(obj: Any) -> bytes:
        return obj.model_dump_json(by_alias=True, exclude_none=True).encode()

    return decode, encode


def with_unknown_fields(data: bytes) -> bytes:
    """The same list as a server newer than our models sends it: every pod carries fields the models do not know, at
    five depths (metadata, spec, a container, status, a container status)."""
    body = json.loads(data)
    for index, pod in enumerate(body["items"]):
        pod["metadata"]["futureMetadataField"] = f"value-{index}"
        pod["spec"]["futureSchedulingHint"] = {"mode": "Spread", "weight": index % 7}
        pod["spec"]["containers"][0]["futureRestartRules"] = [{"action": "Restart", "onExitCodes": [42]}]
        pod["status"]["futureResizeStatus"] = None
        for status in pod["status"].get("containerStatuses") or []:
            status["futureStopSignal"] = "SIGTERM"
    return json.dumps(body, separators=(",", ":")).encode()


NEWER = "kubeclient, unknown fields"

CASES: dict[str, Callable[[], tuple[Decode, Encode]]] = {
    "kubeclient": kubeclient_case,
    NEWER: kubeclient_case,
    "json.loads": json_case,
    "orjson": orjson_case,
    "lightkube": lightkube_case,
    "kubernetes": kubernetes_case,
    "kubernetes_asyncio": kubernetes_asyncio_case,
    "kr8s": kr8s_case,
    "cloudcoil": cloudcoil_case,
}

# What a user types to get a client and the Pod type, timed in a fresh interpreter ("python": nothing, the bare
# interpreter's RSS the others are read against).
IMPORTS: dict[str, str] = {
    "python": "pass",
    "kubeclient": "from kubeapi import Clientset; from kubeapi.core.v1 import Pod",
    "lightkube": "from lightkube import Client; from lightkube.resources.core_v1 import Pod",
    "kubernetes": "from kubernetes import client, config; from kubernetes.client import V1Pod",
    "kubernetes_asyncio": "from kubernetes_asyncio import client, config; from kubernetes_asyncio.client import V1Pod",
    "kr8s": "import kr8s; from kr8s.objects import Pod",
    "cloudcoil": "from cloudcoil.client import Config; from cloudcoil.models.kubernetes.core.v1 import Pod",
}

# Cases that decode the list in another shape than it was written (the same pods, with what a newer server adds).
PREPARE: dict[str, Callable[[bytes], bytes]] = {NEWER: with_unknown_fields}
