"""What a cluster serves, as plain facts: group-versions, resources, their subresources and kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kubeclient.schema import GVK, GVR, GroupVersion


@dataclass(frozen=True)
class Subresource:
    """A subresource of a resource ("status", "scale", "eviction", ...).

    `kind` is the kind the server answers with (discovery's responseKind); the kinds each verb takes and returns
    come from the OpenAPI operations (e.g. pods/eviction: POST takes and returns policy/v1 Eviction).
    """

    name: str
    kind: GVK | None
    verbs: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One served resource of one group-version, as discovery lists it."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: Mapping[str, Subresource] = field(default_factory=dict)

    @property
    def gvr(self) -> GVR:
        return GVR(self.group, self.version, self.plural)

    @property
    def gvk(self) -> GVK:
        return GVK(self.group, self.version, self.kind)

    @property
    def group_version(self) -> GroupVersion:
        return GroupVersion(self.group, self.version)

    @property
    def scope(self) -> str:
        return "Namespaced" if self.namespaced else "Cluster"


@dataclass(frozen=True)
class GroupInfo:
    """A served API group; `versions` are in the server's preference order (the first is preferred)."""

    name: str
    versions: tuple[str, ...]

    @property
    def preferred_version(self) -> str:
        return self.versions[0]
