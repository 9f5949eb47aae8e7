"""Schemas of the project's v1.36 API documents for the patching tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kubeclient.apidocs import APIDocuments
from kubeclient.apidocs.openapi import OpenAPIDocument
from kubeclient.schema import GVK

REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class KindSchema:
    """A kind's schema and the resolver of the document it comes from."""

    schema: Mapping[str, Any]
    document: OpenAPIDocument

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        return self.document.resolve(schema)


@pytest.fixture(scope="session")
def api_docs() -> APIDocuments:
    return APIDocuments.from_directory(REPO_ROOT / "openapi" / "kubernetes-1.36")


def _kind(docs: APIDocuments, group: str, version: str, kind: str) -> KindSchema:
    document = docs.openapi_for(group, version)
    assert document is not None
    name = document.schema_name_for_kind(GVK(group, version, kind))
    assert name is not None
    return KindSchema(document.schema(name), document)


@pytest.fixture(scope="session")
def pod(api_docs: APIDocuments) -> KindSchema:
    return _kind(api_docs, "", "v1", "Pod")


@pytest.fixture(scope="session")
def configmap(api_docs: APIDocuments) -> KindSchema:
    return _kind(api_docs, "", "v1", "ConfigMap")


@pytest.fixture(scope="session")
def deployment(api_docs: APIDocuments) -> KindSchema:
    return _kind(api_docs, "apps", "v1", "Deployment")
