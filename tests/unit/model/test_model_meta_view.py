"""`obj.meta`: the metadata of a kind read with plain types (`obj.meta.name` is a str under mypy --strict), while
`obj.metadata` keeps UNSET and None distinct on the wire."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import msgspec

from kubeapi.apps.v1 import Deployment
from kubeapi.core.v1 import Pod, PodTemplateSpec
from kubeapi.meta.v1 import ObjectMeta
from kubeclient.model import UNSET, MetaView

ROOT = Path(__file__).resolve().parents[3]


def test_meta_reads_what_is_set_and_defaults_the_rest() -> None:
    pod = Pod.from_json(
        b'{"metadata": {"name": "web-1", "namespace": "shop", "uid": "u-1", "resourceVersion": "7",'
        b' "generation": 2, "labels": {"app": "web"}, "creationTimestamp": "2026-12-01T10:00:00Z",'
        b' "annotations": null}}'
    )
    meta = pod.meta
    assert isinstance(meta, MetaView)
    assert (meta.name, meta.namespace, meta.uid, meta.resource_version, meta.generation) == (
        "web-1", "shop", "u-1", "7", 2
    )  # fmt: skip
    assert meta.labels == {"app": "web"} and meta.annotations == {} and meta.finalizers == ()
    assert meta.creation_timestamp == "2026-12-01T10:00:00Z" and meta.deletion_timestamp is None
    assert meta.key == "shop/web-1"
    # The fields themselves are untouched: null stays null, unset stays unset, on the model and on the wire.
    assert pod.metadata.annotations is None and pod.metadata.finalizers is UNSET
    assert b'"annotations":null' in pod.to_json() and b"finalizers" not in pod.to_json()


def test_meta_of_an_object_without_metadata() -> None:
    for pod in (Pod(), Pod(metadata=None), Pod(metadata=ObjectMeta())):
        assert (pod.meta.name, pod.meta.key, pod.meta.generation, dict(pod.meta.labels)) == ("", "", 0, {})


def test_meta_is_not_a_field() -> None:
    assert "meta" not in {f.name for f in msgspec.structs.fields(Pod)}
    assert Deployment(metadata=ObjectMeta(name="d")).meta.name == "d"
    assert PodTemplateSpec(metadata=ObjectMeta(name="t")).meta.name == "t"  # embedded ObjectMeta too


def test_meta_name_type_checks_as_str_under_mypy_strict(tmp_path: Path) -> None:
    source = tmp_path / "reader.py"
    source.write_text(
        "from kubeapi import Clientset\n"
        "from kubeapi.core.v1 import Pod\n\n\n"
        "def names(cs: Clientset) -> list[str]:\n"
        "    out: list[str] = [pod.meta.name for pod in cs.core_v1.pods().list().items]\n"
        "    for event in cs.core_v1.pods('default').watch(timeout_seconds=1):\n"
        "        out.append(event.object.meta.name + event.object.meta.namespace + event.object.meta.uid)\n"
        "    return out\n\n\n"
        "def generation(pod: Pod) -> int:\n"
        "    return pod.meta.generation + len(pod.meta.labels)\n\n\n"
        "def unguarded(pod: Pod) -> str:\n"
        "    return pod.metadata.name  # the raw field still needs a guard\n"
    )
    env = dict(os.environ, MYPYPATH=os.pathsep.join([str(ROOT / "generated"), str(ROOT / "runtime")]))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(source)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=600,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert errors and all(":17: error:" in line for line in errors), result.stdout
