"""Every naming decision kubegen makes, as pure functions (client-go's names, spelled the Python way).

- Group packages follow client-go: the core group is `core`; a built-in `*.k8s.io` group uses its first DNS label
  (`rbac.authorization.k8s.io` → `rbac`, `flowcontrol.apiserver.k8s.io` → `flowcontrol`) except
  `internal.apiserver.k8s.io`, whose Go package is `apiserverinternal`; any other group is its full name with dots and
  dashes as underscores (`cert-manager.io` → `cert_manager_io`, `apps` → `apps`).
- Group-version attributes are client-go's clientset fields in snake_case: `CoreV1` → `core_v1`, `RbacV1` →
  `rbac_v1`, `InternalV1alpha1` → `internal_v1alpha1` (the field uses the first label, not the Go package).
- Resource accessors are the kind's plural in snake_case (`persistent_volume_claims`, `endpoint_slices`).
- Generic verbs are printed in client-gen's order; subresource methods are `<verb>_<subresource>`.
"""

from __future__ import annotations

import keyword
import re

__all__ = [
    "CLIENT_GEN_VERB_ORDER",
    "GENERIC_METHODS",
    "class_prefix",
    "generic_methods",
    "group_package",
    "group_version_attribute",
    "is_builtin_group",
    "pascal_case",
    "resource_accessor",
    "safe_identifier",
    "snake_case",
    "subresource_method",
    "version_module",
]

# client-gen's verb order (code-generator/cmd/client-gen/generators/util/tags.go).
CLIENT_GEN_VERB_ORDER = (
    "create",
    "update",
    "updateStatus",
    "delete",
    "deleteCollection",
    "get",
    "list",
    "watch",
    "patch",
    "apply",
    "applyStatus",
)

# The Python methods of the generic ResourceClient, in client-gen's order; list_all rides on list.
GENERIC_METHODS = (
    "create",
    "update",
    "update_status",
    "delete",
    "delete_collection",
    "get",
    "list",
    "list_all",
    "watch",
    "patch",
    "apply",
    "apply_status",
)

# Groups whose Go package is not the first DNS label (k8s.io/api/apiserverinternal serves internal.apiserver.k8s.io).
_PACKAGE_EXCEPTIONS = {"internal.apiserver.k8s.io": "apiserverinternal"}

# Built-in groups without a ".k8s.io" suffix (the legacy names of the early API groups).
_LEGACY_BUILTIN_GROUPS = frozenset({"", "apps", "autoscaling", "batch", "policy", "extensions"})

# Subresource names that are several words run together on the wire.
_SUBRESOURCE_WORDS = {"ephemeralcontainers": "ephemeral_containers", "portforward": "port_forward"}

_CAMEL_BOUNDARY_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_BOUNDARY_2 = re.compile(r"([a-z0-9])([A-Z])")
_NON_IDENT = re.compile(r"[^0-9A-Za-z_]")


def is_builtin_group(group: str) -> bool:
    """A group the Kubernetes project itself serves (the core group, the legacy names and `*.k8s.io`)."""
    return group in _LEGACY_BUILTIN_GROUPS or group.endswith(".k8s.io")


def group_package(group: str) -> str:
    """The Python package of an API group, as client-go names its Go package."""
    if group == "":
        return "core"
    if group in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[group]
    if group.endswith(".k8s.io") or group in _LEGACY_BUILTIN_GROUPS:
        return safe_identifier(group.split(".", 1)[0].replace("-", "_"))
    return safe_identifier(group.replace(".", "_").replace("-", "_"))


def version_module(version: str) -> str:
    """The module name of a version ("v1", "v1beta1"); versions are already identifiers, others are made so."""
    return safe_identifier(_NON_IDENT.sub("_", version))


def group_version_attribute(group: str, version: str) -> str:
    """The clientset attribute of a group-version: client-go's field name (`CoreV1`, `RbacV1`) in snake_case."""
    if group == "":
        prefix = "core"
    elif group.endswith(".k8s.io") or group in _LEGACY_BUILTIN_GROUPS:
        prefix = group.split(".", 1)[0].replace("-", "_")
    else:
        prefix = group.replace(".", "_").replace("-", "_")
    return safe_identifier(f"{prefix}_{version_module(version)}".lower())


