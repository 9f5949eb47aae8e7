"""End-to-end tier: the scenarios against a real cluster, only when KUBECLIENT_E2E_KUBECONFIG names a kubeconfig.

Each test works in its own namespace (created and deleted here) so a shared cluster is left as it was found.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubeclient.config import Config, load_config

E2E_ENV = "KUBECLIENT_E2E_KUBECONFIG"


@pytest.fixture(scope="session")
def e2e_kubeconfig() -> Path:
    value = os.environ.get(E2E_ENV)
    if not value:
        pytest.skip(f"end-to-end tests need a real cluster: set {E2E_ENV} to a kubeconfig path")
    path = Path(value)
    if not path.is_file():
        pytest.fail(f"{E2E_ENV}={value} is not a file")
    return path


@pytest.fixture(scope="session")
def e2e_config(e2e_kubeconfig: Path) -> Config:
    return load_config(str(e2e_kubeconfig))


@pytest.fixture
def e2e_namespace(e2e_config: Config) -> Iterator[str]:
    from kubeclient import GVR
    from kubeclient.dynamic import DynamicClient

    name = f"kubeclient-e2e-{uuid.uuid4().hex[:8]}"
    with DynamicClient.for_config(e2e_config) as dyn:
        namespaces = dyn.resource(GVR("", "v1", "namespaces"), namespaced=False)
        namespaces.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        try:
            yield name
        finally:
            namespaces.delete(name)
