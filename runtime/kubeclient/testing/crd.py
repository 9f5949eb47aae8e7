"""CustomResourceDefinitions: what one serves (resources, schemas, printer columns) and the OpenAPI v3 document
the real server publishes for each of its group-versions."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kubeclient.apidocs import Resource, Subresource
from kubeclient.schema import GVK
from kubeclient.testing.status import Cause, go_value, invalid

CRD_GROUP = "apiextensions.k8s.io"
CRD_VERBS = ("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch")
SUB_VERBS = ("get", "patch", "update")
META_PREFIX = "io.k8s.apimachinery.pkg.apis.meta.v1."
OBJECT_META_REF = {"$ref": f"#/components/schemas/{META_PREFIX}ObjectMeta"}
LIST_META_REF = {"$ref": f"#/components/schemas/{META_PREFIX}ListMeta"}
# The scale subresource takes and returns autoscaling/v1 Scale (ScaleSpec, ScaleStatus share the prefix).
SCALE_SCHEMA = "io.k8s.api.autoscaling.v1.Scale"
WRITE_PARAMS = ("dryRun", "fieldManager", "fieldValidation")
ONE_STORAGE = "must have exactly one version marked as storage version"
AGE_DESCRIPTION = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It "
    "is represented in RFC3339 form and is in UTC."
)


@dataclass(frozen=True)
class CRDVersion:
    name: str
    served: bool
    storage: bool
    schema: Mapping[str, Any]
    status: bool
    scale: Mapping[str, Any] | None
    printer_columns: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class CRDInfo:
    """The facts of one CRD the server needs: names, scope, and per-version schema and subresources."""

    name: str
    group: str
    plural: str
    singular: str
    kind: str
    list_kind: str
    namespaced: bool
    short_names: tuple[str, ...]
    categories: tuple[str, ...]
    versions: tuple[CRDVersion, ...] = field(default_factory=tuple)

    def version(self, name: str) -> CRDVersion | None:
        return next((v for v in self.versions if v.name == name and v.served), None)

    def resources(self) -> list[Resource]:
        out = []
        for v in self.versions:
            if not v.served:
                continue
            gvk = GVK(self.group, v.name, self.kind)
            subs: dict[str, Subresource] = {}
            if v.status:
                subs["status"] = Subresource("status", gvk, SUB_VERBS)
            if v.scale is not None:
                subs["scale"] = Subresource("scale", GVK("autoscaling", "v1", "Scale"), SUB_VERBS)
            out.append(
                Resource(
                    group=self.group,
                    version=v.name,
                    plural=self.plural,
                    singular=self.singular,
                    kind=self.kind,
                    namespaced=self.namespaced,
                    verbs=CRD_VERBS,
                    short_names=self.short_names,
                    categories=self.categories,
                    subresources=subs,
                )
            )
        return out


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def parse_crd(obj: Mapping[str, Any]) -> CRDInfo:
    """Validate a CustomResourceDefinition's spec (422 Invalid naming the fields, as the real server) and read it."""
    name = str((obj.get("metadata") or {}).get("name") or "")
    spec = obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}
    assert isinstance(spec, Mapping)
    names = spec.get("names") if isinstance(spec.get("names"), Mapping) else {}
    assert isinstance(names, Mapping)
    causes: list[Cause] = []
    group = str(spec.get("group") or "")
    plural = str(names.get("plural") or "")
    kind = str(names.get("kind") or "")
    if not group:
        causes.append(Cause("FieldValueRequired", "Required value", "spec.group"))
    if not plural:
        causes.append(Cause("FieldValueRequired", "Required value", "spec.names.plural"))
    if not kind:
        causes.append(Cause("FieldValueRequired", "Required value", "spec.names.kind"))
    if group and plural and name != f"{plural}.{group}":
        causes.append(
            Cause(
                "FieldValueInvalid",
                f'Invalid value: {go_value(name)}: must be spec.names.plural+"."+spec.group',
                "metadata.name",
            )
        )
    scope = spec.get("scope")
    if scope not in ("Namespaced", "Cluster"):
        causes.append(
            Cause(
                "FieldValueNotSupported",
                f'Unsupported value: {go_value(scope or "")}: supported values: "Cluster", "Namespaced"',
                "spec.scope",
            )
        )
    raw_versions = spec.get("versions") if isinstance(spec.get("versions"), list) else []
    assert isinstance(raw_versions, list)
    if not raw_versions:
        causes.append(Cause("FieldValueInvalid", f"Invalid value: []: {ONE_STORAGE}", "spec.versions"))
    versions: list[CRDVersion] = []
    for i, raw in enumerate(raw_versions):
        if not isinstance(raw, Mapping) or not raw.get("name"):
            causes.append(Cause("FieldValueRequired", "Required value", f"spec.versions[{i}].name"))
            continue
        schema = ((raw.get("schema") or {}).get("openAPIV3Schema")) or {}
        subresources = raw.get("subresources") or {}
        versions.append(
            CRDVersion(
                name=str(raw["name"]),
                served=bool(raw.get("served", True)),
                storage=bool(raw.get("storage", False)),
                schema=schema if isinstance(schema, Mapping) else {},
                status="status" in subresources,
                scale=subresources.get("scale") if isinstance(subresources.get("scale"), Mapping) else None,
                printer_columns=tuple(c for c in raw.get("additionalPrinterColumns") or [] if isinstance(c, Mapping)),
            )
        )
    if versions and sum(v.storage for v in versions) != 1:
        causes.append(
            Cause(
                "FieldValueInvalid",
                f"Invalid value: {go_value([v.name for v in versions])}: {ONE_STORAGE}",
                "spec.versions",
            )
        )
    if causes:
        raise invalid("CustomResourceDefinition", CRD_GROUP, name, causes)
    return CRDInfo(
        name=name,
        group=group,
        plural=plural,
        singular=str(names.get("singular") or kind.lower()),
        kind=kind,
        list_kind=str(names.get("listKind") or f"{kind}List"),
        namespaced=scope == "Namespaced",
        short_names=_strings(names.get("shortNames")),
        categories=_strings(names.get("categories")),
        versions=tuple(versions),
    )


