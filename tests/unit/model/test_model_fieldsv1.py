"""FieldsV1 kept as raw JSON: decoded lazily, copied out of the input, compacted, and lossless through every path."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.model import UNSET, FieldsV1, Model, UnsetType, model_repr, raw_json, type_meta


class Entry(Model, kw_only=True, rename={"fields_v1": "fieldsV1"}):
    manager: str | UnsetType | None = UNSET
    fields_v1: FieldsV1 | UnsetType = UNSET

    __repr__ = model_repr


class Meta(Model, kw_only=True, rename={"managed_fields": "managedFields"}):
    name: str | UnsetType | None = UNSET
    managed_fields: list[Entry] | UnsetType | None = UNSET


class Item(Model, kw_only=True, rename={"api_version": "apiVersion"}):
    api_version: str = type_meta("example.com/v1")
    kind: str = type_meta("Item")
    metadata: Meta | UnsetType | None = UNSET
    by_name: dict[str, Entry] | UnsetType | None = UNSET


class ItemList(Model, kw_only=True):
    items: list[Item]


class Node(Model, kw_only=True):
    """Recursive, as some schemas are (JSONSchemaProps): the raw field is found at any depth."""

    children: list[Node] | UnsetType | None = UNSET
    fields: FieldsV1 | UnsetType = UNSET


FIELDS = {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {'k:{"name":"a b"}': {".": {}}}}


def _item(fields: Any = FIELDS) -> dict[str, Any]:
    return {"metadata": {"name": "x", "managedFields": [{"manager": "m", "fieldsV1": fields}]}}


def test_decoded_as_raw_bytes_and_read_on_demand() -> None:
    data = json.dumps(_item(), separators=(",", ":")).encode()
    item = Item.from_json(data)
    assert isinstance(item.metadata, Meta) and isinstance(item.metadata.managed_fields, list)
    raw = item.metadata.managed_fields[0].fields_v1
    assert isinstance(raw, msgspec.Raw)
    assert bytes(raw) == json.dumps(FIELDS, separators=(",", ":")).encode()  # the server's bytes, unchanged
    assert msgspec.json.decode(raw) == FIELDS
    assert item.to_dict()["metadata"]["managedFields"][0]["fieldsV1"] == FIELDS
    assert json.loads(item.to_json()) == {"apiVersion": "example.com/v1", "kind": "Item", **_item()}


def test_copied_out_of_the_input_buffer() -> None:
    # One entry must not keep a whole list response alive: overwrite the input and the value stays.
    buffer = bytearray(json.dumps({"items": [_item(), _item({"f:x": {}})]}, separators=(",", ":")).encode())
    items = ItemList.from_json(buffer)
    buffer[:] = b" " * len(buffer)
    entries = [i.metadata.managed_fields[0] for i in items.items]
    assert [msgspec.json.decode(e.fields_v1) for e in entries] == [FIELDS, {"f:x": {}}]


def test_copied_out_in_maps_and_recursive_schemas() -> None:
    nested = {"children": [{"children": [{"fields": {"f:deep": {}}}]}], "fields": {"f:top": {}}}
    buffer = bytearray(json.dumps(nested).encode())
    node = Node.from_json(buffer)
    buffer[:] = b" " * len(buffer)
    assert node.to_dict() == nested
    buffer = bytearray(json.dumps({"by_name": {"a": {"fieldsV1": {"f:a": {}}}}}).encode())
    item = Item.from_json(buffer)
    buffer[:] = b" " * len(buffer)
    assert item.to_dict()["by_name"] == {"a": {"fieldsV1": {"f:a": {}}}}


def test_indented_input_is_compacted_as_go_compacts_it() -> None:
    data = json.dumps(_item(), indent=2).encode()
    raw = Item.from_json(data).metadata.managed_fields[0].fields_v1
    assert bytes(raw) == json.dumps(FIELDS, separators=(",", ":")).encode()  # the key's own space stays


def test_null_absent_and_from_dict() -> None:
    entry = Entry.from_json(b'{"fieldsV1":null}')
    assert entry.fields_v1 == msgspec.Raw(b"null")
    assert entry.to_json() == b'{"fieldsV1":null}'
    assert entry.to_dict() == {"fieldsV1": None}
    assert Entry.from_dict({"fieldsV1": None}) == entry
    assert Entry.from_json(b"{}").fields_v1 is UNSET
    built = Item.from_dict(_item())
    assert built == Item.from_json(json.dumps(_item(), separators=(",", ":")).encode())
    assert Entry(fields_v1=raw_json({"f:a": {}})).to_json() == b'{"fieldsV1":{"f:a":{}}}'


def test_lossless_path_with_unknown_fields_keeps_it_raw() -> None:
    data = _item()
    data["metadata"]["managedFields"][0]["futureField"] = 1
    item = Item.from_json(json.dumps(data).encode())
    entry = item.metadata.managed_fields[0]
    assert isinstance(entry.fields_v1, msgspec.Raw)
    assert entry._unknown == {"futureField": 1}
    assert item.to_dict() == {"apiVersion": "example.com/v1", "kind": "Item", **data}


def test_repr_shows_the_bytes() -> None:
    entry = Entry(manager="m", fields_v1=raw_json({"f:a": {}}))
    assert repr(entry) == """Entry(manager='m', fields_v1=msgspec.Raw(b'{"f:a":{}}'))"""
    assert repr(Entry()) == "Entry()"


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@given(value=_json, indent=st.sampled_from([None, 0, 1, 4]))
def test_any_value_survives_every_path(value: Any, indent: int | None) -> None:
    data = json.dumps({"fieldsV1": value}, indent=indent, separators=None if indent else (",", ":")).encode()
    from_json = Entry.from_json(data)
    assert msgspec.json.decode(from_json.fields_v1) == value
    assert from_json.to_dict() == {"fieldsV1": value}
    assert json.loads(from_json.to_json()) == {"fieldsV1": value}
    from_dict = Entry.from_dict({"fieldsV1": value})
    assert from_dict.to_dict() == from_json.to_dict()  # the same value; the bytes may spell it differently
    assert Entry.from_json(from_dict.to_json()) == from_dict
