"""The REST verbs over stored objects: create, get, list, update (main and status endpoints), delete with
finalizers and preconditions, deletecollection — with the real server's metadata rules and error Status bodies."""

from __future__ import annotations

import base64
import binascii
import copy
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubeclient.apidocs import Resource
from kubeclient.testing import crd as crds
from kubeclient.testing.decoding import cannot_handle, duplicate_fields, normalize, plain, type_error
from kubeclient.testing.defaults import apply_defaults, carry_over, on_create
from kubeclient.testing.fieldmanager import track_update
from kubeclient.testing.meta import deep_copy, name_suffix, new_uid, ordered_object, timestamp
from kubeclient.testing.registry import Registry
from kubeclient.testing.rules import validate_kind, validate_update, warnings_for
from kubeclient.testing.selectors import Selection
from kubeclient.testing.status import (
    APIStatus,
    Cause,
    already_exists,
    bad_request,
    conflict,
    expired,
    invalid,
    kind_conflict,
    not_found,
    qualified,
    stale,
    too_large_rv,
)
from kubeclient.testing.storage import ResourceKey, Store, TooOld
from kubeclient.testing.subresources import is_partial, partial_update
from kubeclient.testing.validation import (
    SchemaValidator,
    prune_unknown,
    scale_paths,
    validate_builtin,
    validate_labels,
    validate_name,
)

CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")
NAMESPACES_KEY = ("", "namespaces")
PODS_KEY = ("", "pods")
# Kinds whose DELETE answers with the deleted object rather than a Success Status (their registries say so).
RETURNS_DELETED = {("", "pods"), ("", "services"), NAMESPACES_KEY}
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter."
)
LIST_EXPIRED = "The resourceVersion for the provided list is too old."
PROPAGATION = ("Orphan", "Background", "Foreground")
_NAMESPACES = Resource("", "v1", "namespaces", "namespace", "Namespace", False, ("delete",))


@dataclass
class Ctx:
    """One request's target and options."""

    res: Resource
    namespace: str  # "" for cluster-scoped resources or all namespaces
    manager: str
    dry_run: bool = False
    field_validation: str = "Warn"  # Strict: unknown fields → 400; Warn: Warning headers; Ignore: silently dropped
    duplicates: list[str] = field(default_factory=list)  # keys the request body repeated ("metadata.name")
    warnings: list[str] = field(default_factory=list)


def sort_managed(entries: list[dict[str, Any]], subresource: str, manager: str) -> list[dict[str, Any]]:
    """managedFields as kube-apiserver encodes them: a scale write records no time (the Scale carries none), and
    entries sort by operation, time, manager, apiVersion, subresource."""
    for e in entries:
        if subresource == "scale" and e.get("subresource") == "scale" and e.get("manager") == manager:
            e.pop("time", None)
    return sorted(
        entries,
        key=lambda e: (
            str(e.get("operation", "")),
            str(e.get("time", "")),
            str(e.get("manager", "")),
            str(e.get("apiVersion", "")),
            str(e.get("subresource", "")),
        ),
    )


def rkey(res: Resource) -> ResourceKey:
    return (res.group, res.plural)


def gv(res: Resource) -> str:
    return f"{res.group}/{res.version}" if res.group else res.version


