"""kubeclient.cp (tar over exec) against the fake server's in-memory container filesystem; the real control plane's
kubelet stub has no tar, so there these tests skip. kubectl's path rules: into an existing directory under the
source's name, directories recursively, and entries that would leave the destination refused."""

from __future__ import annotations

import asyncio
import io
import tarfile
from pathlib import Path

import pytest
from backends import Backend
from streaming_helpers import Pod

from kubeclient import cp
from kubeclient.cp import aio
from kubeclient.cp.tarball import unpack


def test_copy_file_and_directory_both_ways(backend: Backend, pod: Pod, tmp_path: Path) -> None:
    fake = backend.fake_server("the kubelet stub has no tar")
    cfg = backend.config()
    files = fake.pod_files(pod.namespace, pod.name)
    files.mkdir("/data")

    local = tmp_path / "report.txt"
    local.write_bytes(b"numbers\n" * 1000)
    # An existing remote directory receives the file under its own name.
    assert cp.copy_to_pod(cfg, pod.namespace, pod.name, local, "/data") == "/data/report.txt"
    assert files.read("/data/report.txt") == local.read_bytes()
    cp.cp(cfg, str(local), f"{pod.namespace}/{pod.name}:/data/renamed.txt")
    assert files.read("/data/renamed.txt") == local.read_bytes()

    tree = tmp_path / "site"
    (tree / "css").mkdir(parents=True)
    (tree / "index.html").write_text("<h1>hi</h1>")
    (tree / "css" / "a.css").write_text("body{}")
    cp.copy_to_pod(cfg, pod.namespace, pod.name, tree, "/srv/www")
    assert files.read("/srv/www/css/a.css") == b"body{}"

    back = tmp_path / "back"
    written = cp.copy_from_pod(cfg, pod.namespace, pod.name, "/srv/www", back)
    assert (back / "index.html").read_text() == "<h1>hi</h1>"
    assert (back / "css" / "a.css").read_text() == "body{}"
    assert back / "css" / "a.css" in written

    async def from_pod() -> bytes:
        (tmp_path / "into").mkdir()
        await aio.copy_from_pod(cfg, pod.namespace, pod.name, "/data/report.txt", tmp_path / "into")
        return (tmp_path / "into" / "report.txt").read_bytes()

    assert asyncio.run(from_pod()) == local.read_bytes()

    async def to_pod() -> str:
        return await aio.copy_to_pod(cfg, pod.namespace, pod.name, tree, "/srv")

    assert asyncio.run(to_pod()) == "/srv/site"
    assert files.read("/srv/site/index.html") == b"<h1>hi</h1>"


def test_copy_errors(backend: Backend, pod: Pod, tmp_path: Path) -> None:
    backend.fake_server("the kubelet stub has no tar")
    cfg = backend.config()
    with pytest.raises(cp.CopyError, match="Cannot stat"):
        cp.copy_from_pod(cfg, pod.namespace, pod.name, "/nope", tmp_path / "x")
    with pytest.raises(cp.CopyError, match="no such file"):
        cp.copy_to_pod(cfg, pod.namespace, pod.name, tmp_path / "missing", "/data")
    with pytest.raises(cp.CopyError, match="one of SRC and DEST"):
        cp.cp(cfg, "a", "b")


def test_unpack_refuses_entries_outside_the_destination(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("data/../../evil")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(cp.CopyError, match="outside"):
        unpack(buffer.getvalue(), "/data", tmp_path / "dest")
    assert not (tmp_path / "evil").exists()
    assert cp.parse_spec("ns/pod:/a") == cp.PodPath("ns", "pod", "/a")
    assert cp.parse_spec("./local") == "./local"
