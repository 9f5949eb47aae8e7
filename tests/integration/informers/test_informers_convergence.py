"""The informer converges to the server's state through every fault the fake server can inject (see
informers_convergence.py): a few seeds of 1500 random writes on threads, one on asyncio; and on the real control
plane, 1000 writes through the faults a real server allows (informers_convergence_real.py). bench/convergence.py runs
5000 writes per seed over more seeds and prints a table."""

from __future__ import annotations

import logging

import pytest
from informers_convergence import FAULTS, run_convergence
from informers_convergence_real import run_real_convergence

from kubeclient.testing import ControlPlane

# One of each fault per run keeps a seed to a few seconds; bench/convergence.py injects more.
CI_FAULTS = len(FAULTS)


@pytest.fixture(autouse=True)
def _quiet_reflector_warnings(caplog: pytest.LogCaptureFixture) -> None:
    # Injected faults make the reflector log a warning each; keep failure output to the verdict.
    caplog.set_level(logging.ERROR, logger="kubeclient")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_threads_informer_converges_under_faults(seed: int) -> None:
    result = run_convergence(seed, 1500, mode="threads", faults=CI_FAULTS)
    assert result.problems() == []
    assert sorted(result.faults) == sorted(FAULTS)
    # The run exercised what it claims: the faults forced re-lists, and the writer updated and deleted.
    assert result.relists >= 2 and result.deletes > 0 and result.updates > 0


@pytest.mark.timeout(60)
def test_asyncio_informer_converges_under_faults() -> None:
    result = run_convergence(7, 1000, mode="asyncio", faults=CI_FAULTS)
    assert result.problems() == []
    assert sorted(result.faults) == sorted(FAULTS)
    assert result.relists >= 2


@pytest.mark.timeout(180)
@pytest.mark.parametrize("mode", ["threads", "asyncio"])
def test_informer_converges_on_the_real_control_plane(
    mode: str, kube_control_plane: ControlPlane, kube_namespace: str
) -> None:
    result = run_real_convergence(kube_control_plane, kube_namespace, 11, 1000, mode=mode)
    assert result.problems() == []
    assert result.faults == ["compact", "restart"]
    # Watches ended by themselves (short timeoutSeconds) and across the restart: many watches, and the informer
    # re-listed at least once (its first sync).
    assert result.watch_requests >= 3 and result.relists >= 1
    assert result.deletes > 0 and result.updates > 0 and result.notifications > 0
