"""The HTTP side of discovery: one pooled httpx client built from a Config (TLS, credentials, user agent)."""

from __future__ import annotations

import platform
import sys
from typing import Any

import httpx

from kubeclient._version import __version__
from kubeclient.discovery.core import Fetch


def default_user_agent() -> str:
    machine = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return f"kubeclient/{__version__} ({platform.system().lower()}/{machine}) python/{python}"


def http_fetch(cfg: Any, transport: httpx.BaseTransport | None = None) -> Fetch:
    client = httpx.Client(
        base_url=cfg.host,
        verify=cfg.ssl_context(),
        auth=cfg.auth(),
        proxy=cfg.proxy_url,
        transport=transport,
        timeout=cfg.timeout or 30.0,
        headers={"User-Agent": cfg.user_agent or default_user_agent()},
    )
    extensions = {"sni_hostname": cfg.tls_server_name} if cfg.tls_server_name else None

    def fetch(path: str, accept: str) -> tuple[int, str, bytes]:
        response = client.get(path, headers={"Accept": accept}, extensions=extensions)
        return response.status_code, response.headers.get("content-type", ""), response.content

    return fetch
