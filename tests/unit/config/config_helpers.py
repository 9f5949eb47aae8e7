"""Helpers shared by the kubeclient.config tests (imported by name: this directory is on sys.path under pytest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trustme

WriteConfig = Callable[..., Path]


def kubeconfig_doc(
    *,
    cluster: str = "c",
    user: str = "u",
    context: str = "ctx",
    server: str = "https://k:6443",
    namespace: str | None = "team",
    user_body: dict[str, Any] | None = None,
    cluster_body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A one-cluster, one-user, one-context kubeconfig document."""
    ctx: dict[str, Any] = {"cluster": cluster, "user": user}
    if namespace:
        ctx["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": {"server": server, **(cluster_body or {})}}],
        "users": [{"name": user, "user": user_body if user_body is not None else {"token": "secret-token"}}],
        "contexts": [{"name": context, "context": ctx}],
        "current-context": context,
    }


@dataclass
class TLSServer:
    url: str
    ca: trustme.CA
    client_ca: trustme.CA
    port: int
