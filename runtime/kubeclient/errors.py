"""Typed API errors: a non-2xx answer becomes a `StatusError` subclass carrying the decoded meta/v1 Status.

Mirrors k8s.io/apimachinery/pkg/api/errors: the reason decides the class; when the body is not a Status the
reason is derived from the HTTP code (409 on POST is AlreadyExists, otherwise Conflict), and the `is_*` helpers
match on the reason, or on the code when the reason is unknown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = [
    "AlreadyExistsError",
    "ApiError",
    "BadRequestError",
    "CannotConnectError",
    "ConflictError",
    "ExpiredError",
    "ForbiddenError",
    "GoneError",
    "InternalError",
    "InvalidError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "NotFoundError",
    "PodCompletedError",
    "RequestEntityTooLargeError",
    "RequestTimeoutError",
    "ResponseDecodeError",
    "ServerTimeoutError",
    "ServiceUnavailableError",
    "StatusError",
    "TLSError",
    "TimeoutError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
    "UnsupportedMediaTypeError",
    "error_from_response",
    "is_already_exists",
    "is_bad_request",
    "is_conflict",
    "is_forbidden",
    "is_gone",
    "is_internal_error",
    "is_invalid",
    "is_method_not_supported",
    "is_not_acceptable",
    "is_not_found",
    "is_request_entity_too_large",
    "is_resource_expired",
    "is_server_timeout",
    "is_service_unavailable",
    "is_timeout",
    "is_too_many_requests",
    "is_unauthorized",
    "is_unsupported_media_type",
    "reason_for_code",
    "retry_after_seconds",
]


class ApiError(Exception):
    """Base of every error kubeclient raises about talking to an API server."""


class TransportError(ApiError):
    """The request got no answer: the connection, TLS or a timeout failed. The message is one line naming the
    server or the request and the cause; `cause` is the underlying exception (httpx / OSError / ssl), kept off
    the printed chain."""

    def __init__(self, message: str, *, method: str, url: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.cause = cause


class CannotConnectError(TransportError):
    """No connection to the server: refused, unreachable, or its name did not resolve."""


class TLSError(TransportError):
    """The TLS handshake failed: the server's certificate did not verify, or the client's was refused."""


class RequestTimeoutError(TransportError):
    """The request timed out on our side (connect, read, write, or waiting for a pooled connection)."""


class ResponseDecodeError(ApiError, ValueError):
    """A successful answer does not fit the model: names the resource, the request and the JSON path.

    `json_path` is msgspec's path (`$.items[3].data.a`) or "" when the body is not JSON at all; `cause` is the
    msgspec error.
    """

    def __init__(
        self,
        message: str,
        *,
        resource: str,
        method: str,
        path: str,
        json_path: str = "",
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.resource = resource
        self.method = method
        self.path = path
        self.json_path = json_path
        self.cause = cause


class PodCompletedError(ApiError):
    """exec or attach refused before connecting, as kubectl refuses it: the pod's phase is Succeeded or Failed, so
    no container of it runs any more. `phase` is the pod's status.phase; `subresource` is "exec" or "attach"."""

    def __init__(self, namespace: str, name: str, phase: str, subresource: str) -> None:
        # kubectl's words (pkg/cmd/exec/exec.go, pkg/cmd/attach/attach.go), so scripts matching on them keep working.
        if subresource == "attach":
            message = f"cannot attach a container in a completed pod; current phase is {phase}"
        else:
            message = f"cannot exec into a container in a completed pod; current phase is {phase}"
        super().__init__(message)
        self.namespace = namespace
        self.name = name
        self.phase = phase
        self.subresource = subresource


