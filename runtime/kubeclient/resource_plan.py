"""The requests of the generic verbs, without I/O (client-go gentype/type.go): one `Call` per verb invocation.

Both `ResourceClient` and `AsyncResourceClient` turn a verb and its keyword options into a `Call` here; they only
send it. Query encoding follows semantics §1: zero-valued omitempty scalars are not sent (limit=0, watch=false,
empty strings); explicitly set optionals are (timeoutSeconds=0, sendInitialEvents=false); dryRun repeats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import msgspec

from kubeclient import fields as fieldsel
from kubeclient import labels as labelsel
from kubeclient.rest.request import RequestBuilder, encode_body, patch_content_type

__all__ = [
    "ALL_VERBS",
    "Call",
    "Codec",
    "DictCodec",
    "FieldSelectorLike",
    "ModelCodec",
    "ResourceInfo",
    "SelectorLike",
    "apply_query",
    "delete_body",
    "go_duration",
    "list_query",
    "object_name",
    "object_namespace",
    "patch_call",
    "write_query",
]

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")
B = TypeVar("B", bound=RequestBuilder)

ALL_VERBS = frozenset(
    {"create", "update", "delete", "deletecollection", "get", "list", "watch", "patch"},
)


@dataclass(frozen=True)
class ResourceInfo:
    """The facts a client binds: where the resource lives and what the server lets you do with it."""

    group: str
    version: str
    plural: str
    kind: str
    # None: scope unknown (dynamic client) — the namespace segment is written whenever one is bound.
    namespaced: bool | None
    verbs: frozenset[str] = ALL_VERBS
    subresources: frozenset[str] = frozenset()
    singular: str = ""

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


class Codec(Protocol[T_co]):
    def decode(self, data: bytes) -> T_co: ...


class ModelCodec:
    """Decodes with a model's `from_json` (generated kubeapi models) or msgspec for plain Structs."""

    def __init__(self, type_: type[Any]) -> None:
        self.type = type_
        from_json = getattr(type_, "from_json", None)
        self._decode = from_json if callable(from_json) else msgspec.json.Decoder(type_).decode

    def decode(self, data: bytes) -> Any:
        return self._decode(data)


