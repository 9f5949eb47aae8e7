"""IR decisions on the v1.36 snapshot and on small synthetic documents (disagreements and collisions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kubeclient.apidocs import APIDocuments, DocumentError
from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubeclient.schema import GVK
from kubegen.ir import APIModel, GenerationError, GroupVersionIR, ResourceIR, TypeRef, build_ir
from kubegen.schemas import builtin_module, gvk_module, single_gvk

REPO = Path(__file__).resolve().parents[3]
SNAPSHOT = REPO / "openapi" / "kubernetes-1.36"

# client-go v1.36 kubernetes.Clientset fields (plus ApiextensionsV1 and ApiregistrationV1 of their clientsets),
# snake_cased.
CLIENT_GO_ATTRIBUTES = {
    "admissionregistration_v1",
    "admissionregistration_v1alpha1",
    "admissionregistration_v1beta1",
    "internal_v1alpha1",
    "apps_v1",
    "authentication_v1",
    "authorization_v1",
    "autoscaling_v1",
    "autoscaling_v2",
    "batch_v1",
    "certificates_v1",
    "certificates_v1alpha1",
    "certificates_v1beta1",
    "coordination_v1",
    "coordination_v1alpha2",
    "coordination_v1beta1",
    "core_v1",
    "discovery_v1",
    "events_v1",
    "flowcontrol_v1",
    "networking_v1",
    "networking_v1beta1",
    "node_v1",
    "policy_v1",
    "rbac_v1",
    "resource_v1",
    "resource_v1alpha3",
    "resource_v1beta1",
    "resource_v1beta2",
    "scheduling_v1",
    "scheduling_v1alpha2",
    "storage_v1",
    "storage_v1beta1",
    "storagemigration_v1beta1",
    "apiextensions_v1",
    "apiregistration_v1",
}


@pytest.fixture(scope="module")
def model() -> APIModel:
    return build_ir(APIDocuments.from_directory(SNAPSHOT), package="kubeapi")


def _gv(model: APIModel, attribute: str) -> GroupVersionIR:
    return next(gv for gv in model.group_versions if gv.attribute == attribute)


def _res(model: APIModel, attribute: str, accessor: str) -> ResourceIR:
    return next(r for r in _gv(model, attribute).resources if r.accessor == accessor)


def test_group_version_attributes_match_client_go(model: APIModel) -> None:
    assert {gv.attribute for gv in model.group_versions} == CLIENT_GO_ATTRIBUTES


def test_packages_and_modules(model: APIModel) -> None:
    assert _gv(model, "internal_v1alpha1").module == "kubeapi.apiserverinternal.v1alpha1"
    assert _gv(model, "rbac_v1").module == "kubeapi.rbac.v1"
    assert _gv(model, "core_v1").class_prefix == "CoreV1"
    assert "kubeapi.meta.v1" in model.module_packages()
    assert model.type_for_schema("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") == TypeRef(
        "kubeapi.meta.v1.models", "ObjectMeta"
    )
    assert model.type_for_schema("#/components/schemas/io.k8s.api.core.v1.Pod") == TypeRef(
        "kubeapi.core.v1.models", "Pod"
    )


def test_schema_module_from_go_package_agrees_with_group(model: APIModel) -> None:
    """The Go package in a built-in schema's name is client-go's package for its group."""
    docs = APIDocuments.from_directory(SNAPSHOT)
    checked = 0
    for path in docs.openapi_paths():
        if not path.startswith(("api/", "apis/")) or path.count("/") < 1:
            continue
        for name, schema in docs.openapi(path).schemas.items():
            gvk = single_gvk(schema)
            module = builtin_module(name)
            if gvk is None or module is None or module == ("meta", "v1") or gvk.group == "meta.k8s.io":
                continue
            assert module == gvk_module(gvk), name
            checked += 1
    assert checked > 150


def test_pod_subresource_methods(model: APIModel) -> None:
    pods = _res(model, "core_v1", "pods")
    names = [m.name for m in pods.subresource_methods]
    assert names == [
        "attach",
        "attach_stream",
        "create_binding",
        "get_ephemeral_containers",
        "update_ephemeral_containers",
        "patch_ephemeral_containers",
        "create_eviction",
        "exec",
        "exec_stream",
        "get_log",
        "stream_log",
        "port_forward",
        "port_stream",
        "proxy",
        "get_resize",
        "update_resize",
        "patch_resize",
    ]
    # Connect subresources: pods exec, attach and portforward over kubeclient's streaming calls, proxy over HTTP.
    connect = {m.name: m.call for m in pods.subresource_methods if m.verb == "connect"}
    assert connect["exec"] == "connect_exec" and connect["port_stream"] == "connect_port_stream"
    assert connect["proxy"] == "connect_proxy"
    eviction = next(m for m in pods.subresource_methods if m.name == "create_eviction")
    assert eviction.request == TypeRef("kubeapi.policy.v1.models", "Eviction")
    # The document says Eviction; kube-apiserver answers a Status, and so do binding's.
    assert eviction.response == TypeRef("kubeapi.meta.v1.models", "Status")
    binding = next(m for m in pods.subresource_methods if m.name == "create_binding")
    assert binding.response == TypeRef("kubeapi.meta.v1.models", "Status")
    log = next(m for m in pods.subresource_methods if m.name == "get_log")
    assert log.call == "get_subresource_text"
    assert {p.name for p in log.params} >= {"container", "follow", "tail_lines", "since_seconds", "previous"}
    assert "pretty" not in {p.wire for p in log.params}
    assert pods.methods[:3] == ("create", "update", "update_status")
    assert pods.absent_methods == ()
    assert pods.object_type == TypeRef("kubeapi.core.v1.models", "Pod")
    assert pods.list_type == TypeRef("kubeapi.core.v1.models", "PodList")


def test_scale_and_other_subresources(model: APIModel) -> None:
    deployments = _res(model, "apps_v1", "deployments")
    scale = {m.name: m for m in deployments.subresource_methods}
    assert list(scale) == ["get_scale", "update_scale", "patch_scale"]
    assert scale["get_scale"].response == TypeRef("kubeapi.autoscaling.v1.models", "Scale")
    assert scale["update_scale"].request == TypeRef("kubeapi.autoscaling.v1.models", "Scale")
    token = _res(model, "core_v1", "service_accounts").subresource_methods
    assert [(m.name, m.response) for m in token] == [
        ("create_token", TypeRef("kubeapi.authentication.v1.models", "TokenRequest"))
    ]
    assert [m.name for m in _res(model, "core_v1", "namespaces").subresource_methods] == ["update_finalize"]
    csr = _res(model, "certificates_v1", "certificate_signing_requests")
    assert [m.name for m in csr.subresource_methods] == ["get_approval", "update_approval", "patch_approval"]


def test_connect_subresources_map_onto_the_generic_connect_calls(model: APIModel) -> None:
    """pods exec/attach/portforward map onto kubeclient's streaming calls; pods, services and nodes get proxy."""
    for accessor in ("pods", "services", "nodes"):
        names = {m.subresource for m in _res(model, "core_v1", accessor).subresource_methods}
        assert "proxy" in names
        expected = {"exec", "attach", "portforward"} if accessor == "pods" else set()
        assert names & {"exec", "attach", "portforward"} == expected