# The StatusReason values of k8s.io/apimachinery/pkg/apis/meta/v1/types.go.
REASON_UNAUTHORIZED = "Unauthorized"
REASON_FORBIDDEN = "Forbidden"
REASON_NOT_FOUND = "NotFound"
REASON_ALREADY_EXISTS = "AlreadyExists"
REASON_CONFLICT = "Conflict"
REASON_GONE = "Gone"
REASON_INVALID = "Invalid"
REASON_SERVER_TIMEOUT = "ServerTimeout"
REASON_TIMEOUT = "Timeout"
REASON_TOO_MANY_REQUESTS = "TooManyRequests"
REASON_BAD_REQUEST = "BadRequest"
REASON_METHOD_NOT_ALLOWED = "MethodNotAllowed"
REASON_NOT_ACCEPTABLE = "NotAcceptable"
REASON_REQUEST_ENTITY_TOO_LARGE = "RequestEntityTooLarge"
REASON_UNSUPPORTED_MEDIA_TYPE = "UnsupportedMediaType"
REASON_INTERNAL_ERROR = "InternalError"
REASON_EXPIRED = "Expired"
REASON_SERVICE_UNAVAILABLE = "ServiceUnavailable"
REASON_UNKNOWN = ""

# Code → reason when the body is not a Status (client-go rest/request.go newUnstructuredResponseError).
_CODE_REASONS: dict[int, str] = {
    400: REASON_BAD_REQUEST,
    401: REASON_UNAUTHORIZED,
    403: REASON_FORBIDDEN,
    404: REASON_NOT_FOUND,
    405: REASON_METHOD_NOT_ALLOWED,
    406: REASON_NOT_ACCEPTABLE,
    409: REASON_CONFLICT,
    410: REASON_GONE,
    413: REASON_REQUEST_ENTITY_TOO_LARGE,
    415: REASON_UNSUPPORTED_MEDIA_TYPE,
    422: REASON_INVALID,
    429: REASON_TOO_MANY_REQUESTS,
    500: REASON_INTERNAL_ERROR,
    503: REASON_SERVICE_UNAVAILABLE,
    504: REASON_TIMEOUT,
}

# The message client-go puts into a Status it builds itself for a non-Status body.
_CODE_MESSAGES: dict[str, str] = {
    REASON_BAD_REQUEST: "the server rejected our request for an unknown reason",
    REASON_UNAUTHORIZED: "the server has asked for the client to provide credentials",
    REASON_FORBIDDEN: "the server does not allow access to the requested resource",
    REASON_NOT_FOUND: "the server could not find the requested resource",
    REASON_METHOD_NOT_ALLOWED: "the server does not allow this method on the requested resource",
    REASON_NOT_ACCEPTABLE: "the server was unable to respond with a content type that the client supports",
    REASON_CONFLICT: "the server reported a conflict",
    REASON_ALREADY_EXISTS: "the server reported a conflict",
    REASON_GONE: "the server reported the resource is gone",
    REASON_REQUEST_ENTITY_TOO_LARGE: "the server rejected the request because it is too large",
    REASON_UNSUPPORTED_MEDIA_TYPE: "the server was unable to handle the media type requested",
    REASON_INVALID: "the server rejected our request due to an error in our request",
    REASON_TOO_MANY_REQUESTS: "the server has received too many requests and has asked us to try again later",
    REASON_INTERNAL_ERROR: "an error on the server has prevented the request from succeeding",
    REASON_SERVICE_UNAVAILABLE: "the server is currently unable to handle the request",
    REASON_TIMEOUT: "the server was unable to return a response in the time allotted, but may still be processing "
    "the request",
}


def reason_for_code(code: int, method: str = "GET") -> str:
    """The StatusReason client-go derives from an HTTP code when the body carries no Status."""
    if code == 409 and method.upper() == "POST":
        return REASON_ALREADY_EXISTS
    if code in _CODE_REASONS:
        return _CODE_REASONS[code]
    if code >= 500:
        return REASON_INTERNAL_ERROR
    return REASON_UNKNOWN


