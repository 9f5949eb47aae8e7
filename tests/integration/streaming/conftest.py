"""A running pod on either backend: the kubelet stub's through the real kube-apiserver, or the fake server's
streaming pods (kubeclient.testing.streaming)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from backends import Backend
from streaming_helpers import Pod


@pytest.fixture
def pod(backend: Backend) -> Iterator[Pod]:
    name = f"stream-{os.urandom(3).hex()}"
    if backend.plane is not None:
        backend.plane.create_running_pod(backend.namespace, name, containers=("main",))
    else:
        assert backend.fake is not None
        backend.fake.create_running_pod(backend.namespace, name, containers=("main",))
    yield Pod(backend.namespace, name)
