"""kubectl cp (tar over exec, both directions), blocking; `kubeclient.cp.aio` is the asyncio one.

    cp.cp(cfg, "./site", "web-0:/usr/share/nginx/html")          # kubectl's [namespace/]pod:path spelling
    cp.copy_from_pod(cfg, "default", "web-0", "/var/log/app.log", "./app.log")

As with kubectl, the container needs a `tar`; an existing remote directory receives the source under its own name;
entries that would be written outside the local destination, and links, are refused. Archives are held in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kubeclient.cp import aio
from kubeclient.cp.tarball import CopyError, PodPath, parse_spec
from kubeclient.remotecommand.portal import Portal

__all__ = ["CopyError", "PodPath", "copy_from_pod", "copy_to_pod", "cp", "parse_spec"]


def copy_to_pod(cfg: Any, namespace: str, pod: str, src: str | Path, dest: str, *, container: str | None = None) -> str:
    """Copy a local file or directory into the pod; the remote path written."""
    with Portal("kubeclient-cp") as portal:
        return portal.run(aio.copy_to_pod(cfg, namespace, pod, src, dest, container=container))


def copy_from_pod(
    cfg: Any, namespace: str, pod: str, src: str, dest: str | Path, *, container: str | None = None
) -> list[Path]:
    """Copy a file or directory of the pod to a local path; the local paths written."""
    with Portal("kubeclient-cp") as portal:
        return portal.run(aio.copy_from_pod(cfg, namespace, pod, src, dest, container=container))


def cp(cfg: Any, src: str, dest: str, *, namespace: str | None = None, container: str | None = None) -> None:
    """`kubectl cp SRC DEST`: exactly one side is `[namespace/]pod:path`; the namespace defaults to `namespace`,
    then the Config's."""
    source, target = parse_spec(src), parse_spec(dest)
    if isinstance(source, PodPath) == isinstance(target, PodPath):
        raise CopyError("one of SRC and DEST must be a local path and the other [namespace/]pod:path")
    if isinstance(target, PodPath):
        ns = target.namespace or namespace or cfg.namespace
        copy_to_pod(cfg, ns, target.pod, str(source), target.path, container=container)
    else:
        assert isinstance(source, PodPath)
        ns = source.namespace or namespace or cfg.namespace
        copy_from_pod(cfg, ns, source.pod, source.path, str(target), container=container)
