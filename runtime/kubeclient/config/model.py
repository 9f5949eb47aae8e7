"""`Config`: everything needed to talk to one API server, resolved from a kubeconfig or the pod's service account."""

from __future__ import annotations

import base64
import os
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from kubeclient.config.auth import BasicCredentials, ExecCredentials, KubeAuth, StaticToken, TokenFile
from kubeclient.config.errors import ConfigError
from kubeclient.config.exec_plugin import ExecConfig, ExecProvider

PROXY_SCHEMES = ("http", "https", "socks5")


@dataclass(repr=False)
class Config:
    """A resolved client configuration. Secrets (token, password, key data) never appear in repr."""

    host: str
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
    _exec: ExecProvider | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.host = self.host.rstrip("/")
        if "://" not in self.host:
            self.host = f"https://{self.host}"
        if self.insecure_skip_tls_verify and (self.ca_data or self.ca_file):
            raise ConfigError(
                "specifying a root certificates file with the insecure flag is not allowed", source=self.source
            )
        if self.proxy_url and urlsplit(self.proxy_url).scheme not in PROXY_SCHEMES:
            raise ConfigError(
                f"proxy-url scheme must be one of {', '.join(PROXY_SCHEMES)}: {self.proxy_url}", source=self.source
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
        if self.exec_provider is not None:
            return "exec"
        if self.token is not None:
            return "token"
        if self.token_file is not None:
            return "token-file"
        if self.username is not None:
            return "basic"
        if self.client_cert_data or self.client_cert_file:
            return "client-certificate"
        return "none"

    def exec_credentials(self) -> ExecProvider | None:
        return self._exec

    def auth(self) -> httpx.Auth | None:
        """A fresh auth flow for one client (token file cache and exec cache are per client, as in client-go)."""
        if self._exec is not None:
            return KubeAuth(ExecCredentials(self._exec))
        if self.token is not None:
            return KubeAuth(StaticToken(self.token))
        if self.token_file is not None:
            return KubeAuth(TokenFile(self.token_file))
        if self.username is not None:
            return KubeAuth(BasicCredentials(self.username, self.password or ""))
        return None

    def ssl_context(self) -> ssl.SSLContext:
        """TLS settings: verification on unless insecure-skip-tls-verify, CA and client certificate loaded."""
        ctx = ssl.create_default_context()
        if self.insecure_skip_tls_verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif self.ca_data or self.ca_file:
            ctx = ssl.create_default_context(cafile=None)
            ctx.load_verify_locations(cadata=self.ca_data.decode() if self.ca_data else None, cafile=self.ca_file)
        cert, key = self._client_certificate()
        if cert and key:
            _load_cert_chain(ctx, cert, key, self.source)
        return ctx

    def _client_certificate(self) -> tuple[bytes | None, bytes | None]:
        if self._exec is not None:
            cred = self._exec.credential()
            if cred.client_certificate_data and cred.client_key_data:
                return cred.client_certificate_data.encode(), cred.client_key_data.encode()
        cert = self.client_cert_data or (_read(self.client_cert_file, self.source) if self.client_cert_file else None)
        key = self.client_key_data or (_read(self.client_key_file, self.source) if self.client_key_file else None)
        return cert, key


def _read(path: str, source: str | None) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}", source=source) from None


def _load_cert_chain(ctx: ssl.SSLContext, cert: bytes, key: bytes, source: str | None) -> None:
    # The ssl module loads certificates from files only: write them to a private directory and remove it at once.
    with tempfile.TemporaryDirectory(prefix="kubeclient-") as tmp:
        cert_path, key_path = os.path.join(tmp, "tls.crt"), os.path.join(tmp, "tls.key")
        for path, data in ((cert_path, cert), (key_path, key)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        try:
            ctx.load_cert_chain(cert_path, key_path)
        except ssl.SSLError as exc:
            raise ConfigError(f"client certificate and key do not load: {exc.reason}", source=source) from None


def decode_data(value: object, *, source: str | None, key: str) -> bytes:
    """A *-data field: base64 of PEM."""
    if not isinstance(value, str):
        raise ConfigError("expected a base64 string", source=source, key=key)
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise ConfigError("not valid base64", source=source, key=key) from None
