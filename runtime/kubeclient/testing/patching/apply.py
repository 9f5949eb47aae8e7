"""Server-side apply and managedFields tracking, as kube-apiserver v1.36's field manager does them.

`server_side_apply` merges an applied configuration into the live object, removes the fields the same manager
applied before and now omits (unless someone else owns them), and records ownership; another manager's field
whose value the apply changes is a conflict (409) unless `force`, which moves ownership. `track_update` records
ownership after a create, update or non-apply patch: the writer owns what it added or changed, every other
manager loses those fields and the removed ones.

managedFields entries are keyed like the server keys them: (manager, operation, subresource) for Apply and
(manager, operation, apiVersion, subresource) for Update; entries left empty are dropped; the list is sorted by
operation, time, manager, apiVersion, subresource.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubeclient.managedfields import FieldSet, FieldsV1Error, Path, Resolver, Schema, field_element, format_path
from kubeclient.testing.patching.errors import ApplyConflictError, PatchError
from kubeclient.testing.patching.typed import Typed, drop_nulls, values_equal

BEFORE_FIRST_APPLY = "before-first-apply"
ANCIENT_CHANGES = "ancient-changes"
MAX_UPDATE_MANAGERS = 10

# Fields nobody owns (stripMetaManager): identity and system-maintained metadata.
_STRIPPED_METADATA = ("name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation")
STRIPPED = FieldSet(
    [
        (field_element("apiVersion"),),
        (field_element("kind"),),
        (field_element("metadata"),),
        *((field_element("metadata"), field_element(n)) for n in _STRIPPED_METADATA),
        (field_element("metadata"), field_element("managedFields")),
        (field_element("metadata"), field_element("resourceVersion")),
    ]
)
_SYSTEM_METADATA = (*_STRIPPED_METADATA, "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds")


@dataclass
class _Entry:
    manager: str
    operation: str
    api_version: str
    subresource: str
    time: str | None
    fields: FieldSet

    @property
    def identity(self) -> str:
        return _identity(self.manager, self.operation, self.api_version, self.subresource)

    def printed(self) -> str:
        """How conflict messages name the manager: `"kubectl" using apps/v1`."""
        text = json.dumps(self.manager, ensure_ascii=False)
        if self.subresource:
            text += f" with subresource {json.dumps(self.subresource, ensure_ascii=False)}"
        if self.operation == "Update":
            text += f" using {self.api_version}"
        return text

    def encode(self) -> dict[str, Any]:
        out: dict[str, Any] = {"manager": self.manager, "operation": self.operation, "apiVersion": self.api_version}
        if self.time is not None:
            out["time"] = self.time
        out["fieldsType"] = "FieldsV1"
        out["fieldsV1"] = self.fields.to_fields_v1()
        if self.subresource:
            out["subresource"] = self.subresource
        return out


def _identity(manager: str, operation: str, api_version: str, subresource: str) -> str:
    # The server's manager identifier: the entry's JSON without time and fields, and without apiVersion for Apply.
    ident: dict[str, str] = {}
    if manager:
        ident["manager"] = manager
    if operation:
        ident["operation"] = operation
    if api_version and operation != "Apply":
        ident["apiVersion"] = api_version
    if subresource:
        ident["subresource"] = subresource
    return json.dumps(ident, separators=(",", ":"), ensure_ascii=False)


def _decode(entries: Any) -> dict[str, _Entry]:
    """managedFields → entries by identifier; ValueError names the offending entry."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise ValueError("metadata.managedFields: expected a list")
    out: dict[str, _Entry] = {}
    for i, raw in enumerate(entries):
        where = f"metadata.managedFields[{i}]"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: expected an object")
        operation = raw.get("operation")
        if operation not in ("Apply", "Update"):
            raise ValueError(f"{where}: operation must be `Apply` or `Update`")
        if not raw.get("apiVersion"):
            raise ValueError(f"{where}: apiVersion must not be empty")
        if raw.get("fieldsType") != "FieldsV1":
            raise ValueError(f"{where}: invalid fieldsType {raw.get('fieldsType')!r}")
        try:
            fields = FieldSet.from_fields_v1(raw.get("fieldsV1") or {}, where=f"{where}.fieldsV1")
        except FieldsV1Error as exc:
            raise ValueError(str(exc)) from None
        entry = _Entry(
            manager=str(raw.get("manager") or ""),
            operation=str(operation),
            api_version=str(raw["apiVersion"]),
            subresource=str(raw.get("subresource") or ""),
            time=raw.get("time") if isinstance(raw.get("time"), str) else None,
            fields=fields,
        )
        out[entry.identity] = entry
    return out


def _encode(entries: Mapping[str, _Entry]) -> list[dict[str, Any]]:
    ordered = sorted(
        entries.values(), key=lambda e: (e.operation, e.time or "", e.manager, e.api_version, e.subresource)
    )
    return [e.encode() for e in ordered if e.fields]


def _without_managed_fields(obj: Mapping[str, Any] | None) -> dict[str, Any]:
    if obj is None:
        return {}
    out = copy.deepcopy(dict(obj))
    metadata = out.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    return out


