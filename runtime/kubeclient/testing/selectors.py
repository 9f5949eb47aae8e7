"""Label and field selection of stored objects, with the per-kind field selectors the real server supports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kubeclient import fields, labels
from kubeclient.testing.status import APIStatus, bad_request

# Fields beyond metadata.name/metadata.namespace that the real server's field label conversions accept.
KIND_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "pods"): (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    ("", "events"): (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    ("", "secrets"): ("type",),
    ("", "namespaces"): ("status.phase",),
    ("", "nodes"): ("spec.unschedulable",),
    ("", "replicationcontrollers"): ("status.replicas",),
    ("", "services"): ("spec.clusterIP", "spec.type"),
    ("apps", "replicasets"): ("status.replicas",),
    ("batch", "jobs"): ("status.successful",),
    ("certificates.k8s.io", "certificatesigningrequests"): ("spec.signerName",),
}


def _lookup(obj: Mapping[str, Any], dotted: str) -> Any:
    cur: Any = obj
    for part in dotted.split("."):
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def _as_field(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


@dataclass(frozen=True)
class Selection:
    """A parsed labelSelector + fieldSelector for one resource; `matches` decides membership of an object."""

    label: labels.Selector
    field: fields.Selector
    group: str
    plural: str
    namespaced: bool

    def field_set(self, obj: Mapping[str, Any]) -> dict[str, str]:
        meta = obj.get("metadata") or {}
        out = {"metadata.name": str(meta.get("name") or "")}
        if self.namespaced:
            out["metadata.namespace"] = str(meta.get("namespace") or "")
        for name in KIND_FIELDS.get((self.group, self.plural), ()):
            if name == "source" and self.plural == "events":
                out[name] = _as_field((obj.get("source") or {}).get("component") or obj.get("reportingComponent"))
            else:
                out[name] = _as_field(_lookup(obj, name))
        return out

    def matches(self, obj: Mapping[str, Any] | None) -> bool:
        if obj is None:
            return False
        meta = obj.get("metadata") or {}
        lbls = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        if not self.label.matches(lbls):
            return False
        return self.field.empty() or self.field.matches(self.field_set(obj))

    def everything(self) -> bool:
        return self.label.empty() and self.field.empty()


def parse_selection(label_text: str, field_text: str, group: str, plural: str, namespaced: bool) -> Selection:
    """Parse the query's selectors; an unknown field or bad syntax → 400 BadRequest worded as the real server."""
    try:
        label = labels.parse(label_text) if label_text else labels.everything()
    except labels.LabelSelectorError as exc:
        raise bad_request(f"unable to parse requirement: {exc}") from None
    try:
        field = fields.parse(field_text) if field_text else fields.everything()
    except fields.FieldSelectorError as exc:
        raise bad_request(f"invalid field selector: {exc}") from None
    extra = KIND_FIELDS.get((group, plural), ())
    for term in field.terms:
        if term.field in ("metadata.name", "metadata.namespace") or term.field in extra:
            continue
        raise _unknown_field(term.field, bool(extra))
    return Selection(label, field, group, plural, namespaced)


def _unknown_field(name: str, kind_specific: bool) -> APIStatus:
    if kind_specific:
        return bad_request(f"field label not supported: {name}")
    return bad_request(f'"{name}" is not a known field selector: only "metadata.name", "metadata.namespace"')
