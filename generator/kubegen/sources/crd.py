"""CustomResourceDefinition manifests → the discovery facts and OpenAPI documents a server would publish for them.

No cluster is needed: every served version of every CRD (YAML, multi-document, several CRDs per file, `List`
wrappers) becomes a component schema named the way the API server names it (`io.cert-manager.v1.Certificate`, the
group's DNS labels reversed) with `metadata` typed as ObjectMeta, a `<Kind>List` component, and the operations of
its status and scale subresources (scale takes and returns autoscaling/v1 Scale). Inline nested objects are hoisted
into named components (`CertificateSpecKeystoresJks`). Names (plural, singular, short names, categories), scope,
storage version and additionalPrinterColumns are kept.

Errors name the file, the document's index in it and the JSON pointer inside that document.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kubeclient.apidocs import APIDocuments, DocumentError, json_pointer
from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubeclient.apidocs.openapi import SCHEMA_REF_PREFIX
from kubeclient.schema import GVK
from kubegen.schemas import hoist_inline_objects

__all__ = ["CRDError", "CRDSet", "CRDVersion", "load_crds", "version_priority"]

CRD_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
SUBRESOURCE_VERBS = ("get", "patch", "update")
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
SCALE = "io.k8s.api.autoscaling.v1.Scale"
SCALE_GVK = GVK("autoscaling", "v1", "Scale")
_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


class CRDError(DocumentError):
    """A CRD manifest that cannot be read or generated from; names file, document index and JSON pointer."""


@dataclass(frozen=True)
class CRDVersion:
    """Facts of one served version of one CRD that discovery does not carry."""

    group: str
    version: str
    kind: str
    plural: str
    storage: bool
    printer_columns: tuple[Mapping[str, Any], ...]
    document: str


@dataclass(frozen=True)
class CRDSet:
    """What a set of CRD manifests serves: the documents to generate from, and per-version CRD facts."""

    documents: APIDocuments
    versions: tuple[CRDVersion, ...]


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Sort key of Kubernetes' version priority: GA before beta before alpha, higher numbers first, others last."""
    m = _VERSION.match(version)
    if not m:
        return (3, 0, 0, version)
    major = int(m.group(1))
    level = {"": 0, None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    minor = int(m.group(3) or 0)
    return (level, -major, -minor, version)


def schema_prefix(group: str) -> str:
    """The API server's component prefix for a group: DNS labels reversed (`cert-manager.io` → `io.cert-manager`)."""
    return ".".join(reversed(group.split(".")))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's multi-line report (with a caret drawing) as one line: what is wrong, at line and column."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc).splitlines()[0]
    if mark is None:
        return str(problem)
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"


def _documents(path: Path) -> Iterable[tuple[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CRDError(str(path), "", f"not readable: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CRDError(str(path), "", f"not a text file (byte {exc.start} is not UTF-8)") from None
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise CRDError(str(path), "", f"not valid YAML: {_yaml_problem(exc)}") from None
    for index, doc in enumerate(docs):
        where = f"{path} (document {index})"
        if doc is None:
            continue
        if not isinstance(doc, Mapping):
            raise CRDError(where, "", "expected a Kubernetes object")
        kind = doc.get("kind")
        if kind in ("List", "CustomResourceDefinitionList"):
            for item_index, item in enumerate(doc.get("items") or []):
                yield f"{where} items/{item_index}", item
        elif kind == "CustomResourceDefinition":
            yield where, doc


def _require(obj: Any, key: str, where: str, *pointer: str | int) -> Any:
    value = obj.get(key) if isinstance(obj, Mapping) else None
    if value in (None, ""):
        raise CRDError(where, json_pointer(*pointer, key), f"missing required field {key!r}")
    return value


def _object_schema(raw: Mapping[str, Any], gvk: GVK) -> dict[str, Any]:
    schema = dict(raw)
    props = dict(schema.get("properties") or {})
    # What the API server publishes: apiVersion/kind as strings, metadata as ObjectMeta.
    props["apiVersion"] = {"type": "string"}
    props["kind"] = {"type": "string"}
    props["metadata"] = {"allOf": [{"$ref": SCHEMA_REF_PREFIX + OBJECT_META}]}
    schema["properties"] = props
    schema.setdefault("type", "object")
    schema["x-kubernetes-group-version-kind"] = [{"group": gvk.group, "version": gvk.version, "kind": gvk.kind}]
    return schema


def _list_schema(item_name: str, gvk: GVK) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string"},
            "items": {"type": "array", "items": {"$ref": SCHEMA_REF_PREFIX + item_name}},
            "kind": {"type": "string"},
            "metadata": {"allOf": [{"$ref": SCHEMA_REF_PREFIX + LIST_META}]},
        },
        "x-kubernetes-group-version-kind": [{"group": gvk.group, "version": gvk.version, "kind": gvk.kind}],
    }


def _operations(schema_name: str, gvk: GVK) -> dict[str, Any]:
    def content(name: str) -> dict[str, Any]:
        return {"content": {"application/json": {"schema": {"$ref": SCHEMA_REF_PREFIX + name}}}}

    kind = {"group": gvk.group, "version": gvk.version, "kind": gvk.kind}
    return {
        "get": {
            "x-kubernetes-action": "get",
            "x-kubernetes-group-version-kind": kind,
            "responses": {"200": content(schema_name)},
        },
        "put": {
            "x-kubernetes-action": "put",
            "x-kubernetes-group-version-kind": kind,
            "requestBody": content(schema_name),
            "responses": {"200": content(schema_name)},
        },
        "patch": {
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": kind,
            "responses": {"200": content(schema_name)},
        },
    }


@dataclass(frozen=True)
class _Names:
    group: str
    version: str
    kind: str
    list_kind: str
    plural: str
    singular: str
    names: Mapping[str, Any]
    namespaced: bool


class _Collector:
    def __init__(self) -> None:
        self.schemas: dict[tuple[str, str], dict[str, Any]] = {}
        self.pointers: dict[tuple[str, str], dict[str, tuple[str | int, ...]]] = {}
        self.origin: dict[tuple[str, str], dict[str, str]] = {}
        self.paths: dict[tuple[str, str], dict[str, Any]] = {}
        self.resources: list[Resource] = []
        self.versions: list[CRDVersion] = []
        self.groups: dict[str, set[str]] = {}
        self.kinds: dict[tuple[str, str, str], str] = {}
        self.plurals: dict[tuple[str, str], str] = {}

    def add(self, where: str, crd: Mapping[str, Any]) -> None:
        spec = _require(crd, "spec", where)
        group = str(_require(spec, "group", where, "spec"))
        names = _require(spec, "names", where, "spec")
        plural = str(_require(names, "plural", where, "spec", "names"))
        kind = str(_require(names, "kind", where, "spec", "names"))
        singular = str(names.get("singular") or kind.lower())
        list_kind = str(names.get("listKind") or kind + "List")
        scope = spec.get("scope", "Namespaced")
        if scope not in ("Namespaced", "Cluster"):
            raise CRDError(where, "/spec/scope", f"scope must be Namespaced or Cluster, not {scope!r}")
        if self.plurals.setdefault((group, plural), where) != where:
            raise CRDError(
                where, "/spec/names/plural", f"{plural}.{group} is also defined in {self.plurals[(group, plural)]}"
            )
        versions = spec.get("versions")
        if not isinstance(versions, list) or not versions:
            raise CRDError(where, "/spec/versions", "expected a non-empty list of versions")
        for vi, ver in enumerate(versions):
            name = str(_require(ver, "name", where, "spec", "versions", vi))
            if not ver.get("served", True):
                continue
            pointer = ("spec", "versions", vi, "schema", "openAPIV3Schema")
            raw = (ver.get("schema") or {}).get("openAPIV3Schema") or spec.get("validation", {}).get("openAPIV3Schema")
            if not isinstance(raw, Mapping):
                raise CRDError(where, json_pointer(*pointer), "served version has no openAPIV3Schema")
            facts = _Names(group, name, kind, list_kind, plural, singular, names, scope == "Namespaced")
            self._add_version(where, facts, ver, vi, raw)

    def _add_version(self, where: str, n: _Names, ver: Mapping[str, Any], vi: int, raw: Mapping[str, Any]) -> None:
        group, version, kind, list_kind, plural = n.group, n.version, n.kind, n.list_kind, n.plural
        gv = (group, version)
        gvk = GVK(group, version, kind)
        prefix = schema_prefix(group) + "." + version + "."
        schemas = self.schemas.setdefault(gv, {})
        pointers = self.pointers.setdefault(gv, {})
        origin = self.origin.setdefault(gv, {})
        for k in (kind, list_kind):
            other = self.kinds.setdefault((group, version, k), where)
            if other != where:
                raise CRDError(where, "/spec/names/kind", f"kind {k} of {group}/{version} is also defined in {other}")
        obj_name, list_name = prefix + kind, prefix + list_kind
        schemas[obj_name] = _object_schema(raw, gvk)
        pointers[obj_name] = ("spec", "versions", vi, "schema", "openAPIV3Schema")
        origin[obj_name] = where
        schemas[list_name] = _list_schema(obj_name, GVK(group, version, list_kind))
        origin[list_name] = where

        subs: dict[str, Subresource] = {}
        subresources = ver.get("subresources") or {}
        scope_path = "/namespaces/{namespace}" if n.namespaced else ""
        base = f"/apis/{group}/{version}{scope_path}/{plural}/{{name}}"
        paths = self.paths.setdefault(gv, {})
        if "status" in subresources:
            subs["status"] = Subresource("status", gvk, SUBRESOURCE_VERBS)
            paths[f"{base}/status"] = _operations(obj_name, gvk)
        if "scale" in subresources:
            subs["scale"] = Subresource("scale", SCALE_GVK, SUBRESOURCE_VERBS)
            paths[f"{base}/scale"] = _operations(SCALE, SCALE_GVK)
        self.resources.append(
            Resource(
                group=group,
                version=version,
                plural=plural,
                singular=n.singular,
                kind=kind,
                namespaced=n.namespaced,
                verbs=CRD_VERBS,
                short_names=tuple(str(s) for s in n.names.get("shortNames") or ()),
                categories=tuple(str(c) for c in n.names.get("categories") or ()),
                subresources=subs,
            )
        )
        self.groups.setdefault(group, set()).add(version)
        columns = tuple(c for c in ver.get("additionalPrinterColumns") or () if isinstance(c, Mapping))
        self.versions.append(CRDVersion(group, version, kind, plural, bool(ver.get("storage")), columns, where))

    def build(self) -> CRDSet:
        docs: dict[str, dict[str, Any]] = {}
        for gv in sorted(self.schemas):
            schemas = self.schemas[gv]
            # Hoist per source document so that errors point into the manifest that defined the schema.
            hoisted: dict[str, Any] = {}
            for name in schemas:
                where = self.origin[gv][name]
                single, _ = hoist_inline_objects({name: schemas[name]}, where, pointers=self.pointers[gv])
                for new_name, value in single.items():
                    if new_name in hoisted or (new_name != name and new_name in schemas):
                        raise CRDError(
                            where,
                            json_pointer(*self.pointers[gv].get(name, ())),
                            f"class {new_name.rsplit('.', 1)[-1]!r} ({new_name}) is defined twice in {gv[0]}/{gv[1]}",
                        )
                    hoisted[new_name] = value
            path = f"apis/{gv[0]}/{gv[1]}"
            docs[path] = {
                "openapi": "3.0.0",
                "info": {"title": "kubegen CRD documents", "version": gv[1]},
                "paths": dict(sorted(self.paths.get(gv, {}).items())),
                "components": {"schemas": hoisted},
            }
        groups = [
            GroupInfo(group, tuple(sorted(versions, key=version_priority)))
            for group, versions in sorted(self.groups.items())
        ]
        return CRDSet(
            APIDocuments(groups, self.resources, openapi_docs=docs, source="<CRD manifests>"),
            tuple(self.versions),
        )


def load_crds(paths: Iterable[str | os.PathLike[str]]) -> CRDSet:
    """Read CRD manifests (files, or directories of *.yaml / *.yml / *.json) into documents to generate from."""
    collector = _Collector()
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found_here = sorted(f for f in path.iterdir() if f.suffix in (".yaml", ".yml", ".json"))
            if not found_here:
                raise CRDError(str(path), "", "the directory has no .yaml, .yml or .json files")
            files += found_here
        else:
            files.append(path)
    if not files:
        raise CRDError("<arguments>", "", "no CRD manifests given")
    found = 0
    for file in files:
        for where, crd in _documents(file):
            collector.add(where, crd)
            found += 1
    if not found:
        raise CRDError(", ".join(str(f) for f in files), "", "no CustomResourceDefinition found")
    return collector.build()
