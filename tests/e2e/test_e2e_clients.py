"""The four clients against a real kube-apiserver (KUBECLIENT_E2E_KUBECONFIG, else the real control plane)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeclient import GVR, NotFoundError
from kubeclient.config import Config
from kubeclient.discovery import DiscoveryClient, RESTMapper
from kubeclient.dynamic import DynamicClient
from kubeclient.rest import RESTClient


def test_rest_client_lists_pods_and_nodes(e2e_config: Config) -> None:
    with RESTClient.for_config(e2e_config) as rc:
        pods = rc.get().namespace("default").resource("pods").param("limit", 100).do().json()
        assert pods["kind"] == "PodList"
        nodes = rc.get().resource("nodes").do().json()
        assert nodes["kind"] == "NodeList"


def test_dynamic_crud_of_a_configmap(e2e_config: Config, e2e_namespace: str) -> None:
    with DynamicClient.for_config(e2e_config) as dyn:
        cms = dyn.resource(GVR("", "v1", "configmaps"), namespaced=True).namespace(e2e_namespace)
        created = cms.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "1"}})
        created["data"]["a"] = "2"
        assert cms.update(created)["data"] == {"a": "2"}
        patched = cms.patch("x", {"data": {"b": "3"}}, "strategic")
        assert patched["data"] == {"a": "2", "b": "3"}
        cms.delete("x")
        with pytest.raises(NotFoundError):
            cms.get("x")


def test_discovery_and_restmapper(e2e_config: Config, tmp_path: Path) -> None:
    with DiscoveryClient.for_config(e2e_config, cache_dir=str(tmp_path)) as disc:
        _, resources = disc.server_groups_and_resources()
        assert any(r.plural == "deployments" and r.group == "apps" for r in resources)
        assert RESTMapper.from_discovery(disc).resource_for("deploy") == GVR("apps", "v1", "deployments")
