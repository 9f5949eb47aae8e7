"""`Config`: everything needed to talk to one API server, resolved from a kubeconfig or the pod's service account."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from kubeclient.config.auth import BasicCredentials, ExecCredentials, KubeAuth, StaticToken, TokenFile
from kubeclient.config.errors import ConfigError
from kubeclient.config.exec_plugin import ExecConfig, ExecProvider
from kubeclient.config.tls import load_client_certificate, server_trust_context

PROXY_SCHEMES = ("http", "https", "socks5")


@dataclass(repr=False)
class Config:
    """A resolved client configuration; every field but `host` is keyword-only.

    `host` is scheme://host:port[/path] (https:// assumed when no scheme is given; no trailing slash). `source` names
    where the settings came from (the kubeconfig file that defined the cluster, or "in-cluster") for error messages.
    Secrets (token, password, key data, exec env) never appear in repr, which shows host, context, namespace and the
    kind of credentials only.

    `wrap_transport` is client-go's `WrapTransport`: called with the transport built from this configuration (TLS,
    proxy, pooling: an `httpx.HTTPTransport`, or `httpx.AsyncHTTPTransport` for asyncio clients), it returns the
    transport to use, typically one that delegates to it (metrics, tracing, recording). Requests reach it with
    their credentials added.
    """

    host: str
    _: KW_ONLY
    namespace: str = "default"
    context_name: str | None = None
    cluster_name: str | None = None
    user_name: str | None = None
    ca_data: bytes | None = None
    ca_file: str | None = None
    client_cert_data: bytes | None = None
    client_key_data: bytes | None = None
    client_cert_file: str | None = None
    client_key_file: str | None = None
    insecure_skip_tls_verify: bool = False
    tls_server_name: str | None = None
    proxy_url: str | None = None
    token: str | None = None
    token_file: str | None = None
    username: str | None = None
    password: str | None = None
    exec_provider: ExecConfig | None = None
    qps: float = 5.0
    burst: int = 10
    timeout: float | None = None
    user_agent: str | None = None
    source: str | None = None
    wrap_transport: Callable[[Any], Any] | None = field(default=None, compare=False)
    _exec: ExecProvider | None = field(default=None, init=False, compare=False)

    def __post_init__(self) -> None:
        self.host = self.host.rstrip("/")
        if "://" not in self.host:
            self.host = f"https://{self.host}"
        if self.insecure_skip_tls_verify and (self.ca_data or self.ca_file):
            raise ConfigError(
                "specifying a root certificates file with the insecure flag is not allowed", source=self.source
            )
        if self.proxy_url and urlsplit(self.proxy_url).scheme not in PROXY_SCHEMES:
            # Only the scheme is quoted: a proxy URL may carry a user and password.
            raise ConfigError(
                f"proxy-url scheme must be one of {', '.join(PROXY_SCHEMES)}, not {urlsplit(self.proxy_url).scheme!r}",
                source=self.source,
            )
        if self.exec_provider is not None:
            self._exec = ExecProvider(self.exec_provider)

    def __repr__(self) -> str:
        return (
            f"Config(host={self.host!r}, context={self.context_name!r}, namespace={self.namespace!r}, "
            f"auth={self.auth_kind!r})"
        )

    @property
    def auth_kind(self) -> str:
        """How this Config authenticates: exec, token, token-file, basic, client-certificate or none."""
        if self.exec_provider is not None:
            return "exec"
        if self.token_file is not None:
            return "token-file"
        if self.token is not None:
            return "token"
        if self.username is not None:
            return "basic"
        if self.client_cert_data or self.client_cert_file:
            return "client-certificate"
        return "none"

    def exec_credentials(self) -> ExecProvider | None:
        """The exec plugin runner shared by this Config's clients, if it has one."""
        return self._exec

    def auth(self) -> httpx.Auth | None:
        """A fresh auth flow for one client: its token-file cache is its own; the exec plugin's credential is shared
        by every client of this Config (one plugin run serves them all)."""
        if self._exec is not None:
            return KubeAuth(ExecCredentials(self._exec))
        if self.token_file is not None:
            # client-go: the file wins over a token given alongside it, which is used only while the file is unreadable.
            return KubeAuth(TokenFile(self.token_file, fallback=self.token))
        if self.token is not None:
            return KubeAuth(StaticToken(self.token))
        if self.username is not None:
            return KubeAuth(BasicCredentials(self.username, self.password or ""))
        return None

    def ssl_context(self) -> ssl.SSLContext:
        """A new TLS context: verification on unless insecure-skip-tls-verify (the CA, when given, is the only trust
        root); the client certificate loaded from data, files or the exec plugin (which may run it)."""
        ctx = server_trust_context(
            ca_data=self.ca_data, ca_file=self.ca_file, insecure=self.insecure_skip_tls_verify, source=self.source
        )
        if self.client_cert_data or self.client_cert_file:
            load_client_certificate(
                ctx,
                cert_data=self.client_cert_data,
                key_data=self.client_key_data,
                cert_file=self.client_cert_file,
                key_file=self.client_key_file,
                source=self.source,
            )
        elif self._exec is not None:
            self._exec.bind_ssl_context(ctx)
        return ctx


def decode_data(value: object, *, source: str | None, key: str) -> bytes:
    """A *-data field: base64 of PEM (line breaks ignored, as Go's decoder does)."""
    if not isinstance(value, str):
        raise ConfigError("expected a base64 string", source=source, key=key)
    try:
        return base64.b64decode(value.replace("\n", "").replace("\r", ""), validate=True)
    except ValueError:
        raise ConfigError("not valid base64", source=source, key=key) from None