def _with_managed_fields(obj: dict[str, Any], entries: Mapping[str, _Entry]) -> dict[str, Any]:
    encoded = _encode(entries)
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        if not encoded:
            return obj
        metadata = obj["metadata"] = {}
    metadata.pop("managedFields", None)
    if encoded:
        metadata["managedFields"] = encoded
    return obj


def _metadata(obj: Mapping[str, Any] | None) -> Mapping[str, Any]:
    metadata = obj.get("metadata") if obj is not None else None
    return metadata if isinstance(metadata, Mapping) else {}


def _is_reset(entries: Any) -> bool:
    return isinstance(entries, list) and (entries in ([], [{}]))


def _update_managers(
    typed: Typed, old: Any, new: Any, managers: dict[str, _Entry], skip: str
) -> tuple[dict[str, FieldSet], FieldSet, FieldSet]:
    """Conflicting sets per other manager, plus the changed (added or modified) and removed paths from old to new."""
    added, modified, removed = typed.compare(old, new)
    changed = added | modified
    conflicts = {
        ident: entry.fields & changed for ident, entry in managers.items() if ident != skip and entry.fields & changed
    }
    return conflicts, changed, removed


def track_update(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    *,
    manager: str,
    operation: str = "Update",
    subresource: str = "",
    schema: Schema | None,
    resolve: Resolver | None,
    now: str,
) -> list[dict[str, Any]]:
    """managedFields after a create (`old` None), update or non-apply patch of `old` into `new`.

    The ownership recorded so far is `new`'s managedFields when the writer sent some (an empty list resets them),
    else `old`'s (always `old`'s for a subresource). An existing object without managedFields stays untracked,
    as on the server.
    """
    old_entries = _metadata(old).get("managedFields")
    new_entries = _metadata(new).get("managedFields")
    managers: dict[str, _Entry]
    try:
        if subresource:
            managers = _decode(old_entries)
        elif _is_reset(new_entries):
            managers = {}
        else:
            try:
                managers = _decode(new_entries)
            except ValueError:
                managers = {}
            if not managers:
                managers = _decode(old_entries)
    except ValueError:
        managers = {}
    if not managers and old is not None and _metadata(old).get("uid"):
        return []
    typed = Typed(schema, resolve)
    before = _without_managed_fields(old) if old is not None else typed.zero_object()
    after = _without_managed_fields(new)
    api_version = str(new.get("apiVersion") or "")
    own = _identity(manager, operation, api_version, subresource)
    conflicts, changed, removed = _update_managers(typed, before, after, managers, skip="")
    for ident, entry in managers.items():
        entry.fields = entry.fields - conflicts.get(ident, FieldSet()) - removed
    managers = {k: e for k, e in managers.items() if e.fields}
    gained = changed - STRIPPED
    if gained:
        previous = managers.get(own)
        managers[own] = _Entry(
            manager=manager,
            operation=operation,
            api_version=api_version,
            subresource=subresource,
            time=now,
            fields=(previous.fields if previous else FieldSet()) | gained,
        )
    return _encode(_cap_update_managers(managers))


def _cap_update_managers(managers: dict[str, _Entry]) -> dict[str, _Entry]:
    """Keep at most 10 Update entries: the oldest ones fold into "ancient-changes" per apiVersion."""
    updaters = [ident for ident, e in managers.items() if e.operation != "Apply"]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return managers
    updaters.sort(key=lambda ident: (managers[ident].time or "", ident))
    first_of_version: dict[str, str] = {}
    remaining = len(updaters)
    for ident in updaters:
        if remaining <= MAX_UPDATE_MANAGERS:
            break
        entry = managers[ident]
        bucket = _identity(ANCIENT_CHANGES, "Update", entry.api_version, "")
        if entry.api_version not in first_of_version:
            first_of_version[entry.api_version] = ident
            continue
        if ident == bucket:
            continue
        if bucket not in managers:
            first = managers.pop(first_of_version[entry.api_version])
            managers[bucket] = _Entry(ANCIENT_CHANGES, "Update", entry.api_version, "", first.time, first.fields)
        managers[bucket].fields = managers[bucket].fields | entry.fields
        managers[bucket].time = entry.time
        del managers[ident]
        remaining -= 1
    return managers


def _prune(typed: Typed, merged: Any, managers: Mapping[str, _Entry], last: FieldSet | None) -> Any:
    """Remove what the applier's previous configuration had and the new one drops, unless someone owns it."""
    if not last:
        return merged
    last_all = typed.ensure_named_fields(last)
    pruned = typed.remove(merged, last_all)
    managed = typed.ensure_named_fields(FieldSet().union(*(e.fields for e in managers.values())))
    merged_set = typed.ensure_named_fields(typed.fields(merged))
    pruned_set = typed.ensure_named_fields(typed.fields(pruned))
    pruned = typed.remove(merged, merged_set - (pruned_set | managed))
    pruned_set = typed.ensure_named_fields(typed.fields(pruned))
    return typed.remove(merged, (merged_set - pruned_set) & last_all)


