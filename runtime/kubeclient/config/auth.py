"""Credentials as httpx auth flows: set the Authorization header, and on a 401 refresh once and retry.

Token files are re-read at most once a minute (a projected service-account token rotates under us) and at once
after a 401; exec credentials are cached until they expire and re-fetched once after a 401. A refresh only forgets
the credential that actually failed, so a burst of concurrent 401s causes one re-read, not one per request.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from pathlib import Path

import httpx

from kubeclient.config.errors import ConfigError
from kubeclient.config.exec_plugin import ExecProvider

TOKEN_FILE_TTL = 60.0


class CredentialSource:
    """Produces an Authorization header value and, perhaps, can refresh it after a 401."""

    def header(self) -> str | None:
        """The Authorization header value to send now, or None to send none."""
        raise NotImplementedError

    def refresh(self, failed: str | None) -> bool:
        """Forget `failed` (the header value the server refused); True when a retry may succeed."""
        return False


class StaticToken(CredentialSource):
    def __init__(self, token: str) -> None:
        self._token = token

    def header(self) -> str:
        return f"Bearer {self._token}"

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"


class TokenFile(CredentialSource):
    """A bearer token read from a file, cached for a minute; `fallback` is used while the file cannot be read
    (client-go: a kubeconfig's token when tokenFile is also set)."""

    def __init__(self, path: str, *, fallback: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
        self._fallback = fallback
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._read_at = 0.0
        self.reads = 0

    def header(self) -> str:
        with self._lock:
            if self._token is None or self._clock() - self._read_at >= TOKEN_FILE_TTL:
                try:
                    token = Path(self.path).read_text().strip()
                except OSError as exc:
                    if self._fallback is None:
                        raise ConfigError(f"cannot read token file: {exc.strerror}", source=self.path) from None
                    token = self._fallback
                self.reads += 1
                self._token, self._read_at = token, self._clock()
            return f"Bearer {self._token}"

    def refresh(self, failed: str | None) -> bool:
        with self._lock:
            if failed == f"Bearer {self._token}":
                self._token = None
        return True

    def __repr__(self) -> str:
        return f"TokenFile({self.path!r})"


class BasicCredentials(CredentialSource):
    def __init__(self, username: str, password: str) -> None:
        self._value = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.username = username

    def header(self) -> str:
        return f"Basic {self._value}"

    def __repr__(self) -> str:
        return f"BasicCredentials(username={self.username!r})"


class ExecCredentials(CredentialSource):
    """Bearer token from an exec plugin; a plugin that returns only a client certificate sends no header (the
    certificate is presented by the TLS context, see Config.ssl_context)."""

    def __init__(self, provider: ExecProvider) -> None:
        self.provider = provider

    def header(self) -> str | None:
        token = self.provider.credential().token
        return f"Bearer {token}" if token else None

    def refresh(self, failed: str | None) -> bool:
        self.provider.invalidate(token=failed.removeprefix("Bearer ") if failed else None)
        return True

    def __repr__(self) -> str:
        return f"ExecCredentials({self.provider!r})"


def _replayable(request: httpx.Request) -> bool:
    # A body given as bytes can be sent twice; a generator or file stream is consumed by the first attempt.
    return isinstance(request.stream, httpx.ByteStream)


def _apply(request: httpx.Request, value: str | None) -> None:
    # No value (a certificate-only exec credential) leaves any header the caller set alone.
    if value:
        request.headers["Authorization"] = value


class KubeAuth(httpx.Auth):
    """httpx auth flow over a credential source, for both httpx.Client and httpx.AsyncClient.

    Send with the current credential; on a 401 whose credential can be refreshed (and whose body can be replayed),
    refresh and send once more. The async flow runs the blocking file read or plugin run in a worker thread.
    """

    def __init__(self, source: CredentialSource) -> None:
        self.source = source

    def __repr__(self) -> str:
        return f"KubeAuth({self.source!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        used = self.source.header()
        _apply(request, used)
        replayable = _replayable(request)  # before sending: a transport may buffer a streamed body as it sends it
        response = yield request
        if response.status_code == 401 and replayable and self.source.refresh(used):
            _apply(request, self.source.header())
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        used = await asyncio.to_thread(self.source.header)
        _apply(request, used)
        replayable = _replayable(request)
        response = yield request
        if response.status_code == 401 and replayable and self.source.refresh(used):
            _apply(request, await asyncio.to_thread(self.source.header))
            yield request
