"""Patch and apply failures, with the HTTP code and Status body kube-apiserver v1.36 answers for each."""

from __future__ import annotations

from typing import Any

# NewGenericServerResponse replaces the detail of a 422 with this fixed sentence; the detail never reaches the client.
GENERIC_INVALID_MESSAGE = "the server rejected our request due to an error in our request"

_REASONS = {400: "BadRequest", 409: "Conflict", 413: "RequestEntityTooLarge", 422: "Invalid"}


class PatchError(Exception):
    """A patch the server refuses.

    `code` is the HTTP status (400 malformed patch, 413 too many JSON patch operations, 422 a patch that does not
    apply, 500 for the strategic-merge failures the server does not classify). `detail` is the underlying
    library's text (what `str(err)` shows); `message` is what the server's Status carries, which for 422 is the
    generic sentence the real server sends.
    """

    def __init__(self, detail: str, *, code: int = 422) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code

    @property
    def reason(self) -> str:
        """The Status reason; empty for 500 (the server's StatusReasonUnknown)."""
        return _REASONS.get(self.code, "")

    @property
    def message(self) -> str:
        if self.code == 422:
            return GENERIC_INVALID_MESSAGE
        if self.code == 413:
            return f"Request entity too large: {self.detail}"
        return self.detail

    def status(self) -> dict[str, Any]:
        """The `Status` body the real server writes for this failure."""
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
        }
        if self.reason:
            body["reason"] = self.reason
        if self.code == 422:
            body["details"] = {}
        body["code"] = self.code
        return body


class ApplyConflictError(Exception):
    """Server-side apply found fields another manager owns with a different value (HTTP 409).

    `conflicts` lists (manager name, field path) pairs, e.g. ("kubectl", ".spec.replicas"); `causes` are the
    Status causes and `message` the Status message, both worded like the real server.
    """

    code = 409
    reason = "Conflict"

    def __init__(
        self,
        conflicts: list[tuple[str, str]],
        *,
        message: str | None = None,
        causes: list[dict[str, str]] | None = None,
    ) -> None:
        # Without the manager details (operation, apiVersion) the text names managers by name alone.
        if causes is None:
            causes = [
                {"reason": "FieldManagerConflict", "message": f'conflict with "{m}"', "field": p} for m, p in conflicts
            ]
        if message is None:
            if len(conflicts) == 1:
                message = f"Apply failed with 1 conflict: {causes[0]['message']}: {conflicts[0][1]}"
            else:
                lines: list[str] = []
                for manager in sorted({m for m, _ in conflicts}):
                    lines.append(f'conflicts with "{manager}":')
                    lines.extend(f"- {p}" for m, p in conflicts if m == manager)
                message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
        super().__init__(message)
        self.conflicts = conflicts
        self.message = message
        self.causes = causes

    def status(self) -> dict[str, Any]:
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": "Conflict",
            "details": {"causes": [dict(c) for c in self.causes]},
            "code": 409,
        }
