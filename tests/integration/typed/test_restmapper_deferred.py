"""`RESTMapper(discovery_client)`: deferred like client-go's DeferredDiscoveryRESTMapper — discovery on first use,
and a miss refreshes it once, so a CRD created after start-up resolves without a new mapper."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from tests.integration.backends import Backend

from kubeclient import GVK, GVR, RESTMapper
from kubeclient.discovery import DiscoveryClient, NoMatchError
from kubeclient.dynamic import DynamicClient

CRDS = GVR("apiextensions.k8s.io", "v1", "customresourcedefinitions")


def _crd(group: str, short: str) -> dict[str, object]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"gadgets.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget", "shortNames": [short]},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                }
            ],
        },
    }


def test_a_crd_created_after_start_up_resolves(backend: Backend, tmp_path: Path) -> None:
    run = uuid.uuid4().hex[:8]
    group, short = f"t{run}.example.com", f"gd{run}"
    cfg = backend.config()
    with DiscoveryClient.for_config(cfg, cache_dir=tmp_path / "a") as disc, DynamicClient.for_config(cfg) as dyn:
        mapper = RESTMapper(disc)  # nothing fetched yet
        assert mapper.resource_for("deploy") == GVR("apps", "v1", "deployments")
        crds = dyn.resource(CRDS, namespaced=False)
        crds.create(_crd(group, short))
        try:
            # Wait until the server's discovery serves it (a fresh client, no cache), then ask the old mapper.
            with DiscoveryClient.for_config(cfg, use_cache=False) as probe:
                deadline = time.monotonic() + 30
                while not any(r.group == group for r in probe.server_groups_and_resources()[1]):
                    assert time.monotonic() < deadline, "discovery never served the CRD"
                    time.sleep(0.2)
                    probe.invalidate()
            assert mapper.resource_for(short) == GVR(group, "v1", "gadgets")
            assert mapper.rest_mapping(GVK(group, "v1", "Gadget")).namespaced
            with pytest.raises(NoMatchError):
                mapper.resource_for(f"nothing{run}")
        finally:
            crds.delete(f"gadgets.{group}")


def test_rest_mapper_refuses_a_lone_list() -> None:
    with pytest.raises(TypeError, match="RESTMapper takes \\(groups, resources\\) or a discovery client"):
        RESTMapper([])
