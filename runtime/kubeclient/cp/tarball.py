"""kubectl cp's rules without I/O to the pod: the "[namespace/]pod:path" spelling, the tar stream sent to
`tar -xmf -`, and unpacking `tar cf -` output under a local destination without letting an entry escape it."""

from __future__ import annotations

import io
import os
import posixpath
import tarfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CopyError", "PodPath", "extract_command", "pack", "parse_spec", "remote_target", "unpack"]


class CopyError(Exception):
    """A copy that cannot be done: a bad path, a missing file, or tar failing in the container (its stderr)."""


@dataclass(frozen=True)
class PodPath:
    namespace: str | None
    pod: str
    path: str


def parse_spec(spec: str) -> PodPath | str:
    """kubectl's `[namespace/]pod:path` for a file in a pod; anything without a colon (or a Windows-like `C:`
    drive) is a local path."""
    head, sep, path = spec.partition(":")
    if not sep or (len(head) == 1 and head.isalpha()):
        return spec
    if not path:
        raise CopyError(f"{spec!r}: a remote path is required after the colon (kubectl: 'filepath can not be empty')")
    namespace, slash, pod = head.rpartition("/")
    if not pod or (slash and not namespace):
        raise CopyError(f"{spec!r}: expected [namespace/]pod:path")
    return PodPath(namespace or None, pod, path)


def remote_target(dest: str, src_name: str, dest_is_dir: bool) -> str:
    """Where in the pod the copy lands: into an existing directory under the source's name, else at dest."""
    dest = dest.rstrip("/") or "/"
    return posixpath.join(dest, src_name) if dest_is_dir else dest


def extract_command(target: str) -> list[str]:
    """`tar -xmf -` in the target's directory (kubectl's copyToPod)."""
    directory = posixpath.dirname(target)
    return ["tar", "-xmf", "-"] + (["-C", directory] if directory else [])


def pack(src: str | os.PathLike[str], arcname: str) -> bytes:
    """A tar of the local file or directory `src`, its top entry named `arcname`."""
    source = Path(src)
    if not source.exists():
        raise CopyError(f"{source}: no such file or directory")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.add(str(source), arcname=arcname, recursive=True)
    return buffer.getvalue()


def unpack(data: bytes, remote_src: str, dest: str | os.PathLike[str]) -> list[Path]:
    """Write the entries of `tar cf - remote_src` under `dest` (kubectl's untarAll): the remote path's prefix
    (leading "/" removed, as tar does) is replaced by `dest`; a single file copied onto an existing directory lands
    inside it. Links and entries that would leave `dest` are refused; the written paths are returned."""
    prefix = posixpath.normpath(remote_src.lstrip("/")) if remote_src.strip("/") else ""
    root = Path(dest)
    written: list[Path] = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        members = tar.getmembers()
        if not members:
            raise CopyError(f"{remote_src}: the container's tar sent no entries")
        single_file = len(members) == 1 and members[0].isfile()
        if single_file and root.is_dir():
            root = root / posixpath.basename(prefix)
        base = root.resolve()
        for member in members:
            name = posixpath.normpath(member.name.lstrip("/"))
            if name != prefix and not name.startswith(prefix + "/") and prefix:
                raise CopyError(f"tar entry {member.name!r} is outside {remote_src!r}")
            relative = name[len(prefix) :].lstrip("/") if prefix else name
            target = (root / relative) if relative else root
            resolved = target.resolve()
            if resolved != base and base not in resolved.parents:
                raise CopyError(f"tar entry {member.name!r} would be written outside {dest}")
            if member.issym() or member.islnk():
                raise CopyError(f"tar entry {member.name!r} is a link: kubeclient copies no links")
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
            elif member.isfile():
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
                os.chmod(target, member.mode & 0o777)
            written.append(target)
    return written
