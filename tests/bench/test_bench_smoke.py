"""`bench/run.py --quick` keeps working (numbers are measured in bench/, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_of_ours_writes_every_section(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "kubeclient", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "results.json").read_text())
    assert {"machine", "decode", "watch", "informer", "generation"} <= set(report)
    table = (tmp_path / "results.md").read_text()
    assert "| **kubeclient** |" in table
    for section in ("watch", "informer", "generation"):
        assert section in table.lower(), section