class Objects:
    def __init__(self, registry: Registry, store: Store) -> None:
        self.registry = registry
        self.store = store

    # helpers

    def has_status(self, res: Resource) -> bool:
        return "status" in res.subresources

    def has_generation(self, res: Resource) -> bool:
        if self.registry.is_custom(res) or rkey(res) == CRD_KEY:
            return True
        if res.group == "" and res.plural != "pods":
            return False
        found = self.registry.kind_schema(res)
        return self.has_status(res) and found is not None and "spec" in (found[0].get("properties") or {})

    def list_kind(self, res: Resource) -> str:
        crd = self.registry.crd_of(res.group, res.plural)
        return crd.list_kind if crd else f"{res.kind}List"

    def render(self, res: Resource, obj: Mapping[str, Any], *, in_list: bool = False) -> dict[str, Any]:
        """An object as answered for `res`'s version; built-in list items omit kind/apiVersion like the real server."""
        out = dict(obj)
        out["kind"] = res.kind
        out["apiVersion"] = gv(res)
        out = ordered_object(out)
        if in_list and not self.registry.is_custom(res):
            out.pop("kind", None)
            out.pop("apiVersion", None)
        return out

    def _schema(self, res: Resource) -> tuple[Any, Any]:
        found = self.registry.kind_schema(res)
        return (found[0], found[1]) if found else (None, None)

    def managed(self, ctx: Ctx, old: dict[str, Any] | None, new: dict[str, Any], subresource: str) -> None:
        schema, resolve = self._schema(ctx.res)
        entries = track_update(
            old,
            new,
            manager=ctx.manager,
            subresource=subresource,
            schema=schema,
            resolve=resolve,
            now=timestamp(),
            api_version=gv(ctx.res),
        )
        if entries:
            new["metadata"]["managedFields"] = sort_managed(entries, subresource, ctx.manager)
        else:
            new["metadata"].pop("managedFields", None)

    def _check_body(self, ctx: Ctx, body: Any, name: str | None) -> dict[str, Any]:
        if not isinstance(body, dict):  # narrows `body` to a dict for the checks below
            raise bad_request(f"the object provided is unrecognized (must be of type {ctx.res.kind})")
        ctx.duplicates = duplicate_fields(body)
        body = plain(body)
        api_version = body.get("apiVersion")
        if api_version not in (None, "", gv(ctx.res)):
            err = bad_request(
                f"the API version in the data ({api_version}) does not match the expected API version ({gv(ctx.res)})"
            )
            if self.registry.is_custom(ctx.res):
                # Decoded against the named version first, which has no schema: every field is unknown.
                err.warnings = [f'unknown field "{k}"' for k in body if k not in ("apiVersion", "kind", "metadata")]
            raise err
        kind = body.get("kind")
        if kind not in (None, "", ctx.res.kind) and self.registry.is_custom(ctx.res):
            # Custom objects are decoded as unstructured data: a wrong kind is a validation failure.
            body_meta: dict[str, Any] = body["metadata"] if isinstance(body.get("metadata"), dict) else {}
            cause = Cause("FieldValueInvalid", f"Invalid value: {json.dumps(kind)}: must be {ctx.res.kind}", "kind")
            raise invalid(str(kind), ctx.res.group, str(body_meta.get("name") or name or ""), [cause])
        if kind not in (None, "", ctx.res.kind):
            raise bad_request(f"the kind in the data ({kind}) does not match the expected kind ({ctx.res.kind})")
        found = None if self.registry.is_custom(ctx.res) else self.registry.kind_schema(ctx.res)
        wrong = type_error(ctx.res.kind, found[0], found[1], body) if found else None
        if wrong:
            raise cannot_handle(ctx.res.kind, ctx.res.version, wrong)
        if found:
            normalize(found[0], found[1], body)
        meta = body.get("metadata")
        if meta is None:
            body["metadata"] = meta = {}
        if not isinstance(meta, dict):
            raise bad_request("metadata: expected an object")
        if ctx.res.namespaced:
            given = meta.get("namespace")
            if given and given != ctx.namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = ctx.namespace
        else:
            meta.pop("namespace", None)
        if name is not None and meta.get("name") and meta["name"] != name:
            raise bad_request(f"the name of the object ({meta['name']}) does not match the name on the URL ({name})")
        if name is not None and not meta.get("name"):
            meta["name"] = name
        body["kind"] = ctx.res.kind
        body["apiVersion"] = gv(ctx.res)
        checked: dict[str, Any] = body
        return checked

    def _validate(self, ctx: Ctx, obj: dict[str, Any], old: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """422 on invalid objects; returns the object pruned and defaulted for custom resources."""
        res = ctx.res
        meta = obj["metadata"]
        duplicates = ctx.duplicates
        causes: list[Cause] = [*validate_name(res, str(meta.get("name") or "")), *validate_labels(meta.get("labels"))]
        crd_version = self.registry.crd_version(res)
        unknown: list[str] = []
        if crd_version is not None and crd_version.schema:
            validator = SchemaValidator()
            obj = validator.run(crd_version.schema, obj)
            causes += validator.causes + scale_paths(crd_version.scale, obj)
            unknown = validator.pruned
        elif crd_version is None:
            found = self.registry.kind_schema(res)
            if found is not None:
                obj, unknown = prune_unknown(found[0], found[1], obj)
                meta = obj["metadata"]
            apply_defaults(res, obj)
            causes += validate_builtin(res, obj) + validate_kind(res, obj)
            ctx.warnings += warnings_for(res, obj)
            if old is not None:
                causes += validate_update(res, old, obj)
        if (unknown or duplicates) and ctx.field_validation == "Strict":
            listed = ", ".join(
                [*(f'unknown field "{p}"' for p in unknown), *(f'duplicate field "{p}"' for p in duplicates)]
            )
            handled = f'{res.kind} in version "{res.version}" cannot be handled as a {res.kind}'
            raise bad_request(f"{handled}: strict decoding error: {listed}")
        if ctx.field_validation != "Ignore":
            ctx.warnings += [f'unknown field "{p}"' for p in unknown] + [f'duplicate field "{p}"' for p in duplicates]
        if causes:
            raise invalid(res.kind, res.group, str(meta.get("name") or ""), causes)
        return obj

    def _require_namespace(self, ctx: Ctx, name: str) -> None:
        if not ctx.res.namespaced:
            return
        namespace = self.store.get(NAMESPACES_KEY, "", ctx.namespace)
        if namespace is None:
            raise not_found("", "namespaces", ctx.namespace)
        if namespace["metadata"].get("deletionTimestamp"):
            res = ctx.res
            why = f"unable to create new content in namespace {ctx.namespace} because it is being terminated"
            details: dict[str, Any] = {"name": name, **({"group": res.group} if res.group else {}), "kind": res.plural}
            details["causes"] = [
                {
                    "reason": "NamespaceTerminating",
                    "message": f"namespace {ctx.namespace} is being terminated",
                    "field": "metadata.namespace",
                }
            ]
            message = f'{qualified(res.group, res.plural)} "{name}" is forbidden: {why}'
            raise APIStatus(403, "Forbidden", message, details)

    def get_live(self, ctx: Ctx, name: str) -> dict[str, Any]:
        live = self.store.get(rkey(ctx.res), ctx.namespace if ctx.res.namespaced else "", name)
        if live is None:
            raise not_found(ctx.res.group, ctx.res.plural, name)
        return live

    @staticmethod
    def _spec_of(obj: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if k not in ("metadata", "status", "kind", "apiVersion")}

    # create

    def create(self, ctx: Ctx, body: Any, *, managed_fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Store a new object; `managed_fields` (from an apply) replaces the Update tracking of a plain create."""
        obj = self._check_body(ctx, body, None)
        meta = obj["metadata"]
        with self.store.lock:
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = f"{meta['generateName']}{name_suffix()}"
            # NamespaceLifecycle admission runs before validation, so a missing namespace is the first answer.
            self._require_namespace(ctx, str(meta.get("name") or ""))
            obj = self._validate(ctx, obj)
            meta = obj["metadata"]
            if meta.get("resourceVersion"):
                raise APIStatus(
                    500,
                    "InternalError",
                    "Internal error occurred: resourceVersion should not be set on objects to be created",
                    {"causes": [{"message": "resourceVersion should not be set on objects to be created"}]},
                )
            key = rkey(ctx.res)
            if self.store.get(key, meta.get("namespace", ""), meta["name"]) is not None:
                raise already_exists(ctx.res.group, ctx.res.plural, meta["name"])
            now = timestamp()
            meta["uid"] = new_uid()
            meta["creationTimestamp"] = now
            for k in ("deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink"):
                meta.pop(k, None)
            if self.has_generation(ctx.res):
                meta["generation"] = 1
            if self.has_status(ctx.res) and rkey(ctx.res) != NAMESPACES_KEY:
                obj.pop("status", None)
                self._status_default(ctx.res, obj)
            # Defaulting happens at decoding, so its fields are the writer's; the strategy's own settings
            # (status, namespace finalizers) come after ownership is tracked and belong to no one.
            if key == NAMESPACES_KEY:
                meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta["name"]
            elif key == CRD_KEY and isinstance(obj.get("spec"), dict):
                obj["spec"].setdefault("conversion", {"strategy": "None"})
            meta.pop("managedFields", None)
            if managed_fields is None:
                self.managed(ctx, None, obj, "")
            elif managed_fields:
                meta["managedFields"] = managed_fields
            self._defaults_on_create(ctx, obj, now)
            if ctx.dry_run:
                return obj
            stored = self.store.commit(key, obj)
            self._after_write(ctx.res, stored)
            if key == CRD_KEY:
                self._establish(ctx, stored, now)
            return stored

    def _status_default(self, res: Resource, obj: dict[str, Any]) -> None:
        """kube-apiserver defaults custom resources again when it reads them back from etcd, so a schema default
        for `.status` is in the create response even though the create dropped the status sent."""
        version = self.registry.crd_version(res)
        if version is None or not version.schema:
            return
        default = ((version.schema.get("properties") or {}).get("status") or {}).get("default")
        if default is not None:
            obj["status"] = copy.deepcopy(default)

    def _establish(self, ctx: Ctx, stored: dict[str, Any], now: str) -> None:
        """What the apiextensions controllers do right after a CRD is created: accept its names, establish it."""
        established = deep_copy(stored)
        established["status"] = crds.crd_status(crds.parse_crd(stored), now)
        self.managed(Ctx(res=ctx.res, namespace="", manager="kube-apiserver"), stored, established, "status")
        self._after_write(ctx.res, self.store.commit(CRD_KEY, established))

    def _allocate_ip(self) -> str:
        used = {str((s.get("spec") or {}).get("clusterIP")) for s in self.store.snapshot(("", "services"), None)[0]}
        for n in range(10, 255 * 255):
            ip = f"10.0.{n // 255}.{n % 255 or 1}"
            if ip not in used:
                return ip
        raise APIStatus(500, "InternalError", "Internal error occurred: the service IP range is full")

    def _defaults_on_create(self, ctx: Ctx, obj: dict[str, Any], now: str) -> None:
        key = rkey(ctx.res)
        on_create(ctx.res, obj, self._allocate_ip)
        if key == NAMESPACES_KEY:
            obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
            obj["status"] = {"phase": "Active"}
        elif key == ("", "pods"):
            obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
        elif self.has_status(ctx.res) and not self.registry.is_custom(ctx.res) and key != CRD_KEY:
            obj.setdefault("status", {})  # built-in status structs serialise even when empty
        elif key == CRD_KEY:
            info = crds.parse_crd(obj)
            for other in self.store.snapshot(CRD_KEY, None)[0]:
                o = crds.parse_crd(other)
                if o.group == info.group and o.kind == info.kind and o.name != info.name:
                    raise invalid(
                        "CustomResourceDefinition",
                        "apiextensions.k8s.io",
                        info.name,
                        [
                            Cause(
                                "FieldValueInvalid",
                                f'Invalid value: "{info.kind}": kind is already in use',
                                "spec.names.kind",
                            )
                        ],
                    )
            # Stored as the registry creates it; _establish then writes the controllers' status.
            stored_versions = [v.name for v in info.versions if v.storage]
            obj["status"] = {
                "acceptedNames": {"kind": "", "plural": ""},
                "conditions": None,
                "storedVersions": stored_versions,
            }

    def _after_write(self, res: Resource, stored: dict[str, Any]) -> None:
        if rkey(res) == CRD_KEY:
            self.registry.put_crd(crds.parse_crd(stored))

    # update

    def update(self, ctx: Ctx, name: str, body: Any, subresource: str = "") -> dict[str, Any]:
        obj = self._check_body(ctx, body, name)
        with self.store.lock:
            live = self.get_live(ctx, name)
            rv = str(obj["metadata"].get("resourceVersion") or "")
            if not rv and self.registry.is_custom(ctx.res):
                cause = Cause(
                    "FieldValueInvalid", "Invalid value: 0: must be specified for an update", "metadata.resourceVersion"
                )
                raise invalid(ctx.res.plural, ctx.res.group, name, [cause])
            if rv and rv != live["metadata"].get("resourceVersion"):
                raise stale(ctx.res.group, ctx.res.plural, name)
            uid = obj["metadata"].get("uid")
            if uid and uid != live["metadata"].get("uid"):
                live_uid = live["metadata"].get("uid")
                # kube-apiserver passes its storage layer's error through here, etcd key and all.
                why = (
                    f"StorageError: invalid object, Code: 4, Key: {storage_key(ctx.res, ctx.namespace, name)}, "
                    f"ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: {uid}, "
                    f"UID in object meta: {live_uid}"
                )
                raise conflict(ctx.res.group, ctx.res.plural, name, why)
            if subresource == "status":
                new = deep_copy(live)
                if "status" in obj:
                    new["status"] = obj["status"]
                else:
                    new.pop("status", None)
            elif is_partial(ctx.res, subresource):
                new = partial_update(ctx.res, subresource, live, obj)
            else:
                new = obj
                if self.has_status(ctx.res):
                    if "status" in live:
                        new["status"] = copy.deepcopy(live["status"])
                    else:
                        new.pop("status", None)
            return self.write(ctx, live, new, subresource)

    def write(
        self, ctx: Ctx, live: dict[str, Any], new: dict[str, Any], subresource: str, *, managed: bool = True
    ) -> dict[str, Any]:
        """Commit `new` over `live` (caller holds the storage lock): keeps server-owned metadata, bumps generation,
        tracks managedFields, finishes deletion when the last finalizer goes, skips no-op writes."""
        meta = new.setdefault("metadata", {})
        live_meta = live["metadata"]
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name"):
            if k in live_meta:
                meta[k] = live_meta[k]
            else:
                meta.pop(k, None)
        if live_meta.get("deletionTimestamp") and "finalizers" in meta:
            added = set(meta.get("finalizers") or []) - set(live_meta.get("finalizers") or [])
            if added:
                raise APIStatus(
                    422,
                    "Invalid",
                    f'{ctx.res.kind} "{live_meta["name"]}" is invalid: metadata.finalizers: Forbidden: no new '
                    "finalizers can be added if the object is being deleted",
                )
        new["kind"] = ctx.res.kind
        new["apiVersion"] = gv(ctx.res)
        if subresource == "":
            carry_over(ctx.res, live, new)
        if subresource == "" or (self.registry.is_custom(ctx.res) and subresource in ("status", "scale")):
            new = self._validate(ctx, new, live)
            meta = new["metadata"]
        if "generation" in live_meta:
            changed = self._spec_of(new) != self._spec_of(live)
            meta["generation"] = live_meta["generation"] + (1 if changed else 0)
        else:
            meta.pop("generation", None)
        meta["resourceVersion"] = live_meta.get("resourceVersion")
        if rkey(ctx.res) == CRD_KEY and subresource == "":
            info = crds.parse_crd(new)
            conditions = (live.get("status") or {}).get("conditions") or [{}]
            new["status"] = crds.crd_status(info, conditions[0].get("lastTransitionTime") or timestamp())
        if managed:
            self.managed(ctx, live, new, subresource)
        if self._same(live, new):
            return live
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            if ctx.dry_run:
                return new
            removed = self._remove(ctx.res, new)
            if removed is None:
                return new
            # The answer is the update that let the object go, at the revision of its deletion.
            return {**new, "metadata": {**new["metadata"], "resourceVersion": removed["metadata"]["resourceVersion"]}}
        if ctx.dry_run:
            return new
        stored = self.store.commit(rkey(ctx.res), new)
        self._after_write(ctx.res, stored)
        return stored

    @staticmethod
    def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        """A no-op write: equal but for the resourceVersion and managedFields timestamps. A change of ownership
        alone (a second manager applying the same value, and so sharing the field) is a write, as on etcd."""

        def strip(o: Mapping[str, Any]) -> dict[str, Any]:
            meta = {k: v for k, v in (o.get("metadata") or {}).items() if k not in ("managedFields", "resourceVersion")}
            owners = [
                {k: v for k, v in e.items() if k != "time"}
                for e in (o.get("metadata") or {}).get("managedFields") or []
            ]
            return {
                **{k: v for k, v in o.items() if k not in ("metadata", "kind", "apiVersion")},
                "metadata": meta,
                "managedFields": owners,
            }

        return strip(a) == strip(b)

    # delete

    def _remove(self, res: Resource, obj: dict[str, Any]) -> dict[str, Any] | None:
        key = rkey(res)
        if key == NAMESPACES_KEY:
            self._purge_namespace(obj["metadata"]["name"])
        if key == CRD_KEY:
            info = crds.parse_crd(obj)
            for item in self.store.snapshot((info.group, info.plural), None)[0]:
                self.store.remove((info.group, info.plural), item)
            self.registry.remove_crd(info.name)
        return self.store.remove(key, obj)

    def _terminate_namespace(self, ctx: Ctx, live: dict[str, Any]) -> dict[str, Any]:
        """Namespace deletion as the namespace controller finishes it: Terminating first (a MODIFIED event, new
        content refused), then its objects go, then the namespace — on a thread, so the DELETE answers at once."""
        if live["metadata"].get("deletionTimestamp"):
            return live
        new = deep_copy(live)
        new["metadata"]["deletionTimestamp"] = timestamp()
        new["status"] = {"phase": "Terminating"}
        if ctx.dry_run:
            return new
        stored = self.store.commit(NAMESPACES_KEY, new)
        threading.Thread(
            target=self._finish_namespace, args=(stored,), name="namespace-controller", daemon=True
        ).start()
        return stored

    def _finish_namespace(self, namespace: dict[str, Any]) -> None:
        with self.store.lock:
            self._remove(_NAMESPACES, namespace)

    def _purge_namespace(self, namespace: str) -> None:
        for r in self.registry.resources():
            if r.namespaced:
                for item in self.store.snapshot(rkey(r), namespace)[0]:
                    self.store.remove(rkey(r), item)

    def delete(self, ctx: Ctx, name: str, options: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP code, body): the deleted object or a Success Status; with finalizers, the object marked deleted."""
        policy = options.get("propagationPolicy")
        if policy is not None and policy not in PROPAGATION:
            supported = ", ".join(f'"{p}"' for p in PROPAGATION)
            raise invalid(
                "DeleteOptions",
                "meta.k8s.io",
                "",
                [
                    Cause(
                        "FieldValueNotSupported",
                        f'Unsupported value: "{policy}": supported values: {supported}',
                        "propagationPolicy",
                    )
                ],
            )
        with self.store.lock:
            live = self.get_live(ctx, name)
            self._preconditions(ctx, live, options.get("preconditions") or {})
            meta = live["metadata"]
            if rkey(ctx.res) == NAMESPACES_KEY:
                return 200, self.render(ctx.res, self._terminate_namespace(ctx, live))
            if meta.get("finalizers"):
                if meta.get("deletionTimestamp"):
                    return 200, self.render(ctx.res, live)
                new = deep_copy(live)
                new["metadata"]["deletionTimestamp"] = timestamp()
                grace = options.get("gracePeriodSeconds")
                new["metadata"]["deletionGracePeriodSeconds"] = int(grace) if grace is not None else 0
                if "generation" in meta:
                    new["metadata"]["generation"] = meta["generation"] + 1
                if ctx.dry_run:
                    return 200, self.render(ctx.res, new)
                stored = self.store.commit(rkey(ctx.res), new)
                return 200, self.render(ctx.res, stored)
            if rkey(ctx.res) == CRD_KEY:
                return 200, self.render(ctx.res, self._delete_crd(ctx, live))
            if rkey(ctx.res) == PODS_KEY and not ctx.dry_run:
                # Pods are deleted gracefully: first marked (a MODIFIED event), then removed. With no kubelet here
                # the removal follows at once, as kube-apiserver does for a pod never scheduled or grace 0.
                live = self._mark_deleted(ctx, live, options)
            final = live if ctx.dry_run else (self._remove(ctx.res, live) or live)
            if rkey(ctx.res) in RETURNS_DELETED:
                return 200, self.render(ctx.res, final)
            details: dict[str, Any] = {"name": name}
            if ctx.res.group:
                details["group"] = ctx.res.group
            details["kind"] = ctx.res.plural
            details["uid"] = meta.get("uid")
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}

    def _mark_deleted(self, ctx: Ctx, live: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        grace = options.get("gracePeriodSeconds")
        if grace is None:
            grace = (live.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
        if not (live.get("spec") or {}).get("nodeName"):
            grace = 0
        new = deep_copy(live)
        new["metadata"]["deletionTimestamp"] = timestamp()
        new["metadata"]["deletionGracePeriodSeconds"] = int(grace)
        stored: dict[str, Any] = self.store.commit(rkey(ctx.res), new)
        return stored

    def _delete_crd(self, ctx: Ctx, live: dict[str, Any]) -> dict[str, Any]:
        """A CRD goes Terminating under the cleanup finalizer (a MODIFIED event), its objects go, then it does."""
        new = deep_copy(live)
        now = timestamp()
        new["metadata"]["deletionTimestamp"] = now
        new["metadata"]["finalizers"] = ["customresourcecleanup.apiextensions.k8s.io"]
        status = new.setdefault("status", {})
        status["conditions"] = [*(status.get("conditions") or []), crds.terminating_condition(now)]
        if ctx.dry_run:
            return new
        stored = self.store.commit(CRD_KEY, new)
        self._remove(ctx.res, stored)
        return stored

    def _preconditions(self, ctx: Ctx, live: Mapping[str, Any], pre: Mapping[str, Any]) -> None:
        """Delete preconditions, refused as the storage layer words it (naming the Kind, not the resource)."""
        meta = live["metadata"]
        uid, rv = pre.get("uid"), pre.get("resourceVersion")
        if uid and uid != meta.get("uid"):
            why = (
                f"the UID in the precondition ({uid}) does not match the UID in record ({meta.get('uid')}). "
                "The object might have been deleted and then recreated"
            )
            raise kind_conflict(ctx.res.group, ctx.res.kind, meta["name"], why)
        if rv and rv != meta.get("resourceVersion"):
            why = (
                f"the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record "
                f"({meta.get('resourceVersion')}). The object might have been modified"
            )
            raise kind_conflict(ctx.res.group, ctx.res.kind, meta["name"], why)

    def delete_collection(self, ctx: Ctx, selection: Selection, options: Mapping[str, Any]) -> dict[str, Any]:
        items, _ = self.store.snapshot(rkey(ctx.res), ctx.namespace if ctx.res.namespaced and ctx.namespace else None)
        deleted = []
        for item in items:
            if not selection.matches(item):
                continue
            try:
                _, body = self.delete(
                    ctx, item["metadata"]["name"], {k: v for k, v in options.items() if k != "preconditions"}
                )
            except APIStatus as exc:
                if exc.code == 404:
                    continue
                raise
            deleted.append(body if body.get("kind") != "Status" else self.render(ctx.res, item))
        return {
            "kind": self.list_kind(ctx.res),
            "apiVersion": gv(ctx.res),
            "metadata": {"resourceVersion": str(self.store.rv)},
            "items": [self.render(ctx.res, d, in_list=True) for d in deleted],
        }

    # list

    def list(
        self,
        ctx: Ctx,
        selection: Selection,
        *,
        resource_version: str,
        match: str,
        limit: int,
        continue_token: str,
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """(matching stored objects, ListMeta) honouring resourceVersion semantics and limit/continue paging."""
        namespace = ctx.namespace if ctx.res.namespaced and ctx.namespace else None
        start = ""
        at: int | None = None
        if continue_token:
            at, start = decode_continue(continue_token)
        elif resource_version not in ("", "0"):
            try:
                requested = int(resource_version)
            except ValueError:
                raise bad_request(f"invalid resource version: {resource_version}") from None
            if requested > self.store.rv:
                raise too_large_rv(requested, self.store.rv)
            # A resourceVersion with a limit and no match is an exact read, as kube-apiserver kept it for paging.
            if match == "Exact" or (limit and not match):
                at = requested
        elif resource_version == "0" and not match:
            # Served from kube-apiserver's watch cache, which does not page: the limit is ignored.
            limit = 0
        try:
            items, rv = self.store.snapshot(rkey(ctx.res), namespace, at)
        except TooOld:
            raise expired(CONTINUE_EXPIRED if continue_token else LIST_EXPIRED) from None
        selected: list[dict[str, Any]] = []
        remaining = 0
        next_key = ""
        for obj in items:
            okey = f"{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"
            if start and okey <= start:
                continue
            if not selection.matches(obj):
                continue
            if limit and len(selected) >= limit:
                remaining += 1
                continue
            selected.append(obj)
            next_key = okey
        list_meta: dict[str, Any] = {"resourceVersion": str(rv)}
        if remaining:
            list_meta["continue"] = encode_continue(rv, next_key)
            if selection.everything():
                list_meta["remainingItemCount"] = remaining
        return selected, list_meta


def storage_key(res: Resource, namespace: str | None, name: str) -> str:
    """Where kube-apiserver keeps the object in etcd (its storage errors quote it): built-in resources under their
    plural, custom ones under group/plural."""
    prefix = f"/registry/{res.group}/{res.plural}" if "." in res.group else f"/registry/{res.plural}"
    return f"{prefix}/{namespace}/{name}" if res.namespaced and namespace else f"{prefix}/{name}"


def encode_continue(rv: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_continue(token: str) -> tuple[int, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        rv = int(raw["rv"])
        start = str(raw["start"]).rstrip("\x00")
        if raw.get("v") != "meta.k8s.io/v1":
            raise ValueError(raw.get("v"))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        ) from None
    return rv, start
