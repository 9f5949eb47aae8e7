"""What the fake server serves: the built-in resources of its API documents plus those of CRDs created at run time,
with the OpenAPI schema of each kind."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from kubeclient.apidocs import APIDocuments, GroupInfo, OpenAPIDocument, Resource, group_version_path
from kubeclient.schema import GVK
from kubeclient.testing.crd import (
    META_PREFIX,
    SCALE_SCHEMA,
    CRDInfo,
    CRDVersion,
    merge_documents,
    openapi_document,
)

Resolve = Callable[[Mapping[str, Any]], Mapping[str, Any]]


class Registry:
    """Resolves (group, version, plural) to a `Resource`; thread-safe; CRD changes bump `generation`."""

    def __init__(self, docs: APIDocuments) -> None:
        self.docs = docs
        self._lock = threading.Lock()
        self._builtin = {(r.group, r.version, r.plural): r for r in docs.resources()}
        self._builtin_groups = docs.groups()
        self._crds: dict[str, CRDInfo] = {}
        self._custom: dict[tuple[str, str, str], tuple[Resource, CRDInfo]] = {}
        self._crd_docs: dict[str, OpenAPIDocument] = {}
        self._meta_schemas: dict[str, Any] | None = None
        self.generation = 0

    # lookups

    def lookup(self, group: str, version: str, plural: str) -> Resource | None:
        key = (group, version, plural)
        with self._lock:
            custom = self._custom.get(key)
            return custom[0] if custom else self._builtin.get(key)

    def crd_of(self, group: str, plural: str) -> CRDInfo | None:
        with self._lock:
            return next((c for c in self._crds.values() if c.group == group and c.plural == plural), None)

    def crd_version(self, res: Resource) -> CRDVersion | None:
        crd = self.crd_of(res.group, res.plural)
        return crd.version(res.version) if crd else None

    def is_custom(self, res: Resource) -> bool:
        return self.crd_of(res.group, res.plural) is not None

    def resources(self) -> list[Resource]:
        with self._lock:
            return list(self._builtin.values()) + [r for r, _ in self._custom.values()]

    def resources_for(self, group: str, version: str) -> list[Resource]:
        return [r for r in self.resources() if r.group == group and r.version == version]

    def groups(self) -> list[GroupInfo]:
        """Built-in groups first (their order), then CRD groups; a CRD version the built-ins lack is appended."""
        out = {g.name: list(g.versions) for g in self._builtin_groups}
        with self._lock:
            crds = sorted(self._crds.values(), key=lambda c: c.name)
        for crd in crds:
            versions = out.setdefault(crd.group, [])
            for v in _version_priority([v.name for v in crd.versions if v.served]):
                if v not in versions:
                    versions.append(v)
        return [GroupInfo(name, tuple(vs)) for name, vs in out.items() if vs]

    # CRDs

    def put_crd(self, info: CRDInfo) -> None:
        with self._lock:
            self._crds[info.name] = info
            self._rebuild()

    def remove_crd(self, name: str) -> CRDInfo | None:
        with self._lock:
            info = self._crds.pop(name, None)
            self._rebuild()
            return info

    def _rebuild(self) -> None:
        self._custom = {}
        for crd in self._crds.values():
            for res in crd.resources():
                self._custom[(res.group, res.version, res.plural)] = (res, crd)
        self._crd_docs = {}
        self.generation += 1

    # OpenAPI

    def openapi_paths(self) -> list[str]:
        with self._lock:
            custom = {group_version_path(r.group, r.version) for r, _ in self._custom.values()}
        return sorted(set(self.docs.openapi_paths()) | custom)

    def openapi_hash(self, path: str) -> str:
        # Documents are immutable per registry generation; a hash of (path, generation) changes when they may have.
        gen = self.generation if path not in self.docs.openapi_paths() else 0
        return hashlib.sha512(f"{path}\0{gen}".encode()).hexdigest().upper()

    def openapi_raw(self, path: str) -> Mapping[str, Any] | None:
        if path in self.docs.openapi_paths():
            return self.docs.openapi_raw(path)
        doc = self._crd_document(path)
        return doc.raw if doc else None

    def openapi_document(self, group: str, version: str) -> OpenAPIDocument | None:
        path = group_version_path(group, version)
        custom = self._crd_document(path)
        if custom is not None:
            return custom
        return self.docs.openapi(path) if path in self.docs.openapi_paths() else None

    def _crd_document(self, path: str) -> OpenAPIDocument | None:
        with self._lock:
            if path in self._crd_docs:
                return self._crd_docs[path]
            parts: list[dict[str, Any]] = []
            for crd in self._crds.values():
                for v in crd.versions:
                    if v.served and group_version_path(crd.group, v.name) == path:
                        parts.append(openapi_document(crd, v, self._meta()))
            if not parts:
                return None
            doc = OpenAPIDocument(merge_documents(parts), f"/openapi/v3/{path}")
            self._crd_docs[path] = doc
            return doc

    def _meta(self) -> dict[str, Any]:
        if self._meta_schemas is None:
            self._meta_schemas = {}
            # Every group-version document carries the meta/v1 schemas its kinds use; the first one with ObjectMeta
            # (so not the /api or /apis discovery documents) has what a CRD document refers to.
            for path in self.docs.openapi_paths():
                schemas = (self.docs.openapi_raw(path).get("components") or {}).get("schemas") or {}
                if f"{META_PREFIX}ObjectMeta" in schemas:
                    self._meta_schemas = {k: v for k, v in schemas.items() if k.startswith(META_PREFIX)}
                    break
            # A CRD's scale subresource refers to autoscaling/v1 Scale, defined by the documents that serve scale.
            for path in self.docs.openapi_paths():
                schemas = (self.docs.openapi_raw(path).get("components") or {}).get("schemas") or {}
                if SCALE_SCHEMA in schemas:
                    self._meta_schemas.update({k: v for k, v in schemas.items() if k.startswith(SCALE_SCHEMA)})
                    break
        return self._meta_schemas

    def kind_schema(self, res: Resource) -> tuple[Mapping[str, Any], Resolve] | None:
        """The OpenAPI v3 schema of a resource's kind and the resolver of its document's $refs."""
        doc = self.openapi_document(res.group, res.version)
        if doc is None:
            return None
        name = doc.schema_name_for_kind(GVK(res.group, res.version, res.kind))
        if name is None:
            return None
        return doc.schema(name), doc.resolve


def _version_priority(versions: list[str]) -> list[str]:
    """Kubernetes version order: GA before beta before alpha, higher numbers first, others last alphabetically."""

    def key(v: str) -> tuple[int, int, int, str]:
        m = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", v)
        if not m:
            return (3, 0, 0, v)
        stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
        return (stage, -int(m.group(1)), -int(m.group(3) or 0), v)

    return sorted(versions, key=key)
