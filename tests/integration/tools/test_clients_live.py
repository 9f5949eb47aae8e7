"""Ownership helpers, the metadata client and the scale client against the fake server and the real control plane."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from backends import Backend
from tools_helpers import CONFIGMAPS, DEPLOYMENTS, STATEFULSETS, configmap, deployment, statefulset, unique

from kubeapi import Clientset
from kubeapi.apps.v1 import ReplicaSet
from kubeapi.core.v1 import ConfigMap
from kubeclient import wait
from kubeclient.cache.delta_fifo import DeletedFinalStateUnknown
from kubeclient.dynamic import DynamicClient
from kubeclient.errors import ConflictError, NotFoundError
from kubeclient.metadata import AsyncMetadataClient, MetadataClient
from kubeclient.ownership import (
    InvalidReferenceError,
    get_controller_of,
    get_reference,
    is_controlled_by,
    owner_reference,
)
from kubeclient.scale import AsyncScaleClient, NoScaleSubresourceError, ScaleClient
from kubeclient.schema import GVR


def test_owner_references_are_accepted_by_the_server(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        owner = cms.create(configmap(unique("owner")))
        other = cms.create(configmap(unique("other")))
        ref = owner_reference(owner)
        assert ref == {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
        child = cms.create(configmap(unique("child"), ownerReferences=[ref, owner_reference(other, controller=False)]))
        assert child["metadata"]["ownerReferences"][0] == ref
        assert is_controlled_by(child, owner)
        assert not is_controlled_by(child, other)
        assert get_controller_of(child) == ref
        assert get_controller_of(owner) is None
        # Typed objects and tombstones work the same.
        typed = ConfigMap.from_dict(child)
        assert is_controlled_by(typed, ConfigMap.from_dict(owner))
        assert get_controller_of(DeletedFinalStateUnknown(key="k", obj=typed)) == ref
        reference = get_reference(typed)
        assert reference == {
            "kind": "ConfigMap",
            "apiVersion": "v1",
            "name": child["metadata"]["name"],
            "namespace": backend.namespace,
            "uid": child["metadata"]["uid"],
            "resourceVersion": child["metadata"]["resourceVersion"],
        }
        assert get_reference(reference) == reference
        with pytest.raises(InvalidReferenceError, match="has no uid: read the owner from the server first"):
            owner_reference(configmap("unsaved"))
        with pytest.raises(InvalidReferenceError, match="has no kind and apiVersion"):
            get_reference({"metadata": {"name": "x"}})


def test_metadata_client_sync(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn, MetadataClient.for_config(backend.config()) as meta:
        cms = dyn.resource(CONFIGMAPS, namespaced=True).namespace(backend.namespace)
        name = unique("cm")
        cms.create(configmap(name, {"big": "x" * 100}, labels={"tier": "a"}))
        client = meta.resource(CONFIGMAPS).namespace(backend.namespace)
        got = client.get(name)
        assert (got["kind"], got["apiVersion"]) == ("PartialObjectMetadata", "meta.k8s.io/v1")
        assert got["metadata"]["labels"] == {"tier": "a"} and "data" not in got
        listed = client.list(label_selector="tier=a")
        assert listed["kind"] == "PartialObjectMetadataList"
        assert [i["metadata"]["name"] for i in listed["items"]] == [name]
        assert all("data" not in i for i in listed["items"])
        patched = client.patch(name, {"metadata": {"annotations": {"seen": "yes"}}})
        assert patched["kind"] == "PartialObjectMetadata" and patched["metadata"]["annotations"] == {"seen": "yes"}
        assert cms.get(name)["data"] == {"big": "x" * 100}  # the patch left the data alone
        rv = listed["metadata"]["resourceVersion"]
        with client.watch(resource_version=rv, timeout_seconds=5) as events:
            cms.patch(name, {"data": {"big": "y"}})
            for event in events:
                assert event.type == "MODIFIED"
                assert event.object["kind"] == "PartialObjectMetadata" and "data" not in event.object
                break
        assert not hasattr(client, "create") and not hasattr(client, "update")
        client.delete(name)
        with pytest.raises(NotFoundError):
            client.get(name)
        cms.create(configmap(unique("gone"), labels={"tier": "b"}))
        client.delete_collection(label_selector="tier=b")
        assert client.list(label_selector="tier=b")["items"] is None  # null, as Go encodes an empty slice


def test_metadata_client_async(backend: Backend) -> None:
    async def scenario() -> None:
        async with AsyncMetadataClient.for_config(backend.config()) as meta:
            client = meta.resource(DEPLOYMENTS).namespace(backend.namespace)
            with DynamicClient.for_config(backend.config()) as dyn:
                name = unique("web")
                dyn.resource(DEPLOYMENTS, namespaced=True).namespace(backend.namespace).create(deployment(name))
            got = await client.get(name)
            assert got["kind"] == "PartialObjectMetadata" and "spec" not in got
            listed = await client.list()
            assert name in [i["metadata"]["name"] for i in listed["items"]]
            await client.patch(name, {"metadata": {"labels": {"x": "y"}}})
            assert (await client.get(name))["metadata"]["labels"] == {"app": name, "x": "y"}
            await client.delete(name)
            with pytest.raises(NotFoundError):
                await client.get(name)

    asyncio.run(scenario())


def test_scale_client_sync(backend: Backend) -> None:
    with DynamicClient.for_config(backend.config()) as dyn, ScaleClient.for_config(backend.config()) as sc:
        ns = backend.namespace
        deploy, sts = unique("web"), unique("db")
        dyn.resource(DEPLOYMENTS, namespaced=True).namespace(ns).create(deployment(deploy, 1))
        dyn.resource(STATEFULSETS, namespaced=True).namespace(ns).create(statefulset(sts, 2))
        scales = sc.scales(ns)
        s = scales.get("deployments.apps", deploy)
        assert (s["apiVersion"], s["kind"], s["spec"]["replicas"]) == ("autoscaling/v1", "Scale", 1)
        assert scales.get("deploy", deploy)["metadata"]["name"] == deploy  # short names resolve too
        s["spec"]["replicas"] = 3
        updated = scales.update("deployments", s)
        assert updated["spec"]["replicas"] == 3
        assert dyn.resource(DEPLOYMENTS, namespaced=True).namespace(ns).get(deploy)["spec"]["replicas"] == 3
        with pytest.raises(ConflictError):
            scales.update("deployments", s)  # s carries the old resourceVersion
        patched = scales.patch(GVR("apps", "v1", "statefulsets"), sts, {"spec": {"replicas": 0}})
        assert patched["spec"] == {}  # ScaleSpec.replicas is omitempty
        assert scales.get("sts", sts)["spec"].get("replicas", 0) == 0
        with pytest.raises(NoScaleSubresourceError, match="configmaps/v1 has no scale subresource"):
            scales.get("configmaps", "x")
        with pytest.raises(NotFoundError):
            scales.get("deployments", "missing")


def test_scale_client_replicasets_and_typed_waits(backend: Backend) -> None:
    with Clientset.for_config(backend.config()) as cs, ScaleClient.for_config(backend.config()) as sc:
        name = unique("rs")
        body = deployment(name, 2)
        body["kind"] = "ReplicaSet"
        rs = cs.apps_v1.replica_sets(backend.namespace).create(ReplicaSet.from_dict(body))
        scale = sc.scales(backend.namespace).get("rs", name)
        assert (scale["spec"]["replicas"], scale["status"]["selector"]) == (2, f"app={name}")
        sc.scales(backend.namespace).patch("replicasets.apps", name, {"spec": {"replicas": 4}})
        # kubeclient.wait takes typed clients and returns typed objects.
        typed = wait.for_jsonpath(cs.apps_v1.replica_sets(backend.namespace), name, "{.spec.replicas}", "4", timeout=5)
        assert isinstance(typed, ReplicaSet) and typed.spec.replicas == 4
        assert get_reference(rs)["kind"] == "ReplicaSet"


def test_scale_client_async(backend: Backend) -> None:
    async def scenario() -> dict[str, Any]:
        async with AsyncScaleClient.for_config(backend.config()) as sc:
            with DynamicClient.for_config(backend.config()) as dyn:
                name = unique("web")
                dyn.resource(DEPLOYMENTS, namespaced=True).namespace(backend.namespace).create(deployment(name, 2))
            scales = sc.scales(backend.namespace)
            s = await scales.get("deployment", name)
            assert s["spec"]["replicas"] == 2
            s["spec"]["replicas"] = 4
            assert (await scales.update("deployments.apps", s))["spec"]["replicas"] == 4
            return await scales.patch("deployments", name, {"spec": {"replicas": 1}})

    assert asyncio.run(scenario())["spec"]["replicas"] == 1
