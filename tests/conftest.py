"""Shared test settings: where the real fixtures live, and a hypothesis profile bounded for CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
SNAPSHOT = REPO_ROOT / "openapi" / "kubernetes-1.36"

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
