"""The two backends every server-behaviour test runs against: our fake API server and the real control plane
(kube-apiserver v1.36 + etcd). A test takes `backend`, which is parametrized over both; the real one skips, with the
reason, when no binaries are found (see tests/conftest.py), and a test that needs what a bare control plane lacks
(a kubelet, controllers) skips there through `backend.lacks(...)`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from backends import BACKENDS, Backend

from kubeclient.testing import ControlPlane, FakeAPIServer


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "fake":
        fake: FakeAPIServer = request.getfixturevalue("kube_fake")
        chosen = Backend("fake", "default", fake=fake)
    else:
        plane: ControlPlane = request.getfixturevalue("kube_control_plane")
        namespace: str = request.getfixturevalue("kube_namespace")
        chosen = Backend("real", namespace, plane=plane)
    with chosen.cleanup:
        yield chosen
