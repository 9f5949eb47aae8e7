"""bench/jsonproxy.py, which makes client-go speak JSON, answers in JSON what asked for protobuf."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import yaml

from kubeclient.testing import FakeAPIServer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from jsonproxy import json_proxy, rewrite_head  # bench/ is a directory of programs, not a package

PROTOBUF = "application/vnd.kubernetes.protobuf,application/json"


def test_the_head_asks_for_json_with_the_proxys_credentials() -> None:
    head = b"GET /api/v1/pods HTTP/1.1\r\nHost: x\r\nACCEPT: application/vnd.kubernetes.protobuf\r\nAuthorization: no"
    lines = rewrite_head(head, b"Bearer t").split(b"\r\n")
    assert lines[0] == b"GET /api/v1/pods HTTP/1.1"
    assert sorted(lines[1:]) == [b"Accept: application/json", b"Authorization: Bearer t", b"Host: x"]


def test_a_protobuf_request_through_the_proxy_is_answered_in_json(kube_fake: FakeAPIServer, tmp_path: Path) -> None:
    kubeconfig = kube_fake.write_kubeconfig(tmp_path / "kubeconfig")
    path = "/api/v1/namespaces/default/configmaps"
    with httpx.Client(base_url=kube_fake.url, verify=kube_fake.config().ssl_context()) as direct:
        answer = direct.get(path, headers={"Accept": PROTOBUF, "Authorization": f"Bearer {kube_fake.admin.token}"})
        assert answer.headers["content-type"] == "application/vnd.kubernetes.protobuf"
    with json_proxy(str(kubeconfig), tmp_path / "proxied") as proxied, httpx.Client() as client:
        server = yaml.safe_load(proxied.read_text())["clusters"][0]["cluster"]["server"]
        for _ in range(2):  # a kept-alive connection: every request head is rewritten
            answer = client.get(server + path, headers={"Accept": PROTOBUF})
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "application/json"
            assert answer.json()["kind"] == "ConfigMapList"