def crd_status(info: CRDInfo, now: str) -> dict[str, Any]:
    """The status the apiextensions controllers converge to: names accepted, established, stored versions."""
    accepted: dict[str, Any] = {"plural": info.plural, "singular": info.singular}
    if info.short_names:
        accepted["shortNames"] = list(info.short_names)
    accepted["kind"] = info.kind
    accepted["listKind"] = info.list_kind
    if info.categories:
        accepted["categories"] = list(info.categories)
    return {
        "conditions": [
            {
                "type": "NamesAccepted",
                "status": "True",
                "lastTransitionTime": now,
                "reason": "NoConflicts",
                "message": "no conflicts found",
            },
            {
                "type": "Established",
                "status": "True",
                "lastTransitionTime": now,
                "reason": "InitialNamesAccepted",
                "message": "the initial names have been accepted",
            },
        ],
        "acceptedNames": accepted,
        "storedVersions": [v.name for v in info.versions if v.storage],
    }


def schema_prefix(group: str, version: str) -> str:
    """ "cert-manager.io", "v1" → "io.cert-manager.v1" (the reversed-domain names CRD schemas get)."""
    return ".".join(reversed(group.split("."))) + "." + version


def kind_schema(info: CRDInfo, version: CRDVersion) -> dict[str, Any]:
    schema: dict[str, Any] = copy.deepcopy(dict(version.schema)) if version.schema else {"type": "object"}
    props = dict(schema.get("properties") or {})
    props["apiVersion"] = props.get("apiVersion") or {
        "description": "APIVersion defines the versioned schema of this representation of an object.",
        "type": "string",
    }
    props["kind"] = props.get("kind") or {
        "description": "Kind is a string value representing the REST resource this object represents.",
        "type": "string",
    }
    props["metadata"] = {
        "description": "Standard object's metadata. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        "allOf": [OBJECT_META_REF],
    }
    schema["properties"] = {k: props[k] for k in sorted(props)}
    schema.setdefault("type", "object")
    schema["x-kubernetes-group-version-kind"] = [{"group": info.group, "kind": info.kind, "version": version.name}]
    return schema