def class_prefix(group: str, version: str) -> str:
    """The CamelCase prefix of a group-version's classes (`CoreV1`, `CertManagerIoV1`)."""
    return pascal_case(group_version_attribute(group, version))


def snake_case(name: str) -> str:
    """CamelCase → snake_case keeping acronyms together: `PersistentVolumeClaims` → `persistent_volume_claims`,
    `APIServices` → `api_services`, `CSINodes` → `csi_nodes`."""
    out = _CAMEL_BOUNDARY_1.sub(r"\1_\2", name)
    out = _CAMEL_BOUNDARY_2.sub(r"\1_\2", out)
    return _NON_IDENT.sub("_", out).strip("_").lower()


def pascal_case(name: str) -> str:
    """snake_case, kebab-case, dotted or camelCase → PascalCase (`cert-manager.io` → `CertManagerIo`)."""
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", name) if p]
    return "".join(p[0].upper() + p[1:] for p in parts)


def safe_identifier(name: str) -> str:
    """A Python identifier: a trailing underscore for keywords and builtins-shadowing soft keywords, a leading
    underscore for names starting with a digit."""
    if not name:
        raise ValueError("empty name")
    if name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def _plural_of(kind: str) -> str:
    # gengo's namer pluralization rules, used when discovery gives a plural that does not spell the kind.
    lower = kind.lower()
    if lower.endswith(("s", "sh", "ch", "x", "z")):
        return kind + "es"
    if lower.endswith("y") and len(kind) > 1 and lower[-2] not in "aeiou":
        return kind[:-1] + "ies"
    return kind + "s"


def resource_accessor(kind: str, plural: str) -> str:
    """The accessor of a resource on its group-version client: the kind's plural in snake_case.

    The plural comes from discovery when it spells the kind (`persistentvolumeclaims` ↔ `PersistentVolumeClaim`
    gives `persistent_volume_claims`); otherwise the kind is pluralized the way client-gen does (`Endpoints` stays
    `endpoints`) — and, for resources without a kind, the wire plural is used as it is.
    """
    if not kind:
        return safe_identifier(snake_case(plural.replace("-", "_")))
    lower_plural = plural.lower()
    kind_lower = kind.lower()
    if lower_plural.startswith(kind_lower):
        suffix = plural[len(kind) :]
        return safe_identifier(snake_case(kind) + suffix.lower())
    if kind_lower.endswith("y") and lower_plural == kind_lower[:-1] + "ies":
        return safe_identifier(snake_case(kind[:-1] + "ies"))
    return safe_identifier(snake_case(_plural_of(kind)))


def subresource_word(subresource: str) -> str:
    """A subresource's name as a snake_case word (`ephemeralcontainers` → `ephemeral_containers`)."""
    return _SUBRESOURCE_WORDS.get(subresource, snake_case(subresource.replace("-", "_").replace("/", "_")))


def subresource_method(verb: str, subresource: str) -> str:
    """The typed method of a subresource verb: `get_scale`, `update_scale`, `patch_scale`, `create_eviction`,
    `update_ephemeral_containers`, `update_approval`, `update_finalize`, `get_log`."""
    return safe_identifier(f"{verb}_{subresource_word(subresource)}")


def generic_methods(verbs: tuple[str, ...] | frozenset[str], subresources: frozenset[str]) -> tuple[str, ...]:
    """The generic ResourceClient methods a resource offers, from its discovery verbs, in client-gen's order.

    update_status / apply_status need a `status` subresource (and update / patch on the resource itself);
    list_all needs list; apply needs patch (server-side apply is a PATCH).
    """
    v = set(verbs)
    has_status = "status" in subresources
    wanted = {
        "create": "create" in v,
        "update": "update" in v,
        "update_status": has_status and "update" in v,
        "delete": "delete" in v,
        "delete_collection": "deletecollection" in v,
        "get": "get" in v,
        "list": "list" in v,
        "list_all": "list" in v,
        "watch": "watch" in v,
        "patch": "patch" in v,
        "apply": "patch" in v,
        "apply_status": has_status and "patch" in v,
    }
    return tuple(m for m in GENERIC_METHODS if wanted[m])
