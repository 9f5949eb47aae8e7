"""Naming decisions: client-go's package names, clientset attributes, accessors and method names."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubegen.naming import (
    GENERIC_METHODS,
    generic_methods,
    group_package,
    group_version_attribute,
    is_builtin_group,
    pascal_case,
    resource_accessor,
    safe_identifier,
    snake_case,
    subresource_method,
)


@pytest.mark.parametrize(
    ("group", "package"),
    [
        ("", "core"),
        ("apps", "apps"),
        ("batch", "batch"),
        ("autoscaling", "autoscaling"),
        ("policy", "policy"),
        ("rbac.authorization.k8s.io", "rbac"),
        ("authorization.k8s.io", "authorization"),
        ("flowcontrol.apiserver.k8s.io", "flowcontrol"),
        ("internal.apiserver.k8s.io", "apiserverinternal"),
        ("admissionregistration.k8s.io", "admissionregistration"),
        ("apiextensions.k8s.io", "apiextensions"),
        ("apiregistration.k8s.io", "apiregistration"),
        ("networking.k8s.io", "networking"),
        ("storagemigration.k8s.io", "storagemigration"),
        ("cert-manager.io", "cert_manager_io"),
        ("acme.cert-manager.io", "acme_cert_manager_io"),
        ("route.openshift.io", "route_openshift_io"),
        ("gateway.networking.k8s.io", "gateway"),
    ],
)
def test_group_package_follows_client_go(group: str, package: str) -> None:
    assert group_package(group) == package


@pytest.mark.parametrize(
    ("group", "version", "attribute"),
    [
        ("", "v1", "core_v1"),
        ("apps", "v1", "apps_v1"),
        ("rbac.authorization.k8s.io", "v1", "rbac_v1"),
        ("internal.apiserver.k8s.io", "v1alpha1", "internal_v1alpha1"),
        ("admissionregistration.k8s.io", "v1beta1", "admissionregistration_v1beta1"),
        ("flowcontrol.apiserver.k8s.io", "v1", "flowcontrol_v1"),
        ("cert-manager.io", "v1", "cert_manager_io_v1"),
    ],
)
def test_group_version_attribute(group: str, version: str, attribute: str) -> None:
    assert group_version_attribute(group, version) == attribute


def test_builtin_groups() -> None:
    assert is_builtin_group("")
    assert is_builtin_group("apps")
    assert is_builtin_group("storage.k8s.io")
    assert not is_builtin_group("cert-manager.io")


@pytest.mark.parametrize(
    ("kind", "plural", "accessor"),
    [
        ("PersistentVolumeClaim", "persistentvolumeclaims", "persistent_volume_claims"),
        ("EndpointSlice", "endpointslices", "endpoint_slices"),
        ("Node", "nodes", "nodes"),
        ("Endpoints", "endpoints", "endpoints"),
        ("NetworkPolicy", "networkpolicies", "network_policies"),
        ("APIService", "apiservices", "api_services"),
        ("CSINode", "csinodes", "csi_nodes"),
        ("IngressClass", "ingressclasses", "ingress_classes"),
        ("Ingress", "ingresses", "ingresses"),
        ("ComponentStatus", "componentstatuses", "component_statuses"),
        ("IPAddress", "ipaddresses", "ip_addresses"),
        ("Certificate", "certificates", "certificates"),
        ("Moose", "meese", "mooses"),  # a plural that does not spell the kind: client-gen pluralizes the kind
        ("", "weird-things", "weird_things"),
    ],
)
def test_resource_accessor(kind: str, plural: str, accessor: str) -> None:
    assert resource_accessor(kind, plural) == accessor


@pytest.mark.parametrize(
    ("verb", "subresource", "method"),
    [
        ("get", "scale", "get_scale"),
        ("update", "scale", "update_scale"),
        ("patch", "scale", "patch_scale"),
        ("create", "eviction", "create_eviction"),
        ("create", "binding", "create_binding"),
        ("create", "token", "create_token"),
        ("update", "ephemeralcontainers", "update_ephemeral_containers"),
        ("update", "approval", "update_approval"),
        ("update", "finalize", "update_finalize"),
        ("get", "log", "get_log"),
        ("stream", "log", "stream_log"),
        ("patch", "resize", "patch_resize"),
    ],
)
def test_subresource_method(verb: str, subresource: str, method: str) -> None:
    assert subresource_method(verb, subresource) == method


def test_generic_methods_in_client_gen_order() -> None:
    full = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
    assert generic_methods(full, frozenset({"status"})) == GENERIC_METHODS
    no_status = generic_methods(full, frozenset({"scale"}))
    assert "update_status" not in no_status
    assert "apply_status" not in no_status
    assert generic_methods(("create",), frozenset()) == ("create",)
    assert generic_methods(("get", "list"), frozenset()) == ("get", "list", "list_all")
    # Order follows client-gen whatever order discovery lists the verbs in.
    assert generic_methods(("watch", "get", "create"), frozenset()) == ("create", "get", "watch")


def test_snake_and_pascal_case() -> None:
    assert snake_case("APIServices") == "api_services"
    assert snake_case("containerID") == "container_id"
    assert pascal_case("cert-manager.io_v1") == "CertManagerIoV1"


def test_safe_identifier() -> None:
    assert safe_identifier("class") == "class_"
    assert safe_identifier("match") == "match_"
    assert safe_identifier("1x") == "_1x"
    with pytest.raises(ValueError):
        safe_identifier("")


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,20}", fullmatch=True))
def test_snake_case_is_a_lower_identifier(name: str) -> None:
    out = safe_identifier(snake_case(name))
    assert out.isidentifier()
    assert out == out.lower()
    assert not keyword.iskeyword(out)


@given(st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,10}[a-z0-9])?){0,3}", fullmatch=True))
def test_any_dns_group_gives_identifiers(group: str) -> None:
    assert group_package(group).isidentifier()
    assert group_version_attribute(group, "v1").isidentifier()
