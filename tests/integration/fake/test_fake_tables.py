"""Table and PartialObjectMetadata answers, compared with the real server's."""

from __future__ import annotations

import httpx
from fake_helpers import CM, DEPLOY, configmap, deployment, shape, wire

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
KUBECTL_TABLE = f"{TABLE},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
META_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"


def test_deployment_table_matches_real(api: httpx.Client) -> None:
    api.post(DEPLOY, json=deployment("web"), params={"fieldManager": "kubectl-create"})
    answer = api.get(DEPLOY, headers={"Accept": KUBECTL_TABLE})
    assert answer.headers["content-type"] == TABLE
    mine = answer.json()
    real = wire("table-deployments.json")
    assert mine["columnDefinitions"] == real["columnDefinitions"]
    cells, real_cells = mine["rows"][0]["cells"], real["rows"][0]["cells"]
    assert cells[:4] == real_cells[:4] and cells[5:] == real_cells[5:]
    assert cells[4].endswith("s")
    assert shape(mine["rows"][0]["object"]["metadata"]).keys() == shape(real["rows"][0]["object"]["metadata"]).keys()
    assert mine["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_table_include_object_and_single_get(api: httpx.Client) -> None:
    api.post(CM, json=configmap("cfg"))
    none = api.get(CM, params={"includeObject": "None"}, headers={"Accept": TABLE}).json()
    assert "object" not in none["rows"][0]
    assert [c["name"] for c in none["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert none["rows"][0]["cells"][:2] == ["cfg", 1]
    full = api.get(f"{CM}/cfg", params={"includeObject": "Object"}, headers={"Accept": TABLE}).json()
    assert full["rows"][0]["object"]["data"] == {"a": "1"}
    other = api.get("/api/v1/namespaces/default/serviceaccounts", headers={"Accept": TABLE}).json()
    assert [c["name"] for c in other["columnDefinitions"]] == ["Name", "Age"]


def test_partial_object_metadata_list_matches_real(api: httpx.Client) -> None:
    api.post(CM, json=configmap("cfg"), params={"fieldManager": "kubectl-create"})
    answer = api.get(CM, headers={"Accept": META_LIST})
    assert answer.headers["content-type"] == META_LIST
    mine, real = answer.json(), wire("partial-object-metadata-list.json")
    assert shape(mine) == shape(real)
    single = api.get(f"{CM}/cfg", headers={"Accept": "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"})
    assert single.json()["kind"] == "PartialObjectMetadata" and "data" not in single.json()
