"""Discovery without I/O: which documents to ask for, and what their answers mean (client-go discovery).

A `Fetch` callable does the I/O: given a path and an Accept header it returns (status code, content type, body).
The sync client calls it from a thread pool, the async one awaits it; the decisions live here once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubeclient.apidocs.discovery_docs import parse_aggregated, parse_group_list, parse_resource_list
from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.errors import ApiError, error_from_response

AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)
JSON_ACCEPT = "application/json, */*"

Fetch = Callable[[str, str], tuple[int, str, bytes]]


class GroupDiscoveryFailedError(ApiError):
    """Some group-versions could not be discovered; `groups` and `resources` hold what could."""

    def __init__(self, failed: Mapping[str, BaseException], groups: list[GroupInfo], resources: list[Resource]) -> None:
        self.failed = dict(failed)
        self.groups = groups
        self.resources = resources
        detail = ", ".join(f"{gv}: {err}" for gv, err in sorted(self.failed.items()))
        super().__init__(f"unable to retrieve the complete list of server APIs: {detail}")


class StaleGroupVersionError(ApiError):
    """Aggregated discovery marked the group-version Stale (its aggregated API server is not answering)."""


def is_aggregated(content_type: str) -> bool:
    params = {p.strip() for p in content_type.split(";")}
    return "as=APIGroupDiscoveryList" in params and "g=apidiscovery.k8s.io" in params


def group_version_path(gv: str) -> str:
    return f"/apis/{gv}" if "/" in gv else f"/api/{gv}"


@dataclass
class Discovered:
    """The result of one discovery round: groups, resources, failures, and the versions still to fetch (legacy)."""

    groups: list[GroupInfo] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    failed: dict[str, BaseException] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)
    aggregated: bool = False


def _decode(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ApiError(f"{what}: the server sent a body that is not JSON ({exc})") from None


def interpret_root(path: str, answer: tuple[int, str, bytes], into: Discovered) -> None:
    """Fold the answer to GET /api or /apis into `into` (aggregated: everything; legacy: groups + pending)."""
    status, content_type, body = answer
    if status == 404 and path == "/api":
        return  # servers without the legacy core group
    if status >= 300:
        raise error_from_response(status, body, method="GET")
    doc = _decode(body, path)
    if is_aggregated(content_type):
        into.aggregated = True
        groups, resources, stale = parse_aggregated(doc, path)
        into.groups += groups
        into.resources += resources
        for gv in stale:
            into.failed[gv] = StaleGroupVersionError(f"{gv}: aggregated discovery reports it Stale")
        return
    groups = parse_group_list(doc, path)
    into.groups += groups
    for g in groups:
        into.pending += [f"{g.name}/{v}" if g.name else v for v in g.versions]


def interpret_group_version(gv: str, answer: tuple[int, str, bytes]) -> list[Resource]:
    status, _, body = answer
    if status >= 300:
        raise error_from_response(status, body, method="GET")
    return parse_resource_list(_decode(body, group_version_path(gv)), group_version_path(gv))


def preferred_resources(groups: list[GroupInfo], resources: list[Resource]) -> list[Resource]:
    """Each group's preferred version only, subresources left out (ServerPreferredResources)."""
    preferred = {g.name: g.preferred_version for g in groups if g.versions}
    return [r for r in resources if preferred.get(r.group) == r.version and "/" not in r.plural]
