"""Every ```python block of README.md and docs/*.md runs, page by page, against a fake API server.

The blocks of one page share a namespace and run in order, as a reader would paste them. KUBECONFIG points at a
FakeAPIServer started for the page (so `kubeclient.load_config()` finds it), HOME and KUBECACHEDIR at a temporary
directory, which is also the working directory; PATH starts with this interpreter's scripts (`kubegen`).
Top-level `await` is allowed. A failure names the page and line.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def control_plane_missing() -> str | None:
    """Why ```python envtest blocks (which start a real control plane) cannot run here, or None if they can."""
    from kubeclient.testing.envtest import ControlPlaneError, find_assets

    try:
        find_assets()
    except ControlPlaneError as err:
        return str(err)
    return None


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(line, source) of each python block; blocks marked `envtest` only when a control plane can start."""
    text = page.read_text()
    blocks = []
    for m in FENCE.finditer(text):
        if "envtest" in m.group(1).split() and control_plane_missing():
            continue
        blocks.append((text.count("\n", 0, m.start(2)) + 1, m.group(2)))
    return blocks


def run_block(source: str, filename: str, line: int, namespace: dict[str, Any]) -> None:
    padded = "\n" * (line - 1) + source
    code = compile(padded, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    result = eval(code, namespace)  # noqa: S307 - the documentation's own code, run on purpose
    if inspect.iscoroutine(result):
        asyncio.run(result)


@pytest.mark.parametrize("page", [p for p in PAGES if p.exists()], ids=lambda p: str(p.relative_to(ROOT)))
def test_page_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python blocks")
    from kubeclient.testing import FakeAPIServer

    with FakeAPIServer() as server:
        kubeconfig = tmp_path / "kubeconfig"
        server.write_kubeconfig(kubeconfig)
        monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("KUBECACHEDIR", str(tmp_path / "cache"))
        # As in an activated virtualenv: the `kubegen` command the pages run is the one beside this interpreter.
        monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        monkeypatch.chdir(tmp_path)
        namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
        for line, source in blocks:
            run_block(source, str(page.relative_to(ROOT)), line, namespace)
