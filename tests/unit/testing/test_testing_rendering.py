"""Pure pieces of the fake server: ages, JSONPath columns, Accept negotiation, selectors, Status wording."""

from __future__ import annotations

import pytest

from kubeclient.testing.content import negotiate
from kubeclient.testing.meta import human_duration, ordered_meta, ordered_object
from kubeclient.testing.selectors import parse_selection
from kubeclient.testing.status import APIStatus, Cause, forbidden, invalid, not_found
from kubeclient.testing.tables import json_path


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (125, "2m5s"),
        (600, "10m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 60, "3h1m"),
        (9 * 3600, "9h"),
        (50 * 3600, "2d2h"),
        (8 * 86400, "8d"),
        (800 * 86400, "2y70d"),
        (-1, "<invalid>"),
    ],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_json_path_subset() -> None:
    obj = {
        "spec": {"items": [{"name": "a"}, {"name": "b"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}, {"type": "Other", "status": "False"}]},
    }
    assert json_path(obj, ".spec.items[0].name") == "a"
    assert json_path(obj, ".spec.items[*].name") == "a,b"
    assert json_path(obj, '.status.conditions[?(@.type == "Ready")].status') == "True"
    assert json_path(obj, "{.spec.missing}") is None
    assert json_path(obj, "not a path") is None


def test_metadata_key_order() -> None:
    meta = {"labels": {"a": "b"}, "resourceVersion": "3", "name": "x", "uid": "u", "custom": 1, "annotations": {}}
    assert list(ordered_meta(meta)) == ["name", "uid", "resourceVersion", "labels", "custom"]
    assert list(ordered_object({"status": {}, "data": {}, "metadata": meta, "kind": "K", "apiVersion": "v1"})) == [
        "kind",
        "apiVersion",
        "metadata",
        "data",
        "status",
    ]


@pytest.mark.parametrize(
    ("accept", "is_list", "form", "media"),
    [
        ("", False, "object", "application/json"),
        ("application/json, */*", False, "object", "application/json"),
        (
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
            True,
            "table",
            "application/json;as=Table;v=v1;g=meta.k8s.io",
        ),
        (
            "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
            True,
            "metadata",
            "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io",
        ),
        (
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
            False,
            "object",
            "application/json",
        ),
    ],
)
def test_negotiate(accept: str, is_list: bool, form: str, media: str) -> None:
    out = negotiate(accept, is_list=is_list)
    assert (out.form, out.media) == (form, media)


def test_negotiate_refuses_what_it_cannot_encode() -> None:
    with pytest.raises(APIStatus) as err:
        negotiate("application/cbor", is_list=False)
    assert err.value.code == 406
    aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    assert negotiate(aggregated, is_list=False, aggregated_ok=True).form == "aggregated"
    with pytest.raises(APIStatus):
        negotiate(aggregated, is_list=False)


def test_selection() -> None:
    sel = parse_selection("env in (a,b),!gone", "metadata.name!=x", "", "configmaps", True)
    assert sel.matches({"metadata": {"name": "y", "namespace": "n", "labels": {"env": "a"}}})
    assert not sel.matches({"metadata": {"name": "x", "labels": {"env": "a"}}})
    assert not sel.matches({"metadata": {"name": "y", "labels": {"env": "a", "gone": ""}}})
    assert not sel.matches(None)
    pods = parse_selection("", "spec.nodeName=n1,status.phase=Running", "", "pods", True)
    assert pods.matches({"metadata": {"name": "p"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}})
    with pytest.raises(APIStatus) as err:
        parse_selection("", "spec.nodeName=n1", "", "configmaps", True)
    assert err.value.body()["message"] == (
        '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"'
    )
    with pytest.raises(APIStatus) as err:
        parse_selection("", "spec.bogus=1", "", "pods", True)
    assert err.value.message == "field label not supported: spec.bogus"


def test_status_wording() -> None:
    assert not_found("apps", "deployments", "x").body() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'deployments.apps "x" not found',
        "reason": "NotFound",
        "details": {"name": "x", "group": "apps", "kind": "deployments"},
        "code": 404,
    }
    one = invalid("ConfigMap", "", "c", [Cause("FieldValueRequired", "Required value", "data")])
    assert one.message == 'ConfigMap "c" is invalid: data: Required value'
    two = invalid("Widget", "example.com", "w", [Cause("R", "m1", "a"), Cause("R", "m2", "b")])
    assert two.message == 'Widget.example.com "w" is invalid: [a: m1, b: m2]'
    denied = forbidden("bob", "list", "", "nodes", name="", namespace="")
    assert (
        denied.message
        == 'nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope'
    )
