"""Credentials as httpx auth flows: set the Authorization header, and on a 401 refresh once and retry.

Token files are re-read at most once a minute (a projected service-account token rotates under us) and at once
after a 401; exec credentials are cached until they expire and re-fetched once after a 401.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path

import httpx

from kubeclient.config.errors import ConfigError
from kubeclient.config.exec_plugin import ExecProvider

TOKEN_FILE_TTL = 60.0


class CredentialSource:
    """Something that can produce an Authorization header value and, perhaps, refresh it."""

    def header(self) -> str | None:
        raise NotImplementedError

    def refresh(self) -> bool:
        """Forget cached credentials after a 401; True when a retry may succeed."""
        return False


class StaticToken(CredentialSource):
    def __init__(self, token: str) -> None:
        self._token = token

    def header(self) -> str:
        return f"Bearer {self._token}"

    def __repr__(self) -> str:
        return "StaticToken(<redacted>)"


class TokenFile(CredentialSource):
    """A bearer token read from a file, cached for a minute."""

    def __init__(self, path: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.path = path
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
                    raise ConfigError(f"cannot read token file: {exc.strerror}", source=self.path) from None
                self.reads += 1
                self._token, self._read_at = token, self._clock()
            return f"Bearer {self._token}"

    def refresh(self) -> bool:
        with self._lock:
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
    def __init__(self, provider: ExecProvider) -> None:
        self.provider = provider

    def header(self) -> str | None:
        token = self.provider.credential().token
        return f"Bearer {token}" if token else None

    def refresh(self) -> bool:
        self.provider.invalidate()
        return True

    def __repr__(self) -> str:
        return f"ExecCredentials({self.provider!r})"


class KubeAuth(httpx.Auth):
    """httpx auth flow over a credential source, for both httpx.Client and httpx.AsyncClient.

    The flow needs no request or response body, so httpx runs the same generator in both modes; reading a token
    file or running an exec plugin blocks briefly, as it does in client-go's transport.
    """

    def __init__(self, source: CredentialSource) -> None:
        self.source = source

    def __repr__(self) -> str:
        return f"KubeAuth({self.source!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        value = self.source.header()
        if value:
            request.headers["Authorization"] = value
        response = yield request
        if response.status_code == 401 and self.source.refresh():
            value = self.source.header()
            if value:
                request.headers["Authorization"] = value
            yield request
