"""Waiting until CustomResourceDefinitions are served: Established, in discovery, and in the OpenAPI v3 documents.

kube-apiserver establishes a CRD first and publishes the rest asynchronously: its aggregated discovery entry and its
OpenAPI v3 document appear (or are updated with the new kind) up to a few seconds later. A generator or a test that
reads those right after creating a CRD must wait for all three, which is what `wait_for_crds` does. The checks are
pure functions over the documents, so the sync and asyncio loops and the fake server's tests share them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubeclient.discovery.core import AGGREGATED_ACCEPT
from kubeclient.errors import StatusError

CRD_PATH = ("apis", "apiextensions.k8s.io", "v1", "customresourcedefinitions")
POLL_INTERVAL = 0.1


class CRDNotReadyError(TimeoutError):
    """The CRDs were not all served before the deadline; the message says what was still missing."""


@dataclass(frozen=True)
class ServedKind:
    """One served version of a CRD: what discovery and the OpenAPI documents must show."""

    crd: str
    group: str
    version: str
    plural: str
    kind: str

    @property
    def openapi_path(self) -> str:
        return f"apis/{self.group}/{self.version}"

    def __str__(self) -> str:
        return f"{self.plural}.{self.group}/{self.version}"


def served_kinds(crd: Mapping[str, Any]) -> list[ServedKind]:
    """The served versions of a CRD manifest or object."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    name = str((crd.get("metadata") or {}).get("name", ""))
    return [
        ServedKind(
            name,
            str(spec.get("group", "")),
            str(v.get("name", "")),
            str(names.get("plural", "")),
            str(names.get("kind", "")),
        )
        for v in spec.get("versions") or []
        if v.get("served", True)
    ]


def establishment_problem(crd: Mapping[str, Any]) -> str | None:
    """None when the CRD is Established; else why not (a NamesAccepted=False message is final)."""
    conditions = {c.get("type"): c for c in (crd.get("status") or {}).get("conditions") or []}
    names = conditions.get("NamesAccepted")
    if names is not None and names.get("status") == "False":
        raise ValueError(f"{crd['metadata']['name']}: names not accepted: {names.get('message', '')}")
    established = conditions.get("Established")
    if established is None or established.get("status") != "True":
        return "not Established yet"
    return None


def missing_from_discovery(aggregated: Mapping[str, Any], kinds: Iterable[ServedKind]) -> list[ServedKind]:
    """The kinds that an aggregated discovery document (`/apis`, APIGroupDiscoveryList) does not list yet."""
    present: set[tuple[str, str, str]] = set()
    for group in aggregated.get("items") or []:
        group_name = (group.get("metadata") or {}).get("name", "")
        for version in group.get("versions") or []:
            for resource in version.get("resources") or []:
                present.add((group_name, version.get("version", ""), resource.get("resource", "")))
    return [k for k in kinds if (k.group, k.version, k.plural) not in present]


def openapi_has_kind(document: Mapping[str, Any], kind: ServedKind) -> bool:
    """Whether a group-version OpenAPI v3 document carries the schema of `kind` (by its GVK extension)."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    wanted = {"group": kind.group, "version": kind.version, "kind": kind.kind}
    for schema in schemas.values():
        for gvk in (schema or {}).get("x-kubernetes-group-version-kind") or []:
            if {k: gvk.get(k) for k in wanted} == wanted:
                return True
    return False


def wait_for_crds(config: Any, crds: Sequence[Mapping[str, Any]], *, timeout: float = 60.0) -> None:
    """Block until every CRD in `crds` (manifests or objects; by name) is Established, listed by aggregated
    discovery and present in its group-version's OpenAPI v3 document. Raises CRDNotReadyError naming what was
    still missing at the deadline, ValueError when a CRD's names are refused, NotFoundError when one does not exist.
    """
    from kubeclient.rest import RESTClient

    kinds = [kind for crd in crds for kind in served_kinds(crd)]
    names = sorted({k.crd for k in kinds})
    deadline = time.monotonic() + timeout
    problems: list[str] = []
    with RESTClient.for_config(config) as rest:
        while True:
            problems = _problems(rest, names, kinds)
            if not problems:
                return
            if time.monotonic() >= deadline:
                raise CRDNotReadyError(f"CRDs not served after {timeout:g} s: {'; '.join(problems)}")
            time.sleep(POLL_INTERVAL)


def _problems(rest: Any, names: Sequence[str], kinds: Sequence[ServedKind]) -> list[str]:
    problems: list[str] = []
    for name in names:
        crd = rest.get().abs_path(*CRD_PATH, name).do().json()  # a NotFoundError names the CRD
        problem = establishment_problem(crd)
        if problem:
            problems.append(f"{name}: {problem}")
    if problems:
        return problems
    discovery = rest.get().abs_path("apis").set_header("Accept", AGGREGATED_ACCEPT).do().json()
    problems += [f"{k}: not in discovery yet" for k in missing_from_discovery(discovery, kinds)]
    index = rest.get().abs_path("openapi", "v3").do().json()
    paths = index.get("paths") or {}
    for kind in kinds:
        entry = paths.get(kind.openapi_path)
        if entry is None:
            problems.append(f"{kind}: no OpenAPI v3 document yet")
            continue
        target, _, query = str(entry.get("serverRelativeURL") or f"/openapi/v3/{kind.openapi_path}").partition("?")
        request = rest.get().abs_path(*target.strip("/").split("/"))
        for pair in filter(None, query.split("&")):
            key, _, value = pair.partition("=")
            request = request.param(key, value)
        try:
            document = request.do().json()
        except StatusError as err:
            problems.append(f"{kind}: OpenAPI v3 document not readable yet ({err})")
            continue
        if not openapi_has_kind(document, kind):
            problems.append(f"{kind}: OpenAPI v3 document lacks kind {kind.kind} yet")
    return problems
