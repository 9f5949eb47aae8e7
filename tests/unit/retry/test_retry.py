"""kubeclient.retry: client-go's RetryOnConflict / OnError."""

from __future__ import annotations

import asyncio
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.errors import AlreadyExistsError, ConflictError, error_from_status
from kubeclient.retry import DEFAULT_BACKOFF, DEFAULT_RETRY, RetryBackoff, async_retry_on_conflict, retry_on_conflict

FAST = RetryBackoff(steps=3, duration=0.0, jitter=0.0)


def status(code: int, reason: str) -> dict[str, object]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
        "message": reason,
    }


def test_conflicts_are_retried_until_the_write_goes_through() -> None:
    calls = []

    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise error_from_status(status(409, "Conflict"))
        return "written"

    assert retry_on_conflict(write, FAST) == "written"
    assert len(calls) == 3


def test_the_last_conflict_propagates_after_the_steps() -> None:
    calls = []

    def write() -> None:
        calls.append(1)
        raise error_from_status(status(409, "Conflict"))

    with pytest.raises(ConflictError):
        retry_on_conflict(write, FAST)
    assert len(calls) == FAST.steps


@pytest.mark.parametrize("error", [error_from_status(status(404, "NotFound")), ValueError("bug")])
def test_other_errors_are_not_retried(error: Exception) -> None:
    calls = []

    def write() -> None:
        calls.append(1)
        raise error

    with pytest.raises(type(error)):
        retry_on_conflict(write, FAST)
    assert len(calls) == 1


def test_already_exists_is_not_a_conflict() -> None:
    err = error_from_status(status(409, "AlreadyExists"))
    assert isinstance(err, AlreadyExistsError)
    calls = []

    def create() -> None:
        calls.append(1)
        raise err

    with pytest.raises(AlreadyExistsError):
        retry_on_conflict(create, FAST)
    assert len(calls) == 1


def test_async_variant() -> None:
    calls = []

    async def write() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise error_from_status(status(409, "Conflict"))
        return len(calls)

    assert asyncio.run(async_retry_on_conflict(write, FAST)) == 2


def test_client_go_defaults() -> None:
    assert (DEFAULT_RETRY.steps, DEFAULT_RETRY.duration, DEFAULT_RETRY.factor) == (5, 0.010, 1.0)
    assert (DEFAULT_BACKOFF.steps, DEFAULT_BACKOFF.duration, DEFAULT_BACKOFF.factor) == (4, 0.010, 5.0)


@given(
    steps=st.integers(0, 8),
    duration=st.floats(0, 2),
    factor=st.floats(1, 5),
    jitter=st.floats(0, 1),
    cap=st.none() | st.floats(0, 3),
    seed=st.integers(0, 2**32),
)
def test_delays_grow_by_factor_within_jitter_and_cap(  # noqa: PLR0917 - one argument per drawn input
    steps: int, duration: float, factor: float, jitter: float, cap: float | None, seed: int
) -> None:
    backoff = RetryBackoff(steps=steps, duration=duration, factor=factor, jitter=jitter, cap=cap)
    delays = backoff.delays(random.Random(seed))
    assert len(delays) == max(steps - 1, 0)
    base = duration
    for delay in delays:
        assert base <= delay <= base * (1 + jitter) + 1e-12
        base = min(base * factor, cap) if cap is not None else base * factor
