"""The I/O-free parts of the metadata and scale clients and of manifests: Accept headers, resolution, ordering."""

from __future__ import annotations

from typing import Any

import pytest

from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubeclient.discovery.restmapper import NoMatchError
from kubeclient.manifests import Document, load, ordered
from kubeclient.metadata import METADATA_ACCEPT, METADATA_LIST_ACCEPT, with_metadata_accept
from kubeclient.resource_plan import Call
from kubeclient.scale import NoScaleSubresourceError, ScaleResolver
from kubeclient.schema import GVK, GVR


def test_metadata_accept_per_call() -> None:
    get = with_metadata_accept(Call("GET", "ns", "pods", name="p"))
    listing = with_metadata_accept(Call("GET", "ns", "pods"))
    watch = with_metadata_accept(Call("GET", "ns", "pods", params=[("watch", "true")]))
    patch = with_metadata_accept(Call("PATCH", "ns", "pods", name="p"))
    delete = with_metadata_accept(Call("DELETE", "ns", "pods", name="p"))
    assert get.headers == {"Accept": METADATA_ACCEPT} == watch.headers == patch.headers
    assert listing.headers == {"Accept": METADATA_LIST_ACCEPT}
    assert "as=PartialObjectMetadataList;" in METADATA_LIST_ACCEPT and delete.headers == {}


def resource(group: str, version: str, plural: str, kind: str, *subs: str, short: tuple[str, ...] = ()) -> Resource:
    subresources = {s: Subresource(s, GVK("autoscaling", "v1", "Scale"), ("get",)) for s in subs}
    return Resource(group, version, plural, plural[:-1], kind, True, ("get",), short, (), subresources)


def test_scale_resolver() -> None:
    groups = [GroupInfo("", ("v1",)), GroupInfo("apps", ("v1",)), GroupInfo("example.com", ("v2", "v1"))]
    resources = [
        resource("apps", "v1", "deployments", "Deployment", "scale", "status", short=("deploy",)),
        resource("", "v1", "configmaps", "ConfigMap", short=("cm",)),
        resource("example.com", "v2", "widgets", "Widget", "scale"),
        resource("example.com", "v1", "widgets", "Widget"),
    ]
    resolver = ScaleResolver(groups, resources)
    assert resolver.resolve("deploy") == (GVR("apps", "v1", "deployments"), True)
    assert resolver.resolve("widgets.example.com") == (GVR("example.com", "v2", "widgets"), True)
    with pytest.raises(NoScaleSubresourceError, match=r"widgets\.example\.com/v1 has no scale subresource"):
        resolver.resolve(GVR("example.com", "v1", "widgets"))
    with pytest.raises(NoScaleSubresourceError, match="configmaps/v1"):
        resolver.resolve("cm")
    with pytest.raises(NoMatchError):
        resolver.resolve("gadgets")


def doc(api_version: str, kind: str, name: str) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}}


def test_ordering_puts_crds_then_namespaces_first_and_keeps_the_rest() -> None:
    docs = [
        Document("a", doc("v1", "ConfigMap", "c1")),
        Document("b", doc("v1", "Namespace", "n1")),
        Document("c", doc("apiextensions.k8s.io/v1", "CustomResourceDefinition", "x.example.com")),
        Document("d", doc("example.com/v1", "X", "x1")),
        Document("e", doc("v1", "Namespace", "n2")),
    ]
    assert [d.name for d in ordered(docs)] == ["x.example.com", "n1", "n2", "c1", "x1"]


def test_load_expands_lists_and_json() -> None:
    text = (
        '{"apiVersion": "v1", "kind": "List", "items": ['
        + ", ".join(f'{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "c{i}"}}}}' for i in range(3))
        + "]}"
    )
    loaded = load(text)
    assert [(d.name, d.source) for d in loaded] == [(f"c{i}", f"<text>.items[{i}]") for i in range(3)]
    assert loaded[0].gvk == GVK("", "v1", "ConfigMap")
