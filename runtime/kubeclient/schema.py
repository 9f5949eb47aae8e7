"""Group/version/kind/resource names (k8s.io/apimachinery/pkg/runtime/schema)."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["GVK", "GVR", "GroupVersion", "api_path_prefix", "parse_api_version"]


class GroupVersion(NamedTuple):
    group: str
    version: str

    @property
    def api_version(self) -> str:
        """The apiVersion string: "v1" for the core group, "apps/v1" otherwise."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def __str__(self) -> str:
        return self.api_version


class GVR(NamedTuple):
    """GroupVersionResource; the resource is the lower-case plural ("deployments")."""

    group: str
    version: str
    resource: str

    @property
    def group_version(self) -> GroupVersion:
        return GroupVersion(self.group, self.version)

    def __str__(self) -> str:
        gv = f"{self.group}/{self.version}" if self.group else self.version
        return f"{gv}, Resource={self.resource}"


class GVK(NamedTuple):
    """GroupVersionKind."""

    group: str
    version: str
    kind: str

    @property
    def group_version(self) -> GroupVersion:
        return GroupVersion(self.group, self.version)

    @property
    def api_version(self) -> str:
        return self.group_version.api_version

    def __str__(self) -> str:
        return f"{self.api_version}, Kind={self.kind}"


def parse_api_version(api_version: str) -> GroupVersion:
    """ "apps/v1" → ("apps", "v1"); "v1" → ("", "v1")."""
    if api_version.count("/") > 1 or not api_version or api_version.startswith("/") or api_version.endswith("/"):
        raise ValueError(f"unexpected apiVersion {api_version!r}: want 'version' or 'group/version'")
    group, _, version = api_version.rpartition("/")
    return GroupVersion(group, version)


def api_path_prefix(group: str, version: str) -> str:
    """ "/api/v1" for the core group, "/apis/<group>/<version>" otherwise."""
    return f"/api/{version}" if not group else f"/apis/{group}/{version}"
