"""Rendering and writing generated packages: markers, marker-only deletion, determinism, CLI errors, scenario 12,
and generated CRD packages that import and pass mypy --strict."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubeclient.apidocs import APIDocuments, openapi_file_name, parse_aggregated
from kubegen.ir import build_ir
from kubegen.render import MARKER, RenderError, write_package
from kubegen.sources import load_crds

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "crds"
SNAPSHOT = REPO / "openapi" / "kubernetes-1.36"
SHARED_CRDS = REPO.parent / "shared" / "fixtures" / "crds"
BIN = Path(sys.executable).parent


def kubegen(*args: str | Path, seed: str = "0", check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed, COLUMNS="200")
    result = subprocess.run(
        [str(BIN / "kubegen"), *map(str, args)], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kubegen {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def widgets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("widgets")
    kubegen("generate", "--from-crds", EXAMPLES, "--package", "widgets", "--out", out)
    return out


@pytest.fixture(scope="module")
def shared_crds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SHARED_CRDS.is_dir():
        pytest.skip(f"shared CRD fixtures not found at {SHARED_CRDS}")
    out = tmp_path_factory.mktemp("mycrds")
    kubegen("generate", "--from-crds", SHARED_CRDS, "--package", "mycrds", "--out", out)
    return out


def test_every_file_carries_the_marker(widgets: Path) -> None:
    files = tree(widgets)
    assert "widgets/example_com/v1/client.py" in files
    assert "widgets/example_com/v1beta1/models.py" in files
    assert "widgets/informers/__init__.py" in files
    for name, data in files.items():
        assert data.startswith(MARKER.encode() + b"\n"), name


def test_generated_crd_package_imports_and_works(widgets: Path) -> None:
    script = """
import sys
import widgets
from widgets import Clientset
from kubeclient.config import Config
cs = Clientset.for_config(Config("https://127.0.0.1:1", token="t"))
assert not [m for m in sys.modules if m.startswith("widgets.example_com")], "group loaded too early"
client = cs.example_com_v1.widgets("default")
from widgets.example_com.v1 import Widget, WidgetSpec, WidgetList, ExampleComV1Client
from widgets.example_com.v1.client import WidgetClient, AsyncWidgetClient, GadgetClient
from widgets.example_com.v1.applyconfigs import WidgetApplyConfiguration
from widgets.informers import SharedInformerFactory
from kubeapi.autoscaling.v1.models import Scale
assert isinstance(client, WidgetClient)
assert client.info.plural == "widgets" and client.info.namespaced
assert client.namespace_name == "default"
assert hasattr(client, "get_scale") and hasattr(client, "update_status")
gadgets = cs.example_com_v1.gadgets()
assert not hasattr(gadgets, "update_status") and not hasattr(gadgets, "get_scale")
w = Widget.from_dict({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
                      "spec": {"size": "small", "template": {"finish": {"gloss": True}}}})
assert w.spec.template.finish.gloss is True
factory = SharedInformerFactory(cs)
informer = factory.example_com_v1.widgets()
assert informer.informer() is factory.example_com_v1.widgets().informer()
print("ok")
"""
    env = dict(os.environ, PYTHONPATH=str(widgets))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_generated_crd_packages_pass_mypy_strict(widgets: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    paths = [widgets, REPO / "generated"]
    args = ["-p", "widgets"]
    if SHARED_CRDS.is_dir():
        paths.append(request.getfixturevalue("shared_crds"))
        args += ["-p", "mycrds"]
    env = dict(os.environ, MYPYPATH=os.pathsep.join(map(str, paths)))
    result = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / "cache"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shared_crd_package_imports(shared_crds: Path) -> None:
    script = """
import importlib, pkgutil, mycrds
names = [m.name for m in pkgutil.walk_packages(mycrds.__path__, "mycrds.")]
for name in names:
    importlib.import_module(name)
