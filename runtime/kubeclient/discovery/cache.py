"""kubectl's discovery disk cache: the same directory layout, file format, TTL and modes, so both share it.

    $KUBECACHEDIR or ~/.kube/cache / discovery / <safe host> / servergroups.json
                                                             / <group>/<version>/serverresources.json  (core: v1/...)

safe host: the host without scheme, every character outside [\\w/.] replaced by "_" (127.0.0.1:6443 → 127.0.0.1_6443).
Entries older than the TTL (6 hours, by mtime) are stale. Writes go to a temporary file renamed into place, files
0660 and directories 0750; empty results are not written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kubeclient.apidocs.discovery_docs import parse_group_list, parse_resource_list
from kubeclient.apidocs.model import GroupInfo, Resource

DEFAULT_TTL = 6 * 3600.0
_UNSAFE = re.compile(r"[^\w/.]")


def default_cache_dir() -> Path:
    return Path(os.environ.get("KUBECACHEDIR") or Path.home() / ".kube" / "cache")


def safe_host(host: str) -> str:
    parts = urlsplit(host if "://" in host else f"https://{host}")
    return _UNSAFE.sub("_", parts.netloc + parts.path.rstrip("/"))


def group_list_document(groups: Iterable[GroupInfo]) -> dict[str, Any]:
    """GroupInfo → the APIGroupList kubectl writes (the core group goes to /api and is not listed)."""
    items = []
    for g in groups:
        if not g.name:
            continue
        versions = [{"groupVersion": f"{g.name}/{v}", "version": v} for v in g.versions]
        items.append({"name": g.name, "versions": versions, "preferredVersion": versions[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": items}


def resource_list_document(group: str, version: str, resources: Iterable[Resource]) -> dict[str, Any]:
    """Resources of one group-version → the legacy APIResourceList (subresources as "<resource>/<sub>")."""
    entries: list[dict[str, Any]] = []
    for r in resources:
        entry: dict[str, Any] = {
            "name": r.plural,
            "singularName": r.singular,
            "namespaced": r.namespaced,
            "kind": r.kind,
            "verbs": list(r.verbs),
        }
        if r.short_names:
            entry["shortNames"] = list(r.short_names)
        if r.categories:
            entry["categories"] = list(r.categories)
        entries.append(entry)
        for sub in r.subresources.values():
            sub_entry: dict[str, Any] = {
                "name": f"{r.plural}/{sub.name}",
                "singularName": "",
                "namespaced": r.namespaced,
            }
            if sub.kind is not None:
                sub_entry["kind"] = sub.kind.kind
                if (sub.kind.group, sub.kind.version) != (group, version):
                    sub_entry["group"], sub_entry["version"] = sub.kind.group, sub.kind.version
            sub_entry["verbs"] = list(sub.verbs)
            entries.append(sub_entry)
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": entries}


class DiskCache:
    """The cache directory of one API server."""

    def __init__(self, host: str, cache_dir: str | os.PathLike[str] | None = None, *, ttl: float = DEFAULT_TTL) -> None:
        base = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.root = base / "discovery" / safe_host(host)
        self.ttl = ttl

    def groups_path(self) -> Path:
        return self.root / "servergroups.json"

    def resources_path(self, group: str, version: str) -> Path:
        return (self.root / group / version if group else self.root / version) / "serverresources.json"

    def _fresh_json(self, path: Path) -> Any | None:
        try:
            if time.time() - path.stat().st_mtime > self.ttl:
                return None
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None  # a missing, expired or damaged entry is refetched

    def read_groups(self) -> list[GroupInfo] | None:
        doc = self._fresh_json(self.groups_path())
        if not isinstance(doc, dict):
            return None
        return [GroupInfo("", ("v1",)), *parse_group_list(doc, str(self.groups_path()))]

    def read_resources(self, group: str, version: str) -> list[Resource] | None:
        path = self.resources_path(group, version)
        doc = self._fresh_json(path)
        return parse_resource_list(doc, str(path)) if isinstance(doc, dict) else None

    def write_groups(self, groups: list[GroupInfo]) -> None:
        if groups:
            self._write(self.groups_path(), group_list_document(groups))

    def write_resources(self, group: str, version: str, resources: list[Resource]) -> None:
        if resources:
            self._write(self.resources_path(group, version), resource_list_document(group, version, resources))

    def invalidate(self) -> None:
        """Remove this server's cached discovery (kubectl's --invalidate behaviour)."""
        if not self.root.exists():
            return
        for path in sorted(self.root.rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
            else:
                path.rmdir()
        self.root.rmdir()

    def _write(self, path: Path, document: dict[str, Any]) -> None:
        for parent in reversed([path.parent, *path.parent.parents]):
            if not parent.exists():
                parent.mkdir(mode=0o750)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(document, f)
            os.chmod(tmp, 0o660)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
