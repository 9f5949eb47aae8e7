"""Fixtures for the fake API server's integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fake_helpers import client_for

from kubeclient.testing import FakeAPIServer


@pytest.fixture
def api(kube_fake: FakeAPIServer) -> Iterator[httpx.Client]:
    """An authenticated HTTPS client of a fresh server (CA from `.config()`)."""
    with client_for(kube_fake) as client:
        yield client
