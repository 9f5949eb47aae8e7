"""A decode error's JSON path names the map key msgspec leaves as `[...]`."""

from __future__ import annotations

import msgspec

from kubeapi.core.v1 import ConfigMap, PodList
from kubeclient.resource_base import resolve_json_path


def test_a_map_value_is_named_by_its_key() -> None:
    data = b'{"metadata": {"name": "x"}, "data": {"ok": "1", "bad": 2}}'
    assert resolve_json_path(ConfigMap, data, "$.data[...]") == "$.data.bad"


def test_keys_that_are_not_identifiers_are_quoted() -> None:
    data = b'{"data": {"app.kubernetes.io/name": 3}}'
    assert resolve_json_path(ConfigMap, data, "$.data[...]") == "$.data['app.kubernetes.io/name']"


def test_inside_lists_and_nested_models() -> None:
    data = msgspec.json.encode(
        {"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b", "labels": {"fine": "y", "odd": 5}}}]}
    )
    assert resolve_json_path(PodList, data, "$.items[1].metadata.labels[...]") == "$.items[1].metadata.labels.odd"


def test_what_it_cannot_resolve_stays_as_given() -> None:
    assert resolve_json_path(ConfigMap, b"not json", "$.data[...]") == "$.data[...]"
    assert resolve_json_path(ConfigMap, b'{"data": {"a": "1"}}', "$.data[...]") == "$.data[...]"  # nothing bad
    assert resolve_json_path(ConfigMap, b'{"data": 1}', "$.data") == "$.data"  # no [...] at all
