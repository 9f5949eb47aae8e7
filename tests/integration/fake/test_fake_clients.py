"""The fake API server through kubeclient's own clients, kubeconfig files, client certificates, plain HTTP and the
standalone command."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kubeclient.config import Config, load_config
from kubeclient.dynamic import DynamicClient
from kubeclient.errors import ConflictError, NotFoundError
from kubeclient.rest import RESTClient
from kubeclient.schema import GVR
from kubeclient.testing import FakeAPIServer

CONFIGMAPS = GVR("", "v1", "configmaps")


def test_config_and_rest_client(kube_fake: FakeAPIServer) -> None:
    cfg = kube_fake.config()
    assert cfg.host == kube_fake.url and cfg.host.startswith("https://127.0.0.1:")
    assert cfg.token and cfg.token not in repr(cfg)
    with RESTClient.for_config(cfg) as rest:
        body = rest.get().resource("namespaces").name("default").do().json()
        assert body["metadata"]["name"] == "default"
        with pytest.raises(NotFoundError):
            rest.get().namespace("default").resource("configmaps").name("nope").do()


def test_dynamic_client_verbs(kube_fake: FakeAPIServer) -> None:
    with DynamicClient.for_config(kube_fake.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, kind="ConfigMap", namespaced=True).namespace("default")
        created = cms.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}, "data": {"a": "1"}})
        stale = dict(created, data={"a": "2"})
        cms.update(stale)
        with pytest.raises(ConflictError):
            cms.update(stale)
        assert [o["metadata"]["name"] for o in cms.list()["items"]] == ["d"]
        events = cms.watch(resource_version=created["metadata"]["resourceVersion"], timeout_seconds=1)
        assert [e.type for e in events] == ["MODIFIED"]


def test_write_kubeconfig_and_load(kube_fake: FakeAPIServer, tmp_path: Path) -> None:
    path = kube_fake.write_kubeconfig(tmp_path / "kubeconfig")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    cfg = load_config(path)
    assert cfg.host == kube_fake.url and cfg.namespace == "default"
    with RESTClient.for_config(cfg) as rest:
        assert rest.get().abs_path("version").do().json()["minor"] == "36"


def test_client_certificate_authentication(kube_fake: FakeAPIServer, tmp_path: Path) -> None:
    cert = kube_fake.client_certificate("admin")
    assert "BEGIN" not in repr(cert)
    cfg = Config(kube_fake.url, ca_data=kube_fake.ca_pem, client_cert_data=cert.cert_pem, client_key_data=cert.key_pem)
    with RESTClient.for_config(cfg) as rest:
        assert rest.get().resource("namespaces").do().json()["kind"] == "NamespaceList"
    stranger = kube_fake.client_certificate("stranger")
    (tmp_path / "c.pem").write_bytes(stranger.cert_pem)
    (tmp_path / "k.pem").write_bytes(stranger.key_pem)
    ctx = kube_fake.config().ssl_context()
    ctx.load_cert_chain(tmp_path / "c.pem", tmp_path / "k.pem")
    with httpx.Client(base_url=kube_fake.url, verify=ctx) as unknown:
        assert unknown.get("/api/v1/namespaces").status_code == 401


def test_plain_http_server() -> None:
    with FakeAPIServer(tls=False) as server:
        assert server.url.startswith("http://")
        cfg = server.config()
        assert cfg.ca_data is None
        answer = httpx.get(f"{server.url}/api/v1/namespaces", headers={"Authorization": f"Bearer {cfg.token}"})
        assert answer.status_code == 200


def test_standalone_command(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kc"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with subprocess.Popen(
        [sys.executable, "-m", "kubeclient.testing", "serve", "--port", "0", "--kubeconfig-out", str(kubeconfig)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.startswith("serving on https://127.0.0.1:")
            deadline = time.monotonic() + 10
            while not kubeconfig.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            with RESTClient.for_config(load_config(kubeconfig)) as rest:
                namespace = rest.get().resource("namespaces").name("kube-system").do().json()
                assert namespace["metadata"]["name"] == "kube-system"
        finally:
            proc.terminate()
            assert proc.wait(timeout=10) == 0


def test_async_rest_client(kube_fake: FakeAPIServer) -> None:
    from kubeclient.rest import AsyncRESTClient

    async def run() -> list[str]:
        async with AsyncRESTClient.for_config(kube_fake.config()) as rest:
            body = (await rest.get().resource("namespaces").do()).json()
            return [n["metadata"]["name"] for n in body["items"]]

    assert asyncio.run(run()) == ["default", "kube-node-lease", "kube-public", "kube-system"]
