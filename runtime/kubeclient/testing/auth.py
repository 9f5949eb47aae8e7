"""Authentication (static bearer tokens and client-certificate common names) and a static authorization policy."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kubeclient.testing.meta import random_token

READ_VERBS = frozenset({"get", "list", "watch"})


@dataclass(frozen=True)
class User:
    """A known user; `read_only` users may only get, list and watch (403 Forbidden otherwise)."""

    name: str
    groups: tuple[str, ...] = ()
    read_only: bool = False
    token: str = field(default="", repr=False)

    def allows(self, verb: str) -> bool:
        return not self.read_only or verb in READ_VERBS


class Authenticator:
    """Token → user, certificate common name → user. Tokens never appear in repr or messages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_token: dict[str, User] = {}
        self._by_name: dict[str, User] = {}

    def add_user(
        self, name: str, *, token: str | None = None, groups: tuple[str, ...] = (), read_only: bool = False
    ) -> User:
        user = User(name, groups, read_only, token or random_token())
        with self._lock:
            self._by_token[user.token] = user
            self._by_name[name] = user
        return user

    def by_token(self, token: str) -> User | None:
        with self._lock:
            return self._by_token.get(token)

    def by_cert_name(self, common_name: str) -> User | None:
        with self._lock:
            return self._by_name.get(common_name)

    def __repr__(self) -> str:
        with self._lock:
            return f"Authenticator(users={sorted(self._by_name)})"
