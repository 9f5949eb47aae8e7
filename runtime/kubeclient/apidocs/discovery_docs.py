"""Discovery documents (aggregated v2/v2beta1 and legacy) → `Resource` facts.

Aggregated discovery (`APIGroupDiscoveryList`) carries everything in one document; the legacy form is an
`APIResourceList` per group-version whose subresources are entries named "<resource>/<sub>".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kubeclient.apidocs.errors import DocumentError, json_pointer
from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubeclient.schema import GVK, parse_api_version

AGGREGATED_KINDS = ("APIGroupDiscoveryList",)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _kind(value: Any, group: str, version: str) -> GVK | None:
    # An empty group/version in a responseKind means "the parent's" (apiserver omits them when equal).
    if not isinstance(value, Mapping) or not value.get("kind"):
        return None
    return GVK(str(value.get("group") or group), str(value.get("version") or version), str(value["kind"]))


def _require(obj: Mapping[str, Any], key: str, document: str, *pointer: str | int) -> Any:
    if key not in obj:
        raise DocumentError(document, json_pointer(*pointer), f"missing required key {key!r}")
    return obj[key]


def parse_aggregated(doc: Mapping[str, Any], document: str) -> tuple[list[GroupInfo], list[Resource], list[str]]:
    """Groups, resources and the group-versions marked Stale (which discovery must treat as failed)."""
    if doc.get("kind") not in AGGREGATED_KINDS:
        raise DocumentError(document, "/kind", f"expected APIGroupDiscoveryList, got {doc.get('kind')!r}")
    groups: list[GroupInfo] = []
    resources: list[Resource] = []
    stale: list[str] = []
    for gi, item in enumerate(doc.get("items") or []):
        group = str((item.get("metadata") or {}).get("name") or "")
        versions: list[str] = []
        for vi, ver in enumerate(item.get("versions") or []):
            version = str(_require(ver, "version", document, "items", gi, "versions", vi))
            versions.append(version)
            if ver.get("freshness") == "Stale":
                stale.append(f"{group}/{version}" if group else version)
                continue
            for ri, res in enumerate(ver.get("resources") or []):
                where = ("items", gi, "versions", vi, "resources", ri)
                plural = str(_require(res, "resource", document, *where))
                kind = _kind(res.get("responseKind"), group, version)
                subs = {}
                for sub in res.get("subresources") or []:
                    name = str(sub.get("subresource") or "")
                    subs[name] = Subresource(
                        name, _kind(sub.get("responseKind"), group, version), _strings(sub.get("verbs"))
                    )
                resources.append(
                    Resource(
                        group=group,
                        version=version,
                        plural=plural,
                        singular=str(res.get("singularResource") or ""),
                        kind=kind.kind if kind else "",
                        namespaced=res.get("scope") == "Namespaced",
                        verbs=_strings(res.get("verbs")),
                        short_names=_strings(res.get("shortNames")),
                        categories=_strings(res.get("categories")),
                        subresources=subs,
                    )
                )
        if versions:
            groups.append(GroupInfo(group, tuple(versions)))
    return groups, resources, stale


def parse_resource_list(doc: Mapping[str, Any], document: str) -> list[Resource]:
    """A legacy `APIResourceList` (GET /api/v1, /apis/<g>/<v>) → resources with their subresources attached."""
    if doc.get("kind") not in ("APIResourceList", None):
        raise DocumentError(document, "/kind", f"expected APIResourceList, got {doc.get('kind')!r}")
    gv = parse_api_version(str(_require(doc, "groupVersion", document)))
    entries = doc.get("resources") or []
    parents: dict[str, dict[str, Any]] = {}
    subs: dict[str, dict[str, Subresource]] = {}
    for i, entry in enumerate(entries):
        name = str(_require(entry, "name", document, "resources", i))
        if "/" in name:
            parent, _, sub = name.partition("/")
            kind = GVK(str(entry.get("group") or gv.group), str(entry.get("version") or gv.version), str(entry["kind"]))
            subs.setdefault(parent, {})[sub] = Subresource(sub, kind, _strings(entry.get("verbs")))
        else:
            parents[name] = entry
    return [
        Resource(
            group=gv.group,
            version=gv.version,
            plural=name,
            singular=str(entry.get("singularName") or ""),
            kind=str(entry.get("kind") or ""),
            namespaced=bool(entry.get("namespaced")),
            verbs=_strings(entry.get("verbs")),
            short_names=_strings(entry.get("shortNames")),
            categories=_strings(entry.get("categories")),
            subresources=subs.get(name, {}),
        )
        for name, entry in parents.items()
    ]


def parse_group_list(doc: Mapping[str, Any], document: str) -> list[GroupInfo]:
    """A legacy `APIGroupList` (GET /apis) or `APIVersions` (GET /api) → groups, preferred version first."""
    if doc.get("kind") == "APIVersions":
        return [GroupInfo("", _strings(doc.get("versions")))]
    groups = []
    for i, group in enumerate(doc.get("groups") or []):
        name = str(_require(group, "name", document, "groups", i))
        versions = [str(v.get("version")) for v in group.get("versions") or []]
        preferred = (group.get("preferredVersion") or {}).get("version")
        if preferred in versions:
            versions.remove(preferred)
            versions.insert(0, preferred)
        groups.append(GroupInfo(name, tuple(versions)))
    return groups


def merge_groups(groups: Iterable[GroupInfo]) -> list[GroupInfo]:
    """One GroupInfo per name (the first seen wins), core group first, otherwise in the order given."""
    seen: dict[str, GroupInfo] = {}
    for g in groups:
        seen.setdefault(g.name, g)
    return sorted(seen.values(), key=lambda g: g.name != "")
