"""Fixtures of the typed-client integration tests: the scenario runner (sync and asyncio) and CRD packages
generated once per session by `kubegen generate --from-crds`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from backends import Backend
from typed_helpers import CERT_MANAGER_CRD, WIDGETS_CRD, CRDPackages, Scenario, run_scenario

KUBEGEN = Path(sys.executable).parent / "kubegen"
# Names no other test package uses, so a session importing several generated packages never mixes them up.
WIDGETS_PACKAGE = "typed_widgets"
CERT_MANAGER_PACKAGE = "typed_certmanager"


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest, backend: Backend) -> Callable[[Scenario], None]:
    """Runs a scenario against the backend (the fake server or the real control plane) with `Clientset` (sync) or
    `AsyncClientset` (async)."""
    is_async = request.param == "async"
    return lambda scenario: run_scenario(backend, is_async, scenario)


@pytest.fixture(scope="session")
def crd_packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CRDPackages]:
    out = tmp_path_factory.mktemp("typed-crds")
    jobs = {WIDGETS_PACKAGE: WIDGETS_CRD}
    if CERT_MANAGER_CRD.is_file():
        jobs[CERT_MANAGER_PACKAGE] = CERT_MANAGER_CRD
    env = dict(os.environ, COLUMNS="200")
    # Both generations at once: each is a separate kubegen process of a second or two.
    procs = {
        package: subprocess.Popen(
            [str(KUBEGEN), "generate", "--from-crds", str(crd), "--package", package, "--out", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for package, crd in jobs.items()
    }
    failures = []
    for package, proc in procs.items():
        output, _ = proc.communicate(timeout=300)
        if proc.returncode != 0:
            failures.append(f"kubegen generate --package {package} failed ({proc.returncode}):\n{output}")
    if failures:
        pytest.fail("\n".join(failures))
    sys.path.insert(0, str(out))
    try:
        yield CRDPackages(out, WIDGETS_PACKAGE, CERT_MANAGER_PACKAGE if CERT_MANAGER_PACKAGE in jobs else None)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] in jobs]:
            del sys.modules[name]


@pytest.fixture
def cert_manager_package(crd_packages: CRDPackages) -> str:
    if crd_packages.cert_manager is None:
        pytest.skip(
            f"cert-manager CRD fixture not available: {CERT_MANAGER_CRD} is absent (a fresh clone has no ../shared)"
        )
    return crd_packages.cert_manager
