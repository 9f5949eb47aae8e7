"""Scenario 12: regenerate the clientset for a cluster that serves a group-version the committed one lacks.

    python examples/regenerate_new_version.py [--kubeconfig PATH] [--context NAME] [--out DIR]

1. `kubegen snapshot --from-cluster --strip-descriptions` saves what the cluster serves;
2. `kubegen diff openapi/kubernetes-1.36 SNAPSHOT` shows what a user reads first: the group-versions, resources and
   fields that appeared, changed or went away since the committed snapshot;
3. `kubegen generate --from-dir SNAPSHOT --package kubeapi` regenerates a copy of the committed `generated/kubeapi`;
4. the program reports which files were added, changed and removed: on a cluster that only adds group-versions,
   the new packages appear and nothing else changes but the clientset and informer factory attributes.

Without a configured cluster it runs against a fake API server serving Kubernetes v1.36 plus the CRDs of
examples/crds/ (a new group, example.com, in two versions).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

import yaml
from _runner import add_cluster_arguments, cluster_configured, kubegen, say

ROOT = Path(__file__).resolve().parents[1]
COMMITTED_DOCS = ROOT / "openapi" / "kubernetes-1.36"
COMMITTED_PACKAGE = ROOT / "generated" / "kubeapi"
CRDS = ROOT / "examples" / "crds" / "widgets.example.com.yaml"


def fake_cluster_with_a_new_group(stack: ExitStack, workdir: Path) -> str:
    """A fake API server serving v1.36 plus example.com (installed from the CRD manifest); its kubeconfig path."""
    from kubeapi import Clientset
    from kubeapi.apiextensions.v1 import CustomResourceDefinition
    from kubeclient.testing import FakeAPIServer

    server = stack.enter_context(FakeAPIServer())
    print(f"no cluster configured: using a fake API server at {server.url}", file=sys.stderr, flush=True)
    with Clientset.for_config(server.config()) as cs:
        for doc in yaml.safe_load_all(CRDS.read_text()):
            if doc:
                cs.apiextensions_v1.custom_resource_definitions().create(CustomResourceDefinition.from_dict(doc))
    return str(server.write_kubeconfig(workdir / "kubeconfig"))


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--out", help="working directory (default: a temporary one)")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        workdir = Path(args.out or stack.enter_context(tempfile.TemporaryDirectory(prefix="regenerate-")))
        workdir.mkdir(parents=True, exist_ok=True)
        kubeconfig = args.kubeconfig
        if not cluster_configured(kubeconfig):
            kubeconfig = fake_cluster_with_a_new_group(stack, workdir)
        where = (["--kubeconfig", kubeconfig] if kubeconfig else []) + (
            ["--context", args.context] if args.context else []
        )
        snapshot = workdir / "snapshot"
        kubegen("snapshot", "--from-cluster", *where, "--out", str(snapshot), "--strip-descriptions")
        say(f"snapshot of the cluster's documents written to {snapshot.name}/")
        report = kubegen("diff", str(COMMITTED_DOCS), str(snapshot))
        say("kubegen diff openapi/kubernetes-1.36 snapshot:")
        for line in report.splitlines():
            if line.startswith(("+ group-version", "- group-version", "~ group-version")) or "added," in line:
                say(f"  {line}")
        out = workdir / "generated"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(COMMITTED_PACKAGE, out / "kubeapi", ignore=shutil.ignore_patterns("__pycache__"))
        before = digests(out)
        kubegen("generate", "--from-dir", str(snapshot), "--package", "kubeapi", "--out", str(out))
        after = digests(out)
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(name for name in set(before) & set(after) if before[name] != after[name])
        new_packages = sorted({str(Path(name).parent) for name in added if name.endswith("/__init__.py")})
        say(f"regenerated kubeapi: {len(added)} files added, {len(changed)} changed, {len(removed)} removed")
        say(f"  new packages: {', '.join(new_packages) or 'none'}")
        say(f"  changed: {', '.join(changed) or 'nothing'}")
        say(f"  removed: {', '.join(removed) or 'nothing'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
