"""Where the control plane's binaries are: controller-runtime's `KUBEBUILDER_ASSETS` layout (`etcd`,
`kube-apiserver`, optionally `kubectl` and `kubelet-streaming-stub`), and unpacking xz-compressed binaries into such
a directory once.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kubeclient.testing.envtest.errors import ControlPlaneError

ASSETS_ENV = "KUBEBUILDER_ASSETS"
REQUIRED = ("etcd", "kube-apiserver")
OPTIONAL = ("kubectl", "kubelet-streaming-stub")


@dataclass(frozen=True)
class Assets:
    """The binaries of one control plane; `kubectl` and `kubelet_stub` are None when the directory lacks them."""

    directory: Path
    etcd: Path
    kube_apiserver: Path
    kubectl: Path | None
    kubelet_stub: Path | None


def find_assets(assets: str | os.PathLike[str] | None = None) -> Assets:
    """The binaries in `assets`, else in `$KUBEBUILDER_ASSETS`; ControlPlaneError says what is missing."""
    chosen = assets if assets is not None else os.environ.get(ASSETS_ENV)
    if not chosen:
        raise ControlPlaneError(
            f"no control-plane binaries: pass assets=DIR or set {ASSETS_ENV} to a directory holding "
            f"{' and '.join(REQUIRED)}"
        )
    directory = Path(chosen)
    where = f"{directory}" if assets is not None else f"{ASSETS_ENV}={directory}"
    if not directory.is_dir():
        raise ControlPlaneError(f"{where} is not a directory")
    missing = [name for name in REQUIRED if not _executable(directory / name)]
    if missing:
        raise ControlPlaneError(f"{where} has no executable {', '.join(missing)}")
    found = {name: directory / name if _executable(directory / name) else None for name in OPTIONAL}
    return Assets(
        directory, directory / "etcd", directory / "kube-apiserver", found["kubectl"], found["kubelet-streaming-stub"]
    )


def unpack_assets(source: str | os.PathLike[str], cache: str | os.PathLike[str], *, kubectl: str | None = None) -> Path:
    """Decompress every `NAME.xz` in `source` into `cache/<digest>/NAME` (executable) and return that directory.

    The digest covers the compressed files' names, sizes and modification times, so a changed source unpacks anew
    and an unchanged one costs nothing. `kubectl` (a path) is linked in beside them when the directory has none.
    Each binary is written to a temporary name and renamed, so a process killed half-way never leaves a truncated
    binary behind for the next run.
    """
    src = Path(source)
    packed = sorted(src.glob("*.xz"))
    if not packed:
        raise ControlPlaneError(f"{src} holds no .xz binaries to unpack")
    digest = hashlib.sha256()
    for path in packed:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    target = Path(cache) / digest.hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    for path in packed:
        final = target / path.stem
        if final.exists():
            continue
        with tempfile.NamedTemporaryFile(dir=target, prefix=f".{path.stem}.", delete=False) as out:
            try:
                with lzma.open(path) as packed_file:
                    shutil.copyfileobj(packed_file, out, 1 << 20)
            except (lzma.LZMAError, OSError) as err:
                Path(out.name).unlink(missing_ok=True)
                raise ControlPlaneError(f"cannot unpack {path}: {err}") from None
        os.chmod(out.name, 0o755)  # noqa: S103 - an executable the tests run, in a cache of our own
        os.replace(out.name, final)
    link = target / "kubectl"
    # exists() is False for a link whose environment was deleted since: that one is replaced, not kept dangling.
    if kubectl and Path(kubectl).is_file() and not link.exists():
        fresh = target / f".kubectl.{os.getpid()}"
        fresh.unlink(missing_ok=True)
        fresh.symlink_to(Path(kubectl).resolve())
        os.replace(fresh, link)  # atomic: concurrent test workers each leave a working link
    return target


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)
