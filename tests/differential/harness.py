"""Replays the declarative probes of probes.py against one server and reduces each answer to what must match between
the fake and kube-apiserver: status code, media type, Status reason and causes, kind/apiVersion, metadata keys,
Warning headers, and for successes the object without the fields that differ by nature (uid, times, versions)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from kubeclient.config import Config
from kubeclient.rest.transport import client_kwargs
from kubeclient.testing.protobuf import Codec, default_codec, fields

VOLATILE_META = ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generateName")
# Values a server chooses by itself: cluster IPs, random name suffixes, continue tokens.
VOLATILE_VALUES = {"clusterIP", "clusterIPs", "continue"}
# A Table's age column and the server's own address change from run to run.
AGE = re.compile(r"^(\d+(s|m|h|d|y))+$")
CLUSTER_IP = re.compile(r"^10\.0\.\d+\.\d+$")
SERVER = re.compile(r"127\.0\.0\.1:\d+")
PROTOBUF = "application/vnd.kubernetes.protobuf"
PLACEHOLDER = re.compile(r"\{(ns|u|rv:[a-z0-9-]+|continue:[a-z0-9-]+)\}")


@dataclass(frozen=True)
class Probe:
    """One request. `path`, `query` values and string bodies may hold {ns} (the run's namespace), {u} (the run's
    unique suffix, for cluster-scoped names), {rv:label} / {continue:label} (from the answer saved as `label`).
    `body` is JSON-encoded unless it is bytes. `watch` reads a watch stream (bounded by timeoutSeconds).
    `ready` polls that path after the probe until it answers 200 (a CRD's endpoints appearing)."""

    name: str
    method: str
    path: str
    body: Any = None
    content_type: str | None = None
    accept: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    save: str | None = None
    watch: bool = False
    ready: str | None = None
    compare_body: bool = True  # False: documents too big to compare whole (OpenAPI); their keys are compared


@dataclass
class Run:
    namespace: str
    unique: str
    saved: dict[str, dict[str, Any]] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            key = m.group(1)
            if key == "ns":
                return self.namespace
            if key == "u":
                return self.unique
            what, _, label = key.partition(":")
            meta = self.saved.get(label, {}).get("metadata") or {}
            return str(meta.get("resourceVersion" if what == "rv" else "continue") or "")

        return PLACEHOLDER.sub(one, text)

    def fill_any(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.fill(value)
        if isinstance(value, list):
            return [self.fill_any(v) for v in value]
        if isinstance(value, dict):
            return {self.fill(k): self.fill_any(v) for k, v in value.items()}
        return value


def _events(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


WATCH_EVENT_FIELDS = [(1, 2), (2, 2)]  # type, object: both length-delimited
RAW_EXTENSION_FIELDS = [(1, 2)]  # raw


def _protobuf_events(data: bytes) -> list[Any]:
    """A protobuf watch stream: 4-byte big-endian lengths, each frame a bare meta/v1 WatchEvent whose
    object.raw is the object's `k8s\\x00` envelope. The framing is checked; the objects are decoded to JSON."""
    out: list[Any] = []
    pos = 0
    while pos < len(data):
        if pos + 4 > len(data):
            return [*out, {"framing": f"{len(data) - pos} bytes after the last frame"}]
        size = int.from_bytes(data[pos : pos + 4], "big")
        frame = data[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if len(frame) != size:
            return [*out, {"framing": f"a frame of {size} bytes is cut at {len(frame)}"}]
        parts = fields(frame)
        wrapper = fields(parts[1][2]) if len(parts) > 1 else []
        if [p[:2] for p in parts] != WATCH_EVENT_FIELDS or [w[:2] for w in wrapper] != RAW_EXTENSION_FIELDS:
            return [*out, {"framing": f"not a WatchEvent: fields {[p[:2] for p in parts]}"}]
        out.append({"type": parts[0][2].decode(), "object": _codec().decode(wrapper[0][2])})
    return out


def replay(cfg: Config, probes: list[Probe], run: Run) -> Iterator[tuple[Probe, dict[str, Any]]]:
    """Each probe with its reduced answer, in order (later probes see what earlier ones made)."""
    kwargs = client_kwargs(cfg)
    kwargs["timeout"] = httpx.Timeout(20.0)  # watches are bounded by timeoutSeconds; nothing else waits
    with httpx.Client(**kwargs) as client:
        for probe in probes:
            if os.environ.get("KUBECLIENT_DIFF_TRACE"):
                print(probe.name, flush=True)
            yield probe, _one(client, probe, run)


def _one(client: httpx.Client, probe: Probe, run: Run) -> dict[str, Any]:
    headers: dict[str, str] = {}
    if isinstance(probe.body, bytes):
        content = probe.body
    elif probe.body is None:
        content = b""
    else:
        content = json.dumps(run.fill_any(probe.body)).encode()
    if probe.body is not None:
        headers["Content-Type"] = probe.content_type or "application/json"
    if probe.accept:
        headers["Accept"] = probe.accept
    query = {k: run.fill(v) for k, v in probe.query.items()}
    resp = client.request(probe.method, run.fill(probe.path), params=query, content=content, headers=headers)
    warnings = sorted(resp.headers.get_list("warning"))
    media = resp.headers.get("content-type", "").split(";")[0].strip()
    body: Any
    if probe.watch:
        # A watch names its stream's framing in the media type (`;stream=watch` for protobuf): compare all of it.
        media = resp.headers.get("content-type", "").replace(" ", "")
        stream = _protobuf_events(resp.content) if media.startswith(PROTOBUF) else _events(resp.text)
        body = [_reduce(e, run, compare_body=True) for e in stream]
    elif media.endswith("json") or media == "":
        try:
            raw = resp.json()
        except ValueError:
            raw = None
        if probe.save and isinstance(raw, dict):
            run.saved[probe.save] = raw
        body = _reduce(raw, run, probe.compare_body) if raw is not None else _text(resp.text, run)
    elif media == PROTOBUF and resp.content.startswith(b"k8s\x00"):
        # Both servers' protobuf is read with the fake's codec: the objects must match like JSON answers do.
        body = {"protobuf": _reduce(_codec().decode(resp.content), run, probe.compare_body)}
    else:
        body = {"media": media}
    if probe.ready:
        _wait_ready(client, run.fill(probe.ready))
    return {"code": resp.status_code, "media": media, "warnings": [_scrub(w, run) for w in warnings], "body": body}


def _codec() -> Codec:
    codec = default_codec()
    assert codec is not None, "the protobuf snapshot (openapi/kubernetes-1.36/protobuf.json) is missing"
    return codec


def _wait_ready(client: httpx.Client, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get(path).status_code == 200:
            return
        time.sleep(0.1)
    raise AssertionError(f"{path} did not answer 200 within {timeout} s")


def _text(text: str, run: Run) -> dict[str, Any]:
    return {"text": _scrub(text.strip()[:200], run)}


def _scrub(text: str, run: Run) -> str:
    return SERVER.sub("<server>", text.replace(run.namespace, "{ns}").replace(run.unique, "{u}"))


def _reduce(raw: Any, run: Run, compare_body: bool) -> Any:
    if not isinstance(raw, dict):
        return _clean(raw, run)
    if raw.get("kind") == "Status" and raw.get("status") == "Failure":
        details = raw.get("details") or {}
        causes = sorted((c.get("field", ""), c.get("reason", "")) for c in details.get("causes") or [])
        return {
            "kind": "Status",
            "reason": raw.get("reason", ""),
            "code": raw.get("code"),
            "details": {k: _scrub(str(v), run) for k, v in details.items() if k in ("name", "group", "kind")},
            "causes": [list(c) for c in causes],
        }
    if raw.get("type") and "object" in raw:  # a watch event
        return {"type": raw["type"], "object": _reduce(raw["object"], run, compare_body)}
    if not compare_body:
        return {"kind": raw.get("kind"), "apiVersion": raw.get("apiVersion"), "keys": sorted(raw)}
    return _clean(raw, run)


def _cell(value: Any, run: Run) -> Any:
    if isinstance(value, str) and AGE.match(value):
        return "<age>"
    if isinstance(value, str) and CLUSTER_IP.match(value):
        return "<cluster-ip>"
    return _clean(value, run)


ORDER = ("operation", "manager", "subresource", "apiVersion")


def _clean(value: Any, run: Run, key: str = "") -> Any:
    if isinstance(value, dict):
        out = {}
        generated = key == "metadata" and bool(value.get("generateName"))
        for k, v in value.items():
            if generated and k == "name":
                out[k] = "<generated>"
                continue
            if k in VOLATILE_META and key in ("metadata", ""):
                out[k] = "<set>" if k != "generateName" else v
                continue
            if k in VOLATILE_VALUES:
                out[k] = "<set>" if v else v
                continue
            if k == "description" and key == "columnDefinitions":
                continue  # prose from the documents; the committed snapshot strips descriptions
            if k == "cells" and isinstance(v, list):
                out[k] = [_cell(c, run) for c in v]
                continue
            if k == "managedFields" and isinstance(v, list):
                # Both servers order entries by (operation, time in whole seconds, manager, ...): whether two
                # writes fell in the same second is the clock's doing, so entries compare in that order minus time.
                entries = [{f: x for f, x in e.items() if f != "time"} for e in v if isinstance(e, dict)]
                entries.sort(key=lambda e: tuple(str(e.get(f, "")) for f in ORDER))
                out[k] = _clean(entries, run, k)
                continue
            if k in ("uid", "lastTransitionTime", "time"):
                out[k] = "<set>"
                continue
            out[k] = _clean(v, run, k)
        return out
    if isinstance(value, list):
        return [_clean(v, run, key) for v in value]
    if isinstance(value, str):
        return _scrub(value, run)
    return value
