"""Backends of the server-behaviour tests: our fake API server, or the real control plane (kube-apiserver v1.36 + etcd).
The `backend` fixture (tests/integration/conftest.py) is parametrized over both."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kubeclient.config import Config
from kubeclient.testing import ControlPlane, FakeAPIServer

BACKENDS = ("fake", "real")


@dataclass
class Backend:
    """One server to run a test against, with a fresh namespace of the test's own."""

    name: str
    namespace: str
    fake: FakeAPIServer | None = None
    plane: ControlPlane | None = None
    cleanup: contextlib.ExitStack = field(default_factory=contextlib.ExitStack, repr=False)

    @property
    def is_real(self) -> bool:
        return self.plane is not None

    @property
    def url(self) -> str:
        server = self.plane or self.fake
        assert server is not None
        return server.url

    def config(self, *, qps: float | None = None) -> Config:
        server = self.plane or self.fake
        assert server is not None
        cfg = server.config(namespace=self.namespace)
        return cfg if qps is None else dataclasses.replace(cfg, qps=qps)

    def write_kubeconfig(self, path: str | os.PathLike[str]) -> Path:
        server = self.plane or self.fake
        assert server is not None
        server.write_kubeconfig(path)
        return Path(path)

    def new_namespace(self) -> str:
        """Another namespace of the test's own (emptied afterwards on the real control plane)."""
        if self.plane is not None:
            return self.cleanup.enter_context(self.plane.namespace())
        from kubeclient.dynamic import DynamicClient
        from kubeclient.schema import GVR

        name = f"test-{secrets.token_hex(4)}"
        with DynamicClient.for_config(self.config()) as dyn:
            dyn.resource(GVR("", "v1", "namespaces"), namespaced=False).create(
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
            )
        return name

    def lacks(self, what: str) -> None:
        """Skip on the real control plane, which has no `what` (a kubelet, a controller...)."""
        if self.is_real:
            pytest.skip(f"a bare control plane has no {what}")

    def fake_server(self, why: str) -> FakeAPIServer:
        """The fake server, for a step only it can do (fault injection, seeding); skips on the real one."""
        if self.fake is None:
            pytest.skip(f"needs the fake server: {why}")
        return self.fake
