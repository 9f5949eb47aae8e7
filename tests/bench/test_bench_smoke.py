"""`bench/run.py --quick` keeps working (numbers are measured in bench/, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_of_ours_writes_every_section(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--only",
            "kubeclient",
            "--sections",
            "decode",
            "watch",
            "informer",
            "generation",
            "--out",
            str(tmp_path),
        ],
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
    assert "kubeclient" in report["decode"]["other"]["results"]
    assert "second list" in table


@pytest.mark.timeout(480)  # three control planes, one per section, beside five other test workers on two cores
def test_quick_run_of_the_real_server_sections(tmp_path: Path) -> None:
    """The real-server sections at smoke sizes (one control plane each); skipped without the binaries."""
    import os

    if not os.environ.get("KUBEBUILDER_ASSETS") and not (ROOT.parent / "shared" / "realcluster").is_dir():
        pytest.skip("no control-plane binaries")
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--quick",
        "--only",
        "kubeclient",
        "--out",
        str(tmp_path),
    ]
    command += ["--sections", "real-watch", "churn", "many-watches", "--real-pods", "50", "--real-seconds", "2"]
    command += ["--watches", "110"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((tmp_path / "results.json").read_text())
    for name in ("real-watch", "churn", "many-watches"):
        assert "raw" in report[name], (name, report[name])
    watches = report["real-watch"]["raw"]["results"]
    assert {"kubeclient", "kubeclient-asyncio"} <= set(watches)
    if (ROOT.parent / "shared" / "bench" / "clientgo-bench.xz").is_file():
        # client-go as it comes (protobuf) and on JSON through bench/jsonproxy.py
        for case in ("client-go", "client-go-json"):
            assert all("error" not in run for run in watches[case]), watches[case]
    churn = report["churn"]["raw"]["results"]
    churn_cases = ["threads", "asyncio"]
    if (ROOT.parent / "shared" / "bench" / "clientgo-bench.xz").is_file():
        churn_cases += ["client-go", "client-go-json"]
    for case in churn_cases:
        assert churn[case]["seen"] == churn[case]["written"] > 0, churn[case]
    many = report["many-watches"]["raw"]["results"]
    assert all(r["opened"] == 110 for r in many.values()), many
    table = (tmp_path / "results.md").read_text()
    for heading in ("Watch and informer sync on a real", "Sustained churn", "Many watches"):
        assert heading in table, heading
    for raw in ("realwatch.json", "churn.json", "manywatches.json"):
        assert (tmp_path / raw).is_file(), raw