def openapi_document(info: CRDInfo, version: CRDVersion, meta_schemas: Mapping[str, Any]) -> dict[str, Any]:
    """The `/openapi/v3/apis/<group>/<version>` document of a CRD (one CRD; the registry merges several)."""
    prefix = schema_prefix(info.group, version.name)
    kind_name = f"{prefix}.{info.kind}"
    list_name = f"{prefix}.{info.list_kind}"
    list_schema: dict[str, Any] = {
        "description": f"{info.list_kind} is a list of {info.kind}",
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string"},
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{kind_name}"}},
            "kind": {"type": "string"},
            "metadata": {"allOf": [LIST_META_REF]},
        },
        "x-kubernetes-group-version-kind": [{"group": info.group, "kind": info.list_kind, "version": version.name}],
    }
    gvk = {"group": info.group, "version": version.name, "kind": info.kind}

    def op(
        action: str, description: str, schema: str, *, body: bool = False, kind: dict[str, str] | None = None
    ) -> dict[str, Any]:
        ref = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
        out: dict[str, Any] = {"description": description}
        # Clients (kubectl's query-parameter verifier) look for these to know the server takes them.
        params = {"post": WRITE_PARAMS, "put": WRITE_PARAMS, "patch": (*WRITE_PARAMS, "force")}.get(action, ())
        if params:
            out["parameters"] = [{"name": p, "in": "query", "schema": {"type": "string"}} for p in params]
        if body:
            out["requestBody"] = {"content": {"application/json": ref}, "required": True}
        out["responses"] = {"200": {"description": "OK", "content": {"application/json": ref}}}
        out["x-kubernetes-action"] = action
        out["x-kubernetes-group-version-kind"] = kind or gvk
        return out

    base = f"/apis/{info.group}/{version.name}"
    coll = f"{base}/namespaces/{{namespace}}/{info.plural}" if info.namespaced else f"{base}/{info.plural}"
    item = f"{coll}/{{name}}"
    paths: dict[str, Any] = {}
    if info.namespaced:
        paths[f"{base}/{info.plural}"] = {"get": op("list", f"list objects of kind {info.kind}", list_name)}
    paths[coll] = {
        "get": op("list", f"list or watch objects of kind {info.kind}", list_name),
        "post": op("post", f"create a {info.kind}", kind_name, body=True),
        "delete": op("deletecollection", f"delete collection of {info.kind}", f"{META_PREFIX}Status"),
    }
    paths[item] = {
        "get": op("get", f"read the specified {info.kind}", kind_name),
        "put": op("put", f"replace the specified {info.kind}", kind_name, body=True),
        "delete": op("delete", f"delete a {info.kind}", f"{META_PREFIX}Status"),
        "patch": op("patch", f"partially update the specified {info.kind}", kind_name, body=True),
    }
    if version.status:
        paths[f"{item}/status"] = {
            "get": op("get", f"read status of the specified {info.kind}", kind_name),
            "put": op("put", f"replace status of the specified {info.kind}", kind_name, body=True),
            "patch": op("patch", f"partially update status of the specified {info.kind}", kind_name, body=True),
        }
    if version.scale is not None:
        scale = {"group": "autoscaling", "version": "v1", "kind": "Scale"}
        paths[f"{item}/scale"] = {
            "get": op("get", f"read scale of the specified {info.kind}", SCALE_SCHEMA, kind=scale),
            "put": op("put", f"replace scale of the specified {info.kind}", SCALE_SCHEMA, body=True, kind=scale),
            "patch": op(
                "patch", f"partially update scale of the specified {info.kind}", SCALE_SCHEMA, body=True, kind=scale
            ),
        }
    schemas: dict[str, Any] = {kind_name: kind_schema(info, version), list_name: list_schema}
    schemas.update(
        {
            k: v
            for k, v in meta_schemas.items()
            if k.startswith(META_PREFIX) or (version.scale is not None and k.startswith(SCALE_SCHEMA))
        }
    )
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
        "paths": paths,
        "components": {"schemas": {k: schemas[k] for k in sorted(schemas)}},
    }


def merge_documents(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Several CRDs of one group-version share one document."""
    out: dict[str, Any] = {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
        "paths": {},
        "components": {"schemas": {}},
    }
    for doc in docs:
        out["paths"].update(doc["paths"])
        out["components"]["schemas"].update(doc["components"]["schemas"])
    out["components"]["schemas"] = dict(sorted(out["components"]["schemas"].items()))
    return out


def scale_paths(version: CRDVersion) -> tuple[str, str, str | None]:
    """(specReplicasPath, statusReplicasPath, labelSelectorPath) of a scale subresource."""
    scale = version.scale or {}
    return (
        str(scale.get("specReplicasPath") or ".spec.replicas"),
        str(scale.get("statusReplicasPath") or ".status.replicas"),
        str(scale["labelSelectorPath"]) if scale.get("labelSelectorPath") else None,
    )


def age_column() -> dict[str, Any]:
    return {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp", "description": AGE_DESCRIPTION}


def terminating_condition(now: str) -> dict[str, Any]:
    """The condition a CRD gets when its deletion is requested."""
    return {
        "type": "Terminating",
        "status": "True",
        "lastTransitionTime": now,
        "reason": "InstanceDeletionPending",
        "message": "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
    }
