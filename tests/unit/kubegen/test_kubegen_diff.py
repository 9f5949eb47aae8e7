"""kubegen diff: group-versions, resources, verbs, subresources, schemas and fields between two document sets."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from kubeclient.apidocs import APIDocuments
from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubegen.diff import Change, diff_documents
from kubegen.sources import load_directory

REPO = Path(__file__).resolve().parents[3]

FOO: dict[str, Any] = {
    "type": "object",
    "required": ["spec"],
    "properties": {
        "spec": {"$ref": "#/components/schemas/x.v1.FooSpec"},
        "size": {"type": "integer", "format": "int32"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}


def _docs(schemas: dict[str, Any], resources: list[Resource], versions: tuple[str, ...] = ("v1",)) -> APIDocuments:
    docs = {f"apis/x.io/{v}": {"paths": {}, "components": {"schemas": schemas}} for v in versions}
    return APIDocuments([GroupInfo("x.io", versions)], resources, openapi_docs=docs)


def _foo(version: str = "v1", verbs: tuple[str, ...] = ("get", "list"), **kw: Any) -> Resource:
    return Resource("x.io", version, "foos", "foo", "Foo", kw.pop("namespaced", True), verbs, **kw)


def test_identical_documents_have_no_changes() -> None:
    snapshot = load_directory(REPO / "openapi" / "kubernetes-1.36")
    assert diff_documents(snapshot, snapshot) == []


def test_changes_are_reported() -> None:
    old = _docs({"x.v1.Foo": FOO, "x.v1.Gone": {"type": "object"}}, [_foo()])
    new_foo = copy.deepcopy(FOO)
    new_foo["properties"]["size"] = {"type": "string"}
    new_foo["properties"]["color"] = {"type": "string"}
    del new_foo["properties"]["tags"]
    new_foo["required"] = []
    status = Subresource("status", None, ("get",))
    new = _docs(
        {"x.v1.Foo": new_foo, "x.v1.New": {"type": "object"}},
        [
            _foo(verbs=("get", "list", "watch"), namespaced=False, subresources={"status": status}),
            _foo(version="v2"),
            Resource("x.io", "v1", "bars", "bar", "Bar", True, ("get",)),
        ],
        versions=("v1", "v2"),
    )
    changes = diff_documents(old, new)
    assert Change("group-version", "x.io/v2", "added") in changes
    assert Change("resource", "x.io/v1 bars", "added") in changes
    assert Change("verbs", "x.io/v1 foos", "added", "watch") in changes
    assert Change("subresources", "x.io/v1 foos", "added", "status") in changes
    assert Change("scope", "x.io/v1 foos", "changed", "Namespaced → Cluster") in changes
    assert Change("schema", "x.v1.New", "added") in changes
    assert Change("schema", "x.v1.Gone", "removed") in changes
    assert Change("field", "x.v1.Foo.color", "added", "string") in changes
    assert Change("field", "x.v1.Foo.tags", "removed", "array of string") in changes
    assert Change("field", "x.v1.Foo.size", "changed", "integer (int32) → string") in changes
    assert Change("field", "x.v1.Foo.spec", "changed", "ref FooSpec, required → ref FooSpec") in changes
    assert str(Change("group-version", "x.io/v2", "added")) == "+ group-version x.io/v2"
    # Reversed, additions become removals.
    assert Change("group-version", "x.io/v2", "removed") in diff_documents(new, old)
