"""Fetching documents from a cluster (served here by an httpx mock transport from the v1.36 snapshot)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest

from kubeclient.apidocs import APIDocuments, DocumentError, openapi_file_name
from kubeclient.config import Config
from kubeclient.errors import StatusError
from kubegen.ir import build_ir
from kubegen.snapshot import save_documents
from kubegen.sources import fetch_cluster, load_directory

REPO = Path(__file__).resolve().parents[3]
SNAPSHOT = REPO / "openapi" / "kubernetes-1.36"


class Server:
    """Answers like an API server from the snapshot; `aggregated` decides which discovery /apis gives."""

    def __init__(self, *, aggregated: bool) -> None:
        self.aggregated = aggregated
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def _file(self, *parts: str) -> httpx.Response:
        path = SNAPSHOT.joinpath(*parts)
        if not path.exists():
            return httpx.Response(404, json={"kind": "Status", "code": 404, "reason": "NotFound", "message": "nope"})
        return httpx.Response(200, content=path.read_bytes(), headers={"Content-Type": "application/json"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        path = request.url.path
        if path == "/api":
            return self._file("discovery", "api.json")
        if path == "/api/v1":
            return self._file("discovery", "api__v1.json")
        if path == "/apis":
            return self._file("discovery", "aggregated_v2.json" if self.aggregated else "apis.json")
        if path.startswith("/apis/"):
            _, group, version = path.strip("/").split("/")
            return self._file("discovery", f"apis__{group}__{version}.json")
        if path == "/openapi/v3":
            names = sorted(
                f.name[: -len("_openapi.json")].replace("__", "/") for f in (SNAPSHOT / "openapi" / "v3").iterdir()
            )
            paths = {name: {"serverRelativeURL": f"/openapi/v3/{name}?hash=AB"} for name in names}
            return httpx.Response(200, json={"paths": paths})
        if path.startswith("/openapi/v3/"):
            assert request.url.params.get("hash") == "AB"
            return self._file("openapi", "v3", openapi_file_name(path[len("/openapi/v3/") :]))
        return httpx.Response(404, json={"kind": "Status", "code": 404})


def _config() -> Config:
    return Config("https://cluster.invalid:6443", token="secret-token")


@pytest.mark.parametrize("aggregated", [True, False])
def test_fetch_matches_the_directory(aggregated: bool) -> None:
    server = Server(aggregated=aggregated)
    fetched = fetch_cluster(_config(), transport=httpx.MockTransport(server))
    docs = fetched.api_documents()
    expected = load_directory(SNAPSHOT)
    assert {r.gvr for r in docs.resources()} == {r.gvr for r in expected.resources()}
    assert {(g.name, g.versions) for g in docs.groups()} == {(g.name, g.versions) for g in expected.groups()}
    assert docs.openapi_for("apps", "v1") is not None
    assert "apis/apps/v1" in fetched.openapi_v3
    assert "logs" not in fetched.openapi_v3  # only group-versions are fetched
    apis = next(r for r in server.requests if r.url.path == "/apis")
    assert "as=APIGroupDiscoveryList" in apis.headers["Accept"]
    assert all(r.headers["Authorization"] == "Bearer secret-token" for r in server.requests)
    if not aggregated:
        assert "apis__apps__v1.json" in fetched.discovery


def test_groups_limit_the_openapi_documents_fetched() -> None:
    server = Server(aggregated=True)
    fetched = fetch_cluster(_config(), transport=httpx.MockTransport(server), groups=["core", "batch"])
    assert sorted(fetched.openapi_v3) == ["api/v1", "apis/batch/v1"]
    asked = {r.url.path for r in server.requests if r.url.path.startswith("/openapi/v3/")}
    assert asked == {"/openapi/v3/api/v1", "/openapi/v3/apis/batch/v1"}
    # Discovery is whole: it names the groups there are.
    assert {g.name for g in fetched.api_documents().groups()} >= {"", "apps", "batch"}
    model = build_ir(fetched.api_documents(), package="only", groups=["core", "batch"])
    assert sorted(gv.api_version for gv in model.group_versions) == ["batch/v1", "v1"]


def test_fetched_documents_saved_as_a_snapshot_read_back_identically(tmp_path: Path) -> None:
    fetched = fetch_cluster(_config(), transport=httpx.MockTransport(Server(aggregated=True)))
    save_documents(tmp_path / "snap", discovery=fetched.discovery, openapi_v3=fetched.openapi_v3, strip=True)
    again = APIDocuments.from_directory(tmp_path / "snap")
    assert {r.gvr for r in again.resources()} == {r.gvr for r in fetched.api_documents().resources()}
    assert json.dumps(again.openapi_raw("api/v1"), sort_keys=True) == json.dumps(
        fetched.openapi_v3["api/v1"], sort_keys=True
    )


def test_server_errors_surface_as_status_errors() -> None:
    def deny(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403,
            json={
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "code": 403,
                "reason": "Forbidden",
                "message": "forbidden: User cannot get path /api",
            },
        )

    with pytest.raises(StatusError) as info:
        fetch_cluster(_config(), transport=httpx.MockTransport(deny))
    assert "secret-token" not in str(info.value)


class LateServer(Server):
    """A server whose OpenAPI index lists apps/v1 only from the `publish_after`-th index read on, as kube-apiserver
    publishes a new CRD's document a few seconds after discovery lists it."""

    def __init__(self, publish_after: int) -> None:
        super().__init__(aggregated=True)
        self.publish_after = publish_after
        self.index_reads = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = super().__call__(request)
        if request.url.path != "/openapi/v3":
            return answer
        self.index_reads += 1
        if self.index_reads >= self.publish_after:
            return answer
        paths = dict(json.loads(answer.content)["paths"])
        del paths["apis/apps/v1"]
        return httpx.Response(200, json={"paths": paths})


def test_a_group_version_not_yet_in_the_openapi_index_is_waited_for() -> None:
    server = LateServer(publish_after=3)
    said: list[str] = []
    fetched = fetch_cluster(_config(), transport=httpx.MockTransport(server), groups=["apps"], progress=said.append)
    assert server.index_reads == 3 and "apis/apps/v1" in fetched.openapi_v3
    assert said.count("waiting for the OpenAPI v3 document of apis/apps/v1") == 1


def test_a_group_version_never_published_is_a_clear_error() -> None:
    server = LateServer(publish_after=10**6)
    with pytest.raises(DocumentError, match=r"discovery serves apis/apps/v1 but the OpenAPI v3 index has no document"):
        fetch_cluster(_config(), transport=httpx.MockTransport(server), groups=["apps"], openapi_wait=0.3)