class DictCodec:
    """Plain dicts with the wire names, as the dynamic client returns them."""

    _decoder = msgspec.json.Decoder(dict[str, Any])

    def decode(self, data: bytes) -> dict[str, Any]:
        return self._decoder.decode(data)


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String() for whole and fractional seconds: 30s, 1m0s, 1h30m0s, 1.5s."""
    if seconds == 0:
        return "0s"
    whole = int(seconds)
    frac = seconds - whole
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    sec_text = f"{secs + frac:g}" if frac else str(secs)
    if hours:
        return f"{hours}h{minutes}m{sec_text}s"
    if minutes:
        return f"{minutes}m{sec_text}s"
    return f"{sec_text}s"


def _meta(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return obj.get("metadata") or {}
    return getattr(obj, "metadata", None)


def object_name(obj: Any) -> str:
    meta = _meta(obj)
    name = meta.get("name") if isinstance(meta, Mapping) else getattr(meta, "name", None)
    if not name:
        raise ValueError("the object has no metadata.name")
    return str(name)


def object_namespace(obj: Any) -> str:
    meta = _meta(obj)
    ns = meta.get("namespace") if isinstance(meta, Mapping) else getattr(meta, "namespace", None)
    return str(ns or "")


SelectorLike = labelsel.SelectorLike
FieldSelectorLike = str | Mapping[str, str] | fieldsel.Selector


def list_query(
    *,
    label_selector: SelectorLike | None = None,
    field_selector: FieldSelectorLike | None = None,
    resource_version: str | None = None,
    resource_version_match: str | None = None,
    timeout_seconds: int | None = None,
    limit: int = 0,
    continue_: str = "",
    allow_watch_bookmarks: bool = False,
    send_initial_events: bool | None = None,
    watch: bool = False,
) -> list[tuple[str, Any]]:
    """meta/v1 ListOptions as query pairs, in client-go's field order. Selectors may be strings, dicts or parsed
    selectors (`kubeclient.labels.SelectorLike`)."""
    label_selector = labelsel.selector_string(label_selector)
    field_selector = fieldsel.selector_string(field_selector)
    out: list[tuple[str, Any]] = []
    if label_selector:
        out.append(("labelSelector", label_selector))
    if field_selector:
        out.append(("fieldSelector", field_selector))
    if watch:
        out.append(("watch", True))
    if allow_watch_bookmarks:
        out.append(("allowWatchBookmarks", True))
    if resource_version:
        out.append(("resourceVersion", resource_version))
    if resource_version_match:
        out.append(("resourceVersionMatch", resource_version_match))
    if timeout_seconds is not None:
        out.append(("timeoutSeconds", timeout_seconds))
    if limit:
        out.append(("limit", limit))
    if continue_:
        out.append(("continue", continue_))
    if send_initial_events is not None:
        out.append(("sendInitialEvents", send_initial_events))
    return out


def _dry_run(dry_run: str | Sequence[str] | bool | None) -> list[str]:
    if dry_run is None or dry_run is False:
        return []
    if dry_run is True:
        return ["All"]
    if isinstance(dry_run, str):
        return [dry_run]
    return list(dry_run)


def write_query(
    *,
    dry_run: str | Sequence[str] | bool | None = None,
    field_manager: str | None = None,
    field_validation: str | None = None,
    force: bool | None = None,
) -> list[tuple[str, Any]]:
    """CreateOptions / UpdateOptions / PatchOptions as query pairs; dryRun repeats (dryRun=All)."""
    out: list[tuple[str, Any]] = [("dryRun", value) for value in _dry_run(dry_run)]
    if force is not None:
        out.append(("force", force))
    if field_manager:
        out.append(("fieldManager", field_manager))
    if field_validation:
        out.append(("fieldValidation", field_validation))
    return out


def apply_query(
    *,
    field_manager: str,
    force: bool = False,
    dry_run: str | Sequence[str] | bool | None = None,
    field_validation: str | None = None,
) -> list[tuple[str, Any]]:
    """Server-side apply: fieldManager is required and `force` is always sent (client-go's ApplyOptions)."""
    if not field_manager:
        raise ValueError("apply requires a field_manager (the name of the actor owning the applied fields)")
    return write_query(dry_run=dry_run, field_manager=field_manager, field_validation=field_validation, force=force)


def delete_body(
    *,
    grace_period_seconds: int | None = None,
    propagation_policy: str | None = None,
    preconditions: Mapping[str, str] | None = None,
    dry_run: str | Sequence[str] | bool | None = None,
) -> bytes:
    """meta/v1 DeleteOptions as the JSON body client-go sends with DELETE."""
    body: dict[str, Any] = {}
    if grace_period_seconds is not None:
        body["gracePeriodSeconds"] = grace_period_seconds
    if preconditions:
        keys = {"uid": "uid", "resource_version": "resourceVersion", "resourceVersion": "resourceVersion"}
        body["preconditions"] = {keys.get(k, k): v for k, v in preconditions.items()}
    if propagation_policy:
        body["propagationPolicy"] = propagation_policy
    runs = _dry_run(dry_run)
    if runs:
        body["dryRun"] = runs
    return msgspec.json.encode(body)


@dataclass
class Call:
    """One request of a verb: everything but the transport."""

    method: str
    namespace: str | None
    resource: str
    name: str | None = None
    subresource: tuple[str, ...] = ()
    params: list[tuple[str, Any]] = field(default_factory=list)
    body: bytes | None = None
    content_type: str | None = None
    timeout: float | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def configure(self, builder: B) -> B:
        if self.namespace:
            builder.namespace(self.namespace)
        builder.resource(self.resource)
        if self.name is not None:
            builder.name(self.name)
        if self.subresource:
            builder.subresource(*self.subresource)
        builder.params(self.params)
        if self.content_type:
            builder.set_header("Content-Type", self.content_type)
        for key, value in self.headers.items():
            builder.set_header(key, value)
        if self.body is not None:
            builder.body(self.body)
        if self.timeout is not None:
            builder.timeout(self.timeout)
        return builder


def patch_call(
    namespace: str | None,
    resource: str,
    *,
    name: str,
    body: Any,
    patch_type: str,
    subresource: tuple[str, ...],
    params: list[tuple[str, Any]],
) -> Call:
    content = encode_body(body)
    return Call(
        "PATCH",
        namespace,
        resource,
        name=name,
        subresource=subresource,
        params=params,
        body=content,
        content_type=patch_content_type(patch_type),
    )
