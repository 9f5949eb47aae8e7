"""A decode error's JSON path names the map key msgspec leaves as `[...]`."""

from __future__ import annotations

import msgspec

from kubeapi.core.v1 import ConfigMap, PodList
from kubeclient.rest.decoding import resolve_json_path


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


def test_rest_client_results_raise_kubeclient_decode_errors() -> None:
    import httpx
    import pytest

    from kubeclient.config import Config
    from kubeclient.errors import ResponseDecodeError
    from kubeclient.rest import RESTClient

    bodies = {"/api/v1/namespaces/ns/configmaps/x": b'{"data": {"a": 1}}', "/api/v1/namespaces": b"<html>"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[request.url.path])

    transport = httpx.MockTransport(handler)
    with RESTClient.for_config(Config(host="https://kube.test"), transport=transport) as rc:
        with pytest.raises(ResponseDecodeError) as info:
            rc.get().namespace("ns").resource("configmaps").name("x").do().into(ConfigMap)
        assert str(info.value) == (
            "cannot decode the answer to GET /api/v1/namespaces/ns/configmaps/x as ConfigMap: "
            "Expected `str`, got `int` at $.data.a"
        )
        with pytest.raises(ResponseDecodeError, match=r"^cannot decode the answer to GET /api/v1/namespaces as JSON: "):
            rc.get().resource("namespaces").do().json()