def _conflict_error(conflicts: Mapping[str, FieldSet], managers: Mapping[str, _Entry]) -> ApplyConflictError:
    pairs: list[tuple[str, str]] = []
    causes: list[dict[str, str]] = []
    lines: list[str] = []
    ordered: list[tuple[_Entry, Path]] = []
    for ident in sorted(conflicts):
        entry = managers[ident]
        lines.append(f"conflicts with {entry.printed()}:")
        for path in conflicts[ident]:
            ordered.append((entry, path))
            lines.append(f"- {format_path(path)}")
    for entry, path in ordered:
        pairs.append((entry.manager, format_path(path)))
        causes.append(
            {
                "reason": "FieldManagerConflict",
                "message": f"conflict with {entry.printed()}",
                "field": format_path(path),
            }
        )
    if len(ordered) == 1:
        entry, path = ordered[0]
        message = f"Apply failed with 1 conflict: conflict with {entry.printed()}: {format_path(path)}"
    else:
        message = f"Apply failed with {len(ordered)} conflicts: " + "\n".join(lines)
    return ApplyConflictError(pairs, message=message, causes=causes)


def _restore_system_metadata(
    result: dict[str, Any], live: Mapping[str, Any] | None, applied: Mapping[str, Any]
) -> None:
    # Nobody owns these, so pruning may drop them with their parent; the server keeps them regardless.
    source = live if live is not None else applied
    for key in ("apiVersion", "kind"):
        if key in applied:
            result[key] = applied[key]
        elif key in source:
            result[key] = source[key]
    live_meta = (source.get("metadata") or {}) if isinstance(source.get("metadata"), Mapping) else {}
    if not live_meta:
        return
    meta = result.setdefault("metadata", {})
    for key in _SYSTEM_METADATA:
        if key in live_meta and key not in meta:
            meta[key] = copy.deepcopy(live_meta[key])


def _describe(obj: Mapping[str, Any]) -> str:
    # objectGVKNN: "namespace/name; group/version, Kind=Kind".
    meta = _metadata(obj)
    api_version = str(obj.get("apiVersion") or "")
    group, _, version = api_version.rpartition("/")
    return f"{meta.get('namespace') or ''}/{meta.get('name') or ''}; {group}/{version}, Kind={obj.get('kind') or ''}"


def _join(problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    return "\n".join(["errors:", *("  " + p for p in problems)])


def server_side_apply(
    live: Mapping[str, Any] | None,
    applied: Mapping[str, Any],
    *,
    manager: str,
    force: bool,
    schema: Schema | None,
    resolve: Resolver | None,
    subresource: str = "",
    now: str,
) -> dict[str, Any]:
    """The object after `manager` applies `applied` to `live` (None: apply creates), managedFields updated.

    Raises ApplyConflictError (409) when the apply changes a field another manager owns and `force` is false;
    PatchError(400) when the configuration carries managedFields; PatchError(500), as the server answers, when
    the configuration repeats or omits list-map keys or the live managedFields are unreadable.
    """
    metadata = applied.get("metadata")
    if isinstance(metadata, Mapping) and metadata.get("managedFields") is not None:
        raise PatchError("metadata.managedFields must be nil", code=400)
    api_version = str(applied.get("apiVersion") or "")
    typed = Typed(schema, resolve)
    try:
        managers = _decode(_metadata(live).get("managedFields"))
    except ValueError as exc:
        raise PatchError(f"failed to decode managed fields: {exc}", code=500) from None
    base = _without_managed_fields(live)
    if live is not None and not managers:
        # An object nobody tracked yet: its fields go to a synthetic "before-first-apply" manager.
        _, changed, _ = _update_managers(typed, typed.zero_object(), base, {}, skip="")
        owned = changed - STRIPPED
        if owned:
            first = _Entry(
                BEFORE_FIRST_APPLY, "Update", str(base.get("apiVersion") or api_version), subresource, now, owned
            )
            managers[first.identity] = first

    problems = typed.key_errors(applied)
    if problems:
        raise PatchError(f"failed to create typed patch object ({_describe(applied)}): {_join(problems)}", code=500)
    config = copy.deepcopy(dict(applied))
    own = _identity(manager, "Apply", api_version, subresource)
    previous = managers.get(own)
    merged = typed.merge(base, config)
    managers[own] = _Entry(
        manager, "Apply", api_version, subresource, previous.time if previous else None, typed.fields(config)
    )
    merged = _prune(typed, merged, managers, previous.fields if previous else None)
    _restore_system_metadata(merged, live, applied)

    # Ownership is decided on the merged value with its explicit nulls (a null over a value is a change);
    # the stored object cannot hold them.
    conflicts, _, removed = _update_managers(typed, base, merged, managers, skip=own)
    if conflicts and not force:
        raise _conflict_error(conflicts, managers)
    for ident, entry in managers.items():
        if ident != own:
            entry.fields = entry.fields - conflicts.get(ident, FieldSet()) - removed
    managers[own].fields = managers[own].fields - STRIPPED
    managers = {k: e for k, e in managers.items() if e.fields}
    if own in managers and (live is None or not values_equal(base, merged) or previous is None):
        managers[own].time = now
    return _with_managed_fields(drop_nulls(merged), managers)
