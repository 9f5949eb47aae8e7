"""CustomResourceDefinitions on the fake API server: discovery, OpenAPI, validation, tables, deletion."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fake_helpers import CRDS, client_for, wire

from kubeclient.testing import FakeAPIServer

CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
WIDGETS = "/apis/example.com/v1/namespaces/default/widgets"
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

WIDGET_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {
            "plural": "widgets",
            "singular": "widget",
            "kind": "Widget",
            "shortNames": ["wd"],
            "categories": ["all"],
        },
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "subresources": {
                    "status": {},
                    "scale": {"specReplicasPath": ".spec.size", "statusReplicasPath": ".status.size"},
                },
                "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["color"],
                                "properties": {
                                    "color": {"type": "string", "enum": ["red", "blue"]},
                                    "size": {"type": "integer", "default": 1},
                                    "tags": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "status": {"type": "object", "properties": {"size": {"type": "integer"}}},
                        },
                    }
                },
            }
        ],
    },
}


def widget(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


@pytest.fixture
def with_crd(api: httpx.Client) -> httpx.Client:
    created = api.post(CRD_PATH, json=WIDGET_CRD)
    assert created.status_code == 201, created.text
    # As from kube-apiserver: the create answer has no conditions yet; the controllers' status follows at once.
    assert created.json()["status"]["conditions"] is None
    stored = api.get(f"{CRD_PATH}/{WIDGET_CRD['metadata']['name']}").json()
    conditions = {c["type"]: c["status"] for c in stored["status"]["conditions"]}
    assert conditions == {"NamesAccepted": "True", "Established": "True"}
    return api


def test_crd_appears_in_discovery_and_openapi(with_crd: httpx.Client) -> None:
    api = with_crd
    listed = api.get("/apis/example.com/v1").json()["resources"]
    assert {r["name"] for r in listed} == {"widgets", "widgets/status", "widgets/scale"}
    main = next(r for r in listed if r["name"] == "widgets")
    assert main["shortNames"] == ["wd"] and main["categories"] == ["all"] and main["namespaced"] is True
    aggregated = api.get("/apis", headers={"Accept": AGGREGATED}).json()
    group = next(i for i in aggregated["items"] if i["metadata"]["name"] == "example.com")
    entry = group["versions"][0]["resources"][0]
    assert entry["responseKind"] == {"group": "example.com", "version": "v1", "kind": "Widget"}
    assert entry["scope"] == "Namespaced"
    assert "apis/example.com/v1" in api.get("/openapi/v3").json()["paths"]
    doc = api.get("/openapi/v3/apis/example.com/v1").json()
    schema = doc["components"]["schemas"]["com.example.v1.Widget"]
    assert schema["x-kubernetes-group-version-kind"] == [{"group": "example.com", "kind": "Widget", "version": "v1"}]
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in doc["components"]["schemas"]
    # Discovery lists widgets/scale, so the document has its operations and the autoscaling/v1 Scale they use.
    scale = doc["paths"]["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale"]
    assert set(scale) == {"get", "put", "patch"}
    ref = scale["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/io.k8s.api.autoscaling.v1.Scale"
    assert scale["get"]["x-kubernetes-group-version-kind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    assert {"io.k8s.api.autoscaling.v1.ScaleSpec", "io.k8s.api.autoscaling.v1.ScaleStatus"} <= set(
        doc["components"]["schemas"]
    )


def test_custom_objects_validated_pruned_defaulted(with_crd: httpx.Client) -> None:
    api = with_crd
    created = api.post(WIDGETS, json={**widget("w", color="red"), "extra": 1})
    assert created.status_code == 201
    body = created.json()
    assert body["spec"] == {"color": "red", "size": 1}
    assert "extra" not in body
    assert created.headers["warning"] == '299 - "unknown field \\"extra\\""'
    assert body["metadata"]["generation"] == 1
    invalid = api.post(WIDGETS, json=widget("bad", color="green", size="big", tags="x"))
    assert invalid.status_code == 422
    status = invalid.json()
    assert status["message"].startswith('Widget.example.com "bad" is invalid: [')
    fields = {c["field"]: (c["reason"], c["message"]) for c in status["details"]["causes"]}
    assert fields["spec.color"] == (
        "FieldValueNotSupported",
        'Unsupported value: "green": supported values: "red", "blue"',
    )
    assert fields["spec.size"] == (
        "FieldValueTypeInvalid",
        'Invalid value: "string": spec.size in body must be of type integer: "string"',
    )
    assert fields["spec.tags"][0] == "FieldValueTypeInvalid"
    strict = api.post(WIDGETS, json={**widget("s", color="red"), "extra": 1}, params={"fieldValidation": "Strict"})
    assert strict.status_code == 400
    assert strict.json()["message"] == (
        'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "extra"'
    )
    missing = api.post(WIDGETS, json=widget("none"))
    assert missing.json()["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.color"}
    ]


def test_custom_status_scale_and_table(with_crd: httpx.Client) -> None:
    api = with_crd
    api.post(WIDGETS, json=widget("w", color="blue", size=3))
    scale = api.get(f"{WIDGETS}/w/scale").json()
    assert scale["spec"] == {"replicas": 3}
    scale["spec"]["replicas"] = 4
    api.put(f"{WIDGETS}/w/scale", json=scale)
    obj = api.get(f"{WIDGETS}/w").json()
    assert obj["spec"]["size"] == 4
    obj["status"] = {"size": 4}
    assert api.put(f"{WIDGETS}/w/status", json=obj).json()["status"] == {"size": 4}
    table = api.get(WIDGETS, headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}).json()
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Size"]
    assert table["rows"][0]["cells"] == ["w", 4]
    listed = api.get(WIDGETS).json()
    assert listed["kind"] == "WidgetList" and listed["items"][0]["kind"] == "Widget"
    assert api.get("/apis/example.com/v1/widgets").json()["items"][0]["metadata"]["name"] == "w"


def test_strategic_merge_is_415_for_custom_resources(with_crd: httpx.Client) -> None:
    api = with_crd
    api.post(WIDGETS, json=widget("w", color="red"))
    answer = api.patch(
        f"{WIDGETS}/w", content=b"{}", headers={"Content-Type": "application/strategic-merge-patch+json"}
    )
    assert answer.status_code == 415
    assert answer.json()["message"] == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )


def test_deleting_crd_removes_resources(with_crd: httpx.Client) -> None:
    api = with_crd
    api.post(WIDGETS, json=widget("w", color="red"))
    assert api.delete(f"{CRD_PATH}/widgets.example.com").status_code == 200
    assert api.get(WIDGETS).status_code == 404
    assert api.get("/apis/example.com/v1").status_code == 404
    assert api.post(CRD_PATH, json=WIDGET_CRD).status_code == 201
    assert api.get(WIDGETS).json()["items"] == []


def test_invalid_crd_is_422(api: httpx.Client) -> None:
    bad = copy.deepcopy(WIDGET_CRD)
    bad["metadata"]["name"] = "wrong.example.com"
    answer = api.post(CRD_PATH, json=bad)
    assert answer.status_code == 422
    assert answer.json()["details"]["causes"][0]["field"] == "metadata.name"


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.skip(f"CRD fixtures not available: {path} is absent (a fresh clone has no ../shared)")
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def test_cert_manager_certificate_like_real_server(api: httpx.Client) -> None:
    crd = _load(CRDS / "certificates.cert-manager.io-crd.yaml")
    assert api.post(CRD_PATH, json=crd).status_code == 201
    api.post("/api/v1/namespaces", json={"metadata": {"name": "wire"}})
    real = wire("certificate.json")
    cert = {k: v for k, v in real.items() if k != "status"}
    cert["metadata"] = {"name": real["metadata"]["name"], "namespace": "wire"}
    created = api.post("/apis/cert-manager.io/v1/namespaces/wire/certificates", json=cert)
    assert created.status_code == 201, created.text
    assert created.json()["spec"] == real["spec"]
    table = api.get(
        "/apis/cert-manager.io/v1/namespaces/wire/certificates",
        headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
    ).json()
    real_table = wire("table-certificates.json")
    assert table["columnDefinitions"] == real_table["columnDefinitions"]
    assert table["rows"][0]["cells"][:4] == real_table["rows"][0]["cells"][:4]
    real_doc = wire("openapi-v3-cert-manager.io-v1.json")
    doc = api.get("/openapi/v3/apis/cert-manager.io/v1").json()
    assert set(doc["components"]["schemas"]) >= {"io.cert-manager.v1.Certificate", "io.cert-manager.v1.CertificateList"}
    assert set(doc["paths"]) == set(real_doc["paths"])
    mine = doc["components"]["schemas"]["io.cert-manager.v1.Certificate"]
    theirs = real_doc["components"]["schemas"]["io.cert-manager.v1.Certificate"]
    assert set(mine["properties"]) == set(theirs["properties"])
    aggregated = api.get("/apis", headers={"Accept": AGGREGATED}).json()
    real_agg = wire("aggregated-discovery-with-crd.json")
    mine_group = next(i for i in aggregated["items"] if i["metadata"]["name"] == "cert-manager.io")
    real_group = next(i for i in real_agg["items"] if i["metadata"]["name"] == "cert-manager.io")
    assert mine_group == real_group


def test_every_fixture_crd_is_accepted(api: httpx.Client) -> None:
    if not CRDS.is_dir():
        pytest.skip(f"CRD fixtures not available: {CRDS} is absent")
    for path in sorted(CRDS.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                answer = api.post(CRD_PATH, json=doc)
                assert answer.status_code == 201, f"{path.name}: {answer.text[:300]}"


def test_multi_version_crd_shares_storage(api: httpx.Client) -> None:
    crd = copy.deepcopy(WIDGET_CRD)
    beta = copy.deepcopy(crd["spec"]["versions"][0])
    beta.update(name="v1beta1", storage=False)
    crd["spec"]["versions"].append(beta)
    assert api.post(CRD_PATH, json=crd).status_code == 201
    api.post(WIDGETS, json=widget("w", color="red"))
    via_beta = api.get("/apis/example.com/v1beta1/namespaces/default/widgets/w").json()
    assert via_beta["apiVersion"] == "example.com/v1beta1" and via_beta["spec"]["color"] == "red"
    groups = api.get("/apis/example.com").json()
    assert [v["version"] for v in groups["versions"]] == ["v1", "v1beta1"]
    assert groups["preferredVersion"]["version"] == "v1"


def test_session_fixture_is_shared(kube_fake_session: FakeAPIServer) -> None:
    assert kube_fake_session.running
    with client_for(kube_fake_session) as client:
        assert client.get("/version").json()["gitVersion"].startswith("v1.36")