class StatusError(ApiError):
    """An API server answered with a failure; `status` is the decoded meta/v1 Status (a dict on the wire form).

    `code`, `reason`, `message` and `details` are read from it; `retry_after_seconds` comes from the Status
    details or the Retry-After header.
    """

    status: dict[str, Any]

    def __init__(self, status: Mapping[str, Any], *, retry_after: int | None = None) -> None:
        self.status = dict(status)
        self._retry_after = retry_after
        super().__init__(self.message or self.reason or f"status {self.code}")

    @property
    def code(self) -> int:
        value = self.status.get("code")
        return value if isinstance(value, int) else 0

    @property
    def reason(self) -> str:
        value = self.status.get("reason")
        return value if isinstance(value, str) else ""

    @property
    def message(self) -> str:
        value = self.status.get("message")
        return value if isinstance(value, str) else ""

    @property
    def details(self) -> dict[str, Any]:
        value = self.status.get("details")
        return value if isinstance(value, dict) else {}

    @property
    def causes(self) -> list[dict[str, Any]]:
        value = self.details.get("causes")
        return [c for c in value if isinstance(c, dict)] if isinstance(value, list) else []

    @property
    def retry_after_seconds(self) -> int | None:
        value = self.details.get("retryAfterSeconds")
        if isinstance(value, int) and value > 0:
            return value
        return self._retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, reason={self.reason!r}, message={self.message!r})"


class BadRequestError(StatusError):
    """400 BadRequest."""


class UnauthorizedError(StatusError):
    """401 Unauthorized."""


class ForbiddenError(StatusError):
    """403 Forbidden."""


class NotFoundError(StatusError):
    """404 NotFound."""


class MethodNotAllowedError(StatusError):
    """405 MethodNotAllowed."""


class NotAcceptableError(StatusError):
    """406 NotAcceptable."""


class ConflictError(StatusError):
    """409 Conflict: a stale resourceVersion, or a server-side apply conflict (see `causes`)."""


class AlreadyExistsError(ConflictError):
    """409 AlreadyExists (a create of a name that is taken)."""


class GoneError(StatusError):
    """410 Gone."""


class ExpiredError(GoneError):
    """410 Expired: a resourceVersion or continue token older than the server keeps."""


class RequestEntityTooLargeError(StatusError):
    """413 RequestEntityTooLarge."""


class UnsupportedMediaTypeError(StatusError):
    """415 UnsupportedMediaType."""


class InvalidError(StatusError):
    """422 Invalid; `causes` lists the offending fields."""


class TooManyRequestsError(StatusError):
    """429 TooManyRequests; honour `retry_after_seconds`."""


class InternalError(StatusError):
    """500 (or another 5xx without a more precise reason)."""


class ServiceUnavailableError(StatusError):
    """503 ServiceUnavailable."""


class ServerTimeoutError(StatusError):
    """The ServerTimeout reason: the server could not finish the operation in time (often 500 or 504)."""


class TimeoutError(StatusError):
    """504 Timeout: the request timed out on the server and may still be processed."""


_REASON_CLASSES: dict[str, type[StatusError]] = {
    REASON_BAD_REQUEST: BadRequestError,
    REASON_UNAUTHORIZED: UnauthorizedError,
    REASON_FORBIDDEN: ForbiddenError,
    REASON_NOT_FOUND: NotFoundError,
    REASON_METHOD_NOT_ALLOWED: MethodNotAllowedError,
    REASON_NOT_ACCEPTABLE: NotAcceptableError,
    REASON_CONFLICT: ConflictError,
    REASON_ALREADY_EXISTS: AlreadyExistsError,
    REASON_GONE: GoneError,
    REASON_EXPIRED: ExpiredError,
    REASON_REQUEST_ENTITY_TOO_LARGE: RequestEntityTooLargeError,
    REASON_UNSUPPORTED_MEDIA_TYPE: UnsupportedMediaTypeError,
    REASON_INVALID: InvalidError,
    REASON_TOO_MANY_REQUESTS: TooManyRequestsError,
    REASON_INTERNAL_ERROR: InternalError,
    REASON_SERVICE_UNAVAILABLE: ServiceUnavailableError,
    REASON_SERVER_TIMEOUT: ServerTimeoutError,
    REASON_TIMEOUT: TimeoutError,
}


def _class_for(reason: str, code: int, method: str) -> type[StatusError]:
    if reason in _REASON_CLASSES:
        return _REASON_CLASSES[reason]
    return _REASON_CLASSES.get(reason_for_code(code, method), StatusError)


def status_from_code(code: int, method: str = "GET", body: bytes = b"") -> dict[str, Any]:
    """The Status client-go builds for a non-Status error body: reason and message from the code."""
    reason = reason_for_code(code, method)
    message = _CODE_MESSAGES.get(reason, f"the server responded with the status code {code}")
    text = body.decode("utf-8", "replace").strip()
    if text and len(text) < 1024:
        message = f"{message} ({text})"
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


