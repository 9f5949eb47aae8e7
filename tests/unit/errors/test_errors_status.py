from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubeclient import errors
from kubeclient.errors import (
    AlreadyExistsError,
    BadRequestError,
    ConflictError,
    ExpiredError,
    ForbiddenError,
    GoneError,
    InternalError,
    InvalidError,
    NotFoundError,
    ServiceUnavailableError,
    StatusError,
    TooManyRequestsError,
    UnauthorizedError,
    error_from_response,
)

WIRE = {
    "status-400-fieldselector.json": (BadRequestError, errors.is_bad_request),
    "status-401-unauthorized.json": (UnauthorizedError, errors.is_unauthorized),
    "status-403-forbidden.json": (ForbiddenError, errors.is_forbidden),
    "status-404.json": (NotFoundError, errors.is_not_found),
    "status-409-alreadyexists.json": (AlreadyExistsError, errors.is_already_exists),
    "status-409-apply-conflict.json": (ConflictError, errors.is_conflict),
    "status-409-conflict.json": (ConflictError, errors.is_conflict),
    "status-422-invalid.json": (InvalidError, errors.is_invalid),
}


@pytest.mark.parametrize("name", sorted(WIRE))
def test_real_status_bodies_map_to_classes(shared_fixtures: Path, name: str) -> None:
    body = (shared_fixtures / "wire" / name).read_bytes()
    status = json.loads(body)
    err = error_from_response(status["code"], body, method="PUT")
    cls, predicate = WIRE[name]
    assert type(err) is cls
    assert predicate(err)
    assert err.code == status["code"] and err.reason == status["reason"]
    assert str(err) == status["message"]
    assert err.status == status


def test_conflict_causes_are_exposed(shared_fixtures: Path) -> None:
    body = (shared_fixtures / "wire" / "status-409-apply-conflict.json").read_bytes()
    err = error_from_response(409, body, method="PATCH")
    assert err.causes and err.causes[0]["field"] == ".data.a"
    assert not errors.is_already_exists(err)


@pytest.mark.parametrize(
    ("code", "method", "cls"),
    [
        (409, "POST", AlreadyExistsError),
        (409, "PUT", ConflictError),
        (404, "GET", NotFoundError),
        (410, "GET", GoneError),
        (429, "GET", TooManyRequestsError),
        (503, "GET", ServiceUnavailableError),
        (502, "GET", InternalError),
        (504, "GET", errors.TimeoutError),
        (418, "GET", StatusError),
    ],
)
def test_non_status_bodies_get_a_reason_from_the_code(code: int, method: str, cls: type[StatusError]) -> None:
    err = error_from_response(code, b"<html>proxy says no</html>", method=method)
    assert type(err) is cls
    assert err.code == code
    assert "proxy says no" in err.message


def test_expired_is_a_gone_and_matches_by_reason() -> None:
    body = json.dumps({"kind": "Status", "status": "Failure", "reason": "Expired", "code": 410, "message": "too old"})
    err = error_from_response(410, body.encode())
    assert isinstance(err, ExpiredError) and isinstance(err, GoneError)
    assert errors.is_resource_expired(err)
    assert not errors.is_gone(err)  # client-go: the reason decides when it is a known one


def test_unknown_reason_falls_back_to_code() -> None:
    body = json.dumps({"kind": "Status", "reason": "SomethingNew", "code": 404, "message": "m"})
    err = error_from_response(404, body.encode())
    assert errors.is_not_found(err)
    assert not errors.is_conflict(err)


def test_retry_after_from_details_or_header() -> None:
    body = json.dumps({"kind": "Status", "reason": "TooManyRequests", "code": 429, "details": {"retryAfterSeconds": 3}})
    assert errors.retry_after_seconds(error_from_response(429, body.encode())) == 3
    assert errors.retry_after_seconds(error_from_response(429, b"", retry_after=7)) == 7
    assert errors.retry_after_seconds(ValueError("x")) is None


def test_status_code_zero_in_body_takes_the_http_code() -> None:
    err = error_from_response(500, b'{"kind":"Status","reason":"InternalError","message":"boom"}')
    assert err.code == 500 and isinstance(err, InternalError)
    assert repr(err) == "InternalError(code=500, reason='InternalError', message='boom')"
