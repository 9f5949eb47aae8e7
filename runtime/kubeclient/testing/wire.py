"""Protobuf at the fake server's edge: request bodies in Kubernetes protobuf become the JSON objects the rest of
the fake works with, and answers go out in protobuf when the client's Accept header prefers it (built-in kinds
only, as kube-apiserver: custom resources and Tables stay JSON)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kubeclient.testing.protobuf import ProtobufError, default_codec
from kubeclient.testing.status import bad_request

if TYPE_CHECKING:
    from kubeclient.testing.api import Response

PROTOBUF = "application/vnd.kubernetes.protobuf"
JSON = "application/json"

__all__ = ["PROTOBUF", "answer_protobuf", "default_codec", "protobuf_body"]


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
        params = part.split(";")[1:]
        if media == PROTOBUF and not params:
            return True
        if media in (JSON, "application/yaml", "*/*", "application/*"):
            return False
    return False


def _accepts_json(accept: str) -> bool:
    return any(p.split(";", 1)[0].strip().lower() in (JSON, "*/*", "application/*") for p in accept.split(","))


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
            from kubeclient.testing.status import not_acceptable

            return status_response(not_acceptable([JSON, "application/yaml", PROTOBUF]))
        return response
    response.body = codec.encode(obj)
    response.content_type = PROTOBUF
    return response
