"""Typed watch decoding: envelope and object in one pass, and the general way for what that pass refuses."""

from __future__ import annotations

import json
import sys
from typing import Any

import msgspec
import pytest

from kubeapi.core.v1 import Pod, PodList
from kubeclient.errors import ExpiredError
from kubeclient.model import own_managed_fields, own_raw_values
from kubeclient.resource_plan import ModelCodec
from kubeclient.watch import WatchDecodeError, WatchDecoder, WatchEvent, raise_for_error


def line(event_type: str, obj: Any) -> bytes:
    return json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "p",
        "resourceVersion": "5",
        "managedFields": [{"manager": "m", "operation": "Update", "fieldsV1": {"f:metadata": {"f:labels": {}}}}],
    },
    "spec": {"containers": [{"name": "c", "image": "i"}]},
}


def typed_decoder() -> WatchDecoder[Pod]:
    return WatchDecoder(ModelCodec(Pod).decode, object_type=Pod)


def test_one_pass_gives_what_the_two_pass_decoder_gives() -> None:
    stream = b"".join(line(t, POD) for t in ("ADDED", "MODIFIED", "DELETED", "BOOKMARK"))
    one = typed_decoder().feed(stream)
    two = WatchDecoder(ModelCodec(Pod).decode).feed(stream)
    assert one == two
    assert [e.type for e in one] == ["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]
    assert all(type(e.object) is Pod and e.object.to_dict() == POD for e in one)


def test_raw_fields_own_their_bytes_after_the_line_is_gone() -> None:
    data = bytearray(line("ADDED", POD))
    (event,) = typed_decoder().feed(bytes(data))
    data[:] = b" " * len(data)
    raw = event.object.metadata.managed_fields[0].fields_v1  # type: ignore[union-attr,index]
    assert msgspec.json.decode(raw) == {"f:metadata": {"f:labels": {}}}


def test_error_events_still_carry_the_status() -> None:
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired", "code": 410}
    (event,) = typed_decoder().feed(line("ERROR", status))
    assert event.type == "ERROR" and event.object == status
    with pytest.raises(ExpiredError):
        raise_for_error(event)


def test_objects_with_unknown_fields_take_the_lossless_path() -> None:
    newer = json.loads(json.dumps(POD))
    newer["spec"]["newFieldV99"] = {"a": 1}
    (event,) = typed_decoder().feed(line("MODIFIED", newer))
    assert event.object.to_dict() == newer


def test_unknown_event_types_are_refused() -> None:
    with pytest.raises(WatchDecodeError, match="unknown watch event type"):
        typed_decoder().feed(line("SOMETHING", POD))
    with pytest.raises(WatchDecodeError, match="unknown watch event type"):
        WatchDecoder().feed(line("SOMETHING", {}))


def test_dict_events_decode_in_one_pass_too() -> None:
    (event,) = WatchDecoder().feed(line("ADDED", POD))
    assert event == WatchEvent("ADDED", POD)


def test_blank_lines_and_split_events() -> None:
    data = b"\n  \n" + line("ADDED", POD) + b"\r\n" + line("DELETED", POD)
    decoder = typed_decoder()
    events = []
    for index in range(0, len(data), 7):
        events += decoder.feed(data[index : index + 7])
    assert [e.type for e in events + decoder.flush()] == ["ADDED", "DELETED"]


NESTED_FIELDS = {"f:spec": {"f:resources": {}}}
POD_WITH_TEMPLATE = {
    **POD,
    "spec": {
        "containers": [{"name": "c", "image": "i"}],
        "volumes": [
            {
                "name": "scratch",
                "ephemeral": {
                    "volumeClaimTemplate": {
                        "metadata": {"managedFields": [{"manager": "t", "fieldsV1": NESTED_FIELDS}]},
                        "spec": {"accessModes": ["ReadWriteOnce"]},
                    }
                },
            }
        ],
    },
}


@pytest.mark.parametrize("pod", [POD, POD_WITH_TEMPLATE], ids=["top-level", "nested"])
def test_no_raw_value_keeps_the_event_line_alive(pod: dict[str, Any]) -> None:
    # Raw values hold a reference to the bytes they were decoded from; a watch checks the count to skip the walk.
    data = line("ADDED", pod).rstrip(b"\n")
    refs = sys.getrefcount(data)
    event = msgspec.json.Decoder(WatchEvent[Pod]).decode(data)
    assert sys.getrefcount(data) > refs
    own_managed_fields(event.object)
    assert (sys.getrefcount(data) == refs) is (pod is POD)
    own_raw_values(event.object, data)
    assert sys.getrefcount(data) == refs
    assert event.object.to_dict() == pod


def test_nested_raw_values_arrive_through_a_watch() -> None:
    (event,) = typed_decoder().feed(line("ADDED", POD_WITH_TEMPLATE))
    assert event.object.to_dict() == POD_WITH_TEMPLATE


@pytest.mark.parametrize("pod", [POD, POD_WITH_TEMPLATE], ids=["top-level", "nested"])
def test_from_json_leaves_no_reference_to_its_input(pod: dict[str, Any]) -> None:
    data = json.dumps(pod).encode()
    refs = sys.getrefcount(data)
    obj = Pod.from_json(data)
    assert sys.getrefcount(data) == refs
    assert obj.to_dict() == pod


def test_strings_that_repeat_across_objects_are_shared() -> None:
    # A cache of many objects would otherwise hold a copy of each per object.
    pod = {**POD, "metadata": {**POD["metadata"], "namespace": "team-a"}}  # type: ignore[dict-item]
    first, second = (typed_decoder().feed(line("ADDED", pod))[0].object for _ in range(2))
    assert first.metadata.namespace is second.metadata.namespace  # type: ignore[union-attr]
    assert first.kind is second.kind
    entries = [o.metadata.managed_fields[0] for o in (first, second)]  # type: ignore[union-attr,index]
    assert entries[0].manager is entries[1].manager and entries[0].operation is entries[1].operation
    listed = PodList.from_json(json.dumps({"items": [pod, pod]}).encode())
    assert listed.items[0].metadata.namespace is listed.items[1].metadata.namespace  # type: ignore[union-attr]
