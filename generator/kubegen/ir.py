"""The intermediate representation: groups → versions → resources → schemas, every decision made and checked.

`build_ir(docs, package=...)` reads discovery facts and OpenAPI documents (an `APIDocuments`, whatever the source)
and decides, once: which group-versions and resources get clients, which verbs each offers, which subresource
methods exist with which request and response classes, where every schema becomes a class, and every name. The
templates only print what is decided here.

Discovery decides resources, scope, verbs and subresources; OpenAPI decides schemas and the kinds each subresource
verb takes and returns. Where they disagree (a verb without an operation, a kind without a schema) the error names
the document and the JSON pointer. Name collisions (two schemas becoming one class, two groups one package, two
resources one accessor) are errors too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubeclient.apidocs import APIDocuments, DocumentError, OpenAPIDocument, Resource, json_pointer
from kubeclient.apidocs.openapi import ref_name
from kubeclient.schema import GVK
from kubegen.naming import (
    GENERIC_METHODS,
    class_prefix,
    generic_methods,
    group_package,
    group_version_attribute,
    resource_accessor,
    safe_identifier,
    snake_case,
    subresource_method,
    version_module,
)
from kubegen.schemas import META_MODULE, builtin_module, class_name_of, gvk_module, hoist_inline_objects, single_gvk

__all__ = [
    "SHARED_PACKAGE",
    "APIModel",
    "GenerationError",
    "GroupVersionIR",
    "ModelClass",
    "ModelModule",
    "QueryParam",
    "ResourceIR",
    "SubresourceMethod",
    "TypeRef",
    "build_ir",
]

# The package that owns the shared apimachinery types other generated packages import.
SHARED_PACKAGE = "kubeapi"

# Subresources reached with "connect": pods exec, attach and portforward get methods over kubeclient.remotecommand /
# kubeclient.portforward, and the proxies of pods, services and nodes an HTTP request (the generic connect_* calls).
_CONNECT_ACTION = "connect"
_CONNECT_METHODS = {
    ("", "pods", "exec"): (("exec", "connect_exec"), ("exec_stream", "connect_exec_stream")),
    ("", "pods", "attach"): (("attach", "connect_attach"), ("attach_stream", "connect_attach_stream")),
    ("", "pods", "portforward"): (("port_forward", "connect_port_forward"), ("port_stream", "connect_port_stream")),
    ("", "pods", "proxy"): (("proxy", "connect_proxy"),),
    ("", "services", "proxy"): (("proxy", "connect_proxy"),),
    ("", "nodes", "proxy"): (("proxy", "connect_proxy"),),
}
_VERB_METHODS = {"get": "GET", "create": "POST", "update": "PUT", "patch": "PATCH", "delete": "DELETE"}
_SUBRESOURCE_VERB_ORDER = ("get", "create", "update", "patch")
# Names a resource accessor must not take on a group-version client.
_RESERVED_ACCESSORS = frozenset({"rest", "close", "aclose"})
# Operations the OpenAPI documents as answering their request kind while kube-apiserver answers a meta/v1 Status
# (the binding and eviction registries return `Status{status: Success}`).
STATUS_SCHEMA = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
ANSWERS_STATUS = frozenset({("", "pods", "binding", "create"), ("", "pods", "eviction", "create")})


class GenerationError(ValueError):
    """Inputs that cannot be generated from (a collision, a disagreement); the message names where."""


@dataclass(frozen=True, order=True)
class TypeRef:
    """A generated class: its module (dotted) and name."""

    module: str
    name: str


@dataclass(frozen=True)
class ModelClass:
    """One schema that becomes one class in a models module."""

    schema_name: str
    schema: Mapping[str, Any]
    class_name: str
    gvk: GVK | None
    is_list: bool


@dataclass(frozen=True)
class ModelModule:
    """The models of one group-version package (`kubeapi.core.v1`)."""

    key: tuple[str, str]
    package: str  # dotted, e.g. "kubeapi.core.v1"
    classes: tuple[ModelClass, ...]


@dataclass(frozen=True)
class QueryParam:
    """A query parameter of a subresource GET (pods/log: container, follow, tailLines ...)."""

    wire: str
    name: str
    annotation: str


@dataclass(frozen=True)
class SubresourceMethod:
    """One typed method for one verb of one subresource.

    `call` is the generic ResourceClient method it forwards to: get_subresource, create_subresource,
    update_subresource, patch_subresource, get_subresource_text or stream_subresource.
    """

    name: str
    subresource: str
    verb: str
    call: str
    request: TypeRef | None
    response: TypeRef | None
    params: tuple[QueryParam, ...] = ()


@dataclass(frozen=True)
class ResourceIR:
    plural: str
    singular: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...]
    short_names: tuple[str, ...]
    categories: tuple[str, ...]
    subresources: tuple[str, ...]
    accessor: str
    client_class: str
    lister_class: str
    informer_class: str
    object_type: TypeRef
    list_type: TypeRef | None
    methods: tuple[str, ...]
    absent_methods: tuple[str, ...]
    subresource_methods: tuple[SubresourceMethod, ...]

    @property
    def informable(self) -> bool:
        """Listers and informers need list and watch (informer-gen skips other types)."""
        return "list" in self.verbs and "watch" in self.verbs and self.list_type is not None


@dataclass(frozen=True)
class GroupVersionIR:
    group: str
    version: str
    package_name: str  # "core", "rbac", "cert_manager_io"
    version_name: str  # "v1"
    attribute: str  # "core_v1"
    class_prefix: str  # "CoreV1"
    module: str  # "kubeapi.core.v1"
    resources: tuple[ResourceIR, ...]

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def informable_resources(self) -> tuple[ResourceIR, ...]:
        return tuple(r for r in self.resources if r.informable)


@dataclass(frozen=True)
class APIModel:
    """Everything to render for one output package."""

    package: str
    group_versions: tuple[GroupVersionIR, ...]
    model_modules: tuple[ModelModule, ...]
    classes: Mapping[str, TypeRef] = field(default_factory=dict)

    def type_for_schema(self, schema_name: str) -> TypeRef:
        """The class a schema name (or `#/components/schemas/...` reference) renders as."""
        name = schema_name.rsplit("/", 1)[-1] if schema_name.startswith("#/") else schema_name
        try:
            return self.classes[name]
        except KeyError:
            raise GenerationError(f"schema {name!r} is referenced but has no class") from None

    def module_packages(self) -> list[str]:
        """Every group-version package to write (with models, with or without clients), sorted."""
        return sorted({m.package for m in self.model_modules} | {gv.module for gv in self.group_versions})


def _openapi_path(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def _collect_schemas(
    docs: Sequence[tuple[tuple[str, str], OpenAPIDocument]],
) -> tuple[dict[str, Mapping[str, Any]], dict[str, tuple[str, str]], dict[str, str], dict[str, str]]:
    """Every component (inline objects hoisted) → schema, the group-version it came from, its root, its document."""
    schemas: dict[str, Mapping[str, Any]] = {}
    origin: dict[str, tuple[str, str]] = {}
    roots: dict[str, str] = {}
    where: dict[str, str] = {}
    for gv, doc in docs:
        hoisted, doc_roots = hoist_inline_objects(doc.schemas, doc.document)
        for name, schema in hoisted.items():
            if name in schemas or not isinstance(schema, Mapping):
                continue
            schemas[name] = schema
            origin[name] = gv
            where[name] = doc.document
            if name in doc_roots:
                roots[name] = doc_roots[name]
    return schemas, origin, roots, where


def _refs(node: Any, pointer: tuple[str | int, ...]) -> Iterable[tuple[tuple[str | int, ...], str]]:
    """Every component a schema refers to, with the JSON pointer of the reference."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield (*pointer, "$ref"), ref.rsplit("/", 1)[-1]
        for key, value in node.items():
            if isinstance(value, (Mapping, list)):
                yield from _refs(value, (*pointer, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, (*pointer, index))


def _is_list_schema(schema: Mapping[str, Any], gvk: GVK | None) -> bool:
    props = schema.get("properties")
    return gvk is not None and gvk.kind.endswith("List") and isinstance(props, Mapping) and "items" in props


def _param_annotation(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    return {"boolean": "bool", "integer": "int", "number": "float"}.get(str(kind), "str")


class _Builder:
    def __init__(self, docs: APIDocuments, package: str, groups: frozenset[str] | None) -> None:
        self.docs = docs
        self.package = package
        self.groups = groups

    # --- group-versions ------------------------------------------------------------------------------------
    def selected_group_versions(self) -> list[tuple[str, str]]:
        out = []
        for info in self.docs.groups():
            if self.groups is not None and info.name not in self.groups and (info.name or "core") not in self.groups:
                continue
            for version in info.versions:
                if self.docs.resources_for(info.name, version):
                    out.append((info.name, version))
        if self.groups is not None:
            known = {g.name for g in self.docs.groups()} | {"core"}
            unknown = sorted(self.groups - known)
            if unknown:
                raise GenerationError(f"{self.docs.source}: --group names groups the documents do not serve: {unknown}")
        return sorted(out, key=lambda gv: (group_package(gv[0]), gv[0], gv[1]))

    def build(self) -> APIModel:
        gvs = self.selected_group_versions()
        self._check_package_collisions(gvs)
        docs: list[tuple[tuple[str, str], OpenAPIDocument]] = []
        for group, version in gvs:
            doc = self.docs.openapi_for(group, version)
            if doc is None:
                raise DocumentError(
                    f"{self.docs.source}/openapi/v3", "", f"no OpenAPI document for {_openapi_path(group, version)}"
                )
            docs.append(((group, version), doc))
        schemas, origin, roots, where = _collect_schemas(docs)
        local_modules = {(group_package(g), version_module(v)) for g, v in gvs}
        classes, rendered = self._place(schemas, origin, roots, where, local_modules)
        self.classes = classes
        gv_irs = tuple(self._group_version(g, v, doc) for (g, v), doc in docs)
        modules = tuple(
            ModelModule(key, self._module(key), tuple(sorted(items, key=lambda c: c.class_name)))
            for key, items in sorted(rendered.items())
        )
        return APIModel(self.package, gv_irs, modules, classes)

    def _module(self, key: tuple[str, str], package: str | None = None) -> str:
        return f"{package or self.package}.{key[0]}.{key[1]}"

    def _check_package_collisions(self, gvs: Iterable[tuple[str, str]]) -> None:
        owner: dict[str, str] = {}
        attrs: dict[str, str] = {}
        for group, version in gvs:
            pkg = group_package(group)
            if owner.setdefault(pkg, group) != group:
                raise GenerationError(
                    f"groups {owner[pkg]!r} and {group!r} would both become package {self.package}.{pkg}"
                )
            attr = group_version_attribute(group, version)
            gv = f"{group}/{version}"
            if attrs.setdefault(attr, gv) != gv:
                raise GenerationError(f"group-versions {attrs[attr]} and {gv} would both become attribute {attr!r}")

    # --- schemas -------------------------------------------------------------------------------------------
    def _place(
        self,
        schemas: Mapping[str, Mapping[str, Any]],
        origin: Mapping[str, tuple[str, str]],
        roots: Mapping[str, str],
        where: Mapping[str, str],
        local_modules: set[tuple[str, str]],
    ) -> tuple[dict[str, TypeRef], dict[tuple[str, str], list[ModelClass]]]:
        classes: dict[str, TypeRef] = {}
        rendered: dict[tuple[str, str], list[ModelClass]] = {}
        owners: dict[tuple[str, str], dict[str, str]] = {}
        for name, schema in schemas.items():
            root = roots.get(name, name)
            key = builtin_module(root)
            gvk = single_gvk(schema)
            if key is None:
                root_gvk = single_gvk(schemas[root]) if root in schemas else None
                key = gvk_module(root_gvk) if root_gvk else gvk_module(GVK(*origin[name], ""))
            external = (
                self.package != SHARED_PACKAGE
                and builtin_module(root) is not None
                and (key == META_MODULE or key not in local_modules)
            )
            cls = class_name_of(name)
            if external:
                classes[name] = TypeRef(self._module(key, SHARED_PACKAGE) + ".models", cls)
                continue
            seen = owners.setdefault(key, {})
            if cls in seen:
                raise GenerationError(
                    f"{where[name]}#{json_pointer('components', 'schemas', name)}: schemas {seen[cls]!r} and "
                    f"{name!r} would both become class {self._module(key)}.{cls}"
                )
            seen[cls] = name
            classes[name] = TypeRef(self._module(key) + ".models", cls)
            rendered.setdefault(key, []).append(ModelClass(name, schema, cls, gvk, _is_list_schema(schema, gvk)))
        self._external_refs(schemas, where, classes)
        return classes, rendered

    def _external_refs(
        self, schemas: Mapping[str, Mapping[str, Any]], where: Mapping[str, str], classes: dict[str, TypeRef]
    ) -> None:
        """Referenced built-in schemas that no document defines (CRD inputs) are the shared package's classes."""
        for name, schema in schemas.items():
            for pointer, target in _refs(schema, ("components", "schemas", name)):
                if target in classes:
                    continue
                external = self._external(target)
                if external is None:
                    raise DocumentError(where[name], json_pointer(*pointer), f"schema {target!r} is not defined")
                classes[target] = external

    def _kind_type(self, doc: OpenAPIDocument, gvk: GVK, pointer: str, what: str) -> TypeRef:
        name = doc.schema_name_for_kind(gvk)
        if name is None or name not in self.classes:
            raise DocumentError(doc.document, pointer, f"{what}: no schema with x-kubernetes-group-version-kind {gvk}")
        return self.classes[name]

    # --- resources -----------------------------------------------------------------------------------------
    def _group_version(self, group: str, version: str, doc: OpenAPIDocument) -> GroupVersionIR:
        pkg, ver = group_package(group), version_module(version)
        resources = []
        accessors: dict[str, str] = {}
        for res in sorted(self.docs.resources_for(group, version), key=lambda r: r.plural):
            ir = self._resource(res, doc)
            if ir is None:
                continue
            if ir.accessor in _RESERVED_ACCESSORS or accessors.setdefault(ir.accessor, res.plural) != res.plural:
                other = accessors.get(ir.accessor, "the client itself")
                raise GenerationError(
                    f"{group}/{version}: resources {other!r} and {res.plural!r} would both be accessor {ir.accessor!r}"
                )
            resources.append(ir)
        clients = {r.client_class for r in resources}
        if len(clients) != len(resources):
            raise GenerationError(f"{group}/{version}: two resources of one kind would get the same client class")
        return GroupVersionIR(
            group=group,
            version=version,
            package_name=pkg,
            version_name=ver,
            attribute=group_version_attribute(group, version),
            class_prefix=class_prefix(group, version),
            module=self._module((pkg, ver)),
            resources=tuple(sorted(resources, key=lambda r: r.accessor)),
        )

    def _resource(self, res: Resource, doc: OpenAPIDocument) -> ResourceIR | None:
        if not res.kind:
            return None
        gvk = GVK(res.group, res.version, res.kind)
        where = f"resource {res.plural} ({res.group or 'core'}/{res.version}) of discovery"
        object_type = self._kind_type(doc, gvk, json_pointer("components", "schemas"), where)
        list_type = None
        if "list" in res.verbs:
            list_gvk = GVK(res.group, res.version, res.kind + "List")
            list_type = self._kind_type(doc, list_gvk, json_pointer("components", "schemas"), where + " (list)")
        subresources = frozenset(res.subresources)
        methods = generic_methods(res.verbs, subresources)
        absent = tuple(m for m in GENERIC_METHODS if m not in methods)
        sub_methods = self._subresource_methods(res, doc)
        accessor = resource_accessor(res.kind, res.plural)
        base = safe_identifier(res.kind)
        return ResourceIR(
            plural=res.plural,
            singular=res.singular or res.kind.lower(),
            kind=res.kind,
            namespaced=res.namespaced,
            verbs=res.verbs,
            short_names=res.short_names,
            categories=res.categories,
            subresources=tuple(sorted(subresources)),
            accessor=accessor,
            client_class=f"{base}Client",
            lister_class=f"{base}Lister",
            informer_class=f"{base}Informer",
            object_type=object_type,
            list_type=list_type,
            methods=methods,
            absent_methods=absent,
            subresource_methods=sub_methods,
        )

    def _subresource_methods(self, res: Resource, doc: OpenAPIDocument) -> tuple[SubresourceMethod, ...]:
        prefix = "/" + _openapi_path(res.group, res.version)
        scope = "/namespaces/{namespace}" if res.namespaced else ""
        paths = doc.raw.get("paths") or {}
        out: list[SubresourceMethod] = []
        for sub_name in sorted(res.subresources):
            sub = res.subresources[sub_name]
            if sub_name == "status":
                continue  # update_status / apply_status are generic verbs
            path = f"{prefix}{scope}/{res.plural}/{{name}}/{sub_name}"
            item = paths.get(path)
            if not isinstance(item, Mapping):
                raise DocumentError(
                    doc.document,
                    json_pointer("paths", path),
                    f"discovery lists subresource {res.plural}/{sub_name} but the document has no such path",
                )
            if any(
                isinstance(op, Mapping) and op.get("x-kubernetes-action") == _CONNECT_ACTION for op in item.values()
            ):
                out.extend(
                    SubresourceMethod(name, sub_name, _CONNECT_ACTION, call, None, None)
                    for name, call in _CONNECT_METHODS.get((res.group, res.plural, sub_name), ())
                )
                continue
            for verb in _SUBRESOURCE_VERB_ORDER:
                if verb not in sub.verbs:
                    continue
                method = _VERB_METHODS[verb]
                op = item.get(method.lower())
                pointer = json_pointer("paths", path, method.lower())
                if not isinstance(op, Mapping):
                    raise DocumentError(
                        doc.document,
                        pointer,
                        f"discovery lists verb {verb!r} for {res.plural}/{sub_name} but the document has no operation",
                    )
                out.extend(
                    self._subresource_verb(res=res, doc=doc, sub=sub_name, verb=verb, op=op, item=item, pointer=pointer)
                )
        return tuple(out)

    def _subresource_verb(
        self,
        *,
        res: Resource,
        doc: OpenAPIDocument,
        sub: str,
        verb: str,
        op: Mapping[str, Any],
        item: Mapping[str, Any],
        pointer: str,
    ) -> list[SubresourceMethod]:
        response_name, response_text = _content(op, "responses", doc, pointer)
        request_name, _ = _content(op, "requestBody", doc, pointer)
        if (res.group, res.plural, sub, verb) in ANSWERS_STATUS:
            response_name = STATUS_SCHEMA
        response = self._ref(response_name, doc, pointer + "/responses")
        request = self._ref(request_name, doc, pointer + "/requestBody") if verb in ("create", "update") else None
        name = subresource_method(verb, sub)
        if response_text and verb == "get":
            params = _query_params(item, op)
            return [
                SubresourceMethod(name, sub, verb, "get_subresource_text", None, None, params),
                SubresourceMethod(
                    subresource_method("stream", sub), sub, verb, "stream_subresource", None, None, params
                ),
            ]
        if response is None:
            raise DocumentError(doc.document, pointer + "/responses", f"no response schema for {res.plural}/{sub}")
        if verb in ("create", "update") and request is None:
            raise DocumentError(doc.document, pointer + "/requestBody", f"no request schema for {res.plural}/{sub}")
        call = {
            "get": "get_subresource",
            "create": "create_subresource",
            "update": "update_subresource",
            "patch": "patch_subresource",
        }[verb]
        params = _query_params(item, op) if verb == "get" else ()
        return [SubresourceMethod(name, sub, verb, call, request, response, params)]

    def _ref(self, schema_name: str | None, doc: OpenAPIDocument, pointer: str) -> TypeRef | None:
        if schema_name is None:
            return None
        if schema_name not in self.classes:
            external = self._external(schema_name)
            if external is None:
                raise DocumentError(doc.document, pointer, f"schema {schema_name!r} is not defined")
            self.classes[schema_name] = external
        return self.classes[schema_name]

    def _external(self, schema_name: str) -> TypeRef | None:
        """A built-in schema the documents refer to without defining it: the shared package's class."""
        key = builtin_module(schema_name)
        if key is None or self.package == SHARED_PACKAGE:
            return None
        return TypeRef(self._module(key, SHARED_PACKAGE) + ".models", class_name_of(schema_name))


def _content(op: Mapping[str, Any], key: str, doc: OpenAPIDocument, pointer: str) -> tuple[str | None, bool]:
    container = op.get(key)
    if key == "responses" and isinstance(container, Mapping):
        container = container.get("200") or container.get("201") or container.get("202")
    if not isinstance(container, Mapping):
        return None, False
    content = container.get("content") or {}
    for media in ("application/json", "*/*", *content):
        schema = (content.get(media) or {}).get("schema")
        if isinstance(schema, Mapping):
            name = ref_name(schema)
            return name, name is None and schema.get("type") == "string"
    return None, False


def _query_params(item: Mapping[str, Any], op: Mapping[str, Any]) -> tuple[QueryParam, ...]:
    params: dict[str, QueryParam] = {}
    for source in (item.get("parameters"), op.get("parameters")):
        for p in source or []:
            if not isinstance(p, Mapping) or p.get("in") != "query" or p.get("name") in (None, "pretty"):
                continue
            wire = str(p["name"])
            schema = p.get("schema") if isinstance(p.get("schema"), Mapping) else {}
            params[wire] = QueryParam(wire, _param_name(wire), _param_annotation(schema or {}))
    return tuple(sorted(params.values(), key=lambda q: q.name))


def _param_name(wire: str) -> str:
    return safe_identifier(snake_case(wire))


def build_ir(docs: APIDocuments, *, package: str, groups: Iterable[str] | None = None) -> APIModel:
    """Decide everything to render for `package` from the documents (optionally only some groups)."""
    if not package.isidentifier():
        raise GenerationError(f"--package {package!r} is not a Python identifier")
    return _Builder(docs, package, frozenset(groups) if groups is not None else None).build()
