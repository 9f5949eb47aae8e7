"""Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), as clientcmd runs them.

The plugin gets KUBERNETES_EXEC_INFO (an ExecCredential with spec.interactive and, with provideClusterInfo,
spec.cluster) and prints an ExecCredential whose status holds a token or a client certificate and key. The result is
cached until status.expirationTimestamp; `invalidate()` (after a 401) forces one more run. A client certificate from
the plugin is loaded into every TLS context bound with `bind_ssl_context`, and reloaded there when the plugin hands
out a new one (new connections present the new certificate).
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kubeclient.config.errors import ConfigError
from kubeclient.config.tls import load_client_certificate

# Plugins that write pages to stderr should not produce pages of exception message.
STDERR_LIMIT = 4096
SUPPORTED_API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")


@dataclass(frozen=True)
class ExecCredential:
    """What a plugin returned; secrets are kept out of repr."""

    token: str | None = field(default=None, repr=False)
    client_certificate_data: str | None = field(default=None, repr=False)
    client_key_data: str | None = field(default=None, repr=False)
    expiration: datetime | None = None


@dataclass(frozen=True)
class ClusterInfo:
    """The spec.cluster an exec plugin is told about when provideClusterInfo is set."""

    server: str
    tls_server_name: str | None = None
    insecure_skip_tls_verify: bool = False
    certificate_authority_data: bytes | None = None
    proxy_url: str | None = None
    config: Any = None


@dataclass
class ExecConfig:
    """A users[].user.exec entry; `source` names the kubeconfig it came from (for errors)."""

    command: str
    api_version: str = "client.authentication.k8s.io/v1"
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict, repr=False)
    install_hint: str | None = None
    provide_cluster_info: bool = False
    interactive_mode: str = "IfAvailable"
    cluster: ClusterInfo | None = None
    source: str | None = None

    @classmethod
    def from_kubeconfig(cls, raw: Mapping[str, Any], *, source: str | None, key: str) -> ExecConfig:
        api_version = raw.get("apiVersion")
        if api_version not in SUPPORTED_API_VERSIONS:
            raise ConfigError(
                f"exec plugin apiVersion {api_version!r} is not supported "
                f"(want one of {', '.join(SUPPORTED_API_VERSIONS)})",
                source=source,
                key=f"{key}.apiVersion",
            )
        command = raw.get("command")
        if not isinstance(command, str) or not command:
            raise ConfigError("exec plugin needs a command", source=source, key=f"{key}.command")
        mode = raw.get("interactiveMode")
        if mode is None:
            if api_version.endswith("/v1"):
                raise ConfigError(
                    "interactiveMode must be specified for client.authentication.k8s.io/v1",
                    source=source,
                    key=f"{key}.interactiveMode",
                )
            mode = "IfAvailable"
        if mode not in ("Never", "IfAvailable", "Always"):
            raise ConfigError(
                f"invalid interactiveMode {mode!r}: want Never, IfAvailable or Always",
                source=source,
                key=f"{key}.interactiveMode",
            )
        env: dict[str, str] = {}
        for i, item in enumerate(raw.get("env") or []):
            if not isinstance(item, Mapping) or "name" not in item:
                raise ConfigError("env entries need a name and a value", source=source, key=f"{key}.env[{i}]")
            env[str(item["name"])] = str(item.get("value", ""))
        return cls(
            command=command,
            api_version=str(api_version),
            args=[str(a) for a in raw.get("args") or []],
            env=env,
            install_hint=raw.get("installHint"),
            provide_cluster_info=bool(raw.get("provideClusterInfo")),
            interactive_mode=str(mode),
            source=source,
        )


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class ExecProvider:
    """Runs an exec plugin and caches its credential until it expires (thread-safe)."""

    def __init__(
        self,
        config: ExecConfig,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        stdin_is_tty: Callable[[], bool] = lambda: sys.stdin is not None and sys.stdin.isatty(),
    ) -> None:
        self.config = config
        self._now = now
        self._stdin_is_tty = stdin_is_tty
        self._lock = threading.Lock()
        self._cached: ExecCredential | None = None
        self._contexts: weakref.WeakSet[ssl.SSLContext] = weakref.WeakSet()
        self._loaded_cert: tuple[str, str] | None = None
        self.runs = 0

    def __repr__(self) -> str:
        return f"ExecProvider(command={self.config.command!r}, api_version={self.config.api_version!r})"

    def credential(self) -> ExecCredential:
        """The cached credential, or a fresh one from the plugin when there is none or it has expired."""
        with self._lock:
            cached = self._cached
            if cached is not None and (cached.expiration is None or cached.expiration > self._now()):
                return cached
            fresh = self._run()
            self._cached = fresh
            self._reload_certificates(fresh)
            return fresh

    def invalidate(self, *, token: str | None = None) -> None:
        """Forget the cached credential after the server refused it. With `token`, only when the cached credential
        still carries that token (another request may already have refreshed it)."""
        with self._lock:
            if self._cached is not None and (token is None or self._cached.token == token):
                self._cached = None

    def bind_ssl_context(self, ctx: ssl.SSLContext) -> None:
        """Load the plugin's client certificate (running the plugin if needed) into `ctx`, now and on rotation."""
        cred = self.credential()
        with self._lock:
            self._contexts.add(ctx)
            if cred.client_certificate_data and cred.client_key_data:
                self._load(ctx, cred.client_certificate_data, cred.client_key_data)

    def _reload_certificates(self, cred: ExecCredential) -> None:
        if not (cred.client_certificate_data and cred.client_key_data):
            return
        pair = (cred.client_certificate_data, cred.client_key_data)
        if pair == self._loaded_cert:
            return
        for ctx in list(self._contexts):
            self._load(ctx, *pair)
        self._loaded_cert = pair

    def _load(self, ctx: ssl.SSLContext, cert: str, key: str) -> None:
        load_client_certificate(ctx, cert_data=cert.encode(), key_data=key.encode(), source=self.config.source)

    def _interactive(self) -> bool:
        mode = self.config.interactive_mode
        if mode == "Never":
            return False
        tty = self._stdin_is_tty()
        if mode == "Always" and not tty:
            raise ConfigError(
                f"exec plugin {self.config.command!r} needs an interactive terminal (interactiveMode Always) "
                "and standard input is not one",
                source=self.config.source,
            )
        return tty

    def _exec_info(self, interactive: bool) -> str:
        spec: dict[str, Any] = {"interactive": interactive}
        cluster = self.config.cluster
        if self.config.provide_cluster_info and cluster is not None:
            info: dict[str, Any] = {"server": cluster.server}
            if cluster.tls_server_name:
                info["tls-server-name"] = cluster.tls_server_name
            if cluster.insecure_skip_tls_verify:
                info["insecure-skip-tls-verify"] = True
            if cluster.certificate_authority_data:
                info["certificate-authority-data"] = base64.b64encode(cluster.certificate_authority_data).decode()
            if cluster.proxy_url:
                info["proxy-url"] = cluster.proxy_url
            if cluster.config is not None:
                info["config"] = cluster.config
            spec["cluster"] = info
        return json.dumps({"apiVersion": self.config.api_version, "kind": "ExecCredential", "spec": spec})

    def _run(self) -> ExecCredential:
        cfg = self.config
        interactive = self._interactive()
        env = dict(os.environ)
        env.update(cfg.env)
        env["KUBERNETES_EXEC_INFO"] = self._exec_info(interactive)
        self.runs += 1
        try:
            proc = subprocess.run(
                [cfg.command, *cfg.args],
                env=env,
                stdin=None if interactive else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=None if interactive else subprocess.PIPE,
                check=False,
                timeout=300,
            )
        except FileNotFoundError:
            hint = f"\n{cfg.install_hint}" if cfg.install_hint else ""
            raise ConfigError(f"exec plugin: executable {cfg.command} not found{hint}", source=cfg.source) from None
        except subprocess.TimeoutExpired:
            raise ConfigError(f"exec plugin {cfg.command!r} did not finish within 300 s", source=cfg.source) from None
        except OSError as exc:
            # The message is the OS error only: the argument list may carry secrets.
            raise ConfigError(f"exec plugin {cfg.command!r} could not run: {exc.strerror}", source=cfg.source) from None
        if proc.returncode != 0:
            # stdout may hold a partial credential: only stderr is quoted.
            stderr = (proc.stderr or b"")[-STDERR_LIMIT:].decode(errors="replace").strip()
            raise ConfigError(
                f"exec plugin {cfg.command!r} exited with code {proc.returncode}" + (f": {stderr}" if stderr else ""),
                source=cfg.source,
            )
        return self._parse(proc.stdout)

    def _parse(self, output: bytes) -> ExecCredential:
        cfg = self.config
        try:
            data = json.loads(output)
        except ValueError:
            raise ConfigError(
                f"exec plugin {cfg.command!r} did not print an ExecCredential", source=cfg.source
            ) from None
        if not isinstance(data, dict) or data.get("kind") != "ExecCredential":
            raise ConfigError(f"exec plugin {cfg.command!r} did not print an ExecCredential", source=cfg.source)
        if data.get("apiVersion") != cfg.api_version:
            raise ConfigError(
                f"exec plugin {cfg.command!r} is configured to use API version {cfg.api_version}, "
                f"plugin returned version {data.get('apiVersion')}",
                source=cfg.source,
            )
        status = data.get("status") or {}
        token = status.get("token")
        cert = status.get("clientCertificateData")
        key = status.get("clientKeyData")
        if not token and not (cert and key):
            raise ConfigError(
                f"exec plugin {cfg.command!r} returned no token and no client certificate and key "
                "(status.token or status.clientCertificateData + status.clientKeyData)",
                source=cfg.source,
            )
        if bool(cert) != bool(key):
            raise ConfigError(
                f"exec plugin {cfg.command!r} returned a client certificate without its key, or a key without its "
                "certificate",
                source=cfg.source,
            )
        expiry = status.get("expirationTimestamp")
        try:
            expiration = _parse_time(expiry) if expiry else None
        except ValueError:
            raise ConfigError(
                f"exec plugin {cfg.command!r} returned an invalid status.expirationTimestamp", source=cfg.source
            ) from None
        return ExecCredential(token=token, client_certificate_data=cert, client_key_data=key, expiration=expiration)
