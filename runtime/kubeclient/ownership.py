"""Owner references and object references: metav1's controller-ref helpers and client-go `tools/reference`.

    secret["metadata"]["ownerReferences"] = [owner_reference(namespace)]   # controller=True, blockOwnerDeletion=True
    is_controlled_by(secret, namespace)                                     # by UID, as metav1.IsControlledBy
    get_controller_of(secret)                                               # the one controller=true reference
    get_reference(pod)                                                      # an ObjectReference for events

Objects may be typed models, wire-form dicts or informer tombstones (`DeletedFinalStateUnknown`, unwrapped to the
last known state). References are returned as wire-form dicts (`{"apiVersion", "kind", "name", "uid", ...}`), which
typed models accept through `OwnerReference.from_dict` / `ObjectReference.from_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["InvalidReferenceError", "get_controller_of", "get_reference", "is_controlled_by", "owner_reference"]


class InvalidReferenceError(ValueError):
    """The object lacks what a reference needs (kind, apiVersion, name or uid); the message names it."""


def _unwrap(obj: Any) -> Mapping[str, Any]:
    # A tombstone from a relist carries the last known state in `.obj` (client-go callers unwrap it by hand).
    if not isinstance(obj, Mapping) and hasattr(obj, "key") and hasattr(obj, "obj"):
        obj = obj.obj
        if obj is None:
            raise InvalidReferenceError("the tombstone carries no last known object")
    if isinstance(obj, Mapping):
        return obj
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        data: Mapping[str, Any] = to_dict()
        return data
    raise InvalidReferenceError(f"cannot reference a {type(obj).__name__}: not a Kubernetes object")


def _type_meta(data: Mapping[str, Any], kind: str | None, api_version: str | None) -> tuple[str, str]:
    k = kind or str(data.get("kind") or "")
    v = api_version or str(data.get("apiVersion") or "")
    name = (data.get("metadata") or {}).get("name", "")
    if not k or not v:
        missing = " and ".join(w for w, val in (("kind", k), ("apiVersion", v)) if not val)
        raise InvalidReferenceError(f"object {name!r} has no {missing}; pass kind= / api_version=")
    return k, v


def owner_reference(
    owner: Any,
    *,
    controller: bool = True,
    block_owner_deletion: bool = True,
    kind: str | None = None,
    api_version: str | None = None,
) -> dict[str, Any]:
    """An OwnerReference to `owner` (metav1.NewControllerRef when `controller`): the owner needs a name and a UID,
    so pass an object read from the server."""
    data = _unwrap(owner)
    k, v = _type_meta(data, kind, api_version)
    meta = data.get("metadata") or {}
    name, uid = meta.get("name"), meta.get("uid")
    if not name or not uid:
        raise InvalidReferenceError(
            f"{k} {name!r} has no {'uid' if name else 'name'}: read the owner from the server first"
        )
    return {
        "apiVersion": v,
        "kind": k,
        "name": name,
        "uid": uid,
        "controller": controller,
        "blockOwnerDeletion": block_owner_deletion,
    }


def _owner_refs(obj: Any) -> list[Mapping[str, Any]]:
    refs = (_unwrap(obj).get("metadata") or {}).get("ownerReferences") or []
    return [r for r in refs if isinstance(r, Mapping)]


def get_controller_of(obj: Any) -> dict[str, Any] | None:
    """The owner reference with `controller: true` (at most one is allowed), or None."""
    for ref in _owner_refs(obj):
        if ref.get("controller") is True:
            return dict(ref)
    return None


def is_controlled_by(obj: Any, owner: Any) -> bool:
    """Whether `obj`'s controller reference points at `owner`, compared by UID (metav1.IsControlledBy)."""
    ref = get_controller_of(obj)
    uid = (_unwrap(owner).get("metadata") or {}).get("uid")
    return ref is not None and bool(uid) and ref.get("uid") == uid


def get_reference(obj: Any, *, kind: str | None = None, api_version: str | None = None) -> dict[str, Any]:
    """An ObjectReference to `obj` (tools/reference.GetReference): kind, apiVersion, name, namespace, uid and
    resourceVersion, the empty ones left out. An ObjectReference given in is returned as it is."""
    data = _unwrap(obj)
    if "metadata" not in data and "kind" in data and "name" in data:
        return dict(data)  # already a reference
    k, v = _type_meta(data, kind, api_version)
    meta = data.get("metadata") or {}
    ref = {
        "kind": k,
        "apiVersion": v,
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
        "uid": meta.get("uid"),
        "resourceVersion": meta.get("resourceVersion"),
    }
    return {key: value for key, value in ref.items() if value}
