"""Subresources whose update writes only part of the object: pods/ephemeralcontainers, pods/resize and
namespaces/finalize. Their registries' PrepareForUpdate keep the live object and take a few fields from the body
(pkg/registry/core/pod/strategy.go dropNonEphemeralContainerUpdates / dropNonResizeUpdates, namespace strategy.go)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kubeclient.apidocs import Resource
from kubeclient.testing.defaults import container_defaults
from kubeclient.testing.status import Cause, bad_request, invalid

PARTIAL = frozenset({("", "pods", "ephemeralcontainers"), ("", "pods", "resize"), ("", "namespaces", "finalize")})


def is_partial(res: Resource, subresource: str) -> bool:
    return (res.group, res.plural, subresource) in PARTIAL


def _spec(obj: Mapping[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec")
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise bad_request("spec: expected an object")
    return spec


def partial_update(res: Resource, subresource: str, live: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The object an update of `subresource` stores: `live` with only the fields that subresource changes."""
    key = (res.group, res.plural, subresource)
    if key == ("", "namespaces", "finalize"):
        # The finalize strategy takes the body (spec.finalizers is what it is for) and keeps the live status.
        out = dict(new)
        if "status" in live:
            out["status"] = copy.deepcopy(live["status"])
        else:
            out.pop("status", None)
        return out
    out = copy.deepcopy(live)
    if key == ("", "pods", "ephemeralcontainers"):
        _ephemeral_containers(out, new)
    elif key == ("", "pods", "resize"):
        _resize(out, new)
    return out


def _ephemeral_containers(out: dict[str, Any], new: Mapping[str, Any]) -> None:
    given = _spec(new).get("ephemeralContainers") or []
    if not isinstance(given, list) or not all(isinstance(c, dict) for c in given):
        raise bad_request("spec.ephemeralContainers: expected a list of objects")
    given = copy.deepcopy(given)
    for container in given:
        container_defaults(container)  # decoding defaults them before validation compares them with the live ones
    spec = out.setdefault("spec", {})
    causes: list[Cause] = []
    path = "spec.ephemeralContainers"
    for i, container in enumerate(given):
        for required in ("name", "image"):
            if not container.get(required):
                causes.append(Cause("FieldValueRequired", "Required value", f"{path}[{i}].{required}"))
    by_name = {c.get("name"): c for c in given}
    for old in spec.get("ephemeralContainers") or []:
        name = old.get("name")
        if name not in by_name:
            why = f'Forbidden: existing ephemeral containers "{name}" may not be removed'
            causes.append(Cause("FieldValueForbidden", why, path))
        elif by_name[name] != old:
            why = f'Forbidden: existing ephemeral containers "{name}" may not be changed'
            causes.append(Cause("FieldValueForbidden", why, path))
    if causes:
        raise invalid("Pod", "", str(out["metadata"].get("name") or ""), causes)
    if given:
        spec["ephemeralContainers"] = given
    else:
        spec.pop("ephemeralContainers", None)


def _resize(out: dict[str, Any], new: Mapping[str, Any]) -> None:
    spec = out.setdefault("spec", {})
    for key in ("initContainers", "containers"):
        given = {c.get("name"): c for c in _spec(new).get(key) or [] if isinstance(c, dict)}
        for container in spec.get(key) or []:
            changed = given.get(container.get("name"))
            if changed is None:
                continue
            container["resources"] = copy.deepcopy(changed.get("resources") or {})
            if changed.get("resizePolicy"):
                container["resizePolicy"] = copy.deepcopy(changed["resizePolicy"])
            else:
                container.pop("resizePolicy", None)
