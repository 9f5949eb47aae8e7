"""End-to-end tier: the scenarios against a real cluster — the one KUBECLIENT_E2E_KUBECONFIG names, else the
session's real control plane (kube-apiserver + etcd, see kubeclient.testing.ControlPlane); skipped when neither is
there.

Each test works in its own namespace (created and deleted here) so a shared cluster is left as it was found.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubeclient.config import Config, load_config
from kubeclient.testing import ControlPlane

E2E_ENV = "KUBECLIENT_E2E_KUBECONFIG"


@pytest.fixture(scope="session")
def e2e_kubeconfig(request: pytest.FixtureRequest) -> Path:
    value = os.environ.get(E2E_ENV)
    if not value:
        # No cluster named: the real control plane of the session (it skips, saying why, without binaries).
        plane: ControlPlane = request.getfixturevalue("kube_control_plane")
        return plane.kubeconfig_path
    path = Path(value)
    if not path.is_file():
        pytest.fail(f"{E2E_ENV}={value} is not a file")
    return path


@pytest.fixture(scope="session")
def e2e_config(e2e_kubeconfig: Path) -> Config:
    return load_config(str(e2e_kubeconfig))


@pytest.fixture
def e2e_namespace(e2e_config: Config, request: pytest.FixtureRequest) -> Iterator[str]:
    from kubeclient import GVR
    from kubeclient.dynamic import DynamicClient

    plane: ControlPlane | None = None
    if os.environ.get(E2E_ENV) is None:
        plane = request.getfixturevalue("kube_control_plane")
    name = f"kubeclient-e2e-{uuid.uuid4().hex[:8]}"
    with DynamicClient.for_config(e2e_config) as dyn:
        namespaces = dyn.resource(GVR("", "v1", "namespaces"), namespaced=False)
        namespaces.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        try:
            yield name
        finally:
            if plane is not None:
                # A bare control plane has no namespace controller: empty the namespace ourselves.
                plane.drop_namespace(name)
            else:
                namespaces.delete(name)
