"""The `testing` extra: trustme and cryptography make the throw-away certificates of the fake server and of the real
control plane. Without them, importing those parts says what to install instead of a bare ModuleNotFoundError."""

from __future__ import annotations

__all__ = ["INSTALL", "missing_extra"]

INSTALL = "pip install 'kubeclient[testing]'"


def missing_extra(exc: ModuleNotFoundError) -> ModuleNotFoundError:
    err = ModuleNotFoundError(
        f"kubeclient.testing needs the 'testing' extra ({exc.name} is not installed): {INSTALL}", name=exc.name
    )
    err.__suppress_context__ = True
    return err
