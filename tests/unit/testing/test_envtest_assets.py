"""Unpacking the control-plane binaries into the cache, and the kubectl linked in beside them."""

from __future__ import annotations

import lzma
from pathlib import Path

from kubeclient.testing.envtest import unpack_assets


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "realcluster"
    source.mkdir()
    (source / "etcd.xz").write_bytes(lzma.compress(b"#!/bin/sh\necho etcd\n"))
    return source


def test_binaries_unpack_once_and_executable(tmp_path: Path) -> None:
    target = unpack_assets(_source(tmp_path), tmp_path / "cache")
    assert (target / "etcd").read_bytes() == b"#!/bin/sh\necho etcd\n"
    assert (target / "etcd").stat().st_mode & 0o111
    assert unpack_assets(tmp_path / "realcluster", tmp_path / "cache") == target


def test_a_kubectl_link_left_dangling_is_replaced(tmp_path: Path) -> None:
    # The environment the link pointed into (another checkout's venv) was deleted since.
    source = _source(tmp_path)
    gone = tmp_path / "old-venv" / "kubectl"
    gone.parent.mkdir()
    gone.write_text("old")
    target = unpack_assets(source, tmp_path / "cache", kubectl=str(gone))
    assert (target / "kubectl").resolve() == gone.resolve()
    gone.unlink()
    assert not (target / "kubectl").exists()
    current = tmp_path / "venv" / "kubectl"
    current.parent.mkdir()
    current.write_text("new")
    assert unpack_assets(source, tmp_path / "cache", kubectl=str(current)) == target
    assert (target / "kubectl").read_text() == "new"
    assert not list(target.glob(".kubectl.*"))
