"""RESTMapper: kinds ↔ resources, from what discovery serves (client-go restmapper + kubectl's shortcut expansion).

    mapper.resource_for("deploy")            → GVR("apps", "v1", "deployments")
    mapper.resource_for("deployments.apps")  → the same; "deployment.v1.apps" pins the version
    mapper.kind_for(GVR("apps", "v1", "deployments")) → GVK("apps", "v1", "Deployment")

`RESTMapper(discovery_client)` is deferred: it asks discovery on first use and refreshes once on a miss.

A name may be a plural, singular, short name or kind (case-insensitive), optionally qualified as
`name.group` or `name.version.group`. Candidates are ranked like client-go's PriorityRESTMapper: groups in discovery
order (the core group first, built-in groups before custom ones), and each group's preferred version first. When the
best candidates come from more than one custom group, the name is ambiguous and must be qualified.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kubeclient.apidocs.model import GroupInfo, Resource
from kubeclient.schema import GVK, GVR

__all__ = ["AmbiguousResourceError", "NoMatchError", "RESTMapper", "RESTMapping"]


class NoMatchError(LookupError):
    """No served resource or kind matches the name."""


class AmbiguousResourceError(LookupError):
    """The name matches resources in several groups; `candidates` lists them."""

    def __init__(self, name: str, candidates: list[GVR]) -> None:
        self.candidates = candidates
        listed = ", ".join(
            f"{c.resource}.{c.version}.{c.group}" if c.group else f"{c.resource}.{c.version}" for c in candidates
        )
        super().__init__(f"{name!r} matches more than one resource: {listed}; qualify it as <resource>.<group>")


@dataclass(frozen=True)
class RESTMapping:
    resource: GVR
    kind: GVK
    namespaced: bool

    @property
    def scope(self) -> str:
        return "namespace" if self.namespaced else "root"


def _is_builtin(group: str) -> bool:
    return group == "" or group.endswith(".k8s.io") or "." not in group


class RESTMapper:
    """Kinds ↔ resources from discovery facts: `RESTMapper(groups, resources)`, or `RESTMapper(discovery_client)`.

    Given a discovery client the mapper is deferred (client-go's DeferredDiscoveryRESTMapper): it asks discovery on
    first use, and a name or kind it does not know makes it refresh discovery once and look again, so a CRD created
    after start-up resolves without a new mapper. The same unknown name refreshes at most once per `miss_ttl`
    seconds. `reset()` forgets what it knows (the next lookup asks discovery again).
    """

    def __init__(
        self,
        groups: Iterable[GroupInfo] | Any,
        resources: Iterable[Resource] | None = None,
        *,
        miss_ttl: float = 10.0,
    ) -> None:
        self._discovery: Any = None
        self._lock = threading.RLock()
        self._misses: dict[str, float] = {}
        self.miss_ttl = miss_ttl
        self._loaded = False
        if resources is None:
            if not callable(getattr(groups, "server_groups_and_resources", None)):
                raise TypeError(
                    f"RESTMapper takes (groups, resources) or a discovery client, not a {type(groups).__name__} alone"
                )
            self._discovery = groups
        else:
            self._load(groups, resources)

    def _load(self, groups: Iterable[GroupInfo], resources: Iterable[Resource]) -> None:
        self._groups = list(groups)
        self._resources = [r for r in resources if "/" not in r.plural]
        order = {g.name: i for i, g in enumerate(self._groups)}
        prefs = {g.name: list(g.versions) for g in self._groups}

        def rank(r: Resource) -> tuple[int, int, int]:
            versions = prefs.get(r.group, [])
            vrank = versions.index(r.version) if r.version in versions else len(versions)
            return (0 if _is_builtin(r.group) else 1, order.get(r.group, len(order)), vrank)

        self._resources.sort(key=rank)
        self._rank = rank
        self._loaded = True

    def _fetch(self) -> None:
        found = self._discovery.server_groups_and_resources()
        if inspect.isawaitable(found):
            close = getattr(found, "close", None)
            if callable(close):
                close()
            raise TypeError(
                "a deferred RESTMapper needs a synchronous DiscoveryClient; with an AsyncDiscoveryClient use "
                "RESTMapper(*await discovery.server_groups_and_resources())"
            )
        groups, resources = found
        self._load(groups, resources)

    def _ensure(self) -> None:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._fetch()

    def _refreshed_for(self, name: str) -> bool:
        """After a miss on `name`: refresh discovery (once per miss_ttl for the same name); True when it did."""
        if self._discovery is None:
            return False
        with self._lock:
            now = time.monotonic()
            last = self._misses.get(name)
            if last is not None and now - last < self.miss_ttl:
                return False
            self._misses[name] = now
            invalidate = getattr(self._discovery, "invalidate", None)
            if callable(invalidate):
                invalidate()
            self._fetch()
            return True

    def reset(self) -> None:
        """Forget the discovery facts: the next lookup asks the discovery client again (deferred mappers only)."""
        if self._discovery is None:
            return
        with self._lock:
            invalidate = getattr(self._discovery, "invalidate", None)
            if callable(invalidate):
                invalidate()
            self._loaded = False
            self._misses.clear()

    @classmethod
    def from_discovery(cls, discovery: object) -> RESTMapper:
        """From anything with `server_groups_and_resources()` returning (groups, resources), fetched now."""
        groups, resources = discovery.server_groups_and_resources()  # type: ignore[attr-defined]
        return cls(groups, resources)

    def _candidates(self, name: str) -> list[Resource]:
        self._ensure()
        found = self._match(name)
        if not found and self._refreshed_for(f"name:{name.lower()}"):
            found = self._match(name)
        return found

    def _match(self, name: str) -> list[Resource]:
        lowered = name.lower()
        parts = lowered.split(".")
        tries: list[tuple[str, str | None, str | None]] = [(lowered, None, None)]
        if len(parts) >= 2:
            tries.append((parts[0], None, ".".join(parts[1:])))
        if len(parts) >= 3:
            tries.append((parts[0], parts[1], ".".join(parts[2:])))
        for base, version, group in tries:
            found = [
                r
                for r in self._resources
                if (group is None or r.group == group)
                and (version is None or r.version == version)
                and base in (r.plural, r.singular.lower(), r.kind.lower(), *r.short_names)
            ]
            if found:
                return found
        return []

    def resources_for(self, name: str) -> list[GVR]:
        """Every resource the name could mean, best first."""
        return [r.gvr for r in self._candidates(name)]

    def resource_for(self, name: str) -> GVR:
        return self._best(name).gvr

    def rest_mapping_for(self, name: str) -> RESTMapping:
        r = self._best(name)
        return RESTMapping(r.gvr, r.gvk, r.namespaced)

    def _best(self, name: str) -> Resource:
        found = self._candidates(name)
        if not found:
            raise NoMatchError(f"the server doesn't have a resource type {name!r}")
        best = found[0]
        if not _is_builtin(best.group):
            rivals = {r.group for r in found if self._rank(r)[0] == 1 and r.group != best.group}
            if rivals:
                raise AmbiguousResourceError(name, [r.gvr for r in found])
        return best

    def kind_for(self, gvr: GVR) -> GVK:
        self._ensure()
        for attempt in (0, 1):
            for r in self._resources:
                if r.group == gvr.group and r.plural == gvr.resource and (not gvr.version or r.version == gvr.version):
                    return r.gvk
            if attempt or not self._refreshed_for(f"gvr:{gvr}"):
                break
        raise NoMatchError(f"no kind is registered for the resource {gvr}")

    def rest_mapping(self, gvk: GVK) -> RESTMapping:
        """The resource serving a kind; an empty version picks the group's preferred one."""
        self._ensure()
        for attempt in (0, 1):
            for r in self._resources:
                if r.group == gvk.group and r.kind == gvk.kind and (not gvk.version or r.version == gvk.version):
                    return RESTMapping(r.gvr, r.gvk, r.namespaced)
            if attempt or not self._refreshed_for(f"gvk:{gvk}"):
                break
        raise NoMatchError(f'no matches for kind "{gvk.kind}" in version "{gvk.api_version}"')

    def resources_for_category(self, category: str) -> list[GVR]:
        """kubectl's `get all`: each member of the category once, at its preferred version."""
        self._ensure()
        seen: set[tuple[str, str]] = set()
        out = []
        for r in self._resources:
            if category in r.categories and (r.group, r.plural) not in seen:
                seen.add((r.group, r.plural))
                out.append(r.gvr)
        return out