def error_from_status(status: Mapping[str, Any], *, method: str = "GET", retry_after: int | None = None) -> StatusError:
    """The typed error for a decoded failure Status."""
    code = status.get("code")
    code = code if isinstance(code, int) else 0
    reason = status.get("reason")
    reason = reason if isinstance(reason, str) else ""
    return _class_for(reason, code, method)(status, retry_after=retry_after)


def error_from_response(code: int, body: bytes, *, method: str = "GET", retry_after: int | None = None) -> StatusError:
    """The typed error for a non-2xx answer: the body's Status when it is one, else one built from the code."""
    status: dict[str, Any] | None = None
    if body:
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict) and decoded.get("kind") == "Status":
            status = decoded
            if not isinstance(status.get("code"), int) or status.get("code") == 0:
                status["code"] = code
    if status is None:
        status = status_from_code(code, method, body)
    return error_from_status(status, method=method, retry_after=retry_after)


def _reason_and_code(err: BaseException) -> tuple[str, int]:
    if isinstance(err, StatusError):
        return err.reason, err.code
    return "", 0


def _matches(err: BaseException, reason: str, code: int) -> bool:
    # client-go ReasonForError: known reasons decide; an unknown reason falls back to the code.
    actual_reason, actual_code = _reason_and_code(err)
    if actual_reason == reason:
        return True
    if actual_reason not in _REASON_CLASSES and actual_reason != REASON_ALREADY_EXISTS:
        return actual_code == code and code != 0
    return False


def is_not_found(err: BaseException) -> bool:
    return _matches(err, REASON_NOT_FOUND, 404)


def is_already_exists(err: BaseException) -> bool:
    return _reason_and_code(err)[0] == REASON_ALREADY_EXISTS


def is_conflict(err: BaseException) -> bool:
    return _matches(err, REASON_CONFLICT, 409)


def is_invalid(err: BaseException) -> bool:
    return _matches(err, REASON_INVALID, 422)


def is_gone(err: BaseException) -> bool:
    return _matches(err, REASON_GONE, 410)


def is_resource_expired(err: BaseException) -> bool:
    return _matches(err, REASON_EXPIRED, 410)


def is_not_acceptable(err: BaseException) -> bool:
    return _matches(err, REASON_NOT_ACCEPTABLE, 406)


def is_unsupported_media_type(err: BaseException) -> bool:
    return _matches(err, REASON_UNSUPPORTED_MEDIA_TYPE, 415)


def is_method_not_supported(err: BaseException) -> bool:
    return _matches(err, REASON_METHOD_NOT_ALLOWED, 405)


def is_service_unavailable(err: BaseException) -> bool:
    return _matches(err, REASON_SERVICE_UNAVAILABLE, 503)


def is_bad_request(err: BaseException) -> bool:
    return _matches(err, REASON_BAD_REQUEST, 400)


def is_unauthorized(err: BaseException) -> bool:
    return _matches(err, REASON_UNAUTHORIZED, 401)


def is_forbidden(err: BaseException) -> bool:
    return _matches(err, REASON_FORBIDDEN, 403)


def is_timeout(err: BaseException) -> bool:
    return _matches(err, REASON_TIMEOUT, 504)


def is_server_timeout(err: BaseException) -> bool:
    # client-go: ServerTimeout has no code of its own to fall back on.
    return _reason_and_code(err)[0] == REASON_SERVER_TIMEOUT


def is_internal_error(err: BaseException) -> bool:
    return _matches(err, REASON_INTERNAL_ERROR, 500)


def is_too_many_requests(err: BaseException) -> bool:
    return _matches(err, REASON_TOO_MANY_REQUESTS, 429)


def is_request_entity_too_large(err: BaseException) -> bool:
    return _matches(err, REASON_REQUEST_ENTITY_TOO_LARGE, 413)


def retry_after_seconds(err: BaseException) -> int | None:
    """Seconds the server asked us to wait (Status details or Retry-After), or None."""
    return err.retry_after_seconds if isinstance(err, StatusError) else None
