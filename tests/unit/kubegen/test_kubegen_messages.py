"""What kubegen says when the input or the install is wrong: one line naming the file, line and column, or the
extra to install; and the summary table never cuts a name when there is no terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SNAPSHOT = ROOT / "openapi" / "kubernetes-1.36"


def kubegen(*args: str, cwd: Path, pre: str = "") -> subprocess.CompletedProcess[str]:
    script = f"import sys; {pre}sys.argv = ['kubegen', *sys.argv[1:]]; from kubegen.command import main; main()"
    env = dict(os.environ, COLUMNS="80", TERM="dumb")
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )


def test_without_the_generate_extra_it_names_the_extra(tmp_path: Path) -> None:
    result = kubegen("--help", cwd=tmp_path, pre="sys.modules['typer'] = None; ")
    assert result.returncode == 1
    assert result.stderr == (
        "kubegen: error: the kubegen command needs the 'generate' extra (typer not installed): "
        "pip install 'kubeclient[generate]'\n"
    )


def test_crd_input_errors_are_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "binary.yaml").write_bytes(bytes(range(128, 256)))
    (tmp_path / "broken.yaml").write_text("a: [1, 2\nb: {c\n")
    cases = {
        "empty": "kubegen: error: empty: the directory has no .yaml, .yml or .json files",
        "binary.yaml": "kubegen: error: binary.yaml: not a text file (byte 0 is not UTF-8)",
        "broken.yaml": "kubegen: error: broken.yaml: not valid YAML: "
        "expected ',' or ']', but got ':' at line 2, column 2",
    }
    for arg, expected in cases.items():
        result = kubegen("generate", "--from-crds", arg, "--package", "p", "--out", "out", cwd=tmp_path)
        assert result.returncode == 1, arg
        assert result.stderr.splitlines() == [expected], arg


def test_the_summary_keeps_whole_names_without_a_terminal(tmp_path: Path) -> None:
    result = kubegen(
        "generate", "--from-dir", str(SNAPSHOT), "--group", "admissionregistration.k8s.io",
        "--package", "p", "--out", "out", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "…" not in result.stdout
    assert any(line.split()[:2] == ["admissionregistration.k8s.io/v1", "p.admissionregistration.v1"] for line in lines)
    assert lines[1].split() == ["group-version", "package", "resources", "classes"]
