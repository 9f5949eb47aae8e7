"""The fake's protobuf codec: the facts-only snapshot of generated.proto, and decoding checked against objects a real
kube-apiserver sent in protobuf and in JSON (../shared/fixtures/wire/protobuf)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeclient.testing.protobuf import Codec, ProtobufError, default_codec, parse_proto, snapshot

SNAPSHOT = Path(__file__).resolve().parents[3] / "openapi" / "kubernetes-1.36" / "protobuf.json"
WIRE = ("configmap", "secret", "namespace", "deployment", "namespace-list")

PROTO = """
syntax = "proto2";
package k8s.io.api.example.v1;
import "k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto";
// A comment with a fake field: optional string nope = 9;
message Thing {
  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  map<string, bytes> blobs = 3;
  repeated Part parts = 2;
  optional int32 size = 4;
}
message Part {
  optional string name = 1;
}
"""


def codec() -> Codec:
    found = default_codec()
    assert found is not None, f"{SNAPSHOT} is missing"
    return found


def test_parse_proto_keeps_facts_only() -> None:
    messages = parse_proto(PROTO)
    assert messages == {
        "k8s.io.api.example.v1.Thing": [
            [1, "metadata", "optional", "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"],
            [2, "parts", "repeated", "k8s.io.api.example.v1.Part"],
            [3, "blobs", "map", "string,bytes"],
            [4, "size", "optional", "int32"],
        ],
        "k8s.io.api.example.v1.Part": [[1, "name", "optional", "string"]],
    }


def test_committed_snapshot_is_what_the_command_makes(shared_fixtures: Path, tmp_path: Path) -> None:
    made = tmp_path / "protobuf.json"
    snapshot(shared_fixtures / "kubernetes-1.36" / "proto", made)
    assert made.read_bytes() == SNAPSHOT.read_bytes(), "run `make snapshot` and commit openapi/kubernetes-1.36"


@pytest.mark.parametrize("name", WIRE)
def test_decoding_matches_the_servers_json(shared_fixtures: Path, name: str) -> None:
    wire = shared_fixtures / "wire" / "protobuf"
    assert codec().decode((wire / f"{name}.pb").read_bytes()) == json.loads((wire / f"{name}.json").read_text())


@pytest.mark.parametrize("name", WIRE)
def test_encoding_round_trips(shared_fixtures: Path, name: str) -> None:
    """What the fake sends decodes to the object it meant; it leaves out the zero-valued non-pointer fields Go's
    encoder writes (the .proto files do not say which fields are pointers), so it is not byte-identical."""
    obj = json.loads((shared_fixtures / "wire" / "protobuf" / f"{name}.json").read_text())
    encoded = codec().encode(obj)
    assert encoded.startswith(b"k8s\x00")
    assert codec().decode(encoded) == obj


def test_envelope_errors() -> None:
    with pytest.raises(ProtobufError, match="prefix"):
        codec().decode(b"\x0a\x00")
    with pytest.raises(ProtobufError, match="truncated"):
        codec().decode(b"k8s\x00\xff\xff")
    with pytest.raises(ProtobufError, match="no protobuf message"):
        codec().encode({"apiVersion": "example.com/v1", "kind": "Widget"})


def test_special_messages() -> None:
    c = codec()
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "creationTimestamp": "2026-12-02T17:57:20Z"},
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "image": "busybox",
                    "ports": [{"containerPort": 80}],
                    "resources": {"limits": {"cpu": "500m"}},
                    "livenessProbe": {"httpGet": {"port": "http", "path": "/"}},
                }
            ]
        },
    }
    assert c.decode(c.encode(pod)) == pod
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "aGk="}}
    assert c.decode(c.encode(secret)) == secret