from mycrds.cert_manager_io.v1 import Certificate
from mycrds.cert_manager_io.v1.client import CertificateClient
print(len(names))
"""
    env = dict(os.environ, PYTHONPATH=str(shared_crds))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 40


def test_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    outs = []
    for seed in ("0", "4242"):
        out = tmp_path / seed
        kubegen("generate", "--from-crds", EXAMPLES, "--package", "widgets", "--out", out, seed=seed)
        kubegen(
            "generate",
            "--from-dir",
            SNAPSHOT,
            "--package",
            "kubeapi",
            "--out",
            out,
            "--group",
            "rbac.authorization.k8s.io",
            "--group",
            "apps",
            seed=seed,
        )
        outs.append(tree(out))
    assert outs[0] == outs[1]
    assert "kubeapi/apps/v1/client.py" in outs[0]
    assert "kubeapi/core/v1/models.py" in outs[0]  # pulled in by apps
    assert "kubeapi/core/v1/client.py" not in outs[0]  # but core has no clients without --group core


def test_regeneration_deletes_only_marked_files(tmp_path: Path) -> None:
    write_package(tmp_path, "pkg", {"pkg/__init__.py": MARKER + "\n", "pkg/a/models.py": MARKER + "\nA = 1\n"})
    (tmp_path / "pkg" / "a" / "handwritten.py").write_text("KEEP = True\n")
    (tmp_path / "pkg" / "notes.txt").write_text("mine\n")
    result = write_package(tmp_path, "pkg", {"pkg/__init__.py": MARKER + "\n", "pkg/b/models.py": MARKER + "\nB = 1\n"})
    assert result.deleted == ("pkg/a/models.py",)
    assert result.unchanged == ("pkg/__init__.py",)
    assert result.written == ("pkg/b/models.py",)
    assert (tmp_path / "pkg" / "a" / "handwritten.py").read_text() == "KEEP = True\n"
    assert (tmp_path / "pkg" / "notes.txt").exists()
    # A generated file whose directory empties goes with its directory.
    write_package(tmp_path, "pkg", {"pkg/__init__.py": MARKER + "\n"})
    assert not (tmp_path / "pkg" / "b").exists()
    assert (tmp_path / "pkg" / "a").exists()


def test_hand_written_file_in_the_way_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "client.py").write_text("# mine\n")
    with pytest.raises(RenderError, match=r"pkg/client\.py: exists and was not generated"):
        write_package(tmp_path, "pkg", {"pkg/client.py": MARKER + "\n"})
    assert (tmp_path / "pkg" / "client.py").read_text() == "# mine\n"


def test_cli_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\n"
        "spec:\n  group: example.org\n  names: {plural: things, kind: Thing}\n  versions:\n"
        "    - name: v1\n      served: true\n      schema: {}\n"
    )
    result = kubegen("generate", "--from-crds", bad, "--package", "p", "--out", tmp_path / "out", check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(bad) in result.stderr
    assert "/spec/versions/0/schema/openAPIV3Schema" in result.stderr
    result = kubegen("generate", "--from-dir", tmp_path / "nowhere", "--package", "p", "--out", tmp_path, check=False)
    assert result.returncode == 1
    assert "not a directory of API documents" in result.stderr
    result = kubegen("generate", "--package", "p", "--out", tmp_path, check=False)
    assert result.returncode == 1
    assert "exactly one of" in result.stderr


# --- scenario 12: a new group-version appears on regeneration -------------------------------------------------


def _aggregated(docs: APIDocuments, versions: set[str]) -> dict[str, Any]:
    items = []
    for group in docs.groups():
        entries = []
        for version in group.versions:
            if version not in versions:
                continue
            resources = []
            for r in docs.resources_for(group.name, version):
                resources.append(
                    {
                        "resource": r.plural,
                        "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                        "scope": r.scope,
                        "singularResource": r.singular,
                        "verbs": list(r.verbs),
                        "shortNames": list(r.short_names),
                        "categories": list(r.categories),
                        "subresources": [
                            {
                                "subresource": s.name,
                                "responseKind": {"group": s.kind.group, "version": s.kind.version, "kind": s.kind.kind}
                                if s.kind
                                else {},
                                "verbs": list(s.verbs),
                            }
                            for s in r.subresources.values()
                        ],
                    }
                )
            entries.append({"version": version, "resources": resources, "freshness": "Current"})
        items.append({"metadata": {"name": group.name}, "versions": entries})
    return {"apiVersion": "apidiscovery.k8s.io/v2", "kind": "APIGroupDiscoveryList", "items": items}


def _write_dir(root: Path, docs: APIDocuments, versions: set[str]) -> None:
    (root / "discovery").mkdir(parents=True)
    (root / "openapi" / "v3").mkdir(parents=True)
    (root / "discovery" / "aggregated_v2.json").write_text(json.dumps(_aggregated(docs, versions)))
    for path in docs.openapi_paths():
        if path.rsplit("/", 1)[-1] in versions:
            (root / "openapi" / "v3" / openapi_file_name(path)).write_text(json.dumps(docs.openapi_raw(path)))


def test_scenario_12_new_group_version_appears_and_nothing_else_changes(tmp_path: Path) -> None:
    docs = load_crds([EXAMPLES]).documents
    old_dir, new_dir, out = tmp_path / "old", tmp_path / "new", tmp_path / "out"
    _write_dir(old_dir, docs, {"v1"})
    _write_dir(new_dir, docs, {"v1", "v1beta1"})
    # What a user reads first: the difference between the documents.
    report = kubegen("diff", old_dir, new_dir).stdout
    assert "+ group-version example.com/v1beta1" in report
    assert "1 added, 0 removed, 0 changed" in report
    # A snapshot of the old documents generates the same files and the same clients (the snapshot sorts keys and
    # drops descriptions, so models may order fields and docstrings differently).
    kubegen("snapshot", "--from-dir", old_dir, "--out", tmp_path / "snap", "--strip-descriptions")
    kubegen("generate", "--from-dir", tmp_path / "snap", "--package", "scen", "--out", tmp_path / "from-snap")
    kubegen("generate", "--from-dir", old_dir, "--package", "scen", "--out", out)
    direct, from_snap = tree(out), tree(tmp_path / "from-snap")
    assert set(direct) == set(from_snap)
    for name in direct:
        if not name.endswith(("models.py", "applyconfigs.py")):
            assert direct[name] == from_snap[name], name
    (out / "scen" / "example_com" / "v1" / "extensions.py").write_text("# hand-written, kept\n")
    before = tree(out)
    result = kubegen("generate", "--from-dir", new_dir, "--package", "scen", "--out", out)
    after = tree(out)
    added = sorted(set(after) - set(before))
    assert added and all(name.startswith("scen/example_com/v1beta1/") for name in added), added
    assert set(before) <= set(after)
    changed = sorted(name for name in before if before[name] != after[name])
    # Only the clientset and the informer factory learn the new attribute.
    assert changed == ["scen/clientset.py", "scen/informers/__init__.py"]
    assert b"example_com_v1beta1" in after["scen/clientset.py"]
    assert "deleted" in result.stdout
    # Back to the old documents: the v1beta1 package goes away again, the hand-written file stays.
    kubegen("generate", "--from-dir", old_dir, "--package", "scen", "--out", out)
    assert tree(out) == before
    shutil.rmtree(out)


# --- scenario 11: a typed CRD package from manifests and from what the server publishes once it is installed ---


def test_scenario_11_from_manifests_and_from_the_servers_documents(tmp_path: Path) -> None:
    wire = REPO.parent / "shared" / "fixtures" / "wire"
    if not wire.is_dir() or not SHARED_CRDS.is_dir():
        pytest.skip(f"shared fixtures not found at {wire.parent}")
    aggregated = json.loads((wire / "aggregated-discovery-with-crd.json").read_text())
    groups, resources, _ = parse_aggregated(aggregated, "aggregated-discovery-with-crd.json")
    served = APIDocuments(
        groups,
        resources,
        openapi_docs={"apis/cert-manager.io/v1": json.loads((wire / "openapi-v3-cert-manager.io-v1.json").read_text())},
        source=str(wire),
    )
    from_server = build_ir(served, package="certs", groups=["cert-manager.io"])
    manifests = load_crds([SHARED_CRDS / "certificates.cert-manager.io-crd.yaml"]).documents
    from_manifest = build_ir(manifests, package="certs")

    def classes(model: Any) -> set[str]:
        module = next(m for m in model.model_modules if m.package == "certs.cert_manager_io.v1")
        return {c.class_name for c in module.classes}

    assert {"Certificate", "CertificateList", "CertificateSpec", "CertificateSpecKeystoresJks"} <= classes(from_server)
    assert classes(from_server) == classes(from_manifest)
    server_cert = next(r for r in from_server.group_versions[0].resources if r.kind == "Certificate")
    manifest_cert = next(r for r in from_manifest.group_versions[0].resources if r.kind == "Certificate")
    assert server_cert.methods == manifest_cert.methods
    assert "update_status" in server_cert.methods
    # Both generate importable packages from the command line.
    docs_dir = tmp_path / "docs"
    (docs_dir / "discovery").mkdir(parents=True)
    (docs_dir / "openapi" / "v3").mkdir(parents=True)
    shutil.copy(wire / "aggregated-discovery-with-crd.json", docs_dir / "discovery" / "aggregated_v2.json")
    shutil.copy(
        wire / "openapi-v3-cert-manager.io-v1.json",
        docs_dir / "openapi" / "v3" / openapi_file_name("apis/cert-manager.io/v1"),
    )
    kubegen("generate", "--from-dir", docs_dir, "--package", "certs", "--group", "cert-manager.io", "--out", tmp_path)
    script = (
        "from certs.cert_manager_io.v1.client import CertificateClient\n"
        "from certs.cert_manager_io.v1 import Certificate\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
