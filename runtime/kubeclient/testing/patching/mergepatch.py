"""RFC 7386 JSON merge patch as kube-apiserver v1.36 applies it (gopkg.in/evanphx/json-patch.v4 MergePatch).

Differences from the RFC that the real server has, and this module keeps:
- a `null` patch, or a patch that is a string, number or boolean, is refused with 400 "Invalid JSON Patch";
- a patch that is an array replaces the document (nulls inside its objects removed);
- when a member is added (not merged), nulls are removed from it recursively, also inside arrays of objects.
"""

from __future__ import annotations

import copy
from typing import Any

from kubeclient.testing.patching.errors import PatchError


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune_nulls(v) if v is not None else None for v in value]
    return value


def _merge(current: Any, patch: Any) -> Any:
    if not isinstance(current, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        # Replacing an object by a non-object: the server keeps nulls inside the replacement as sent.
        return copy.deepcopy(patch)
    for key, value in patch.items():
        if value is None:
            current.pop(key, None)
        elif current.get(key) is None:
            current[key] = _prune_nulls(value)
        else:
            current[key] = _merge(current[key], value)
    return current


def apply_merge_patch(doc: Any, patch: Any) -> Any:
    """Apply the decoded merge patch `patch` to a copy of `doc`; `doc` is not modified.

    Raises PatchError (400, "Invalid JSON Patch") for a null or scalar patch.
    """
    if patch is None or not isinstance(patch, dict | list):
        raise PatchError("Invalid JSON Patch", code=400)
    if isinstance(patch, list) or not isinstance(doc, dict):
        return _prune_nulls(patch)
    return _merge(copy.deepcopy(doc), patch)
