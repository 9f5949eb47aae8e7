"""Listers over an indexer: label selection, namespaces, NotFound errors like client-go's errors.NewNotFound."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from cache_objects import pod

from kubeclient.cache import NAMESPACE_INDEX, Lister, meta_namespace_index_func, new_indexer, new_store
from kubeclient.errors import NotFoundError, is_not_found
from kubeclient.labels import Operator, Requirement, Selector
from kubeclient.schema import GVR


class AppIs:
    def __init__(self, app: str) -> None:
        self.app = app

    def matches(self, labels: Mapping[str, str]) -> bool:
        return labels.get("app") == self.app


def names(objs: list[object]) -> list[str]:
    return sorted(o["metadata"]["name"] for o in objs)  # type: ignore[index]  # test objects are dicts


@pytest.mark.parametrize("indexed", [True, False])
def test_namespaced_list_and_get(indexed: bool) -> None:
    idx = new_indexer({NAMESPACE_INDEX: meta_namespace_index_func}) if indexed else new_store()
    idx.add(pod("a", "ns1", app="web"))
    idx.add(pod("b", "ns1", app="db"))
    idx.add(pod("c", "ns2", app="web"))
    lister = Lister(idx, resource="pod")
    assert names(lister.list()) == ["a", "b", "c"]
    assert names(lister.list(AppIs("web"))) == ["a", "c"]
    assert names(lister.namespaced("ns1").list()) == ["a", "b"]
    assert names(lister.namespaced("ns1").list(AppIs("web"))) == ["a"]
    assert names(lister.namespaced("").list()) == ["a", "b", "c"]
    assert lister.namespaced("ns2").get("c")["metadata"]["name"] == "c"


def test_works_with_label_selectors() -> None:
    idx = new_store()
    idx.add(pod("a", app="web"))
    idx.add(pod("b"))
    sel = Selector((Requirement("app", Operator.EXISTS, ()),))
    assert names(Lister(idx, resource="pod").list(sel)) == ["a"]


def test_not_found_core_and_grouped() -> None:
    idx = new_store()
    idx.add(pod("node-1", ""))
    lister = Lister(idx, resource="pod")
    assert lister.get("node-1")["metadata"]["name"] == "node-1"
    with pytest.raises(NotFoundError) as info:
        lister.namespaced("ns1").get("missing")
    err = info.value
    assert is_not_found(err)
    assert str(err.status["message"]) == 'pod "missing" not found'
    assert err.status["details"] == {"name": "missing", "kind": "pod"}
    assert err.status["code"] == 404 and err.status["reason"] == "NotFound"

    with pytest.raises(NotFoundError) as info2:
        Lister(idx, resource=GVR("apps", "v1", "deployments")).get("web")
    assert info2.value.status["message"] == 'deployments.apps "web" not found'
    assert info2.value.status["details"] == {"name": "web", "kind": "deployments", "group": "apps"}
