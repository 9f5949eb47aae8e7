"""The PATCH verb: JSON patch, merge patch, strategic merge patch (built-in kinds) and server-side apply, delegated
to the engines of `kubeclient.testing.patching` (imported lazily; 500 with a clear message while absent)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from kubeclient.testing.decoding import applied_type_error, apply_refused, patch_refused, type_error
from kubeclient.testing.decoding import json_kind as _kind_word
from kubeclient.testing.fieldmanager import patching
from kubeclient.testing.meta import deep_copy, timestamp
from kubeclient.testing.objects import Ctx, Objects, gv, rkey
from kubeclient.testing.scale import apply_scale, scale_of
from kubeclient.testing.status import (
    APIStatus,
    Cause,
    bad_request,
    invalid,
    not_found,
    stale,
    status_from_body,
    unsupported_media_type,
)
from kubeclient.testing.subresources import is_partial, partial_update
from kubeclient.testing.validation import prune_unknown

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
BUILTIN_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH]
CUSTOM_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH]


def _engine() -> Any:
    engine = patching()
    if engine is None:
        raise APIStatus(
            500,
            "InternalError",
            "Internal error occurred: patch support is not available (kubeclient.testing.patching is not installed)",
        )
    return engine


def _parse(content_type: str, body: bytes) -> Any:
    try:
        if content_type == APPLY_PATCH:
            return yaml.safe_load(body.decode("utf-8")) if body.strip() else {}
        return json.loads(body)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
        if content_type == APPLY_PATCH:
            raise bad_request(f"error decoding YAML: {exc}") from None
        raise bad_request(f"error decoding patch: {exc}") from None


def _options_errors(content_type: str, query: Mapping[str, list[str]]) -> list[Cause]:
    causes = []
    if content_type == APPLY_PATCH:
        if not (query.get("fieldManager") or [""])[0]:
            causes.append(Cause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager"))
    elif "force" in query:
        causes.append(Cause("FieldValueForbidden", "Forbidden: may not be specified for non-apply patch", "force"))
    return causes


def _engine_status(exc: Any) -> APIStatus:
    """The Status the patch engines word for their failures (PatchError / ApplyConflictError carry `status()`)."""
    body: dict[str, Any] = exc.status()
    return status_from_body(body)


@dataclass
class PatchRequest:
    """One PATCH: target, parsed options and body as the HTTP layer got them."""

    ctx: Ctx
    name: str
    content_type: str
    body: bytes
    query: Mapping[str, list[str]]
    subresource: str


def patch(objects: Objects, request: PatchRequest) -> tuple[int, dict[str, Any]]:
    """(HTTP code, stored object or Scale); 201 when an apply created the object."""
    ctx = request.ctx
    ctype = request.content_type.split(";", maxsplit=1)[0].strip().lower()
    accepted = CUSTOM_TYPES if objects.registry.is_custom(ctx.res) else BUILTIN_TYPES
    if ctype not in accepted:
        raise unsupported_media_type(accepted)
    causes = _options_errors(ctype, request.query)
    if causes:
        raise invalid("PatchOptions", "meta.k8s.io", "", causes)
    engine = _engine()
    document = _parse(ctype, request.body)
    found = objects.registry.kind_schema(ctx.res)
    patcher = _Patcher(
        objects=objects,
        ctx=ctx,
        name=request.name,
        engine=engine,
        schema=found[0] if found else {},
        resolve=found[1] if found else _identity,
        force=(request.query.get("force") or ["false"])[0].lower() == "true",
        subresource=request.subresource,
    )
    with objects.store.lock:
        if request.subresource == "scale":
            return 200, patcher.scale(ctype, document)
        if ctype == APPLY_PATCH:
            return patcher.apply(document)
        return 200, patcher.patch(ctype, document)


def _identity(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    return schema


@dataclass
class _Patcher:
    objects: Objects
    ctx: Ctx
    name: str
    engine: Any
    schema: Mapping[str, Any]
    resolve: Callable[[Mapping[str, Any]], Mapping[str, Any]]
    force: bool
    subresource: str

    def _run(self, ctype: str, current: dict[str, Any], document: Any) -> Any:
        try:
            if ctype == JSON_PATCH:
                return self.engine.apply_json_patch(copy.deepcopy(current), document)
            if ctype == MERGE_PATCH:
                return self.engine.apply_merge_patch(copy.deepcopy(current), document)
            return self.engine.apply_strategic_merge_patch(copy.deepcopy(current), document, self.schema, self.resolve)
        except self.engine.PatchError as exc:
            raise _engine_status(exc) from None

    def _keep_other_half(self, live: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        """Main endpoint: status stays the live one (when a status subresource exists); status endpoint: only status."""
        if self.subresource == "status":
            out = deep_copy(live)
            if "status" in new:
                out["status"] = new["status"]
            else:
                out.pop("status", None)
            out["metadata"]["managedFields"] = (new.get("metadata") or {}).get("managedFields") or []
            return out
        if is_partial(self.ctx.res, self.subresource):
            out = partial_update(self.ctx.res, self.subresource, live, new)
            out["metadata"]["managedFields"] = (new.get("metadata") or {}).get("managedFields") or []
            return out
        if self.objects.has_status(self.ctx.res):
            if "status" in live:
                new["status"] = copy.deepcopy(live["status"])
            else:
                new.pop("status", None)
        return new

    def _decode(self, patched: dict[str, Any]) -> None:
        """The patched object is decoded as a body would be: wrong types, and unknown fields under Strict, are 422."""
        if self.objects.registry.is_custom(self.ctx.res) or not self.schema:
            return
        wrong = type_error(self.ctx.res.kind, self.schema, self.resolve, patched)
        if wrong:
            raise patch_refused(patched, wrong)
        if self.ctx.field_validation == "Strict":
            unknown = prune_unknown(self.schema, self.resolve, patched)[1]
            if unknown:
                listed = ", ".join(f'unknown field "{p}"' for p in unknown)
                raise patch_refused(patched, f"strict decoding error: {listed}")

    def patch(self, ctype: str, document: Any) -> dict[str, Any]:
        live = self.objects.get_live(self.ctx, self.name)
        patched = self._run(ctype, self.objects.render(self.ctx.res, live), document)
        if not isinstance(patched, dict):
            raise bad_request("the patched object is not a JSON object")
        self._decode(patched)
        meta = patched.get("metadata")
        if not isinstance(meta, dict):
            patched["metadata"] = meta = {}
        rv = meta.get("resourceVersion")
        if rv and rv != live["metadata"].get("resourceVersion"):
            raise stale(self.ctx.res.group, self.ctx.res.plural, self.name)
        if meta.get("name", self.name) != self.name:
            raise bad_request(
                f"the name of the object ({meta.get('name')}) does not match the name on the URL ({self.name})"
            )
        if self.subresource == "status":
            # Ownership is tracked against the live managedFields; the patch cannot rewrite them through status.
            patched["metadata"]["managedFields"] = live["metadata"].get("managedFields") or []
        return self.objects.write(self.ctx, live, self._keep_other_half(live, patched), self.subresource)

    def apply(self, applied: Any) -> tuple[int, dict[str, Any]]:
        ctx = self.ctx
        if not isinstance(applied, dict):
            raise bad_request(f"the object provided is unrecognized (must be of type {ctx.res.kind})")
        if applied.get("apiVersion") != gv(ctx.res):
            raise bad_request(
                f"the API version in the data ({applied.get('apiVersion') or ''}) does not match the expected API "
                f"version ({gv(ctx.res)})"
            )
        if applied.get("kind") != ctx.res.kind:
            raise bad_request(
                f"the kind in the data ({applied.get('kind') or ''}) does not match the expected kind ({ctx.res.kind})"
            )
        if self.schema and not self.objects.registry.is_custom(ctx.res):
            wrong = applied_type_error(self.schema, self.resolve, applied)
            if wrong:
                raise apply_refused(self.name, ctx.namespace, gv(ctx.res), ctx.res.kind, wrong)
        live = self.objects.store.get(rkey(ctx.res), ctx.namespace if ctx.res.namespaced else "", self.name)
        current = self.objects.render(ctx.res, live) if live is not None else None
        if not self.subresource and "status" in applied and self.objects.has_status(ctx.res):
            # The strategy's reset fields: an apply to the main resource neither sets nor claims status, so it
            # cannot conflict with the owner of status fields (a CRD manifest carrying `status:` re-applies cleanly).
            applied = {k: v for k, v in applied.items() if k != "status"}
        try:
            result = self.engine.server_side_apply(
                current,
                copy.deepcopy(applied),
                manager=ctx.manager,
                force=self.force,
                schema=self.schema,
                resolve=self.resolve,
                subresource=self.subresource,
                now=timestamp(),
            )
        except (self.engine.ApplyConflictError, self.engine.PatchError) as exc:
            raise _engine_status(exc) from None
        # Ownership conflicts are found before the name is compared with the URL's, as kube-apiserver does.
        meta = applied.get("metadata")
        if isinstance(meta, dict) and meta.get("name") and meta["name"] != self.name:
            raise bad_request(
                f"the name of the object ({meta['name']}) does not match the name on the URL ({self.name})"
            )
        managed = (result.get("metadata") or {}).get("managedFields") or []
        if live is None:
            if self.subresource:
                raise not_found(ctx.res.group, ctx.res.plural, self.name)
            result.setdefault("metadata", {})["name"] = self.name
            return 201, self.objects.create(ctx, result, managed_fields=managed)
        new = self._keep_other_half(live, result)
        new["metadata"]["managedFields"] = managed
        return 200, self.objects.write(ctx, live, new, self.subresource, managed=False)

    def scale(self, ctype: str, document: Any) -> dict[str, Any]:
        registry = self.objects.registry
        live = self.objects.get_live(self.ctx, self.name)
        current = scale_of(registry, self.ctx.res, live)
        # A Scale has no lists: every patch type reduces to merge semantics except JSON patch.
        patched = self._run(JSON_PATCH if ctype == JSON_PATCH else MERGE_PATCH, current, document)
        if not isinstance(patched, dict):
            raise bad_request("the patched object is not a JSON object")
        replicas = (patched.get("spec") or {}).get("replicas") if isinstance(patched.get("spec"), dict) else None
        if replicas is not None and (isinstance(replicas, bool) or not isinstance(replicas, int)):
            what = f"number {json.dumps(replicas)}" if isinstance(replicas, float) else _kind_word(replicas)
            why = f"json: cannot unmarshal {what} into Go struct field ScaleSpec.spec.replicas of type int32"
            raise patch_refused(patched, why)
        rv = (patched.get("metadata") or {}).get("resourceVersion")
        if rv and rv != live["metadata"].get("resourceVersion"):
            raise stale(self.ctx.res.group, self.ctx.res.plural, self.name)
        new = apply_scale(registry, self.ctx.res, deep_copy(live), patched)
        stored = self.objects.write(self.ctx, live, new, "scale")
        return scale_of(registry, self.ctx.res, stored)
