"""managedFields bookkeeping for non-apply writes, delegated to `kubeclient.testing.patching` when it is present.

The patch engines are imported lazily so the server runs without them; until then a simplified tracker records
each manager's fields as a FieldsV1 set (lists treated as atomic leaves) — enough for `kubectl get -o yaml` shapes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from kubeclient.testing.registry import Resolve

IGNORED_META = (
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generateName",
    "selfLink",
)


def patching() -> ModuleType | None:
    """The patch engine module, or None while it does not exist yet."""
    try:
        return importlib.import_module("kubeclient.testing.patching")
    except ImportError:
        return None


def manager_from_user_agent(user_agent: str) -> str:
    """The default field manager: the User-Agent up to its first "/" (as the real server derives it)."""
    prefix = user_agent.split("/", 1)[0].strip()
    return prefix[:128] if prefix else "unknown"


def _fields(value: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, Mapping) and item:
            out[f"f:{key}"] = {".": {}, **_fields(item)}
        else:
            out[f"f:{key}"] = {}
    return out


def simple_fields(obj: Mapping[str, Any], subresource: str) -> dict[str, Any]:
    """FieldsV1 of the fields a writer set, without list keys; metadata bookkeeping fields are not owned."""
    if subresource == "status":
        status = obj.get("status")
        return {"f:status": {".": {}, **_fields(status)}} if isinstance(status, Mapping) and status else {}
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata", "status")}
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in IGNORED_META}
    out = _fields(body)
    if meta:
        out = {"f:metadata": _fields(meta), **out}
    return out


def track_update(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    manager: str,
    subresource: str,
    schema: Mapping[str, Any] | None,
    resolve: Resolve | None,
    now: str,
    api_version: str,
) -> list[dict[str, Any]]:
    """The managedFields `new` should carry after `manager` wrote it with an Update (or create) operation."""
    engine = patching()
    if engine is not None and schema is not None and resolve is not None:
        result: list[dict[str, Any]] = engine.track_update(
            old,
            new,
            manager=manager,
            operation="Update",
            subresource=subresource,
            schema=schema,
            resolve=resolve,
            now=now,
        )
        return result
    entries = [
        e
        for e in (new.get("metadata") or {}).get("managedFields")
        or (old or {}).get("metadata", {}).get("managedFields")
        or []
        if not (
            e.get("manager") == manager and e.get("operation") == "Update" and e.get("subresource", "") == subresource
        )
    ]
    fields = simple_fields(new, subresource)
    if fields:
        entry: dict[str, Any] = {
            "manager": manager,
            "operation": "Update",
            "apiVersion": api_version,
            "time": now,
            "fieldsType": "FieldsV1",
            "fieldsV1": fields,
        }
        if subresource:
            entry["subresource"] = subresource
        entries.append(entry)
    return entries
