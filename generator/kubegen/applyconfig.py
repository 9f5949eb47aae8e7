"""OpenAPI schemas → a module of apply configurations for server-side apply (templates/applyconfigs.py.j2).

What client-go's applyconfiguration-gen makes, the Python way: for every schema `<Class>ApplyConfiguration`, a
`kubeclient.model.ApplyConfiguration` whose fields are all optional (only what is set is sent) with `with_<field>`
builders returning the object (scalars are set, lists appended to, maps merged into); for every top-level kind a
constructor `<Kind>(name, namespace=None)` that fills apiVersion, kind and metadata, and
`extract_<kind>(obj, field_manager, *, subresource="")` building the configuration a manager owns from the object's
managedFields (`kubeclient.managedfields.extract`). Apply configurations of one models module `x.models` live in
`x.applyconfigs`; the field and class decisions are those of `kubegen.models`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubegen.models import (
    OBJECT_META,
    RUNTIME_MODULE,
    ClassDef,
    ClassRef,
    ModelError,
    ModelModuleSpec,
    ModuleDef,
    SchemaBuilder,
    field_name,
    render_template,
)

__all__ = [
    "SUFFIX",
    "ApplyModuleDef",
    "Constructor",
    "EmbeddedMeta",
    "apply_module_name",
    "build_apply_module",
    "render_apply_module",
]

SUFFIX = "ApplyConfiguration"
# The metadata fields people set when applying, offered on every type that embeds ObjectMeta (a kind, and a
# PodTemplateSpec or a PVC template inside one), as client-go's flattened `WithName`, `WithLabels`, ...:
# `with_labels(...)` merges into its metadata's, `with_name(...)` sets it. Python name → wire name.
META_BUILDERS = {
    "name": "name",
    "generate_name": "generateName",
    "namespace": "namespace",
    "labels": "labels",
    "annotations": "annotations",
    "finalizers": "finalizers",
    "owner_references": "ownerReferences",
}


def apply_module_name(models_module: str) -> str:
    """`kubeapi.apps.v1.models` → `kubeapi.apps.v1.applyconfigs` (any other module name gets `_applyconfigs`)."""
    head, _, last = models_module.rpartition(".")
    if last == "models":
        return f"{head}.applyconfigs" if head else "applyconfigs"
    return models_module + "_applyconfigs"


@dataclass(frozen=True)
class Constructor:
    """The constructor and extract function of one top-level kind."""

    function: str  # "Deployment"
    extract: str  # "extract_deployment"
    cls: str  # "DeploymentApplyConfiguration"
    metadata_cls: str | None  # local name of the ObjectMeta apply configuration; None: metadata is a plain mapping
    kind: str
    # ObjectMeta builders offered on the kind itself, as client-go's `WithLabels` (those no field of the kind shadows)
    meta_builders: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmbeddedMeta:
    """A class whose `metadata` is ObjectMeta: its flattened metadata builders."""

    cls: str
    metadata_cls: str  # local name of the ObjectMeta apply configuration
    builders: tuple[str, ...]  # keys of META_BUILDERS no field of the class shadows


@dataclass(frozen=True)
class ApplyModuleDef:
    module: ModuleDef
    constructors: tuple[Constructor, ...]
    self_type: str
    mapping: str
    model: str
    owner_reference_cls: str
    embedded: tuple[EmbeddedMeta, ...] = ()

    def meta_builders(self, cls: str) -> tuple[str, ...]:
        """The flattened metadata builders of the class `cls` (none when its metadata is not ObjectMeta)."""
        return next((e.builders for e in self.embedded if e.cls == cls), ())

    def metadata_cls(self, cls: str) -> str:
        return next(e.metadata_cls for e in self.embedded if e.cls == cls)

    def meta_wire(self, name: str) -> str:
        return META_BUILDERS[name]

    @property
    def exports(self) -> list[str]:
        names = [*self.module.exports]
        for c in self.constructors:
            names += [c.function, c.extract]
        return sorted(names)


def build_apply_module(spec: ModelModuleSpec) -> ApplyModuleDef:
    """Every decision of an apply configurations module, ready to print."""
    builder = SchemaBuilder(spec, suffix=SUFFIX, ref_module=apply_module_name)
    kinds = [s for s in spec.schemas if s.gvk is not None and not s.is_list and s.gvk.kind]
    functions: dict[str, str] = {}
    for item in kinds:
        assert item.gvk is not None
        for name in (item.gvk.kind, "extract_" + field_name(item.gvk.kind)):
            if name in functions or name in builder.local:
                raise ModelError(
                    f"{spec.module}: schema {item.schema_name}: function {name!r} would clash with "
                    f"{functions.get(name) or 'a class of the same name'}"
                )
            functions[name] = item.schema_name
    builder.imports.used_names.update(functions)
    for item in spec.schemas:
        builder.add_schema(item)
    by_schema: dict[str, ClassDef] = {c.schema_name: c for c in builder.classes if c.schema_name}
    embedded = []
    for c in builder.classes:
        metadata = next((f for f in c.fields if f.wire == "metadata"), None)
        if metadata is not None and metadata.ref_schema == OBJECT_META and metadata.ref is not None:
            own = {f.name for f in c.fields}
            embedded.append(EmbeddedMeta(c.name, metadata.ref, tuple(n for n in META_BUILDERS if n not in own)))
    constructors = []
    for item in kinds:
        assert item.gvk is not None
        cls = by_schema[item.schema_name]
        metadata = next((f for f in cls.fields if f.wire == "metadata"), None)
        if metadata is None or (metadata.ref_schema != OBJECT_META and metadata.ref is not None):
            continue  # not an object kind (Status, WatchEvent ...): nothing to apply
        own = {f.name for f in cls.fields}
        meta_builders = tuple(name for name in META_BUILDERS if name not in own)
        constructors.append(
            Constructor(
                item.gvk.kind,
                "extract_" + field_name(item.gvk.kind),
                cls.name,
                metadata.ref,
                item.gvk.kind,
                meta_builders,
            )
        )
    owner_reference = ""
    if any("owner_references" in e.builders for e in embedded):
        # OwnerReference sits beside ObjectMeta (kubeapi.meta.v1 for CRD packages, whose documents lack it).
        meta = spec.ref_to_class(OBJECT_META)
        assert isinstance(meta, ClassRef), "ObjectMeta is a generated class wherever metadata_cls is set"
        owner_reference = builder.name(apply_module_name(meta.module), "OwnerReference" + SUFFIX)
    merges = any(f.builder == "merge" for c in builder.classes for f in c.fields)
    mapping = builder.name("collections.abc", "Mapping") if kinds or merges else ""
    model = builder.name(RUNTIME_MODULE, "Model") if kinds else ""
    self_type = builder.name("typing", "Self")
    module = builder.module_def("ApplyConfiguration")
    return ApplyModuleDef(module, tuple(constructors), self_type, mapping, model, owner_reference, tuple(embedded))


def render_apply_module(spec: ModelModuleSpec) -> str:
    """The Python source of the apply configurations for the schemas of `spec` (black formats it afterwards)."""
    return render_template("applyconfigs.py.j2", apply=build_apply_module(spec))
