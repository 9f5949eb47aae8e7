"""A directory of what a cluster serves → `APIDocuments`, the resource index shared by kubegen and the fake server.

Directory layout (that of `openapi/kubernetes-1.36/` and of a snapshot taken from a cluster):

    discovery/aggregated_v2.json       GET /apis, aggregated (APIGroupDiscoveryList)
    discovery/aggregated_api_v2.json   GET /api, aggregated (optional; else the legacy api.json + api__v1.json)
    discovery/api.json, api__v1.json, apis.json, apis__<group>__<version>.json   legacy documents (fallback)
    openapi/v3/<path with / as __>_openapi.json   GET /openapi/v3/<path>  (apis__apps__v1_openapi.json)
    openapi/swagger.json               GET /openapi/v2 (optional)
    version.json                       GET /version (optional)

Documents are read lazily: the index of resources needs only discovery; OpenAPI documents load on first use.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kubeclient.apidocs.discovery_docs import merge_groups, parse_aggregated, parse_group_list, parse_resource_list
from kubeclient.apidocs.errors import DocumentError
from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.apidocs.openapi import OpenAPIDocument

OPENAPI_SUFFIX = "_openapi.json"


def openapi_file_name(path: str) -> str:
    """ "apis/apps/v1" → "apis__apps__v1_openapi.json"."""
    return path.strip("/").replace("/", "__") + OPENAPI_SUFFIX


def openapi_path_of(file_name: str) -> str:
    """ "apis__apps__v1_openapi.json" → "apis/apps/v1"."""
    return file_name[: -len(OPENAPI_SUFFIX)].replace("__", "/")


def group_version_path(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def read_json(path: Path) -> Any:
    try:
        with path.open("rb") as f:
            return json.load(f)
    except FileNotFoundError:
        raise DocumentError(str(path), "", "file not found") from None
    except (OSError, ValueError) as exc:
        raise DocumentError(str(path), "", f"not readable as JSON: {exc}") from None


class APIDocuments:
    """The groups, resources and OpenAPI documents of one API server (or a directory of its documents)."""

    def __init__(
        self,
        groups: Iterable[GroupInfo],
        resources: Iterable[Resource],
        *,
        openapi_files: dict[str, Path] | None = None,
        openapi_docs: dict[str, dict[str, Any]] | None = None,
        swagger_file: Path | None = None,
        version: dict[str, Any] | None = None,
        source: str = "<memory>",
    ) -> None:
        self.source = source
        self._groups = merge_groups(groups)
        self._resources = list(resources)
        self._by_gvr = {r.gvr: r for r in self._resources}
        self._openapi_files = dict(openapi_files or {})
        self._openapi_raw: dict[str, dict[str, Any]] = dict(openapi_docs or {})
        self._openapi: dict[str, OpenAPIDocument] = {}
        self._swagger_file = swagger_file
        self.version = version

    @classmethod
    def from_directory(cls, directory: str | os.PathLike[str]) -> APIDocuments:
        root = Path(directory)
        if not root.is_dir():
            raise DocumentError(str(root), "", "not a directory of API documents")
        disc = root / "discovery"
        groups: list[GroupInfo] = []
        resources: list[Resource] = []

        core_aggregated = disc / "aggregated_api_v2.json"
        if core_aggregated.exists():
            g, r, _ = parse_aggregated(read_json(core_aggregated), str(core_aggregated))
            groups += g
            resources += r
        elif (disc / "api__v1.json").exists():
            groups.append(GroupInfo("", ("v1",)))
            resources += parse_resource_list(read_json(disc / "api__v1.json"), str(disc / "api__v1.json"))

        aggregated = disc / "aggregated_v2.json"
        if aggregated.exists():
            g, r, _ = parse_aggregated(read_json(aggregated), str(aggregated))
            groups += g
            resources += r
        elif (disc / "apis.json").exists():
            for group in parse_group_list(read_json(disc / "apis.json"), str(disc / "apis.json")):
                groups.append(group)
                for version in group.versions:
                    doc = disc / f"apis__{group.name}__{version}.json"
                    if doc.exists():
                        resources += parse_resource_list(read_json(doc), str(doc))
        if not groups:
            raise DocumentError(str(disc), "", "no discovery documents (aggregated_v2.json or api__v1.json) found")

        v3 = root / "openapi" / "v3"
        openapi_files = (
            {openapi_path_of(p.name): p for p in sorted(v3.iterdir()) if p.name.endswith(OPENAPI_SUFFIX)}
            if v3.is_dir()
            else {}
        )
        swagger = root / "openapi" / "swagger.json"
        version_file = root / "version.json"
        return cls(
            groups,
            resources,
            openapi_files=openapi_files,
            swagger_file=swagger if swagger.exists() else None,
            version=read_json(version_file) if version_file.exists() else None,
            source=str(root),
        )

    # discovery facts

    def groups(self) -> list[GroupInfo]:
        """Served groups, the core group ("") first, versions in preference order."""
        return list(self._groups)

    def resources(self) -> list[Resource]:
        return list(self._resources)

    def resources_for(self, group: str, version: str) -> list[Resource]:
        return [r for r in self._resources if r.group == group and r.version == version]

    def resource(self, group: str, version: str, plural: str) -> Resource | None:
        from kubeclient.schema import GVR

        return self._by_gvr.get(GVR(group, version, plural))

    # OpenAPI

    def openapi_paths(self) -> list[str]:
        """The `/openapi/v3/<path>` keys available ("api/v1", "apis/apps/v1", ...), sorted."""
        return sorted(set(self._openapi_files) | set(self._openapi_raw))

    def openapi_raw(self, path: str) -> dict[str, Any]:
        if path not in self._openapi_raw:
            file = self._openapi_files.get(path)
            if file is None:
                raise DocumentError(f"{self.source}/openapi/v3/{openapi_file_name(path)}", "", "no such document")
            raw = read_json(file)
            if not isinstance(raw, dict):
                raise DocumentError(str(file), "", "expected a JSON object")
            self._openapi_raw[path] = raw
        return self._openapi_raw[path]

    def openapi(self, path: str) -> OpenAPIDocument:
        if path not in self._openapi:
            name = str(self._openapi_files.get(path) or f"/openapi/v3/{path}")
            self._openapi[path] = OpenAPIDocument(self.openapi_raw(path), name)
        return self._openapi[path]

    def openapi_for(self, group: str, version: str) -> OpenAPIDocument | None:
        path = group_version_path(group, version)
        return self.openapi(path) if path in self.openapi_paths() else None

    def swagger_raw(self) -> dict[str, Any] | None:
        if self._swagger_file is None:
            return None
        raw = read_json(self._swagger_file)
        return raw if isinstance(raw, dict) else None
