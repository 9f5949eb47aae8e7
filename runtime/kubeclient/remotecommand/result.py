"""The outcome of a finished exec or attach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

__all__ = ["ExecResult", "NonZeroExitError"]


@dataclass(frozen=True)
class ExecResult:
    """A finished command: its output per channel and exit code (with a TTY, stderr arrives in stdout)."""

    stdout: bytes
    stderr: bytes
    exit_code: int

    def check(self) -> Self:
        """Raise NonZeroExitError unless the command exited 0; return self otherwise."""
        if self.exit_code != 0:
            raise NonZeroExitError(self)
        return self

    def __repr__(self) -> str:
        return (
            f"ExecResult(exit_code={self.exit_code}, stdout={len(self.stdout)} bytes, stderr={len(self.stderr)} bytes)"
        )


class NonZeroExitError(Exception):
    """The command ran and exited with a non-zero code (raised only with `check=True`)."""

    def __init__(self, result: ExecResult) -> None:
        self.result = result
        self.exit_code = result.exit_code
        tail = result.stderr[-500:].decode(errors="replace").strip()
        super().__init__(f"command terminated with exit code {result.exit_code}" + (f": {tail}" if tail else ""))
