"""`make bench`: every measurement side by side in one run, reported as ratios (ours vs each peer).

Peers are installed into bench/.venv-peers from requirements-peers.txt (never into the project's environment);
each number is the median of several runs, each case in a fresh interpreter. Results go to bench/results/:
results.json (raw), results.md (the table the README shows) and results.png (the chart).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_VENV = HERE / ".venv-peers"
RESULTS = HERE / "results"
PEERS = ["lightkube", "kubernetes", "kubernetes_asyncio", "kr8s", "cloudcoil"]
FLOORS = ["json.loads", "orjson"]


def peers_python() -> Path:
    python = PEERS_VENV / "bin" / "python"
    stamp = PEERS_VENV / ".requirements"
    wanted = (HERE / "requirements-peers.txt").read_text()
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        print("installing peers into bench/.venv-peers ...", flush=True)
        if not python.exists():
            # The base interpreter, not this venv's: a venv made from a venv links to the wrong place.
            subprocess.run([sys._base_executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(HERE / "requirements-peers.txt")], check=True
        )
        stamp.write_text(wanted)
    return python


def interpreter(case: str) -> str:
    return sys.executable if case == "kubeclient" else str(peers_python())


def run_case(*args: str, case: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run(
        [interpreter(case), str(HERE / "measure.py"), *args], check=True, capture_output=True, text=True, env=env
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def median_of(runs: int, *args: str, case: str) -> dict[str, float]:
    samples = [run_case(*args, case=case) for _ in range(runs)]
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def ratio(ours: float, theirs: float) -> str:
    if ours <= 0 or theirs <= 0:
        return "n/a"
    return f"{theirs / ours:.1f}× faster" if theirs >= ours else f"{ours / theirs:.1f}× slower"


def mem_ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs > 0 else "n/a"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5, help="timed repetitions per case (median reported)")
    parser.add_argument("--only", nargs="*", help="cases to run (default: all)")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    sys.path.insert(0, str(HERE))
    from podlist import pod_list_bytes

    data_file = RESULTS / "podlist.json.tmp"
    data = pod_list_bytes(args.pods)
    data_file.write_bytes(data)
    cases = args.only or ["kubeclient", *FLOORS, *PEERS]
    results: dict[str, dict[str, float]] = {}
    failures: dict[str, str] = {}
    for case in cases:
        print(f"measuring {case} ...", flush=True)
        r: dict[str, float] = {}
        try:
            r.update(run_case("decode", case, str(data_file), str(args.runs), case=case))
            r.update(run_case("memory", case, str(data_file), case=case))
            if case not in FLOORS:
                r.update(median_of(args.runs, "import", case, case=case))
        except subprocess.CalledProcessError as exc:
            # A peer that cannot run here is reported, not hidden; the others are still measured.
            reason = (exc.stderr or "").strip().splitlines()[-1:] or ["failed"]
            print(f"  {case}: {reason[0]}", flush=True)
            failures[case] = reason[0]
            continue
        results[case] = r
    data_file.unlink()

    report = {
        "machine": machine(),
        "pods": args.pods,
        "bytes": len(data),
        "runs": args.runs,
        "results": results,
        "failures": failures,
    }
    (RESULTS / "results.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    ours = results.get("kubeclient")
    lines = [
        f"Decoding a synthetic {args.pods}-pod PodList ({len(data) / 1e6:.0f} MB), median of {args.runs} runs; "
        f"measured on {report['machine']}.",
        "",
        "| library | decode | encode | memory held | import | ours vs it: decode | encode | memory | import |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case, r in results.items():
        cells = [
            case,
            f"{r['decode_s']:.3f} s",
            f"{r['encode_s']:.3f} s",
            f"{r['held_mb']:.0f} MB",
            f"{r['import_s']:.3f} s" if "import_s" in r else "—",
        ]
        if ours and case != "kubeclient":
            cells += [
                ratio(ours["decode_s"], r["decode_s"]),
                ratio(ours["encode_s"], r["encode_s"]),
                mem_ratio(ours["held_mb"], r["held_mb"]),
                ratio(ours["import_s"], r["import_s"]) if "import_s" in r else "—",
            ]
        else:
            cells += ["", "", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [f"- {case} could not be measured: {why}" for case, why in failures.items()]
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    chart(report)


def chart(report: dict[str, object]) -> None:
    """The PNG is drawn by the peers' environment, which has matplotlib; the project does not depend on it."""
    script = f"""
import json, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
r = json.load(open({str(RESULTS / "results.json")!r}))["results"]
names = list(r)
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
axes[0].barh(names, [r[n]["decode_s"] for n in names], color=["#2a7" if n == "kubeclient" else "#888" for n in names])
axes[0].set_xlabel("decode PodList (s, lower is better)")
axes[1].barh(names, [r[n]["held_mb"] for n in names], color=["#2a7" if n == "kubeclient" else "#888" for n in names])
axes[1].set_xlabel("memory held (MB, lower is better)")
fig.tight_layout()
fig.savefig({str(RESULTS / "results.png")!r}, dpi=110)
"""
    subprocess.run([str(peers_python()), "-c", script], check=True)


if __name__ == "__main__":
    main()
