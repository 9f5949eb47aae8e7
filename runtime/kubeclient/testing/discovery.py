"""Discovery answers built from the registry: /api, /apis, per-group and per-group-version legacy documents,
aggregated discovery v2, /version and the /openapi/v3 index."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from kubeclient.apidocs import Resource
from kubeclient.testing.registry import Registry

AGGREGATED_MEDIA = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

VERSION_INFO: dict[str, Any] = {
    "major": "1",
    "minor": "36",
    "emulationMajor": "1",
    "emulationMinor": "36",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "35",
    "gitVersion": "v1.36.2",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.25.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def _gv(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def version_info(registry: Registry) -> dict[str, Any]:
    return dict(registry.docs.version) if registry.docs.version else dict(VERSION_INFO)


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _group_entry(name: str, versions: tuple[str, ...]) -> dict[str, Any]:
    return {
        "name": name,
        "versions": [{"groupVersion": _gv(name, v), "version": v} for v in versions],
        "preferredVersion": {"groupVersion": _gv(name, versions[0]), "version": versions[0]},
    }


def api_group_list(registry: Registry) -> dict[str, Any]:
    groups = [_group_entry(g.name, g.versions) for g in registry.groups() if g.name]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(registry: Registry, name: str) -> dict[str, Any] | None:
    for g in registry.groups():
        if g.name == name and name:
            return {"kind": "APIGroup", "apiVersion": "v1", **_group_entry(g.name, g.versions)}
    return None


def resource_list(registry: Registry, group: str, version: str) -> dict[str, Any] | None:
    if not any(g.name == group and version in g.versions for g in registry.groups()):
        return None
    entries: list[dict[str, Any]] = []
    for res in sorted(registry.resources_for(group, version), key=lambda r: r.plural):
        custom = registry.is_custom(res)
        entry: dict[str, Any] = {
            "name": res.plural,
            "singularName": res.singular,
            "namespaced": res.namespaced,
            "kind": res.kind,
            "verbs": list(res.verbs),
        }
        if res.short_names:
            entry["shortNames"] = list(res.short_names)
        if res.categories:
            entry["categories"] = list(res.categories)
        if "create" in res.verbs and "list" in res.verbs:
            entry["storageVersionHash"] = storage_version_hash(res)
        entries.append(entry)
        for sub in sorted(res.subresources.values(), key=_custom_order if custom else _by_name):
            sub_entry: dict[str, Any] = {
                "name": f"{res.plural}/{sub.name}",
                "singularName": "",
                "namespaced": res.namespaced,
            }
            if sub.kind is not None:
                if (sub.kind.group, sub.kind.version) != (group, version):
                    sub_entry["group"] = sub.kind.group
                    sub_entry["version"] = sub.kind.version
                sub_entry["kind"] = sub.kind.kind
            sub_entry["verbs"] = list(sub.verbs)
            entries.append(sub_entry)
    # kube-apiserver sends the legacy /api/v1 list without apiVersion; group lists carry it.
    head = {"kind": "APIResourceList"} if group == "" else {"kind": "APIResourceList", "apiVersion": "v1"}
    return {**head, "groupVersion": _gv(group, version), "resources": entries}


def _by_name(sub: Any) -> tuple[int, str]:
    return 0, str(sub.name)


def _custom_order(sub: Any) -> tuple[int, str]:
    """A CRD's subresources in the order its registry installs them: status, then scale."""
    return {"status": 0, "scale": 1}.get(sub.name, 2), str(sub.name)


# Kinds stored under another group/version than the one serving them.
STORED_AS = {("events.k8s.io", "events"): ("", "v1", "Event")}


def storage_version_hash(res: Resource) -> str:
    """What kube-apiserver publishes: the first 8 bytes of sha256("<group>/<version>/<kind>") of the stored form."""
    group, version, kind = STORED_AS.get((res.group, res.plural), (res.group, res.version, res.kind))
    digest = hashlib.sha256(f"{group}/{version}/{kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def _response_kind(res: Resource, group: str, version: str, kind: str, custom: bool) -> dict[str, Any]:
    # Built-in kinds leave group/version empty when they are the parent's; CRDs always spell them out.
    if custom or (group, version) != (res.group, res.version):
        return {"group": group, "version": version, "kind": kind}
    return {"group": "", "version": "", "kind": kind}


def aggregated(registry: Registry, *, core: bool) -> dict[str, Any]:
    """APIGroupDiscoveryList for /api (core=True) or /apis."""
    items = []
    for g in registry.groups():
        if (g.name == "") != core:
            continue
        versions = []
        for v in g.versions:
            resources = []
            for res in sorted(registry.resources_for(g.name, v), key=lambda r: r.plural):
                custom = registry.is_custom(res)
                entry: dict[str, Any] = {
                    "resource": res.plural,
                    "responseKind": _response_kind(res, res.group, res.version, res.kind, custom),
                    "scope": res.scope,
                    "singularResource": res.singular,
                    "verbs": list(res.verbs),
                }
                if res.short_names:
                    entry["shortNames"] = list(res.short_names)
                if res.categories:
                    entry["categories"] = list(res.categories)
                subs = []
                for sub in sorted(res.subresources.values(), key=lambda s: s.name):
                    sub_entry: dict[str, Any] = {"subresource": sub.name}
                    if sub.kind is not None:
                        sub_entry["responseKind"] = _response_kind(
                            res, sub.kind.group, sub.kind.version, sub.kind.kind, custom
                        )
                    sub_entry["verbs"] = list(sub.verbs)
                    subs.append(sub_entry)
                if subs:
                    entry["subresources"] = subs
                resources.append(entry)
            versions.append({"version": v, "resources": resources, "freshness": "Current"})
        items.append({"metadata": {"name": g.name} if g.name else {}, "versions": versions})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items}


def openapi_index(registry: Registry) -> dict[str, Any]:
    return {
        "paths": {
            path: {"serverRelativeURL": f"/openapi/v3/{path}?hash={registry.openapi_hash(path)}"}
            for path in registry.openapi_paths()
        }
    }
