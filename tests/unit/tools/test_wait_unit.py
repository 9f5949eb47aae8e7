"""The pure parts of kubeclient.wait: backoff steps, JSONPath, condition checks."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubeclient import wait


def test_backoff_steps_like_apimachinery() -> None:
    waits = wait.Backoff(duration=1.0, factor=2.0, steps=4, cap=5.0).waits()
    assert [next(waits) for _ in range(6)] == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    flat = wait.Backoff(duration=0.5, steps=3).waits()
    assert [next(flat) for _ in range(3)] == [0.5, 0.5, 0.5]


@given(st.floats(0.001, 10), st.floats(0.0, 2.0), st.integers(0, 2**32))
def test_jitter_stays_within_its_factor(duration: float, factor: float, seed: int) -> None:
    value = wait.jitter(duration, factor, random.Random(seed))
    top = duration * (1 + (factor if factor > 0 else 1.0))
    assert duration <= value <= top


def test_exponential_backoff_tries_steps_times() -> None:
    calls: list[int] = []

    def never() -> bool:
        calls.append(1)
        return False

    with pytest.raises(wait.WaitTimeoutError, match="last seen: False"):
        wait.exponential_backoff(wait.Backoff(duration=0.001, factor=2, steps=3), never)
    assert len(calls) == 3
    assert wait.exponential_backoff(wait.Backoff(steps=2), lambda: "yes") == "yes"
    # Reaching the cap ends the steps (apimachinery's Step() sets Steps to 0 there): one try, one wait, no more.
    calls.clear()
    with pytest.raises(wait.WaitTimeoutError):
        wait.exponential_backoff(wait.Backoff(duration=0.001, factor=10, steps=10, cap=0.005), never)
    assert len(calls) == 1


POD: dict[str, Any] = {
    "metadata": {"name": "p", "generation": 3, "labels": {"app.kubernetes.io/name": "web"}},
    "status": {
        "phase": "Running",
        "conditions": [
            {"type": "Ready", "status": "True", "observedGeneration": 3},
            {"type": "Synced", "status": "False", "observedGeneration": 2, "reason": "Old"},
        ],
        "containerStatuses": [{"name": "a", "ready": True, "restartCount": 0}, {"name": "b", "ready": False}],
    },
}


@pytest.mark.parametrize(
    ("expr", "found"),
    [
        ("{.status.phase}", ["Running"]),
        (".status.phase", ["Running"]),
        ("status.phase", ["Running"]),
        ("{.metadata.labels['app.kubernetes.io/name']}", ["web"]),
        ("{.status.containerStatuses[1].name}", ["b"]),
        ("{.status.containerStatuses[-1].name}", ["b"]),
        ("{.status.containerStatuses[*].ready}", [True, False]),
        ('{.status.conditions[?(@.type=="Ready")].status}', ["True"]),
        ("{.status.conditions[?(@.type!='Ready')].reason}", ["Old"]),
        ("{.status.containerStatuses[?(@.ready==true)].name}", ["a"]),
        ("{.status.missing}", []),
        ("{.status.containerStatuses[5]}", []),
    ],
)
def test_jsonpath_subset(expr: str, found: list[Any]) -> None:
    assert wait.jsonpath(POD, expr) == found


def test_jsonpath_refuses_what_it_does_not_support() -> None:
    with pytest.raises(ValueError, match=r"unsupported JSONPath '\{\.\.name\}'"):
        wait.jsonpath(POD, "{..name}")


def test_condition_outcomes() -> None:
    assert wait.condition_outcome(POD, "ready", "true").done
    stale = wait.condition_outcome(POD, "Synced", "False")
    assert not stale.done and stale.seen == "condition Synced is stale (observedGeneration 2 < 3)"
    missing = wait.condition_outcome(POD, "Scheduled", "True")
    assert missing.seen == "no condition Scheduled (conditions: Ready, Synced)"


def test_jsonpath_outcome_prints_like_kubectl() -> None:
    assert wait.jsonpath_outcome(POD, "{.status.containerStatuses[0].ready}", "true").done
    assert wait.jsonpath_outcome(POD, "{.status.containerStatuses[0].restartCount}", "0").done
    out = wait.jsonpath_outcome(POD, "{.status.containerStatuses[*].ready}", "true")
    assert (out.done, out.seen) == (False, "{.status.containerStatuses[*].ready} = [true, false]")
