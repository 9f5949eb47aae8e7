"""Waiting: apimachinery's `util/wait` (Backoff, ExponentialBackoff, Jitter, PollUntil) and kubectl `wait`.

    obj = wait.for_condition(client, "web", "Available", timeout=60)       # kubectl wait --for=condition=Available
    wait.for_delete(client, "web", timeout=60)                              # kubectl wait --for=delete
    pod = wait.for_jsonpath(client, "p", "{.status.phase}", "Running")      # kubectl wait --for=jsonpath=...=Running
    value = wait.poll_until(lambda: informer.has_synced(), interval=0.1, timeout=5)

`client` is any resource client with `get(name)` (typed, dynamic or metadata); objects may be typed or dicts. Each
function has an `async_` twin taking an asyncio client. A wait that runs out raises `WaitTimeoutError`, whose message
names what was awaited and what was last seen ("condition Ready of pods/p is False (reason: ...)"); errors raised by
the server (other than NotFound while waiting for an object to appear or to go) propagate unchanged.

Semantics kept from kubectl wait: condition type and status compare case-insensitively; a condition that carries an
`observedGeneration` older than `metadata.generation` is stale and does not count; waiting for deletion passes when
the object is gone or has been replaced by one with another UID; a jsonpath without a value waits until the path
matches anything. Unlike kubectl (which refuses a missing object up front), a missing object is waited for.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from kubeclient.errors import is_not_found

__all__ = [
    "Backoff",
    "WaitTimeoutError",
    "async_exponential_backoff",
    "async_for_condition",
    "async_for_delete",
    "async_for_jsonpath",
    "async_poll_until",
    "exponential_backoff",
    "for_condition",
    "for_delete",
    "for_jsonpath",
    "jitter",
    "jsonpath",
    "poll_until",
]

T = TypeVar("T")
DEFAULT_INTERVAL = 0.25


class WaitTimeoutError(TimeoutError):
    """The awaited state was not reached in time; `last_seen` describes the last observation (None if none)."""

    def __init__(self, what: str, timeout: float | None, last_seen: str | None) -> None:
        self.what = what
        self.timeout = timeout
        self.last_seen = last_seen
        after = "" if timeout is None else f" after {timeout:g} s"
        seen = f"; last seen: {last_seen}" if last_seen is not None else ""
        super().__init__(f"timed out{after} waiting for {what}{seen}")


def jitter(duration: float, max_factor: float, rng: random.Random | None = None) -> float:
    """apimachinery wait.Jitter: `duration` plus a random part of up to `max_factor`·duration (1.0 if ≤ 0)."""
    if max_factor <= 0.0:
        max_factor = 1.0
    return duration + (rng or random).random() * max_factor * duration


@dataclass(frozen=True)
class Backoff:
    """apimachinery wait.Backoff: the waits of a retry loop. `duration` seconds first, multiplied by `factor`
    after each step, plus up to `jitter`·duration at random; `steps` bounds the number of tries, and once the
    duration would pass `cap` (when set) it stays at `cap` and no further steps are granted."""

    duration: float = 0.0
    factor: float = 0.0
    jitter: float = 0.0
    steps: int = 1
    cap: float | None = None

    def waits(self, rng: random.Random | None = None) -> Iterator[float]:
        """The successive `Step()` values; infinite, the caller stops after `steps` tries."""
        state = _BackoffState(self, rng)
        while True:
            yield state.step()


class _BackoffState:
    """The mutable Backoff of apimachinery: `step()` consumes a step and returns the wait."""

    def __init__(self, backoff: Backoff, rng: random.Random | None = None) -> None:
        self.duration = backoff.duration
        self.steps = backoff.steps
        self.factor = backoff.factor
        self.jitter = backoff.jitter
        self.cap = backoff.cap
        self.rng = rng

    def step(self) -> float:
        if self.steps < 1:
            return jitter(self.duration, self.jitter, self.rng) if self.jitter > 0 else self.duration
        self.steps -= 1
        duration = self.duration
        if self.factor != 0:
            self.duration *= self.factor
            if self.cap is not None and self.cap > 0 and self.duration > self.cap:
                self.duration, self.steps = self.cap, 0
        return jitter(duration, self.jitter, self.rng) if self.jitter > 0 else duration


def exponential_backoff(backoff: Backoff, condition: Callable[[], T], *, what: str = "the condition") -> T:
    """apimachinery wait.ExponentialBackoff: call `condition` while the backoff has steps, waiting a step between
    calls, until it returns a true value, which is returned (a cap reached ends the steps, as in Go). Errors
    propagate; running out of steps raises WaitTimeoutError."""
    state = _BackoffState(backoff)
    last: T | None = None
    while state.steps > 0:
        last = condition()
        if last:
            return last
        if state.steps == 1:
            break
        time.sleep(state.step())
    raise WaitTimeoutError(what, None, repr(last))


async def async_exponential_backoff(
    backoff: Backoff, condition: Callable[[], Awaitable[T]], *, what: str = "the condition"
) -> T:
    state = _BackoffState(backoff)
    last: T | None = None
    while state.steps > 0:
        last = await condition()
        if last:
            return last
        if state.steps == 1:
            break
        await asyncio.sleep(state.step())
    raise WaitTimeoutError(what, None, repr(last))


def poll_until(
    condition: Callable[[], T],
    *,
    interval: float = DEFAULT_INTERVAL,
    timeout: float | None = 30.0,
    immediate: bool = True,
    what: str = "the condition",
) -> T:
    """apimachinery wait.PollUntilContextTimeout: call `condition` every `interval` seconds (first at once unless
    `immediate` is false) until it returns a true value, which is returned; `timeout` None waits forever.
    On timeout, WaitTimeoutError carries the repr of the last value returned."""
    deadline = None if timeout is None else time.monotonic() + timeout
    seen: str | None = None
    if not immediate:
        time.sleep(interval)
    while True:
        value = condition()
        if value:
            return value
        seen = repr(value)
        if deadline is not None and time.monotonic() + interval > deadline:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
                value = condition()
                if value:
                    return value
                seen = repr(value)
            raise WaitTimeoutError(what, timeout, seen)
        time.sleep(interval)


async def async_poll_until(
    condition: Callable[[], Awaitable[T]],
    *,
    interval: float = DEFAULT_INTERVAL,
    timeout: float | None = 30.0,
    immediate: bool = True,
    what: str = "the condition",
) -> T:
    deadline = None if timeout is None else time.monotonic() + timeout
    seen: str | None = None
    if not immediate:
        await asyncio.sleep(interval)
    while True:
        value = await condition()
        if value:
            return value
        seen = repr(value)
        if deadline is not None and time.monotonic() + interval > deadline:
            remaining = deadline - time.monotonic()
            if remaining > 0:
                await asyncio.sleep(remaining)
                value = await condition()
                if value:
                    return value
                seen = repr(value)
            raise WaitTimeoutError(what, timeout, seen)
        await asyncio.sleep(interval)


# --- what the object-level waits check (pure) ---


def as_dict(obj: Any) -> Mapping[str, Any]:
    """Wire-form view of a typed object or dict."""
    if isinstance(obj, Mapping):
        return obj
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        result: Mapping[str, Any] = to_dict()
        return result
    raise TypeError(f"cannot read {type(obj).__name__} as a Kubernetes object")


def _label(client: Any, name: str) -> str:
    info = getattr(client, "info", None)
    plural = getattr(info, "plural", None) or "object"
    return f"{plural}/{name}"


def _scalar_text(value: Any) -> str:
    # kubectl prints JSON scalars as Go does: true/false, numbers without a trailing .0 for integers.
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, separators=(",", ":"))


@dataclass
class _Outcome:
    done: bool
    seen: str


def condition_outcome(obj: Any, condition: str, status: str) -> _Outcome:
    data = as_dict(obj)
    generation = (data.get("metadata") or {}).get("generation")
    conditions = (data.get("status") or {}).get("conditions") or []
    for c in conditions:
        if str(c.get("type", "")).lower() != condition.lower():
            continue
        observed = c.get("observedGeneration")
        if observed is not None and generation is not None and observed < generation:
            return _Outcome(False, f"condition {c.get('type')} is stale (observedGeneration {observed} < {generation})")
        actual = str(c.get("status", ""))
        why = ", ".join(f"{k}: {c[k]}" for k in ("reason", "message") if c.get(k))
        seen = f"condition {c.get('type')} is {actual}" + (f" ({why})" if why else "")
        return _Outcome(actual.lower() == status.lower(), seen)
    present = sorted(str(c.get("type", "")) for c in conditions)
    return _Outcome(False, f"no condition {condition} (conditions: {', '.join(present) or 'none'})")


_SEGMENT = re.compile(
    r"""\.\.|\.(?P<field>[A-Za-z0-9_\-$]+)|\[(?P<index>-?\d+)\]|\[\*\]|\.\*"""
    r"""|\['(?P<quoted>[^']*)'\]|\[\?\(@\.(?P<fkey>[A-Za-z0-9_.\-]+)\s*(?P<op>==|!=)\s*(?P<fval>"[^"]*"|'[^']*'|[^)\s]+)\s*\)\]"""
)


def jsonpath(data: Any, expr: str) -> list[Any]:
    """The values a kubectl JSONPath expression (the subset `kubectl wait` uses) selects: `{.a.b}`, `.a['b.c']`,
    `[0]`, `[-1]`, `[*]`, `.*` and filters `[?(@.type=="Ready")]` (== and !=). Missing paths select nothing."""
    text = expr.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    if text and not text.startswith((".", "[")):
        text = "." + text
    pos, nodes = 0, [data]
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if m is None or m.group(0) == "..":
            raise ValueError(f"unsupported JSONPath {expr!r} at offset {pos}: {text[pos:]!r}")
        pos = m.end()
        nodes = [out for node in nodes for out in _step(node, m)]
    return nodes


def _step(node: Any, m: re.Match[str]) -> list[Any]:
    key = m.group("field") or m.group("quoted")
    if key is not None:
        return [node[key]] if isinstance(node, Mapping) and key in node else []
    if m.group("index") is not None:
        i = int(m.group("index"))
        return [node[i]] if isinstance(node, list) and -len(node) <= i < len(node) else []
    if m.group("fkey") is not None:
        raw = m.group("fval")
        want = raw[1:-1] if raw[:1] in "\"'" else raw
        items = node if isinstance(node, list) else []
        out = []
        for item in items:
            found = jsonpath(item, "." + m.group("fkey"))
            hit = bool(found) and _scalar_text(found[0]) == want
            if hit == (m.group("op") == "=="):
                out.append(item)
        return out
    # [*] or .*: every element or value
    if isinstance(node, list):
        return list(node)
    if isinstance(node, Mapping):
        return list(node.values())
    return []


def jsonpath_outcome(obj: Any, expr: str, value: str | None) -> _Outcome:
    found = jsonpath(as_dict(obj), expr)
    if not found:
        return _Outcome(False, f"{expr} matches nothing")
    texts = [_scalar_text(v) for v in found]
    shown = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    if value is None:
        return _Outcome(True, f"{expr} = {shown}")
    return _Outcome(all(t == value for t in texts), f"{expr} = {shown}")


def _uid(obj: Any) -> str:
    return str((as_dict(obj).get("metadata") or {}).get("uid") or "")


# --- the object-level waits: a get per interval, the check above ---


def _wait_object(
    client: Any,
    name: str,
    check: Callable[[Any], _Outcome],
    *,
    what: str,
    timeout: float | None,
    interval: float,
) -> Any:
    seen: list[str] = []

    def probe() -> tuple[Any] | None:
        try:
            obj = client.get(name)
        except Exception as err:
            if not is_not_found(err):
                raise
            seen[:] = ["not found"]
            return None
        outcome = check(obj)
        seen[:] = [outcome.seen]
        return (obj,) if outcome.done else None

    try:
        found = poll_until(probe, interval=interval, timeout=timeout, what=what)
    except WaitTimeoutError:
        raise WaitTimeoutError(what, timeout, seen[0] if seen else None) from None
    assert found is not None  # poll_until returns only a true value
    return found[0]


async def _async_wait_object(
    client: Any,
    name: str,
    check: Callable[[Any], _Outcome],
    *,
    what: str,
    timeout: float | None,
    interval: float,
) -> Any:
    seen: list[str] = []

    async def probe() -> tuple[Any] | None:
        try:
            obj = await client.get(name)
        except Exception as err:
            if not is_not_found(err):
                raise
            seen[:] = ["not found"]
            return None
        outcome = check(obj)
        seen[:] = [outcome.seen]
        return (obj,) if outcome.done else None

    try:
        found = await async_poll_until(probe, interval=interval, timeout=timeout, what=what)
    except WaitTimeoutError:
        raise WaitTimeoutError(what, timeout, seen[0] if seen else None) from None
    assert found is not None
    return found[0]


def for_condition(
    client: Any,
    name: str,
    condition: str,
    status: str = "True",
    *,
    timeout: float | None = 30.0,
    interval: float = DEFAULT_INTERVAL,
) -> Any:
    """Wait until `name` has `status.conditions[type=condition].status == status`; returns the object."""
    what = f"condition {condition}={status} on {_label(client, name)}"
    return _wait_object(
        client, name, lambda o: condition_outcome(o, condition, status), what=what, timeout=timeout, interval=interval
    )


async def async_for_condition(
    client: Any,
    name: str,
    condition: str,
    status: str = "True",
    *,
    timeout: float | None = 30.0,
    interval: float = DEFAULT_INTERVAL,
) -> Any:
    what = f"condition {condition}={status} on {_label(client, name)}"
    check = lambda o: condition_outcome(o, condition, status)  # noqa: E731
    return await _async_wait_object(client, name, check, what=what, timeout=timeout, interval=interval)


def for_jsonpath(
    client: Any,
    name: str,
    expr: str,
    value: str | None = None,
    *,
    timeout: float | None = 30.0,
    interval: float = DEFAULT_INTERVAL,
) -> Any:
    """Wait until every value `expr` selects in `name` prints as `value` (or, with no value, until it selects
    anything); returns the object."""
    what = f"{expr}{'' if value is None else '=' + value} on {_label(client, name)}"
    return _wait_object(
        client, name, lambda o: jsonpath_outcome(o, expr, value), what=what, timeout=timeout, interval=interval
    )


async def async_for_jsonpath(
    client: Any,
    name: str,
    expr: str,
    value: str | None = None,
    *,
    timeout: float | None = 30.0,
    interval: float = DEFAULT_INTERVAL,
) -> Any:
    what = f"{expr}{'' if value is None else '=' + value} on {_label(client, name)}"
    check = lambda o: jsonpath_outcome(o, expr, value)  # noqa: E731
    return await _async_wait_object(client, name, check, what=what, timeout=timeout, interval=interval)


def _delete_probe_state(uid: str | None) -> tuple[list[str | None], Callable[[Any], bool]]:
    first: list[str | None] = [uid]

    def replaced(obj: Any) -> bool:
        current = _uid(obj)
        if first[0] is None:
            first[0] = current
            return False
        return bool(first[0]) and current != first[0]

    return first, replaced


def for_delete(
    client: Any,
    name: str,
    *,
    uid: str | None = None,
    timeout: float | None = 30.0,
    interval: float = DEFAULT_INTERVAL,
) -> None:
    """Wait until `name` is gone, or replaced by an object with another UID (`uid`, else the first one seen)."""
    what = f"deletion of {_label(client, name)}"
    _, replaced = _delete_probe_state(uid)
    seen: list[str] = []

    def probe() -> bool:
        try:
            obj = client.get(name)
        except Exception as err:
            if is_not_found(err):
                return True
            raise
        seen[:] = [_presence(obj)]
        return replaced(obj)

    try:
        poll_until(probe, interval=interval, timeout=timeout, what=what)
    except WaitTimeoutError:
        raise WaitTimeoutError(what, timeout, seen[0] if seen else None) from None


async def async_for_delete(
    client: Any,
    name: str,
    *,
    uid: str | None = None,
    timeout: float | None = 30.0,
    interval: float = DEFAULT_INTERVAL,
) -> None:
    what = f"deletion of {_label(client, name)}"
    _, replaced = _delete_probe_state(uid)
    seen: list[str] = []

    async def probe() -> bool:
        try:
            obj = await client.get(name)
        except Exception as err:
            if is_not_found(err):
                return True
            raise
        seen[:] = [_presence(obj)]
        return replaced(obj)

    try:
        await async_poll_until(probe, interval=interval, timeout=timeout, what=what)
    except WaitTimeoutError:
        raise WaitTimeoutError(what, timeout, seen[0] if seen else None) from None


def _presence(obj: Any) -> str:
    meta = as_dict(obj).get("metadata") or {}
    parts = [f"still present (uid {meta.get('uid', '?')}"]
    if meta.get("deletionTimestamp"):
        parts.append(f", deleting since {meta['deletionTimestamp']}")
    if meta.get("finalizers"):
        parts.append(f", finalizers {', '.join(meta['finalizers'])}")
    return "".join(parts) + ")"
