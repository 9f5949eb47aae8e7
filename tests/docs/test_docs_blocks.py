"""Every ```python block of README.md and docs/*.md runs, page by page, against a fake API server.

The blocks of one page share a namespace and run in order, as a reader would paste them; ```sh run blocks (shell
commands a reader types, e.g. kubegen) run with bash in the same order and directory. Blocks that start a
FakeAPIServer of their own also run alone, each in a fresh namespace, as a reader trying just that one would. Links
between pages point at files of the repository. KUBECONFIG points at a
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
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
ANY_FENCE = re.compile(r"^```(python|sh run)([^\n]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def control_plane_missing() -> str | None:
    """Why ```python envtest blocks (which start a real control plane) cannot run here, or None if they can."""
    from kubeclient.testing.envtest import ControlPlaneError, find_assets

    try:
        find_assets()
    except ControlPlaneError as err:
        return str(err)
    return None


def wanted(info: str) -> bool:
    """A block marked `envtest` runs only where a control plane can start."""
    return "envtest" not in info.split() or control_plane_missing() is None


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """(line, source) of each python block; blocks marked `envtest` only when a control plane can start."""
    text = page.read_text()
    return [(text.count("\n", 0, m.start(2)) + 1, m.group(2)) for m in FENCE.finditer(text) if wanted(m.group(1))]


def runnable_blocks(page: Path) -> list[tuple[str, int, str]]:
    """(kind, line, source) of the python and `sh run` blocks, in page order."""
    text = page.read_text()
    return [
        (m.group(1), text.count("\n", 0, m.start(3)) + 1, m.group(3))
        for m in ANY_FENCE.finditer(text)
        if wanted(m.group(2))
    ]


def run_shell(source: str, filename: str, line: int) -> None:
    bash = shutil.which("bash") or "/bin/bash"
    result = subprocess.run([bash, "-euo", "pipefail", "-c", source], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"{filename}:{line}: the shell block failed ({result.returncode}):\n{result.stderr}")


def run_block(source: str, filename: str, line: int, namespace: dict[str, Any]) -> None:
    padded = "\n" * (line - 1) + source
    code = compile(padded, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    result = eval(code, namespace)  # noqa: S307 - the documentation's own code, run on purpose
    if inspect.iscoroutine(result):
        asyncio.run(result)


PAGE_PARAMS = [p for p in PAGES if p.exists()]


@pytest.fixture
def reader_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
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
        monkeypatch.syspath_prepend(str(tmp_path))  # `python` started in the directory imports what kubegen wrote
        yield server


@pytest.mark.parametrize("page", PAGE_PARAMS, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_blocks_run(page: Path, reader_env: Any) -> None:
    blocks = runnable_blocks(page)
    if not blocks:
        pytest.skip(f"{page.name} has no python blocks")
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem}"}
    filename = str(page.relative_to(ROOT))
    for kind, line, source in blocks:
        if kind == "sh run":
            run_shell(source, filename, line)
        else:
            run_block(source, filename, line, namespace)


STANDALONE = [
    (page, line, source)
    for page in PAGE_PARAMS
    for line, source in python_blocks(page)
    if "FakeAPIServer().start()" in source
]


@pytest.mark.parametrize(
    ("page", "line", "source"), STANDALONE, ids=[f"{p.relative_to(ROOT)}:{line}" for p, line, _ in STANDALONE]
)
def test_blocks_that_start_a_server_run_alone(page: Path, line: int, source: str, reader_env: Any) -> None:
    run_block(source, str(page.relative_to(ROOT)), line, {"__name__": "docs_alone"})


@pytest.mark.parametrize("page", PAGE_PARAMS, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_point_into_the_repository(page: Path) -> None:
    for target in LINK.findall(page.read_text()):
        if "://" in target or target.startswith("mailto:"):
            continue
        resolved = (page.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{page.name} links outside the repository: {target}"
        assert resolved.exists(), f"{page.name} links to a missing file: {target}"
    assert "../shared" not in page.read_text(), f"{page.name} names ../shared, which a clone does not have"
