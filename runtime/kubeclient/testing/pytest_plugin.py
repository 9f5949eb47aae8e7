"""pytest fixtures: `kube_fake` (a fresh FakeAPIServer per test) and `kube_fake_session` (one per session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kubeclient.testing.server import FakeAPIServer


@pytest.fixture
def kube_fake() -> Iterator[FakeAPIServer]:
    """A running fake API server of its own for one test; `.config()` gives a client configuration."""
    with FakeAPIServer() as server:
        yield server


@pytest.fixture(scope="session")
def kube_fake_session() -> Iterator[FakeAPIServer]:
    """One running fake API server shared by the whole session (tests must not rely on a clean state)."""
    with FakeAPIServer() as server:
        yield server
