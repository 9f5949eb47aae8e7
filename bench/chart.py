"""Draw results.png from results.json: `python chart.py RESULTS_JSON OUT_PNG`.

Run by the peers' environment, which has matplotlib; the project does not depend on it. A panel whose
measurement is absent from the results (a section not run, every library failed) is left out.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

OURS = "kubeclient"
FLOORS = ("json.loads", "orjson", "dicts")
# Ours first, then the floors, then the peers: results.json keeps its keys sorted.
ORDER = [OURS, "kubeclient-asyncio", *FLOORS, "json-floor", "lightkube", "client-go", "client-go-json", "kubernetes"]
ORDER += ["kubernetes_asyncio", "kr8s", "cloudcoil"]
ORDER += ["kubegen", "kubegen core", "datamodel-codegen"]


def bars(ax: Any, rows: dict[str, dict[str, Any]], key: str, label: str, fmt: str) -> None:
    names = sorted((n for n, r in rows.items() if key in r), key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))
    values = [rows[n][key] for n in names]
    colours = ["#2a7" if n.startswith(("kubeclient", "kubegen")) else "#bbb" if n in FLOORS else "#888" for n in names]
    ax.barh(names, values, color=colours)
    ax.invert_yaxis()
    if min(values) > 0 and max(values) / min(values) > 30:
        ax.set_xscale("log")  # kr8s or kubernetes would otherwise flatten the fast libraries to nothing
        label += ", log scale"
    ax.set_xlabel(label)
    for y, v in enumerate(values):
        ax.text(v, y, " " + fmt.format(v), va="center", fontsize=8)
    ax.margins(x=0.25)


def main() -> None:
    with open(sys.argv[1]) as f:
        report = json.load(f)
    decode = report.get("decode", {}).get("results", {})
    watch = report.get("watch", {}).get("results", {})
    informer = report.get("informer", {}).get("results", {})
    generation = report.get("generation", {}).get("results", {})
    real = report.get("real-watch", {}).get("results", {})  # medians of bench/realwatch.py's rounds
    panels = [
        (decode, "decode_s", "decode PodList (s, lower is better)", "{:.2f}"),
        (decode, "held_mb", "memory held by the decoded list (MB, lower is better)", "{:.0f}"),
        (decode, "import_s", "import time (s, lower is better)", "{:.3f}"),
        (decode, "import_rss_mb", "interpreter RSS after the import (MB, lower is better)", "{:.0f}"),
        (watch, "events_per_s", "watch: typed events/s (higher is better)", "{:.0f}"),
        (watch, "cpu_us_per_event", "watch: client CPU per event (µs, lower is better)", "{:.0f}"),
        (informer, "held_mb", "pod cache held (MB, lower is better)", "{:.0f}"),
        (generation, "seconds", "code generation (s, lower is better; see results.md)", "{:.1f}"),
        (real, "cpu_us_per_event", "real kube-apiserver watch: client CPU per event (µs, lower is better)", "{:.0f}"),
        (real, "sync_s", "real kube-apiserver: informer sync of the pods (s, lower is better)", "{:.2f}"),
    ]
    panels = [p for p in panels if any(p[1] in r for r in p[0].values())]
    if not panels:
        raise SystemExit("nothing to draw")
    cols = 2
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(12, 3.2 * rows), squeeze=False)
    for ax, (data, key, label, fmt) in zip(axes.flat, panels, strict=False):
        bars(ax, data, key, label, fmt)
    for ax in list(axes.flat)[len(panels) :]:
        ax.axis("off")
    fig.suptitle(report.get("machine", ""), fontsize=9)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110)


if __name__ == "__main__":
    main()
