"""The fake API server against kube-apiserver v1.36: every probe of probes.py is replayed on both, in order, and their
reduced answers (harness.py) must be equal, but for the differences listed with their reasons in allowlist.yaml.
Both sides run live, so a probe whose real answer changes fails here too: the fake cannot drift unnoticed."""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from harness import Probe, Run, replay
from probes import probes

from kubeclient.testing import ControlPlane, FakeAPIServer

ALLOWLIST = Path(__file__).with_name("allowlist.yaml")
MAX_ALLOWED = 10


def allowlist() -> list[dict[str, str]]:
    entries = yaml.safe_load(ALLOWLIST.read_text()) or []
    assert len(entries) <= MAX_ALLOWED, f"{ALLOWLIST}: at most {MAX_ALLOWED} known differences, found {len(entries)}"
    for entry in entries:
        assert entry.get("probes") and entry.get("reason"), f"{ALLOWLIST}: each entry needs `probes` and `reason`"
    return entries


def allowed(name: str, entries: list[dict[str, str]]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for e in entries for pattern in str(e["probes"]).split())


def answers(server: FakeAPIServer | ControlPlane, namespace: str, unique: str) -> dict[str, dict[str, Any]]:
    run = Run(namespace, unique)
    return {probe.name: answer for probe, answer in replay(server.config(), probes(), run)}


@pytest.fixture(scope="module")
def unique() -> str:
    return os.urandom(3).hex()


@pytest.fixture(scope="module")
def real_answers(kube_control_plane: ControlPlane, unique: str) -> dict[str, dict[str, Any]]:
    with kube_control_plane.namespace("diff") as namespace:
        return answers(kube_control_plane, namespace, unique)


def fake_answers(namespace: str, unique: str) -> dict[str, dict[str, Any]]:
    with FakeAPIServer() as fake:
        body = json.dumps({"metadata": {"name": namespace}}).encode()
        replayed = list(
            replay(fake.config(), [Probe("setup", "POST", "/api/v1/namespaces", json.loads(body))], Run(namespace, ""))
        )
        assert replayed[0][1]["code"] == 201, replayed
        return answers(fake, namespace, unique)


def test_probe_count() -> None:
    assert len(probes()) >= 250


def test_allowlist_is_small_and_explained() -> None:
    entries = allowlist()
    names = [p.name for p in probes()]
    for entry in entries:
        for pattern in str(entry["probes"]).split():
            assert fnmatch.filter(names, pattern), f"{ALLOWLIST}: {pattern!r} matches no probe"


@pytest.mark.real
def test_fake_answers_as_kube_apiserver_does(real_answers: dict[str, dict[str, Any]], unique: str) -> None:
    namespace = "diff-" + os.urandom(4).hex()
    fake = fake_answers(namespace, unique)
    entries = allowlist()
    differences = []
    for name, real in real_answers.items():
        if fake[name] != real and not allowed(name, entries):
            differences.append(
                f"{name}:\n  fake: {json.dumps(fake[name], sort_keys=True)}\n  real: {json.dumps(real, sort_keys=True)}"
            )
    assert not differences, f"{len(differences)} of {len(real_answers)} probes differ:\n" + "\n".join(differences)