def test_verbs_not_in_discovery_are_absent(model: APIModel) -> None:
    reviews = _res(model, "authentication_v1", "token_reviews")
    assert reviews.methods == ("create",)
    assert "get" in reviews.absent_methods
    assert reviews.list_type is None
    assert not reviews.informable
    statuses = _res(model, "core_v1", "component_statuses")
    assert statuses.methods == ("get", "list", "list_all")
    assert not statuses.informable  # no watch
    assert "delete_collection" in _res(model, "core_v1", "namespaces").absent_methods
    assert _res(model, "core_v1", "config_maps").absent_methods == ("update_status", "apply_status")


def test_scope_and_names(model: APIModel) -> None:
    nodes = _res(model, "core_v1", "nodes")
    assert not nodes.namespaced
    assert nodes.singular == "node"
    assert "no" in nodes.short_names
    pvc = _res(model, "core_v1", "persistent_volume_claims")
    assert pvc.namespaced
    assert pvc.client_class == "PersistentVolumeClaimClient"
    assert pvc.lister_class == "PersistentVolumeClaimLister"


def test_group_filter(model: APIModel) -> None:
    docs = APIDocuments.from_directory(SNAPSHOT)
    small = build_ir(docs, package="kubeapi", groups=["rbac.authorization.k8s.io"])
    assert [gv.attribute for gv in small.group_versions] == ["rbac_v1"]
    core_only = build_ir(docs, package="kubeapi", groups=["core"])
    assert [gv.attribute for gv in core_only.group_versions] == ["core_v1"]
    with pytest.raises(GenerationError, match=r"no-such\.example"):
        build_ir(docs, package="kubeapi", groups=["no-such.example"])


def test_package_must_be_an_identifier() -> None:
    with pytest.raises(GenerationError, match="not a Python identifier"):
        build_ir(APIDocuments.from_directory(SNAPSHOT), package="my-pkg")


# --- synthetic documents ---------------------------------------------------------------------------------------


def _docs(
    schemas: dict[str, Any],
    resources: list[Resource],
    *,
    paths: dict[str, Any] | None = None,
    group: str = "example.com",
    version: str = "v1",
) -> APIDocuments:
    doc = {"openapi": "3.0.0", "paths": paths or {}, "components": {"schemas": schemas}}
    return APIDocuments(
        [GroupInfo(group, (version,))],
        resources,
        openapi_docs={f"apis/{group}/{version}": doc},
        source="<test>",
    )


