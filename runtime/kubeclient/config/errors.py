"""Configuration errors: each names the file and the key path that is wrong, never a secret value."""

from __future__ import annotations


class ConfigError(ValueError):
    """A kubeconfig (or in-cluster setting) cannot be used as it is."""

    def __init__(self, problem: str, *, source: str | None = None, key: str | None = None) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = ": ".join(p for p in (source, key) if p)
        super().__init__(f"{where}: {problem}" if where else problem)
