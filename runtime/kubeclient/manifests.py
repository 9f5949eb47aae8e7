"""Applying and deleting manifests: what `kubectl apply -f` / `kubectl delete -f` (and the official client's
`create_from_yaml`) do, with server-side apply.

    results = manifests.apply(cfg, ["crds/", "app.yaml"], field_manager="deployer")
    for r in results: print(r)                 # "deployment.apps/web created", "... unchanged", "... failed: ..."
    manifests.delete(cfg, "app.yaml")
    python -m kubeclient apply -f crds/ -f app.yaml [-n NS] [--dry-run] [--field-manager NAME]

Sources are files, directories (their *.yaml, *.yml and *.json files, sorted, not recursive — kubectl's default) or
manifest text; each may hold several YAML documents or a JSON object, and `List` kinds (v1 List, *List with
`items`) are expanded. Order: CustomResourceDefinitions first, then Namespaces, then everything else in the order
given; a CRD applied here is waited for (Established and served by discovery) before objects of its kinds are
mapped. Kinds are resolved through discovery and the RESTMapper (one refresh when a kind is unknown). Each object is
server-side applied with `field_manager` (`force` takes over fields other managers own, as
`--force-conflicts`); its result says `created`, `configured` (the object changed) or `unchanged` (it reads the same
before and after, resourceVersion and managedFields aside), or `failed` with the error. One bad document does not
stop the rest unless `stop_on_error`. `delete` removes the same objects in reverse order (Background propagation);
an object already gone is `not found`, not an error.

Namespaced objects without a namespace go to `namespace` (else the config's); an object naming another namespace
than an explicitly given `namespace` fails, as in kubectl. Results come in the order the objects were applied.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from kubeclient.discovery import AsyncDiscoveryClient, DiscoveryClient, RESTMapper
from kubeclient.discovery.restmapper import NoMatchError, RESTMapping
from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
from kubeclient.errors import is_not_found
from kubeclient.schema import GVK, GVR
from kubeclient.wait import as_dict

__all__ = [
    "Document",
    "ManifestError",
    "Result",
    "apply",
    "async_apply",
    "async_delete",
    "delete",
    "load",
    "ordered",
]

Source = str | os.PathLike[str]
Action = Literal["created", "configured", "unchanged", "deleted", "not found", "failed"]
EXTENSIONS = (".yaml", ".yml", ".json")
CRD_GROUP = "apiextensions.k8s.io"
DEFAULT_FIELD_MANAGER = "kubeclient"
_CRDS = GVR(CRD_GROUP, "v1", "customresourcedefinitions")

try:  # the C loader parses the large CRDs (gateway-api: 13k lines) several times faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


class ManifestError(ValueError):
    """A source that cannot be read or a document that is not an object; the message names the file/document."""


@dataclass(frozen=True)
class Document:
    """One object of the manifests; `source` names where it came from ("app.yaml#2" = third document)."""

    source: str
    obj: dict[str, Any]
    problem: str = ""  # why the document cannot be sent (not an object, no kind...); its result is `failed`

    @property
    def gvk(self) -> GVK:
        group, _, version = str(self.obj.get("apiVersion", "")).rpartition("/")
        return GVK(group, version, str(self.obj.get("kind", "")))

    @property
    def name(self) -> str:
        return str((self.obj.get("metadata") or {}).get("name") or "")

    @property
    def is_crd(self) -> bool:
        return self.gvk.group == CRD_GROUP and self.gvk.kind == "CustomResourceDefinition"


@dataclass
class Result:
    """What happened to one object."""

    document: Document
    action: Action
    resource: str = ""  # "deployments.apps", once mapped
    namespace: str = ""
    error: BaseException | None = None
    object: dict[str, Any] | None = field(default=None, repr=False)
    kind_label: str = ""  # kubectl's "deployment.apps", once mapped

    @property
    def ok(self) -> bool:
        return self.action != "failed"

    def __str__(self) -> str:
        label = f"{self.kind_label or self.document.gvk.kind.lower()}/{self.document.name or '?'}"
        if self.error is not None:
            return f"{label} {self.action}: {self.error} [{self.document.source}]"
        return f"{label} {self.action}"


# --- reading ----------------------------------------------------------------------------------------------------


def _documents_of(text: str, source: str) -> list[Document]:
    stripped = text.lstrip()
    try:
        raw = [json.loads(text)] if stripped.startswith(("{", "[")) else list(yaml.load_all(text, Loader=_Loader))
    except (ValueError, yaml.YAMLError) as err:
        raise ManifestError(f"{source}: not valid YAML or JSON: {err}") from None
    if len(raw) == 1 and isinstance(raw[0], list):
        raw = raw[0]
    out: list[Document] = []
    for i, item in enumerate(raw):
        where = f"{source}#{i}" if len(raw) > 1 else source
        out.extend(_expand(item, where))
    return out


def _expand(item: Any, where: str) -> list[Document]:
    if item is None:
        return []  # an empty document between two `---`
    if not isinstance(item, dict):
        return [Document(where, {}, f"{where}: a document must be an object, not {type(item).__name__}")]
    kind = str(item.get("kind", ""))
    if kind.endswith("List") and isinstance(item.get("items"), list):
        return [d for j, sub in enumerate(item["items"]) for d in _expand(sub, f"{where}.items[{j}]")]
    missing = [k for k in ("apiVersion", "kind") if not item.get(k)]
    if not (item.get("metadata") or {}).get("name"):
        missing.append("metadata.name")  # server-side apply names its object: generateName cannot be applied
    problem = f"{where}: the object has no {', '.join(missing)}" if missing else ""
    return [Document(where, item, problem)]


def _is_text(source: str) -> bool:
    return "\n" in source or source.lstrip().startswith(("{", "[", "apiVersion:", "kind:", "---"))


def load(sources: Source | Iterable[Source], *, strict: bool = True) -> list[Document]:
    """The objects of files, directories and manifest text, in order (see the module docstring). A document that is
    not an object with apiVersion, kind and metadata.name raises ManifestError, or with `strict=False` comes back
    with its `problem` set. Unreadable files and YAML/JSON syntax errors always raise."""
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    out: list[Document] = []
    for source in sources:
        if isinstance(source, str) and _is_text(source):
            out.extend(_documents_of(source, "<text>"))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
        elif path.is_file():
            files = [path]
        else:
            raise ManifestError(f"{path}: no such file or directory")
        for f in files:
            out.extend(_documents_of(f.read_text(encoding="utf-8"), str(f)))
    if strict:
        for doc in out:
            if doc.problem:
                raise ManifestError(doc.problem)
    return out


def _check(doc: Document) -> None:
    if doc.problem:
        raise ManifestError(doc.problem)


def ordered(documents: Sequence[Document]) -> list[Document]:
    """CRDs first, then Namespaces, then the rest, each group in the order given (kubectl's apply order)."""

    def rank(d: Document) -> int:
        if d.is_crd:
            return 0
        return 1 if d.gvk.group == "" and d.gvk.kind == "Namespace" else 2

    return sorted(documents, key=rank)  # stable: keeps the given order within each rank


# --- the pure parts of one object's apply --------------------------------------------------------------------


def _singular(mapping: RESTMapping, kind: str) -> str:
    group = mapping.resource.group
    return kind.lower() + (f".{group}" if group else "")


def _target_namespace(doc: Document, mapping: RESTMapping, namespace: str | None, default: str) -> str:
    if not mapping.namespaced:
        return ""
    own = str((doc.obj.get("metadata") or {}).get("namespace") or "")
    if namespace and own and own != namespace:
        raise ManifestError(
            f"the namespace from the provided object {own!r} does not match the namespace {namespace!r}; "
            "you must pass --namespace to perform this operation"
        )
    return own or namespace or default


def _body(doc: Document, mapping: RESTMapping, ns: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(json.dumps(doc.obj))
    meta = body.setdefault("metadata", {})
    if mapping.namespaced:
        meta["namespace"] = ns
    else:
        meta.pop("namespace", None)  # kubectl drops a namespace on a cluster-scoped object
    return body


_VOLATILE = ("resourceVersion", "managedFields", "generation")


def _content(obj: Mapping[str, Any]) -> Any:
    data = dict(obj)
    data["metadata"] = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in _VOLATILE}
    return data


def _outcome(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Action:
    if before is None:
        return "created"
    # Content, not resourceVersion: kube-apiserver may write on a no-op apply (it records fields nobody owned as
    # "before-first-apply", or persists CRD defaults the stored object lacked), and kubectl calls that unchanged too.
    return "unchanged" if _content(before) == _content(after) else "configured"


def _crd_groups(documents: Iterable[Document]) -> set[str]:
    return {str((d.obj.get("spec") or {}).get("group", "")) for d in documents if d.is_crd}


def _crd_ready(crd: Mapping[str, Any]) -> bool:
    conditions = (crd.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)


# --- sync ----------------------------------------------------------------------------------------------------


class _Session:
    def __init__(self, cfg: Any, *, wait_timeout: float) -> None:
        self.cfg = cfg
        self.dyn = DynamicClient.for_config(cfg)
        self.discovery = DiscoveryClient.for_config(cfg, use_cache=False)
        self.mapper: RESTMapper | None = None
        self.wait_timeout = wait_timeout
        self.new_groups: set[str] = set()

    def close(self) -> None:
        self.dyn.close()
        self.discovery.close()

    def mapping(self, gvk: GVK) -> RESTMapping:
        deadline = time.monotonic() + self.wait_timeout
        refreshed = False
        while True:
            if self.mapper is None:
                self.mapper = RESTMapper.from_discovery(self.discovery)
            try:
                return self.mapper.rest_mapping(gvk)
            except NoMatchError:
                # A kind of a CRD applied in this run may take a moment to be served; anything else gets one refresh.
                waiting = gvk.group in self.new_groups and time.monotonic() < deadline
                if refreshed and not waiting:
                    raise
                refreshed = True
                self.discovery.invalidate()
                self.mapper = None
                if waiting:
                    time.sleep(0.2)

    def client(self, mapping: RESTMapping, ns: str) -> Any:
        c = self.dyn.resource(mapping.resource, kind=mapping.kind.kind, namespaced=mapping.namespaced)
        return c.namespace(ns) if mapping.namespaced else c

    def wait_established(self, names: Sequence[str]) -> None:
        from kubeclient.wait import poll_until

        crds = self.dyn.resource(_CRDS, namespaced=False)
        for name in names:

            def ready(n: str = name) -> bool:
                return _crd_ready(crds.get(n))

            poll_until(
                ready, interval=0.1, timeout=self.wait_timeout, what=f"CustomResourceDefinition {name} Established"
            )


def apply(
    cfg: Any,
    sources: Source | Iterable[Source],
    *,
    field_manager: str = DEFAULT_FIELD_MANAGER,
    namespace: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    stop_on_error: bool = False,
    wait_timeout: float = 60.0,
) -> list[Result]:
    """Server-side apply every object of `sources` (see the module docstring); one Result per object."""
    documents = ordered(load(sources, strict=False))
    session = _Session(cfg, wait_timeout=wait_timeout)
    results: list[Result] = []
    try:
        crds_done = False
        for doc in documents:
            if not doc.is_crd and not crds_done:
                crds_done = True
                applied = [r.document.name for r in results if r.ok and r.document.is_crd]
                if applied and not dry_run:
                    session.wait_established(applied)
                    session.new_groups = _crd_groups(r.document for r in results if r.ok)
                    session.mapper = None
            result = _apply_one(session, doc, field_manager, namespace, dry_run=dry_run, force=force)
            results.append(result)
            if stop_on_error and not result.ok:
                break
    finally:
        session.close()
    return results


def _apply_one(
    session: _Session, doc: Document, field_manager: str, namespace: str | None, *, dry_run: bool, force: bool
) -> Result:
    result = Result(doc, "failed")
    try:
        _check(doc)
        mapping = session.mapping(doc.gvk)
        result.resource, result.kind_label = _resource_label(mapping), _singular(mapping, doc.gvk.kind)
        ns = _target_namespace(doc, mapping, namespace, session.cfg.namespace)
        result.namespace = ns
        client = session.client(mapping, ns)
        before = _get_or_none(client, doc.name)
        after = client.apply(
            _body(doc, mapping, ns), field_manager=field_manager, force=force, dry_run="All" if dry_run else None
        )
        result.action, result.object = _outcome(before, after), after
    except Exception as err:
        result.error = err
    return result


def _get_or_none(client: Any, name: str) -> dict[str, Any] | None:
    try:
        return dict(as_dict(client.get(name)))
    except Exception as err:
        if is_not_found(err):
            return None
        raise


def _resource_label(mapping: RESTMapping) -> str:
    r = mapping.resource
    return f"{r.resource}.{r.group}" if r.group else r.resource


def delete(
    cfg: Any,
    sources: Source | Iterable[Source],
    *,
    namespace: str | None = None,
    dry_run: bool = False,
    propagation_policy: str = "Background",
    stop_on_error: bool = False,
) -> list[Result]:
    """Delete every object of `sources`, in the reverse of the apply order; one Result per object."""
    documents = list(reversed(ordered(load(sources, strict=False))))
    session = _Session(cfg, wait_timeout=0)
    results: list[Result] = []
    try:
        for doc in documents:
            result = Result(doc, "failed")
            try:
                _check(doc)
                mapping = session.mapping(doc.gvk)
                result.resource, result.kind_label = _resource_label(mapping), _singular(mapping, doc.gvk.kind)
                result.namespace = _target_namespace(doc, mapping, namespace, cfg.namespace)
                client = session.client(mapping, result.namespace)
                try:
                    client.delete(doc.name, propagation_policy=propagation_policy, dry_run="All" if dry_run else None)
                    result.action = "deleted"
                except Exception as err:
                    if not is_not_found(err):
                        raise
                    result.action = "not found"
            except Exception as err:
                result.error = err
            results.append(result)
            if stop_on_error and not result.ok:
                break
    finally:
        session.close()
    return results


# --- asyncio -------------------------------------------------------------------------------------------------


class _AsyncSession:
    def __init__(self, cfg: Any, *, wait_timeout: float) -> None:
        self.cfg = cfg
        self.dyn = AsyncDynamicClient.for_config(cfg)
        self.discovery = AsyncDiscoveryClient.for_config(cfg, use_cache=False)
        self.mapper: RESTMapper | None = None
        self.wait_timeout = wait_timeout
        self.new_groups: set[str] = set()

    async def aclose(self) -> None:
        await self.dyn.aclose()
        await self.discovery.aclose()

    async def mapping(self, gvk: GVK) -> RESTMapping:
        deadline = time.monotonic() + self.wait_timeout
        refreshed = False
        while True:
            if self.mapper is None:
                self.mapper = RESTMapper(*(await self.discovery.server_groups_and_resources()))
            try:
                return self.mapper.rest_mapping(gvk)
            except NoMatchError:
                waiting = gvk.group in self.new_groups and time.monotonic() < deadline
                if refreshed and not waiting:
                    raise
                refreshed = True
                self.discovery.invalidate()
                self.mapper = None
                if waiting:
                    await asyncio.sleep(0.2)

    def client(self, mapping: RESTMapping, ns: str) -> Any:
        c = self.dyn.resource(mapping.resource, kind=mapping.kind.kind, namespaced=mapping.namespaced)
        return c.namespace(ns) if mapping.namespaced else c

    async def wait_established(self, names: Sequence[str]) -> None:
        from kubeclient.wait import async_poll_until

        crds = self.dyn.resource(_CRDS, namespaced=False)
        for name in names:

            async def ready(n: str = name) -> bool:
                return _crd_ready(await crds.get(n))

            await async_poll_until(
                ready,
                interval=0.1,
                timeout=self.wait_timeout,
                what=f"CustomResourceDefinition {name} to be Established",
            )


async def async_apply(
    cfg: Any,
    sources: Source | Iterable[Source],
    *,
    field_manager: str = DEFAULT_FIELD_MANAGER,
    namespace: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    stop_on_error: bool = False,
    wait_timeout: float = 60.0,
) -> list[Result]:
    """`apply` on asyncio (files are read before the first request)."""
    documents = ordered(load(sources, strict=False))
    session = _AsyncSession(cfg, wait_timeout=wait_timeout)
    results: list[Result] = []
    try:
        crds_done = False
        for doc in documents:
            if not doc.is_crd and not crds_done:
                crds_done = True
                applied = [r.document.name for r in results if r.ok and r.document.is_crd]
                if applied and not dry_run:
                    await session.wait_established(applied)
                    session.new_groups = _crd_groups(r.document for r in results if r.ok)
                    session.mapper = None
            result = Result(doc, "failed")
            try:
                _check(doc)
                mapping = await session.mapping(doc.gvk)
                result.resource, result.kind_label = _resource_label(mapping), _singular(mapping, doc.gvk.kind)
                ns = _target_namespace(doc, mapping, namespace, cfg.namespace)
                result.namespace = ns
                client = session.client(mapping, ns)
                try:
                    before: dict[str, Any] | None = dict(as_dict(await client.get(doc.name)))
                except Exception as err:
                    if not is_not_found(err):
                        raise
                    before = None
                after = await client.apply(
                    _body(doc, mapping, ns),
                    field_manager=field_manager,
                    force=force,
                    dry_run="All" if dry_run else None,
                )
                result.action, result.object = _outcome(before, after), after
            except Exception as err:
                result.error = err
            results.append(result)
            if stop_on_error and not result.ok:
                break
    finally:
        await session.aclose()
    return results


async def async_delete(
    cfg: Any,
    sources: Source | Iterable[Source],
    *,
    namespace: str | None = None,
    dry_run: bool = False,
    propagation_policy: str = "Background",
    stop_on_error: bool = False,
) -> list[Result]:
    documents = list(reversed(ordered(load(sources, strict=False))))
    session = _AsyncSession(cfg, wait_timeout=0)
    results: list[Result] = []
    try:
        for doc in documents:
            result = Result(doc, "failed")
            try:
                _check(doc)
                mapping = await session.mapping(doc.gvk)
                result.resource, result.kind_label = _resource_label(mapping), _singular(mapping, doc.gvk.kind)
                result.namespace = _target_namespace(doc, mapping, namespace, cfg.namespace)
                client = session.client(mapping, result.namespace)
                try:
                    await client.delete(
                        doc.name, propagation_policy=propagation_policy, dry_run="All" if dry_run else None
                    )
                    result.action = "deleted"
                except Exception as err:
                    if not is_not_found(err):
                        raise
                    result.action = "not found"
            except Exception as err:
                result.error = err
            results.append(result)
            if stop_on_error and not result.ok:
                break
    finally:
        await session.aclose()
    return results
