"""pytest fixtures: the fake API server (`kube_fake`, one per test; `kube_fake_session`, one per session) and the real
control plane (`kube_control_plane`, one per session; `kube_namespace`, a fresh namespace on it per test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

# The plugin loads in every pytest run of an environment with kubeclient installed: the servers (and the `testing`
# extra they need, named in the error when missing) are imported only when a fixture is used.
if TYPE_CHECKING:
    from kubeclient.testing.envtest import ControlPlane
    from kubeclient.testing.server import FakeAPIServer


@pytest.fixture
def kube_fake() -> Iterator[FakeAPIServer]:
    """A running fake API server of its own for one test; `.config()` gives a client configuration."""
    from kubeclient.testing.server import FakeAPIServer

    with FakeAPIServer() as server:
        yield server


@pytest.fixture(scope="session")
def kube_fake_session() -> Iterator[FakeAPIServer]:
    """One running fake API server shared by the whole session (tests must not rely on a clean state)."""
    from kubeclient.testing.server import FakeAPIServer

    with FakeAPIServer() as server:
        yield server


@pytest.fixture(scope="session")
def kube_control_plane() -> Iterator[ControlPlane]:
    """A real etcd + kube-apiserver for the session, from $KUBEBUILDER_ASSETS; skips the test when the binaries are
    not there; the kubelet stub runs when its binary is there too. `.config()` is the admin's; objects persist
    across tests, so work in `kube_namespace`."""
    from kubeclient.testing.envtest import ControlPlane, ControlPlaneError, find_assets

    try:
        assets = find_assets()
    except ControlPlaneError as err:
        pytest.skip(f"no real control plane: {err}")
    # With the kubelet stub beside the binaries, pods made by `create_running_pod` serve exec, attach, logs and
    # port-forward; without it those tests skip with that reason.
    with ControlPlane(assets.directory, kubelet_stub=assets.kubelet_stub is not None) as plane:
        yield plane


@pytest.fixture
def kube_namespace(kube_control_plane: ControlPlane) -> Iterator[str]:
    """A fresh namespace on the session's control plane; what the test made in it is deleted afterwards."""
    with kube_control_plane.namespace() as name:
        yield name
