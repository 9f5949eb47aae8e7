"""kubeclient.model with small hand-written models: round trips, unknown fields, nulls, specials, type meta."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kubeclient.model import (
    UNKNOWN_FIELDS_KEY,
    UNSET,
    FieldsV1,
    IntOrString,
    MicroTime,
    Model,
    Quantity,
    Time,
    UnsetType,
    format_micro_time,
    format_time,
    parse_time,
    type_meta,
)


class Meta(Model, kw_only=True, rename={"creation_timestamp": "creationTimestamp", "fields_v1": "fieldsV1"}):
    name: str | UnsetType | None = UNSET
    labels: dict[str, str] | UnsetType | None = UNSET
    creation_timestamp: Time | UnsetType | None = UNSET
    fields_v1: FieldsV1 | UnsetType = UNSET


class Port(Model, kw_only=True, rename={"container_port": "containerPort"}):
    container_port: int
    name: str | UnsetType | None = UNSET


class Box(Model, kw_only=True, rename={"target_port": "targetPort", "micro": "microTime", "by_name": "byName"}):
    name: str
    ports: list[Port] | UnsetType | None = UNSET
    limits: dict[str, Quantity] | UnsetType | None = UNSET
    size: Quantity | UnsetType | None = UNSET
    target_port: IntOrString | UnsetType | None = UNSET
    micro: MicroTime | UnsetType | None = UNSET
    by_name: dict[str, Port] | UnsetType | None = UNSET
    raw: Any = UNSET


class Thing(Model, kw_only=True, rename={"api_version": "apiVersion"}):
    api_version: str = type_meta("example.com/v1")
    kind: str = type_meta("Thing")
    metadata: Meta | UnsetType | None = UNSET
    boxes: list[Box] | UnsetType | None = UNSET
    main: Box | UnsetType | None = UNSET


class ThingList(Model, kw_only=True, rename={"api_version": "apiVersion"}):
    api_version: str = type_meta("example.com/v1")
    kind: str = type_meta("ThingList")
    items: list[Thing]


FULL: dict[str, Any] = {
    "apiVersion": "example.com/v1",
    "kind": "Thing",
    "metadata": {"name": "t", "labels": {"a": "b"}, "creationTimestamp": None, "fieldsV1": {"f:spec": {".": {}}}},
    "boxes": [
        {
            "name": "b0",
            "ports": [{"containerPort": 80, "name": "http"}],
            "limits": {"cpu": "500m", "memory": "1Gi"},
            "targetPort": "http",
            "microTime": "2026-11-22T12:49:29.123456Z",
            "raw": {"anything": [1, "two", None]},
        },
        {"name": "b1", "targetPort": 8080, "size": "1"},
    ],
}


def roundtrip(cls: type[Model], data: dict[str, Any]) -> None:
    raw = json.dumps(data).encode()
    obj = cls.from_json(raw)
    assert obj.to_dict() == data
    assert json.loads(obj.to_json()) == data
    again = cls.from_dict(data)
    assert again == obj
    assert again.to_dict() == data


def test_known_fields_round_trip_exactly() -> None:
    roundtrip(Thing, FULL)
    thing = Thing.from_dict(FULL)
    assert isinstance(thing.boxes, list)
    assert thing.boxes[0].ports == [Port(container_port=80, name="http")]
    assert thing.boxes[1].target_port == 8080


def test_absent_is_unset_and_null_is_none_and_both_survive() -> None:
    thing = Thing.from_json(b'{"metadata": {"creationTimestamp": null}}')
    assert isinstance(thing.metadata, Meta)
    assert thing.metadata.creation_timestamp is None
    assert thing.metadata.name is UNSET
    assert not thing.metadata.name
    assert thing.metadata.to_dict() == {"creationTimestamp": None}


def test_unknown_fields_kept_at_every_depth() -> None:
    data = json.loads(json.dumps(FULL))
    data["future"] = {"x": [1, 2]}
    data["metadata"]["newMeta"] = "m"
    data["boxes"][0]["ports"][0]["hostIP"] = "10.0.0.1"
    data["boxes"][1]["extra"] = None
    roundtrip(Thing, data)
    thing = Thing.from_dict(data)
    assert thing._unknown == {"future": {"x": [1, 2]}}
    assert isinstance(thing.boxes, list)
    assert isinstance(thing.boxes[0].ports, list)
    assert thing.boxes[0].ports[0]._unknown == {"hostIP": "10.0.0.1"}
    # A nested object keeps its unknown fields when encoded on its own, too.
    assert thing.boxes[0].ports[0].to_dict() == {"containerPort": 80, "name": "http", "hostIP": "10.0.0.1"}


def test_unknown_fields_inside_maps_of_objects() -> None:
    data = {"name": "b", "byName": {"a": {"containerPort": 1, "new": True}}}
    box = Box.from_dict(data)
    assert isinstance(box.by_name, dict)
    assert box.by_name["a"]._unknown == {"new": True}
    assert box.to_dict() == data


def test_from_dict_leaves_its_input_alone() -> None:
    data = {"name": "b", "new": 1, "ports": [{"containerPort": 1, "more": 2}]}
    snapshot = json.loads(json.dumps(data))
    Box.from_dict(data)
    assert data == snapshot


def test_required_fields_missing_or_null_still_decode_and_re_encode() -> None:
    box = Box.from_json(b'{"ports": [{"name": "x"}]}')
    name: object = box.name  # typed `str`: required, yet absent on the wire
    assert name is UNSET
    assert box.to_dict() == {"ports": [{"name": "x"}]}
    box = Box.from_json(b'{"name": null, "ports": [{"containerPort": null}]}')
    null_name: object = box.name  # typed `str`: required, yet null on the wire
    assert null_name is None
    assert box.to_dict() == {"name": None, "ports": [{"containerPort": None}]}
    with pytest.raises(TypeError):
        Box()  # type: ignore[call-arg]  # constructing still requires it


def test_wrong_types_are_errors_with_a_path() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.boxes\[0\]\.ports\[0\]\.containerPort"):
        Thing.from_json(b'{"boxes": [{"name": "b", "ports": [{"containerPort": "80"}]}]}')
    with pytest.raises(msgspec.ValidationError, match=r"\$\.boxes\[0\]\.name"):
        Thing.from_json(b'{"unknown": 1, "boxes": [{"name": 3}]}')
    with pytest.raises(msgspec.ValidationError, match="Expected `object`"):
        Thing.from_json(b"[]")
    with pytest.raises(msgspec.DecodeError):
        Thing.from_json(b"{not json")


def test_quantity_accepts_numbers_on_input_and_keeps_strings() -> None:
    box = Box.from_dict({"name": "b", "size": 2, "limits": {"cpu": 0.5, "memory": "1Gi"}})
    assert box.size == "2"
    assert box.limits == {"cpu": "0.5", "memory": "1Gi"}
    assert Box.from_json(b'{"name": "b", "size": 1.25}').size == "1.25"


def test_type_meta_defaults_added_at_the_root_only() -> None:
    fresh = Thing(metadata=Meta(name="x"))
    assert fresh.kind == "Thing"
    assert fresh.api_version == "example.com/v1"
    expected = {"apiVersion": "example.com/v1", "kind": "Thing", "metadata": {"name": "x"}}
    assert json.loads(fresh.to_json()) == expected
    assert fresh.to_dict() == expected
    assert Thing().to_json() == b'{"apiVersion":"example.com/v1","kind":"Thing"}'
    # List items come without apiVersion/kind from the server and go back the same way.
    data = {"apiVersion": "example.com/v1", "kind": "ThingList", "items": [{"metadata": {"name": "a"}}]}
    roundtrip(ThingList, data)
    assert ThingList.from_dict(data).items[0].kind == "Thing"


def test_explicit_type_meta_is_always_emitted() -> None:
    thing = Thing(api_version="example.com/v1", kind="Thing")
    assert thing.to_dict() == {"apiVersion": "example.com/v1", "kind": "Thing"}
    items = ThingList(items=[thing]).to_dict()["items"]
    assert items == [{"apiVersion": "example.com/v1", "kind": "Thing"}]


def test_private_field_never_reaches_the_wire() -> None:
    thing = Thing.from_dict({"metadata": {"x": 1}, "y": 2})
    assert UNKNOWN_FIELDS_KEY.encode() not in thing.to_json()
    assert UNKNOWN_FIELDS_KEY not in json.dumps(thing.to_dict())


def test_models_are_not_tracked_by_the_garbage_collector() -> None:
    import gc

    assert not gc.is_tracked(Thing.from_dict(FULL))


def test_time_helpers() -> None:
    when = parse_time("2026-11-22T12:49:29Z")
    assert when == dt.datetime(2026, 11, 22, 12, 49, 29, tzinfo=dt.UTC)
    assert format_time(when) == "2026-11-22T12:49:29Z"
    micro = parse_time("2026-11-22T12:49:29.000123Z")
    assert format_micro_time(micro) == "2026-11-22T12:49:29.000123Z"
    assert format_time(dt.datetime(2026, 1, 2, 3, 4, 5, 999)) == "2026-01-02T03:04:05Z"
    offset = dt.datetime(2026, 1, 2, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert format_time(offset) == "2026-01-02T03:04:05Z"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
known = {"apiVersion", "kind", "metadata", "boxes", "main", "name", "labels", "creationTimestamp", "fieldsV1"}
known |= {"ports", "limits", "size", "targetPort", "microTime", "byName", "raw", "containerPort"}
unknown_names = st.text(min_size=1, max_size=10).filter(lambda s: s not in known and s != UNKNOWN_FIELDS_KEY)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_unknown_fields_survive(data: st.DataObject) -> None:
    obj = json.loads(json.dumps(FULL))
    targets = [obj, obj["metadata"], obj["boxes"][0], obj["boxes"][1], obj["boxes"][0]["ports"][0]]
    for target in data.draw(st.lists(st.sampled_from(range(len(targets))), min_size=1, max_size=4)):
        targets[target][data.draw(unknown_names)] = data.draw(json_values)
    roundtrip(Thing, obj)


def test_unknown_fields_with_json_syntax_inside_strings() -> None:
    data = {"name": "b", "weird": {"s": 'a}{"\\', "t": ["}", "{"]}, "ports": [{"containerPort": 1, "x": '"}'}]}
    roundtrip(Box, data)


def test_set_aside_members_splice_in_every_position() -> None:
    assert Port(container_port=1, _unknown={}).to_json() == b'{"containerPort":1}'
    assert json.loads(Meta(_unknown={"only": 1}).to_json()) == {"only": 1}
    assert Meta(_unknown={}).to_json() == b"{}"
    nested = Thing(boxes=[Box(name="b", _unknown={"n": [1]})])
    assert json.loads(nested.to_json()) == {
        "apiVersion": "example.com/v1",
        "kind": "Thing",
        "boxes": [{"n": [1], "name": "b"}],
    }


@pytest.mark.parametrize("value", [{"a": 1}, "s{", {}, None])
def test_keys_named_like_the_private_member_are_data(value: Any) -> None:
    # The private member's wire name used to be the fixed "$kubeclient:unknown": a free-form key of that name was
    # taken for it (its members lifted out, or invalid JSON written), and an unknown field of that name filled it.
    name = "$kubeclient:unknown"
    data = {
        name: value,
        "metadata": {"labels": {name: "v"}, "fieldsV1": {name: value, "f:x": {}}},
        "main": {"name": "m", "raw": {name: value}},
    }
    roundtrip(Thing, {"apiVersion": "example.com/v1", "kind": "Thing", **data})
    thing = Thing.from_dict(data)
    assert thing._unknown == {name: value}
    assert isinstance(thing.main, Box)
    assert thing.main.raw == {name: value}


def test_from_dict_accepts_other_mappings() -> None:
    from types import MappingProxyType

    box = Box.from_dict(MappingProxyType({"name": "b", "new": 1}))
    assert box.to_dict() == {"name": "b", "new": 1}


@pytest.mark.parametrize("enabled", [True, False])
def test_large_decodes_leave_the_gc_as_they_found_it(enabled: bool) -> None:
    import gc

    big = json.dumps({"boxes": [{"name": f"b{i}", "limits": {"cpu": "1"}} for i in range(5000)]}).encode()
    lossy = json.dumps({"boxes": [{"name": f"b{i}", "new": i} for i in range(5000)]}).encode()
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        assert len(Thing.from_json(big).boxes or ()) == 5000
        assert len(Thing.from_json(lossy).boxes or ()) == 5000
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
