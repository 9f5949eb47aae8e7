"""`kubegen snapshot`: save what a cluster (or a directory) serves in the directory layout kubegen reads.

With `strip_descriptions` the documents keep only facts (schemas, paths, operations, GVK and list-type extensions):
every human-written `description` is removed, while a *property* that happens to be named "description" stays.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kubeclient.apidocs.documents import openapi_file_name

# Keys whose value maps names to schemas (so its keys are names, never keywords to strip).
_NAME_MAPS = frozenset({"properties", "patternProperties", "schemas", "definitions", "paths", "responses", "content"})


def strip_descriptions(node: Any, *, in_name_map: bool = False) -> Any:
    """A copy of an OpenAPI/JSON-schema tree without documentation prose (`description`, and `summary`)."""
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if not in_name_map and key in ("description", "summary") and isinstance(value, str):
                continue
            out[key] = strip_descriptions(value, in_name_map=(not in_name_map and key in _NAME_MAPS))
        return out
    if isinstance(node, list):
        return [strip_descriptions(v) for v in node]
    return node


def write_json_atomic(path: Path, data: Any) -> None:
    """Sorted keys and a trailing newline make snapshots diff cleanly and byte-stable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def snapshot_directory(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    strip: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Copy a directory of API documents to `out` in kubegen's layout, stripping descriptions when asked.

    Returns the files written. `out` is replaced as a whole so that documents that went away leave no orphans.
    """
    src = Path(source)
    dst = Path(out)
    if not (src / "discovery").is_dir():
        raise FileNotFoundError(f"{src}: no discovery/ directory (expected kubegen's snapshot layout)")
    staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=dst.parent if dst.parent.exists() else None))
    written: list[Path] = []
    try:
        files = sorted(p for p in src.rglob("*.json") if p.is_file())
        for file in files:
            rel = file.relative_to(src)
            with file.open("rb") as f:
                data = json.load(f)
            if strip and rel.parts[0] == "openapi":
                data = strip_descriptions(data)
            write_json_atomic(staging / rel, data)
            written.append(dst / rel)
            if progress:
                progress(str(rel))
        if dst.exists():
            shutil.rmtree(dst)
        staging.rename(dst)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return written


def save_documents(
    out: str | os.PathLike[str],
    *,
    discovery: Mapping[str, Any],
    openapi_v3: Mapping[str, Any],
    swagger: Any | None = None,
    version: Any | None = None,
    strip: bool = True,
) -> list[Path]:
    """Write fetched documents (discovery file name → document; OpenAPI path → document) in kubegen's layout."""
    root = Path(out)
    written = []
    for name, doc in sorted(discovery.items()):
        write_json_atomic(root / "discovery" / name, doc)
        written.append(root / "discovery" / name)
    for path, doc in sorted(openapi_v3.items()):
        target = root / "openapi" / "v3" / openapi_file_name(path)
        write_json_atomic(target, strip_descriptions(doc) if strip else doc)
        written.append(target)
    if swagger is not None:
        write_json_atomic(root / "openapi" / "swagger.json", strip_descriptions(swagger) if strip else swagger)
        written.append(root / "openapi" / "swagger.json")
    if version is not None:
        write_json_atomic(root / "version.json", version)
        written.append(root / "version.json")
    return written
