"""The httpx clients behind RESTClient and AsyncRESTClient, built from a Config: TLS, credentials, proxy, SNI,
user agent and connection pooling — the one place a Config becomes a transport."""

from __future__ import annotations

import platform
import sys
import threading
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx

from kubeclient._version import __version__

__all__ = [
    "DEFAULT_TIMEOUT",
    "H2_STREAMS_PER_CONNECTION",
    "LIMITS",
    "WATCH_LIMITS",
    "AsyncSpreadTransport",
    "SpreadTransport",
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
# Open watches one HTTP/2 connection carries. httpcore never runs more streams on a connection than its own SETTINGS
# allow (100), queueing the rest on that connection instead of opening another, and kube-apiserver advertises 100
# (v1.36, --http2-max-streams-per-connection unset). So the watch pool spreads HTTP/2 watches over connections of at
# most this many each, as client-go's transport opens a new connection when one's streams are full.
H2_STREAMS_PER_CONNECTION = 100


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
    the limits of the watch pool; `auth` reuses the credentials of another client (one token cache, one exec
    plugin run)."""
    timeout = httpx.Timeout(cfg.timeout, connect=min(cfg.timeout, 30.0)) if cfg.timeout else DEFAULT_TIMEOUT
    kwargs = {
        "base_url": cfg.host,
        "verify": cfg.ssl_context() if cfg.host.startswith("https") else True,
        "auth": auth if auth is not None else cfg.auth(),
        "proxy": cfg.proxy_url,
        "timeout": timeout,
        "headers": {"User-Agent": cfg.user_agent or default_user_agent()},
        "http2": http2,
        "limits": WATCH_LIMITS if watch else LIMITS,
        # Kubernetes clients never follow redirects (client-go refuses them for non-GET and rarely sees them).
        "follow_redirects": False,
        # The proxy comes from the kubeconfig only, never from the environment (clientcmd ignores HTTP_PROXY unless
        # proxy-url is empty — then Go's ProxyFromEnvironment applies, which trust_env reproduces).
        "trust_env": cfg.proxy_url is None,
    }
    wrap = getattr(cfg, "wrap_transport", None)
    if transport is None and watch and http2:
        spread = AsyncSpreadTransport if asynchronous else SpreadTransport
        settings = dict(kwargs)  # as they are now: the proxy moves into the connections' transports
        transport = spread(lambda: _config_transport(cfg, settings, asynchronous))
        kwargs["trust_env"] = False
        kwargs["proxy"] = None  # inside the connections' transports: httpx would mount it in front of this one
    if wrap is not None:
        if transport is None:
            transport = _config_transport(cfg, kwargs, asynchronous)
        transport = wrap(transport)
        # The proxy is inside the wrapped transport now: proxies httpx mounts from the environment would bypass it.
        kwargs["trust_env"] = False
    if transport is not None:
        kwargs["transport"] = transport
    return kwargs


def _config_transport(cfg: Any, kwargs: dict[str, Any], asynchronous: bool) -> Any:
    """The transport httpx would build from these settings, made here so that `wrap_transport` can wrap it."""
    proxy = kwargs["proxy"] if kwargs["proxy"] is not None else _environment_proxy(cfg.host)
    kind = httpx.AsyncHTTPTransport if asynchronous else httpx.HTTPTransport
    return kind(verify=kwargs["verify"], http2=kwargs["http2"], limits=kwargs["limits"], proxy=proxy)


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


T = TypeVar("T")


class _Spread(Generic[T]):
    """Which of several transports (each its own connection pool, so over HTTP/2 its own connection) takes the next
    long-lived stream: the first with fewer than `streams` open, else a new one. Counts are released when a response
    is closed; the lock is held only to count (never across I/O), so one serves threads and asyncio alike."""

    def __init__(self, make: Callable[[], T], streams: int) -> None:
        self._make = make
        self.streams = streams
        self._open: list[list[Any]] = []  # [transport, open streams], in creation order
        self._lock = threading.Lock()

    def acquire(self) -> tuple[T, Callable[[], None]]:
        """A transport with room and the function that gives its slot back (idempotent)."""
        with self._lock:
            for slot in self._open:
                if slot[1] < self.streams:
                    break
            else:
                slot = [self._make(), 0]
                self._open.append(slot)
            slot[1] += 1
        released = False

        def release() -> None:
            nonlocal released
            with self._lock:
                if not released:
                    released = True
                    slot[1] -= 1

        return slot[0], release

    def open_streams(self) -> list[int]:
        """Open streams per transport, in creation order."""
        with self._lock:
            return [slot[1] for slot in self._open]

    def take_all(self) -> list[T]:
        with self._lock:
            transports, self._open = [slot[0] for slot in self._open], []
        return transports


class _ReleasingStream(httpx.SyncByteStream):
    def __init__(self, stream: Any, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._release()


class _AsyncReleasingStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._release()


class SpreadTransport(httpx.BaseTransport):
    """Long-lived requests spread over transports made by `make`, at most `streams` open on each: the watch pool's
    transport over HTTP/2, where one transport would put every watch on one connection (see
    H2_STREAMS_PER_CONNECTION). A slot is held until the response is closed."""

    def __init__(self, make: Callable[[], httpx.BaseTransport], streams: int = H2_STREAMS_PER_CONNECTION) -> None:
        self.spread = _Spread(make, streams)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport, release = self.spread.acquire()
        try:
            response = transport.handle_request(request)
        except BaseException:
            release()
            raise
        response.stream = _ReleasingStream(response.stream, release)
        return response

    def close(self) -> None:
        for transport in self.spread.take_all():
            transport.close()


class AsyncSpreadTransport(httpx.AsyncBaseTransport):
    """SpreadTransport for asyncio."""

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport], streams: int = H2_STREAMS_PER_CONNECTION) -> None:
        self.spread = _Spread(make, streams)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport, release = self.spread.acquire()
        try:
            response = await transport.handle_async_request(request)
        except BaseException:
            release()
            raise
        response.stream = _AsyncReleasingStream(response.stream, release)
        return response

    async def aclose(self) -> None:
        for transport in self.spread.take_all():
            await transport.aclose()
