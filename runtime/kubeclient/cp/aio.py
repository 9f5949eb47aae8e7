"""kubectl cp for asyncio: tar over exec, both directions (the container must have `tar`)."""

from __future__ import annotations

import asyncio
import posixpath
from pathlib import Path
from typing import Any

from kubeclient.cp.tarball import CopyError, extract_command, pack, remote_target, unpack
from kubeclient.remotecommand import aio as remotecommand

__all__ = ["copy_from_pod", "copy_to_pod"]


async def copy_to_pod(
    cfg: Any, namespace: str, pod: str, src: str | Path, dest: str, *, container: str | None = None
) -> str:
    """Copy the local file or directory `src` to `dest` in the pod (into it when it is a directory there); the
    path written is returned."""
    if not dest:
        raise CopyError("the remote path must not be empty")
    probe = await remotecommand.exec(cfg, namespace, pod, ["test", "-d", dest], container=container)
    target = remote_target(dest, Path(src).name, probe.exit_code == 0)
    data = await asyncio.to_thread(pack, src, posixpath.basename(target.rstrip("/")) or ".")
    result = await remotecommand.exec(cfg, namespace, pod, extract_command(target), container=container, stdin=data)
    if result.exit_code != 0:
        raise CopyError(f"tar in {namespace}/{pod} exited {result.exit_code}: {result.stderr.decode(errors='replace')}")
    return target


async def copy_from_pod(
    cfg: Any, namespace: str, pod: str, src: str, dest: str | Path, *, container: str | None = None
) -> list[Path]:
    """Copy the file or directory `src` in the pod to the local `dest`; the local paths written are returned."""
    if not src:
        raise CopyError("the remote path must not be empty")
    result = await remotecommand.exec(cfg, namespace, pod, ["tar", "cf", "-", src], container=container)
    if result.exit_code != 0:
        raise CopyError(f"tar in {namespace}/{pod} exited {result.exit_code}: {result.stderr.decode(errors='replace')}")
    return await asyncio.to_thread(unpack, result.stdout, src, dest)
