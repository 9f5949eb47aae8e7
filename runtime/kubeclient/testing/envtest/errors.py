"""The one error of the control plane launcher."""

from __future__ import annotations


class ControlPlaneError(RuntimeError):
    """The control plane cannot start, stop or do what was asked; the message says why (with a log tail)."""
