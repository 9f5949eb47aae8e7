"""Failure `Status` bodies worded as kube-apiserver v1.36 words them, raised as `APIStatus` inside the fake server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cause:
    """One `details.causes` entry: reason (FieldValueRequired, ...), message and field path."""

    reason: str
    message: str
    field: str

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message, "field": self.field}

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class APIStatus(Exception):
    """An error answer of the fake server; `body()` is the Status object sent to the client."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        retry_after: int | None = None,
        list_meta: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retry_after = retry_after
        self.list_meta = list_meta or {}
        self.warnings: list[str] = []  # sent as Warning headers with the failure

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": dict(self.list_meta)}
        out["status"] = "Failure"
        if self.message:
            out["message"] = self.message
        if self.reason:
            out["reason"] = self.reason
        if self.details:
            out["details"] = self.details
        out["code"] = self.code
        return out


def qualified(group: str, plural: str) -> str:
    """ "deployments.apps" / "configmaps": how the server names a resource in messages."""
    return f"{plural}.{group}" if group else plural


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if name:
        out["name"] = name
    if group:
        out["group"] = group
    out["kind"] = kind
    return out


def not_found(group: str, plural: str, name: str) -> APIStatus:
    return APIStatus(404, "NotFound", f'{qualified(group, plural)} "{name}" not found', _details(name, group, plural))


def path_not_found() -> APIStatus:
    return APIStatus(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(group: str, plural: str, name: str) -> APIStatus:
    return APIStatus(
        409, "AlreadyExists", f'{qualified(group, plural)} "{name}" already exists', _details(name, group, plural)
    )


def conflict(group: str, plural: str, name: str, why: str) -> APIStatus:
    message = f'Operation cannot be fulfilled on {qualified(group, plural)} "{name}": {why}'
    return APIStatus(409, "Conflict", message, _details(name, group, plural))


def kind_conflict(group: str, kind: str, name: str, why: str) -> APIStatus:
    """A Conflict naming the Kind (`Pod`, `Role.rbac.authorization.k8s.io`), as failed delete preconditions do."""
    qualified_kind = f"{kind}.{group}" if group else kind
    message = f'Operation cannot be fulfilled on {qualified_kind} "{name}": {why}'
    return APIStatus(409, "Conflict", message, _details(name, group, kind))


MODIFIED = "the object has been modified; please apply your changes to the latest version and try again"


def stale(group: str, plural: str, name: str) -> APIStatus:
    return conflict(group, plural, name, MODIFIED)


def invalid(kind: str, group: str, name: str, causes: list[Cause]) -> APIStatus:
    """422 Invalid: `Kind.group "name" is invalid: c` (one cause) or `...: [c1, c2]`."""
    qualified_kind = f"{kind}.{group}" if group else kind
    listed = str(causes[0]) if len(causes) == 1 else "[" + ", ".join(str(c) for c in causes) + "]"
    details = _details(name, group, kind)
    details["causes"] = [c.as_dict() for c in causes]
    return APIStatus(422, "Invalid", f'{qualified_kind} "{name}" is invalid: {listed}', details)


def bad_request(message: str) -> APIStatus:
    return APIStatus(400, "BadRequest", message)


def method_not_allowed() -> APIStatus:
    return APIStatus(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {})


def unsupported_media_type(accepted: list[str]) -> APIStatus:
    """415: the real message names only what is accepted, not what was sent."""
    message = f"the body of the request was in an unknown format - accepted media types include: {', '.join(accepted)}"
    return APIStatus(415, "UnsupportedMediaType", message, {})


def not_acceptable(accepted: list[str]) -> APIStatus:
    return APIStatus(406, "NotAcceptable", f"only the following media types are accepted: {', '.join(accepted)}", {})


def expired(message: str) -> APIStatus:
    return APIStatus(410, "Expired", message)


def unauthorized() -> APIStatus:
    return APIStatus(401, "Unauthorized", "Unauthorized")


def forbidden(user: str, verb: str, group: str, plural: str, *, name: str, namespace: str) -> APIStatus:
    subject = f'{qualified(group, plural)} "{name}"' if name else qualified(group, plural)
    where = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = f'{subject} is forbidden: User "{user}" cannot {verb} resource "{plural}" in API group "{group}" {where}'
    return APIStatus(403, "Forbidden", message, _details(name, group, plural))


def too_large_rv(requested: int, current: int) -> APIStatus:
    details = {
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    }
    return APIStatus(
        504, "Timeout", f"Timeout: Too large resource version: {requested}, current: {current}", details, retry_after=1
    )


def go_value(value: Any) -> str:
    """A value as field errors print it: strings quoted, maps/lists as compact JSON, numbers bare."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def status_from_body(body: dict[str, Any], *, retry_after: int | None = None) -> APIStatus:
    """An APIStatus answering exactly `body` (a Status some other component worded)."""
    return APIStatus(
        int(body.get("code") or 500),
        str(body.get("reason") or ""),
        str(body.get("message") or ""),
        body.get("details"),
        retry_after=retry_after,
    )
