# ruff: noqa: E501
# (a table of cases reads best one per line)
"""The fake's decoder and built-in rules, pinned to what kube-apiserver v1.36 answered (recorded by the differential
test, tests/differential), so that they hold where no real control plane runs."""

from __future__ import annotations

from typing import Any

import pytest

from kubeclient.testing import FakeAPIServer
from kubeclient.testing.decoding import duplicate_fields, loads_tracking, normalize, type_error
from kubeclient.testing.rules import qualified_name, validate_kind, validate_update


@pytest.fixture(scope="module")
def server() -> FakeAPIServer:
    return FakeAPIServer()


def decode(server: FakeAPIServer, group: str, plural: str, obj: dict[str, Any]) -> str | None:
    res = server.registry.lookup(group, "v1", plural)
    assert res is not None
    found = server.registry.kind_schema(res)
    assert found is not None
    return type_error(res.kind, found[0], found[1], obj)


@pytest.mark.parametrize(
    ("group", "plural", "obj", "message"),
    [
        ("", "configmaps", {"data": {"a": 1}}, "Go struct field ConfigMap.data of type string"),
        (
            "",
            "configmaps",
            {"data": ["a"]},
            "cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string",
        ),
        (
            "",
            "configmaps",
            {"metadata": {"labels": ["a"]}},
            "Go struct field ObjectMeta.metadata.labels of type map[string]string",
        ),
        (
            "",
            "configmaps",
            {"metadata": "x"},
            "cannot unmarshal string into Go struct field ConfigMap.metadata of type v1.ObjectMeta",
        ),
        (
            "apps",
            "deployments",
            {"spec": {"replicas": "two"}},
            "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "apps",
            "deployments",
            {"spec": {"replicas": 1.5}},
            "cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "apps",
            "deployments",
            {"spec": {"template": {"spec": {"containers": [{"ports": [{"containerPort": "80"}]}]}}}},
            "Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32",
        ),
        (
            "apps",
            "deployments",
            {"spec": {"strategy": {"rollingUpdate": {"maxSurge": True}}}},
            "cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32",
        ),
        ("", "secrets", {"data": {"a": "!!"}}, "illegal base64 data at input byte 0"),
        (
            "",
            "services",
            {"spec": {"ports": {"port": 80}}},
            "cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort",
        ),
    ],
)
def test_type_errors_worded_as_go(
    server: FakeAPIServer, group: str, plural: str, obj: dict[str, Any], message: str
) -> None:
    found = decode(server, group, plural, obj)
    assert found is not None and found.endswith(message), found


def test_values_go_accepts(server: FakeAPIServer) -> None:
    assert decode(server, "", "configmaps", {"data": {"a": None}, "metadata": {"labels": None}}) is None
    pod = {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": 2}}}]}}
    assert decode(server, "", "pods", pod) is None
    res = server.registry.lookup("", "v1", "pods")
    assert res is not None
    found = server.registry.kind_schema(res)
    assert found is not None
    normalize(found[0], found[1], pod)
    assert pod["spec"]["containers"][0]["resources"]["limits"]["cpu"] == "2"


def test_duplicate_fields_named_by_path() -> None:
    body = loads_tracking(b'{"metadata":{"name":"a","name":"b"},"data":{"k":"1"},"data":{"k":"2"},"x":[{"a":1,"a":2}]}')
    assert duplicate_fields(body) == ["data", "metadata.name", "x[0].a"]


def test_label_keys() -> None:
    assert [c.message.split(": ", 1)[1][:28] for c in qualified_name("", "metadata.labels")] == [
        '"": name part must be non-em',
        '"": name part must consist o',
    ]
    assert qualified_name("example.com/ok", "metadata.labels") == []
    assert "prefix part a lowercase RFC 1123 subdomain" in qualified_name("Example_com/a", "f")[0].message


def test_kind_rules(server: FakeAPIServer) -> None:
    def causes(plural: str, obj: dict[str, Any], group: str = "") -> list[tuple[str, str]]:
        res = server.registry.lookup(group, "v1", plural)
        assert res is not None
        return sorted((c.field, c.reason) for c in validate_kind(res, obj))

    assert causes("services", {"spec": {}}) == [("spec.ports", "FieldValueRequired")]
    assert causes("services", {"spec": {"ports": [{"port": 0}]}}) == [
        ("spec.ports[0].port", "FieldValueInvalid"),
        ("spec.ports[0].targetPort", "FieldValueInvalid"),
    ]
    assert causes("pods", {"spec": {"containers": [{"name": "main", "image": "i"}] * 2}}) == [
        ("spec.containers[1].name", "FieldValueDuplicate")
    ]
    assert causes("configmaps", {"data": {"k": "v", "a/b": "v"}, "binaryData": {"k": ""}}) == [
        ("data[a/b]", "FieldValueInvalid"),
        ("data[k]", "FieldValueInvalid"),
    ]
    assert causes("deployments", {"spec": {"replicas": -1}}, "apps") == [
        ("spec.replicas", "FieldValueInvalid"),
        ("spec.template.metadata.labels", "FieldValueInvalid"),
    ]


def test_update_rules(server: FakeAPIServer) -> None:
    cms = server.registry.lookup("", "v1", "configmaps")
    deploys = server.registry.lookup("apps", "v1", "deployments")
    assert cms is not None and deploys is not None
    frozen = {"immutable": True, "data": {"a": "1"}}
    assert [c.field for c in validate_update(cms, frozen, {"immutable": True, "data": {"a": "2"}})] == ["data"]
    old = {"spec": {"selector": {"matchLabels": {"app": "a"}}}}
    new = {"spec": {"selector": {"matchLabels": {"app": "b"}}}}
    assert [c.message for c in validate_update(deploys, old, new)] == [
        'Invalid value: {"matchLabels":{"app":"b"}}: field is immutable'
    ]
