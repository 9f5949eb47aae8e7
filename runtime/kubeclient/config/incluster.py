"""In-cluster configuration from the pod's service account (rest.InClusterConfig)."""

from __future__ import annotations

import os
from pathlib import Path

from kubeclient.config.errors import ConfigError
from kubeclient.config.model import Config

DEFAULT_SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def service_account_dir() -> Path:
    """KUBECLIENT_SERVICE_ACCOUNT_DIR points elsewhere (for tests); otherwise the kubelet's mount point."""
    return Path(os.environ.get("KUBECLIENT_SERVICE_ACCOUNT_DIR") or DEFAULT_SERVICE_ACCOUNT_DIR)


def incluster_possible() -> bool:
    return (
        bool(os.environ.get("KUBERNETES_SERVICE_HOST") and os.environ.get("KUBERNETES_SERVICE_PORT"))
        and (service_account_dir() / "token").exists()
    )


def load_incluster_config(*, namespace: str | None = None) -> Config:
    """A Config for the API server this pod runs under; the token file is re-read as it rotates."""
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    port = os.environ.get("KUBERNETES_SERVICE_PORT")
    if not host or not port:
        raise ConfigError(
            "unable to load in-cluster configuration, "
            "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"
        )
    sa = service_account_dir()
    token = sa / "token"
    if not token.exists():
        raise ConfigError("service account token file does not exist", source=str(token))
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    ca = sa / "ca.crt"
    if namespace is None:
        namespace = os.environ.get("POD_NAMESPACE")
    if not namespace:
        ns_file = sa / "namespace"
        namespace = ns_file.read_text().strip() if ns_file.exists() else ""
    return Config(
        host=f"https://{host}:{port}",
        namespace=namespace or "default",
        ca_file=str(ca) if ca.exists() else None,
        token_file=str(token),
        source="in-cluster",
    )
