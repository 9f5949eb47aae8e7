"""The httpx clients behind RESTClient and AsyncRESTClient, built from a Config: TLS, credentials, proxy, SNI,
user agent and connection pooling — the one place a Config becomes a transport."""

from __future__ import annotations

import platform
import sys
import threading
import urllib.request
from collections.abc import Callable
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx

from kubeclient._version import __version__
from kubeclient.rest import aiostream, pool

__all__ = [
    "DEFAULT_TIMEOUT",
    "LIMITS",
    "WATCH_HTTP2",
    "WATCH_LIMITS",
    "WatchPool",
    "client_kwargs",
    "default_user_agent",
    "request_extensions",
    "request_timeout",
]

# client-go has no overall request timeout by default; a generous connect timeout still catches dead endpoints.
DEFAULT_TIMEOUT = httpx.Timeout(None, connect=30.0)
# Short requests share a bounded pool; watches hold their connection for minutes and get a pool of their own,
# unbounded (one connection per open watch, as client-go over HTTP/1.1), so that no get or list ever waits for a
# watch to end, however many informers are running.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
WATCH_LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=10)
# Watches stay on HTTP/1.1 when the client asks for HTTP/2 (docs/performance.md, "Many watches"). An httpcore
# HTTP/2 connection is read under one lock by whichever stream waits: the reader of an idle watch blocks in the
# socket read holding it, and another watch's headers or events, though already received, wait for whatever frame
# comes next (the second watch read by threads, the third by asyncio tasks, hung until timeout on kube-apiserver).
# httpcore also queues streams past the server's limit (100) on the connection instead of opening another. One
# HTTP/1.1 connection per watch is what client-go does over HTTP/1.1, and has neither problem. (A switch for
# bench/manywatches.py, which shows what multiplexed watches do.)
WATCH_HTTP2 = False


def default_user_agent() -> str:
    """`kubeclient/<version> (<os>/<arch>) python/<x.y>`, Go's GOOS/GOARCH spelling."""
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "i386": "386", "i686": "386"}.get(machine, machine)
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return f"kubeclient/{__version__} ({platform.system().lower()}/{arch}) python/{python}"


def client_kwargs(
    cfg: Any,
    *,
    http2: bool = False,
    transport: Any = None,
    asynchronous: bool = False,
    watch: bool = False,
    auth: Any = None,
) -> dict[str, Any]:
    """Keyword arguments of httpx.Client (or, `asynchronous`, httpx.AsyncClient) for this Config; `transport`
    replaces the one the Config describes, and the Config's `wrap_transport` wraps whichever is used. `watch` gives
    the limits of the watch pool, and HTTP/1.1 whatever `http2` says (WATCH_HTTP2); `auth` reuses the credentials of
    another client (one token cache, one exec plugin run)."""
    timeout = httpx.Timeout(cfg.timeout, connect=min(cfg.timeout, 30.0)) if cfg.timeout else DEFAULT_TIMEOUT
    kwargs = {
        "base_url": cfg.host,
        "verify": cfg.ssl_context() if cfg.host.startswith("https") else True,
        "auth": auth if auth is not None else cfg.auth(),
        "proxy": cfg.proxy_url,
        "timeout": timeout,
        "headers": {"User-Agent": cfg.user_agent or default_user_agent()},
        "http2": http2 and (WATCH_HTTP2 or not watch),
        "limits": WATCH_LIMITS if watch else LIMITS,
        # Kubernetes clients never follow redirects (client-go refuses them for non-GET and rarely sees them).
        "follow_redirects": False,
        # The proxy comes from the kubeconfig only, never from the environment (clientcmd ignores HTTP_PROXY unless
        # proxy-url is empty — then Go's ProxyFromEnvironment applies, which trust_env reproduces for a transport
        # httpx builds, and _environment_proxy for the ones built here).
        "trust_env": cfg.proxy_url is None,
    }
    wrap = getattr(cfg, "wrap_transport", None)
    if transport is None:
        transport = _config_transport(cfg, kwargs, asynchronous)
        # The proxy for the server is inside this transport: proxies httpx mounts from the environment would
        # bypass it.
        kwargs["trust_env"] = False
    if wrap is not None:
        transport = wrap(transport)
    if transport is not None:
        kwargs["transport"] = transport
    return kwargs


def _config_transport(cfg: Any, kwargs: dict[str, Any], asynchronous: bool) -> Any:
    """The transport httpx would build from these settings, made here so that `wrap_transport` can wrap it and so
    that asyncio connections are made on asyncio's own streams (aiostream.py)."""
    proxy = kwargs["proxy"] if kwargs["proxy"] is not None else _environment_proxy(cfg.host)
    common = {"verify": kwargs["verify"], "http2": kwargs["http2"], "limits": kwargs["limits"], "proxy": proxy}
    transport: httpx.AsyncHTTPTransport | httpx.HTTPTransport
    if asynchronous:
        transport = httpx.AsyncHTTPTransport(**common)
        aiostream.install(transport)
    else:
        transport = httpx.HTTPTransport(**common)
    pool.install(getattr(transport, "_pool", None))  # connection assignment safe under many threads (pool.py)
    return transport


def _environment_proxy(host: str) -> str | None:
    """HTTPS_PROXY / HTTP_PROXY for this host unless NO_PROXY exempts it (Go's ProxyFromEnvironment)."""
    parts = urlsplit(host)
    proxy = urllib.request.getproxies_environment().get(parts.scheme)
    if not proxy or (parts.hostname and urllib.request.proxy_bypass(parts.hostname)):
        return None
    return proxy


def request_extensions(cfg: Any) -> dict[str, Any] | None:
    """Per-request httpx extensions: the TLS server name when the kubeconfig overrides it."""
    return {"sni_hostname": cfg.tls_server_name} if cfg.tls_server_name else None


def request_timeout(seconds: float | None) -> Any:
    """A request's own timeout, or the client's default when it sets none."""
    return httpx.Timeout(seconds) if seconds is not None else httpx.USE_CLIENT_DEFAULT


C = TypeVar("C")


class WatchPool(Generic[C]):
    """The watches' own httpx client (sync or asyncio), made on the first watch and shared by every REST client
    derived from one `for_config`."""

    def __init__(self, make: Callable[[], C]) -> None:
        self._make = make
        self._client: C | None = None
        self._lock = threading.Lock()

    def get(self) -> C:
        client = self._client
        if client is None:
            with self._lock:
                client = self._client
                if client is None:
                    client = self._client = self._make()
        return client

    def take(self) -> C | None:
        """The client to close, if one was made; later watches would make a new one."""
        with self._lock:
            client, self._client = self._client, None
        return client
