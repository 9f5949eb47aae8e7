"""Models rendered from the project's own OpenAPI snapshot (and the cert-manager wire document) into a tmp package."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kubeclient.apidocs import APIDocuments
from kubeclient.schema import GVK
from kubegen.applyconfig import render_apply_module
from kubegen.models import ClassRef, ModelModuleSpec, SchemaInput, render_models_module

REPO = Path(__file__).resolve().parents[3]
SNAPSHOT = REPO / "openapi" / "kubernetes-1.36"
SHARED = REPO.parent / "shared"
WIRE = SHARED / "fixtures" / "wire"
PACKAGE = "kc_model_rendered"


def module_of(schema_name: str) -> str:
    """io.k8s.api.<g>.<v>.X → <g>_<v>; apimachinery → meta_v1; io.cert-manager.v1 → certmanager_v1."""
    parts = schema_name.split(".")
    if schema_name.startswith("io.k8s.apimachinery."):
        name = "meta_v1"
    elif schema_name.startswith("io.k8s.api."):
        name = f"{parts[3]}_{parts[4]}"
    elif schema_name.startswith("io.cert-manager."):
        name = f"certmanager_{parts[2]}"
    else:
        raise KeyError(schema_name)
    return f"{PACKAGE}.{name}.models"


def ref_to_class(schema_name: str) -> ClassRef:
    return ClassRef(module_of(schema_name), schema_name.rsplit(".", 1)[1])


def schema_inputs(schemas: Mapping[str, Any], module: str) -> list[SchemaInput]:
    out = []
    for name in sorted(schemas):
        if module_of(name) != module:
            continue
        schema = schemas[name]
        gvks = schema.get("x-kubernetes-group-version-kind") or []
        gvk = GVK(gvks[0]["group"], gvks[0]["version"], gvks[0]["kind"]) if len(gvks) == 1 else None
        is_list = gvk is not None and gvk.kind.endswith("List") and "items" in (schema.get("properties") or {})
        out.append(SchemaInput(name, schema, name.rsplit(".", 1)[1], gvk, is_list))
    return out


def render_package(root: Path, schemas: Mapping[str, Any], *, docstrings: bool = False) -> None:
    """Write models.py and applyconfigs.py per module of `_MODULES` that has schemas."""
    (root / PACKAGE).mkdir(parents=True, exist_ok=True)
    (root / PACKAGE / "__init__.py").write_text("")
    for module in sorted({module_of(n) for n in schemas}):
        spec = ModelModuleSpec(module, schema_inputs(schemas, module), ref_to_class, docstrings, "# marker")
        pkg_dir = root / Path(*module.split(".")[:-1])
        pkg_dir.mkdir(parents=True, exist_ok=True)
        (pkg_dir / "__init__.py").write_text("")
        (pkg_dir / "models.py").write_text(render_models_module(spec))
        (pkg_dir / "applyconfigs.py").write_text(render_apply_module(spec))


def snapshot_schemas() -> dict[str, Any]:
    docs = APIDocuments.from_directory(SNAPSHOT)
    schemas: dict[str, Any] = {}
    for path in ("api/v1", "apis/apps/v1", "apis/autoscaling/v1"):
        schemas.update(docs.openapi(path).schemas)
    if (WIRE / "openapi-v3-cert-manager.io-v1.json").exists():
        cm = json.loads((WIRE / "openapi-v3-cert-manager.io-v1.json").read_bytes())["components"]["schemas"]
        schemas.update({k: v for k, v in cm.items() if k.startswith("io.cert-manager.")})
    return schemas


class Rendered:
    """Access to the rendered modules: `rendered.models("core_v1").Pod`."""

    def models(self, name: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.{name}.models")

    def applyconfigs(self, name: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.{name}.applyconfigs")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    root = tmp_path_factory.mktemp("rendered")
    render_package(root, snapshot_schemas())
    sys.path.insert(0, str(root))
    try:
        yield Rendered()
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _wire_bytes(name: str) -> bytes:
    path = WIRE / name
    if not path.exists():
        pytest.skip(f"shared wire fixture {path} is not available (needs ../shared/fixtures/wire)")
    return path.read_bytes()


@pytest.fixture
def wire() -> Callable[[str], bytes]:
    """Bytes of a real apiserver answer from ../shared/fixtures/wire (skips when absent)."""
    return _wire_bytes


@pytest.fixture(scope="session")
def bench_podlist() -> ModuleType:
    """bench/podlist.py (the synthetic PodList of the decode benchmark), imported by path."""
    spec = importlib.util.spec_from_file_location("kc_bench_podlist", REPO / "bench" / "podlist.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
