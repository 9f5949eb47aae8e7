"""Protobuf at the fake server's edge: request bodies in Kubernetes protobuf become the JSON objects the rest of
the fake works with, and answers go out in protobuf when the client's Accept header prefers it (built-in kinds
only, as kube-apiserver: custom resources and Tables stay JSON). Watches of built-in kinds stream length-prefixed
protobuf WatchEvents (`watch_protobuf`, `watch_encoder`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubeclient.testing.protobuf import ProtobufError, default_codec, watch_frame
from kubeclient.testing.status import bad_request, not_acceptable

if TYPE_CHECKING:
    from kubeclient.testing.api import Response

PROTOBUF = "application/vnd.kubernetes.protobuf"
JSON = "application/json"
# kube-apiserver names a protobuf watch stream so, whether or not the Accept entry carried the parameter.
WATCH_PROTOBUF = f"{PROTOBUF};stream=watch"
# What kube-apiserver lists when it cannot answer a custom resource in the only media type asked for (observed).
CUSTOM_RESOURCE_MEDIA = [JSON, "application/yaml", PROTOBUF]

__all__ = [
    "PROTOBUF",
    "WATCH_PROTOBUF",
    "answer_protobuf",
    "default_codec",
    "protobuf_body",
    "watch_encoder",
    "watch_protobuf",
]

WatchEncoder = Callable[[str, dict[str, Any]], bytes]


def protobuf_body(body: bytes) -> Any:
    """A protobuf request body as JSON; 400 worded as kube-apiserver words undecodable bodies."""
    codec = default_codec()
    assert codec is not None
    try:
        return codec.decode(body)
    except (ProtobufError, UnicodeDecodeError, ValueError) as exc:
        raise bad_request(f"the object provided is unrecognized: {exc}") from None


def prefers_protobuf(accept: str) -> bool:
    """Whether the first media type of `accept` the server can answer with is protobuf."""
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        params = [p.strip().lower() for p in part.split(";")[1:]]
        if media == PROTOBUF and params in ([], ["stream=watch"]):
            return True
        if media in (JSON, "application/yaml", "*/*", "application/*"):
            return False
    return False


def _accepts_json(accept: str) -> bool:
    return any(p.split(";", 1)[0].strip().lower() in (JSON, "*/*", "application/*") for p in accept.split(","))


def watch_protobuf(accept: str, api_version: str, kind: str) -> str | None:
    """ "object" or "metadata" (PartialObjectMetadata) when a watch of `kind` is answered in protobuf, None for JSON.
    As kube-apiserver: the first Accept entry it can serve wins; a custom resource has no protobuf form, so its
    protobuf entries are passed over, and a client that takes nothing else is refused (406)."""
    codec = default_codec()
    if codec is None:
        return None
    skipped = False
    for part in accept.split(","):
        media, *rest = (p.strip().lower() for p in part.split(";"))
        params = dict(p.partition("=")[::2] for p in rest if p)
        params.pop("stream", None)
        if media == PROTOBUF and not params:
            if codec.message_for(api_version, kind) is not None:
                return "object"
            skipped = True
        elif media == PROTOBUF and params == {"as": "partialobjectmetadata", "g": "meta.k8s.io", "v": "v1"}:
            return "metadata"
        elif media in (JSON, "application/yaml", "*/*", "application/*"):
            return None
    if skipped:
        raise not_acceptable(CUSTOM_RESOURCE_MEDIA)
    return None


def watch_encoder() -> WatchEncoder:
    """Frames a watch event in protobuf: a length-prefixed WatchEvent around the object's own protobuf (ERROR
    events carry a meta/v1 Status)."""
    codec = default_codec()
    assert codec is not None

    def encode(event_type: str, obj: dict[str, Any]) -> bytes:
        return watch_frame(event_type, codec.encode(obj))

    return encode


def answer_protobuf(accept: str, response: Response) -> Response:
    """`response` re-encoded in protobuf when the client prefers it and its JSON body is a built-in object."""
    codec = default_codec()
    if codec is None or response.chunks is not None or response.content_type != JSON or not prefers_protobuf(accept):
        return response
    try:
        obj = json.loads(response.body)
    except ValueError:
        return response
    if not isinstance(obj, dict) or codec.message_for(str(obj.get("apiVersion")), str(obj.get("kind"))) is None:
        if not _accepts_json(accept) and response.status < 300:
            # Custom resources have no protobuf form: a client that takes nothing else is refused.
            from kubeclient.testing.api import status_response

            return status_response(not_acceptable(CUSTOM_RESOURCE_MEDIA))
        return response
    response.body = codec.encode(obj)
    response.content_type = PROTOBUF
    return response
