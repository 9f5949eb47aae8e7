from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeclient.apidocs import APIDocuments, DocumentError, openapi_file_name, openapi_path_of, parse_resource_list
from kubeclient.schema import GVK


def test_snapshot_has_core_and_groups(snapshot_dir: Path) -> None:
    docs = APIDocuments.from_directory(snapshot_dir)
    names = [g.name for g in docs.groups()]
    assert names[0] == ""
    assert {"apps", "batch", "rbac.authorization.k8s.io", "apiextensions.k8s.io"} <= set(names)
    deploy = docs.resource("apps", "v1", "deployments")
    assert deploy is not None
    assert deploy.kind == "Deployment" and deploy.namespaced and deploy.short_names == ("deploy",)
    assert deploy.subresources["scale"].kind == GVK("autoscaling", "v1", "Scale")
    assert deploy.subresources["status"].kind == GVK("apps", "v1", "Deployment")
    assert "all" in deploy.categories


def test_core_subresources_keep_their_kinds(snapshot_dir: Path) -> None:
    docs = APIDocuments.from_directory(snapshot_dir)
    pods = docs.resource("", "v1", "pods")
    assert pods is not None
    assert pods.subresources["eviction"].kind == GVK("policy", "v1", "Eviction")
    assert pods.subresources["binding"].kind == GVK("", "v1", "Binding")
    nodes = docs.resource("", "v1", "nodes")
    assert nodes is not None and not nodes.namespaced


def test_openapi_documents_load_lazily_and_resolve_kinds(snapshot_dir: Path) -> None:
    docs = APIDocuments.from_directory(snapshot_dir)
    assert "apis/apps/v1" in docs.openapi_paths()
    doc = docs.openapi_for("apps", "v1")
    assert doc is not None
    name = doc.schema_name_for_kind(GVK("apps", "v1", "Deployment"))
    assert name == "io.k8s.api.apps.v1.Deployment"
    spec = doc.resolve(doc.schema(name)["properties"]["spec"])
    assert "template" in spec["properties"]
    scale_ops = [o for o in doc.operations() if o.path.endswith("/deployments/{name}/scale") and o.method == "PUT"]
    assert scale_ops and scale_ops[0].request_schema == "io.k8s.api.autoscaling.v1.Scale"
    logs = [o for o in docs.openapi("api/v1").operations() if o.path.endswith("/pods/{name}/log")]
    assert logs and logs[0].response_is_text


def test_file_names_round_trip() -> None:
    assert openapi_file_name("apis/apps/v1") == "apis__apps__v1_openapi.json"
    assert openapi_path_of("apis__apps__v1_openapi.json") == "apis/apps/v1"
    assert openapi_path_of(openapi_file_name("api/v1")) == "api/v1"


def test_errors_name_document_and_pointer(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"x\.json#/resources/1: missing required key 'name'"):
        parse_resource_list({"groupVersion": "v1", "resources": [{"name": "a"}, {"kind": "B"}]}, "x.json")
    (tmp_path / "discovery").mkdir()
    (tmp_path / "discovery" / "aggregated_v2.json").write_text("{not json")
    with pytest.raises(DocumentError, match=r"aggregated_v2\.json: not readable as JSON"):
        APIDocuments.from_directory(tmp_path)
    with pytest.raises(DocumentError, match="not a directory"):
        APIDocuments.from_directory(tmp_path / "missing")


def test_missing_schema_reference_names_pointer(tmp_path: Path) -> None:
    (tmp_path / "discovery").mkdir()
    (tmp_path / "discovery" / "api__v1.json").write_text(
        json.dumps({"kind": "APIResourceList", "groupVersion": "v1", "resources": []})
    )
    v3 = tmp_path / "openapi" / "v3"
    v3.mkdir(parents=True)
    (v3 / "api__v1_openapi.json").write_text(json.dumps({"components": {"schemas": {}}}))
    doc = APIDocuments.from_directory(tmp_path).openapi("api/v1")
    with pytest.raises(DocumentError, match=r"#/components/schemas/io.k8s.Nope: schema is referenced but not defined"):
        doc.resolve({"$ref": "#/components/schemas/io.k8s.Nope"})


def test_legacy_and_aggregated_discovery_agree(shared_fixtures: Path) -> None:
    full = shared_fixtures / "kubernetes-1.36"
    aggregated = APIDocuments.from_directory(full)
    legacy_dir_docs = {
        (r.group, r.version, r.plural): (r.kind, r.namespaced, set(r.verbs), set(r.subresources))
        for r in aggregated.resources()
    }
    from kubeclient.apidocs import parse_group_list

    groups = parse_group_list(json.loads((full / "discovery" / "apis.json").read_text()), "apis.json")
    legacy = {}
    for g in groups:
        for v in g.versions:
            doc = full / "discovery" / f"apis__{g.name}__{v}.json"
            for r in parse_resource_list(json.loads(doc.read_text()), str(doc)):
                legacy[(r.group, r.version, r.plural)] = (r.kind, r.namespaced, set(r.verbs), set(r.subresources))
    for key, value in legacy.items():
        assert legacy_dir_docs[key] == value, key
