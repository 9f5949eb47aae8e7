"""CRD manifests → discovery facts and OpenAPI documents (examples/crds and, when present, ../shared fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeclient.schema import GVK
from kubegen.ir import TypeRef, build_ir
from kubegen.sources.crd import CRDError, load_crds, schema_prefix, version_priority

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples" / "crds"
SHARED_CRDS = REPO.parent / "shared" / "fixtures" / "crds"

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: things.example.org}}
spec:
  group: example.org
  scope: {scope}
  names: {{plural: {plural}, singular: thing, kind: {kind}}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {{type: object, properties: {{a: {{type: string}}}}}}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_example_widgets() -> None:
    crds = load_crds([EXAMPLES])
    docs = crds.documents
    assert [(g.name, g.versions) for g in docs.groups()] == [("example.com", ("v1", "v1beta1"))]
    widgets = docs.resource("example.com", "v1", "widgets")
    assert widgets is not None
    assert widgets.kind == "Widget"
    assert widgets.singular == "widget"
    assert widgets.namespaced
    assert widgets.short_names == ("wd", "wdg")
    assert widgets.categories == ("all", "examples")
    assert set(widgets.verbs) == {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
    assert widgets.subresources["scale"].kind == GVK("autoscaling", "v1", "Scale")
    assert widgets.subresources["status"].kind == GVK("example.com", "v1", "Widget")
    assert docs.resource("example.com", "v1alpha1", "widgets") is None  # not served
    gadgets = docs.resource("example.com", "v1", "gadgets")
    assert gadgets is not None
    assert not gadgets.namespaced
    assert gadgets.subresources == {}
    storage = {(v.version, v.kind): v.storage for v in crds.versions}
    assert storage == {("v1", "Widget"): True, ("v1beta1", "Widget"): False, ("v1", "Gadget"): True}
    columns = next(v for v in crds.versions if v.kind == "Widget" and v.version == "v1").printer_columns
    assert [c["name"] for c in columns] == ["Size", "Ready"]


def test_example_schemas_are_published_like_the_api_server_does() -> None:
    doc = load_crds([EXAMPLES]).documents.openapi("apis/example.com/v1")
    widget = doc.schema("com.example.v1.Widget")
    assert widget["x-kubernetes-group-version-kind"] == [{"group": "example.com", "version": "v1", "kind": "Widget"}]
    assert widget["properties"]["metadata"] == {
        "allOf": [{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}]
    }
    assert widget["properties"]["spec"] == {"$ref": "#/components/schemas/com.example.v1.WidgetSpec"}
    assert "com.example.v1.WidgetSpecTemplateFinish" in doc.schemas
    assert "com.example.v1.WidgetSpecParts" in doc.schemas
    assert doc.schema_name_for_kind(GVK("example.com", "v1", "WidgetList")) == "com.example.v1.WidgetList"


def test_example_ir() -> None:
    model = build_ir(load_crds([EXAMPLES]).documents, package="widgets")
    assert [gv.attribute for gv in model.group_versions] == ["example_com_v1", "example_com_v1beta1"]
    widgets = next(r for r in model.group_versions[0].resources if r.accessor == "widgets")
    assert [m.name for m in widgets.subresource_methods] == ["get_scale", "update_scale", "patch_scale"]
    assert widgets.subresource_methods[0].response == TypeRef("kubeapi.autoscaling.v1.models", "Scale")
    assert "update_status" in widgets.methods
    gadgets = next(r for r in model.group_versions[0].resources if r.accessor == "gadgets")
    assert "update_status" not in gadgets.methods
    assert model.type_for_schema("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta").module == "kubeapi.meta.v1.models"


def test_version_priority() -> None:
    versions = ["v1alpha1", "v2beta1", "v1", "foo", "v1beta2", "v2", "v1beta1"]
    assert sorted(versions, key=version_priority) == ["v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo"]
    assert schema_prefix("cert-manager.io") == "io.cert-manager"


def test_missing_field_names_file_and_pointer(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", CRD.format(scope="Namespaced", plural="", kind="Thing"))
    with pytest.raises(CRDError) as info:
        load_crds([path])
    assert str(path) in str(info.value)
    assert info.value.pointer == "/spec/names/plural"


def test_bad_scope(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", CRD.format(scope="Galaxy", plural="things", kind="Thing"))
    with pytest.raises(CRDError, match="/spec/scope"):
        load_crds([path])


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.yaml", "kind: [unclosed\n")
    with pytest.raises(CRDError, match=r"broken\.yaml: not valid YAML"):
        load_crds([path])


def test_no_crd_found(tmp_path: Path) -> None:
    path = _write(tmp_path, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    with pytest.raises(CRDError, match="no CustomResourceDefinition"):
        load_crds([path])


def test_duplicate_resource_across_files(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", CRD.format(scope="Namespaced", plural="things", kind="Thing"))
    b = _write(tmp_path, "b.yaml", CRD.format(scope="Namespaced", plural="things", kind="Thing"))
    with pytest.raises(CRDError, match="also defined in"):
        load_crds([a, b])


def test_hoisted_class_colliding_with_a_kind(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", CRD.format(scope="Namespaced", plural="things", kind="Thing"))
    b = _write(tmp_path, "b.yaml", CRD.format(scope="Namespaced", plural="thingspecs", kind="ThingSpec"))
    with pytest.raises(CRDError) as info:
        load_crds([a, b])
    assert "ThingSpec" in str(info.value)
    assert "a.yaml" in info.value.document


def test_list_wrappers_and_several_documents(tmp_path: Path) -> None:
    one = CRD.format(scope="Cluster", plural="things", kind="Thing")
    two = CRD.format(scope="Namespaced", plural="others", kind="Other")
    indented = "\n".join("    " + line for line in one.splitlines())
    text = f"apiVersion: v1\nkind: List\nitems:\n  -\n{indented}\n---\n{two}---\n"
    docs = load_crds([_write(tmp_path, "list.yaml", text)]).documents
    assert {r.plural for r in docs.resources()} == {"things", "others"}


def _shared_files() -> list[Path]:
    if not SHARED_CRDS.is_dir():
        pytest.skip(f"shared CRD fixtures not found at {SHARED_CRDS}")
    return sorted(SHARED_CRDS.iterdir())


def test_every_shared_crd_file_builds() -> None:
    for file in _shared_files():
        crds = load_crds([file])
        model = build_ir(crds.documents, package="mycrds")
        assert model.group_versions, file
        assert all(gv.resources for gv in model.group_versions), file


def test_cert_manager_certificate() -> None:
    files = _shared_files()
    certificates = next(f for f in files if f.name.startswith("certificates.cert-manager"))
    model = build_ir(load_crds([certificates]).documents, package="mycrds")
    module = next(m for m in model.model_modules if m.package == "mycrds.cert_manager_io.v1")
    names = {c.class_name for c in module.classes}
    assert {"Certificate", "CertificateList", "CertificateSpec", "CertificateSpecKeystoresJks"} <= names
    cert = next(r for r in model.group_versions[0].resources if r.kind == "Certificate")
    assert cert.short_names == ("cert", "certs")
    assert "update_status" in cert.methods
