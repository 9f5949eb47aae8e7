"""Request building without I/O: the path rules, query encoding and body encoding of client-go's rest.Request.

`RequestBuilder` is shared by the sync and asyncio clients; their subclasses only add the terminal calls
(`do`, `stream`, `watch`). Validation errors are raised when the request is sent, naming the offending part,
before anything reaches the wire.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import quote

import msgspec

__all__ = [
    "DEFAULT_ACCEPT",
    "PATCH_CONTENT_TYPES",
    "PreparedRequest",
    "RequestBuilder",
    "RequestError",
    "encode_body",
    "patch_content_type",
    "validate_path_segment",
]

DEFAULT_ACCEPT = "application/json, */*"

PATCH_CONTENT_TYPES = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


class RequestError(ValueError):
    """A request that cannot be sent as built (invalid name, namespace or path segment)."""


def patch_content_type(patch_type: str) -> str:
    """The Content-Type of a patch: a short name (json, merge, strategic, apply) or a full media type."""
    if "/" in patch_type:
        return patch_type
    try:
        return PATCH_CONTENT_TYPES[patch_type]
    except KeyError:
        known = ", ".join(sorted(PATCH_CONTENT_TYPES))
        raise RequestError(f"unknown patch type {patch_type!r}; expected one of {known} or a media type") from None


def validate_path_segment(kind: str, value: str) -> None:
    """client-go's IsValidPathSegmentName: names "." and "..", and names holding "/" or "%", are refused."""
    if value in (".", ".."):
        raise RequestError(f"invalid {kind} {value!r}: may not be {value!r}")
    for bad in ("/", "%"):
        if bad in value:
            raise RequestError(f"invalid {kind} {value!r}: may not contain {bad!r}")


def encode_body(body: Any) -> bytes:
    """The JSON bytes of a body: bytes/str as given, a model through its own encoder, anything else as JSON."""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    to_json = getattr(body, "to_json", None)
    if callable(to_json):
        encoded = to_json()
        return encoded if isinstance(encoded, bytes) else str(encoded).encode()
    to_dict = getattr(body, "to_dict", None)
    if callable(to_dict):
        return msgspec.json.encode(to_dict())
    try:
        return msgspec.json.encode(body)
    except TypeError:
        # Values msgspec does not know (e.g. Decimal) get the standard library's chance before failing.
        return json.dumps(body, separators=(",", ":")).encode()


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class PreparedRequest:
    """Everything the transport needs: method, path, ordered query pairs, headers and body."""

    method: str
    path: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    content: bytes | None
    timeout: float | None
    is_watch: bool = False
    # Streaming request bodies are never retried (client-go: the body cannot be replayed).
    replayable: bool = True

    def url_for_log(self) -> str:
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in self.params)
        return f"{self.path}?{query}" if query else self.path


@dataclass
class _Parts:
    namespace: str | None = None
    namespace_set: bool = False
    resource: str | None = None
    name: str | None = None
    name_set: bool = False
    subresource: list[str] = field(default_factory=list)
    abs_path: list[str] | None = None


class RequestBuilder:
    """A chainable request in the style of client-go's rest.Request; each setter returns the builder itself."""

    def __init__(self, method: str, prefix: str, *, content_type: str | None = None) -> None:
        self._method = method.upper()
        self._prefix = prefix
        self._parts = _Parts()
        self._params: list[tuple[str, str]] = []
        self._headers: dict[str, str] = {"Accept": DEFAULT_ACCEPT}
        if content_type:
            self._headers["Content-Type"] = content_type
        self._body: bytes | None = None
        self._timeout: float | None = None
        self._errors: list[str] = []

    # --- path -------------------------------------------------------------------------------------------------
    def namespace(self, namespace: str) -> Self:
        """The namespace segment; "" lists across all namespaces (no segment is written)."""
        if self._parts.namespace_set:
            self._errors.append(f"namespace already set to {self._parts.namespace!r}, cannot change to {namespace!r}")
        self._parts.namespace, self._parts.namespace_set = namespace, True
        return self

    def resource(self, resource: str) -> Self:
        if self._parts.resource is not None:
            self._errors.append(f"resource already set to {self._parts.resource!r}, cannot change to {resource!r}")
        self._parts.resource = resource
        return self

    def name(self, name: str) -> Self:
        if self._parts.name_set:
            self._errors.append(f"name already set to {self._parts.name!r}, cannot change to {name!r}")
        self._parts.name, self._parts.name_set = name, True
        return self

    def subresource(self, *parts: str) -> Self:
        if self._parts.subresource:
            self._errors.append(f"subresource already set to {'/'.join(self._parts.subresource)!r}")
        self._parts.subresource = [p for p in parts if p]
        return self

    def abs_path(self, *segments: str) -> Self:
        """An absolute path from the server root, replacing the group-version prefix (e.g. "/openapi/v3")."""
        self._parts.abs_path = [s.strip("/") for s in segments if s.strip("/")]
        return self

    # --- query, headers, body ---------------------------------------------------------------------------------
    def param(self, key: str, value: Any) -> Self:
        """A query parameter; repeated keys are kept in order (dryRun=All&dryRun=All is legal)."""
        self._params.append((key, _query_value(value)))
        return self

    def params(self, pairs: Sequence[tuple[str, Any]] | Mapping[str, Any]) -> Self:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        for key, value in items:
            self.param(key, value)
        return self

    def set_header(self, key: str, value: str) -> Self:
        self._headers[key] = value
        return self

    def body(self, body: Any) -> Self:
        """bytes or str as given; a dict, list, msgspec Struct or model (to_json/to_dict) as JSON."""
        self._body = encode_body(body)
        self._headers.setdefault("Content-Type", "application/json")
        return self

    def timeout(self, seconds: float | None) -> Self:
        """The client-side deadline of the whole call (for watch and streams: the longest silence tolerated)."""
        self._timeout = seconds
        return self

    # --- build ------------------------------------------------------------------------------------------------
    def _path(self) -> str:
        parts = self._parts
        base = "/" + "/".join(parts.abs_path) if parts.abs_path is not None else self._prefix.rstrip("/")
        segments: list[str] = []
        if parts.namespace:
            validate_path_segment("namespace", parts.namespace)
            segments += ["namespaces", parts.namespace]
        if parts.resource:
            validate_path_segment("resource", parts.resource)
            segments.append(parts.resource)
        if parts.name_set:
            if not parts.name:
                raise RequestError("resource name may not be empty")
            validate_path_segment("resource name", parts.name)
            segments.append(parts.name)
        for sub in parts.subresource:
            validate_path_segment("subresource", sub)
        segments += parts.subresource
        if not segments:
            return base or "/"
        return base + "/" + "/".join(quote(s, safe="") for s in segments)

    def prepare(self, *, is_watch: bool = False) -> PreparedRequest:
        """The request as it goes on the wire; raises RequestError for an invalid request."""
        if self._errors:
            raise RequestError("; ".join(self._errors))
        return PreparedRequest(
            method=self._method,
            path=self._path(),
            params=list(self._params),
            headers=dict(self._headers),
            content=self._body,
            timeout=self._timeout,
            is_watch=is_watch,
        )

    def __repr__(self) -> str:
        try:
            where = self.prepare().url_for_log()
        except RequestError as exc:
            where = f"<invalid: {exc}>"
        return f"<{type(self).__name__} {self._method} {where}>"