def _kind(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"metadata": {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}},
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": kind}],
        **extra,
    }


def _foo(**kw: Any) -> Resource:
    return Resource(
        group="example.com",
        version="v1",
        plural="foos",
        singular="foo",
        kind="Foo",
        namespaced=True,
        verbs=kw.pop("verbs", ("get", "create")),
        subresources=kw.pop("subresources", {}),
    )


def test_kind_without_schema_names_document_and_pointer() -> None:
    docs = _docs({}, [_foo()])
    with pytest.raises(DocumentError) as info:
        build_ir(docs, package="mine")
    assert "apis/example.com/v1" in str(info.value)
    assert "/components/schemas" in str(info.value)
    assert "Foo" in str(info.value)


def test_subresource_verb_without_operation_is_an_error() -> None:
    sub = Subresource("scale", GVK("autoscaling", "v1", "Scale"), ("get", "update"))
    path = "/apis/example.com/v1/namespaces/{namespace}/foos/{name}/scale"
    scale_ref = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/io.k8s.api.autoscaling.v1.Scale"}}}
    }
    paths = {path: {"get": {"x-kubernetes-action": "get", "responses": {"200": scale_ref}}}}
    docs = _docs({"com.example.v1.Foo": _kind("x", "Foo")}, [_foo(subresources={"scale": sub})], paths=paths)
    with pytest.raises(DocumentError) as info:
        build_ir(docs, package="mine")
    message = str(info.value)
    assert "/paths/~1apis~1example.com~1v1~1namespaces~1{namespace}~1foos~1{name}~1scale/put" in message
    assert "'update'" in message
    # With the PUT operation present, the scale methods appear and Scale comes from the shared package.
    paths[path]["put"] = {"x-kubernetes-action": "put", "requestBody": scale_ref, "responses": {"200": scale_ref}}
    model = build_ir(
        _docs({"com.example.v1.Foo": _kind("x", "Foo")}, [_foo(subresources={"scale": sub})], paths=paths),
        package="mine",
    )
    foo = model.group_versions[0].resources[0]
    assert [m.name for m in foo.subresource_methods] == ["get_scale", "update_scale"]
    assert foo.subresource_methods[0].response == TypeRef("kubeapi.autoscaling.v1.models", "Scale")


def test_subresource_without_path_is_an_error() -> None:
    sub = Subresource("eviction", None, ("create",))
    docs = _docs({"com.example.v1.Foo": _kind("x", "Foo")}, [_foo(subresources={"eviction": sub})])
    with pytest.raises(DocumentError, match="no such path"):
        build_ir(docs, package="mine")


def test_two_schemas_one_class_is_an_error() -> None:
    plain = {"type": "object", "properties": {"a": {"type": "string"}}}
    docs = _docs({"com.example.v1.Foo": _kind("x", "Foo"), "a.v1.Bar": plain, "b.v1.Bar": plain}, [_foo()])
    with pytest.raises(GenerationError, match=r"'a\.v1\.Bar' and 'b\.v1\.Bar' would both become class"):
        build_ir(docs, package="mine")


def test_two_groups_one_package_is_an_error() -> None:
    doc = {"openapi": "3.0.0", "paths": {}, "components": {"schemas": {}}}
    resources = [
        Resource("foo.io", "v1", "as", "a", "A", True, ("get",)),
        Resource("foo-io", "v1", "bs", "b", "B", True, ("get",)),
    ]
    docs = APIDocuments(
        [GroupInfo("foo.io", ("v1",)), GroupInfo("foo-io", ("v1",))],
        resources,
        openapi_docs={"apis/foo.io/v1": doc, "apis/foo-io/v1": doc},
    )
    with pytest.raises(GenerationError, match=r"would both become package mine\.foo_io"):
        build_ir(docs, package="mine")


def test_undefined_local_schema_is_an_error() -> None:
    schema = _kind("x", "Foo")
    schema["properties"]["spec"] = {"$ref": "#/components/schemas/com.example.v1.Missing"}
    with pytest.raises(DocumentError, match=r"com\.example\.v1\.Missing"):
        build_ir(_docs({"com.example.v1.Foo": schema}, [_foo()]), package="mine")


def test_shared_types_come_from_kubeapi_for_other_packages() -> None:
    model = build_ir(_docs({"com.example.v1.Foo": _kind("x", "Foo")}, [_foo()]), package="mine")
    assert model.type_for_schema("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta") == TypeRef(
        "kubeapi.meta.v1.models", "ObjectMeta"
    )
    assert [m.package for m in model.model_modules] == ["mine.example_com.v1"]
    # For kubeapi itself a missing shared schema is an error: it has to define it.
    with pytest.raises(DocumentError, match="ObjectMeta"):
        build_ir(_docs({"com.example.v1.Foo": _kind("x", "Foo")}, [_foo()]), package="kubeapi")
