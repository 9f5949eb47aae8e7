"""Protobuf watch streams of the fake: kube-apiserver's framing (a 4-byte big-endian length, then a bare meta/v1
WatchEvent whose object.raw is the object's `k8s\\x00` envelope), checked against a frame a real kube-apiserver v1.36
sent, and the fake's stream: events, the ERROR of a compacted resourceVersion as a protobuf Status, the media type."""

from __future__ import annotations

from typing import Any

import httpx

from kubeclient.rest.transport import client_kwargs
from kubeclient.testing import FakeAPIServer
from kubeclient.testing.protobuf import Codec, default_codec, fields, watch_frame

PROTOBUF_WATCH = "application/vnd.kubernetes.protobuf;stream=watch"
# The WatchList end BOOKMARK of a ConfigMap watch, as kube-apiserver v1.36.2 sent it (Go writes the zero values of
# non-pointer fields, `\n\x00\x12\x00...`; the fake's codec leaves them out, which decodes the same).
REAL_BOOKMARK = bytes.fromhex(
    "000000610a08424f4f4b4d41524b12550a536b3873000a0f0a0276311209436f6e6669674d617012380a360a0012001a"
    "0022002a0032033231363800420062210a196b38732e696f2f696e697469616c2d6576656e74732d656e641204747275"
    "651a002200"
)


def codec() -> Codec:
    found = default_codec()
    assert found is not None
    return found


def read_frames(data: bytes) -> list[tuple[str, dict[str, Any]]]:
    """(type, object) per frame; asserts the framing on the way."""
    out = []
    pos = 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        frame = data[pos + 4 : pos + 4 + size]
        assert len(frame) == size, "a frame is cut short"
        pos += 4 + size
        parts = fields(frame)
        assert [(n, w) for n, w, _ in parts] == [(1, 2), (2, 2)], "not a WatchEvent{type, object}"
        raw_extension = fields(parts[1][2])
        assert [(n, w) for n, w, _ in raw_extension] == [(1, 2)], "not a RawExtension{raw}"
        raw = raw_extension[0][2]
        assert raw.startswith(b"k8s\x00"), "the object lacks its protobuf envelope"
        out.append((parts[0][2].decode(), codec().decode(raw)))
    return out


def test_frames_decode_as_the_real_servers_do() -> None:
    bookmark = {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"resourceVersion": "216", "annotations": {"k8s.io/initial-events-end": "true"}},
    }
    assert read_frames(REAL_BOOKMARK) == [("BOOKMARK", bookmark)]
    assert read_frames(watch_frame("BOOKMARK", codec().encode(bookmark))) == read_frames(REAL_BOOKMARK)


def test_fake_streams_protobuf_events_and_a_protobuf_error() -> None:
    with FakeAPIServer() as fake, httpx.Client(**client_kwargs(fake.config())) as client:
        path = "/api/v1/namespaces/default/configmaps"
        created = client.post(path, json={"metadata": {"name": "a"}, "data": {"k": "v"}}).json()
        client.delete(f"{path}/a")
        query = {"watch": "true", "resourceVersion": "0", "timeoutSeconds": "1"}
        answer = client.get(path, params=query, headers={"Accept": "application/vnd.kubernetes.protobuf"})
        assert answer.headers["content-type"] == PROTOBUF_WATCH
        assert read_frames(answer.content) == []  # nothing left: a watch from "0" starts with the current state

        query["resourceVersion"] = created["metadata"]["resourceVersion"]
        answer = client.get(path, params=query, headers={"Accept": f"{PROTOBUF_WATCH}, application/json"})
        [(kind, deleted)] = read_frames(answer.content)
        assert (kind, deleted["kind"], deleted["metadata"]["name"], deleted["data"]) == (
            "DELETED",
            "ConfigMap",
            "a",
            {"k": "v"},
        )

        fake.faults.compact()
        query["resourceVersion"] = "1"
        answer = client.get(path, params=query, headers={"Accept": PROTOBUF_WATCH})
        assert (answer.status_code, answer.headers["content-type"]) == (200, PROTOBUF_WATCH)
        [(kind, status)] = read_frames(answer.content)
        assert (kind, status["kind"], status["code"], status["reason"]) == ("ERROR", "Status", 410, "Expired")
