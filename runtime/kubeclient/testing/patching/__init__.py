"""Patch semantics of kube-apiserver v1.36 as pure functions on JSON-like values, for the fake API server.

JSON patch (RFC 6902), merge patch (RFC 7386), strategic merge patch, and server-side apply with managedFields
tracking. Nothing here does I/O; failures carry the HTTP code and Status body the real server sends.
"""

from __future__ import annotations

from kubeclient.testing.patching.apply import server_side_apply, track_update
from kubeclient.testing.patching.errors import ApplyConflictError, PatchError
from kubeclient.testing.patching.jsonpatch import apply_json_patch
from kubeclient.testing.patching.mergepatch import apply_merge_patch
from kubeclient.testing.patching.strategic import apply_strategic_merge_patch

__all__ = [
    "ApplyConflictError",
    "PatchError",
    "apply_json_patch",
    "apply_merge_patch",
    "apply_strategic_merge_patch",
    "server_side_apply",
    "track_update",
]
