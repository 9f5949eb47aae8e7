"""`make bench`: every measurement side by side in one run, reported as ratios (ours vs each peer).

    .venv/bin/python bench/run.py [--quick] [--only LIB ...] [--sections decode watch informer generation
                                  real-watch churn many-watches]
                                  [--pods N] [--server-pods N] [--runs N] [--out DIR]
                                  [--real-seconds S] [--real-pods N] [--watches N]

Peers are installed into bench/.venv-peers from requirements-peers.txt (never into the project's environment);
each case runs in a fresh interpreter, and each number is the median of several runs. Sections:

- decode: a synthetic PodList (podlist.py) decoded into each library's typed objects and encoded back, the memory
  the decoded list holds, and the time and peak RSS of a fresh interpreter importing what a user types (cases.py);
  json.loads and orjson are the floor.
- watch: one fake API server (fakecluster.py) filled once; every library watches the same pods from the same
  resourceVersion into its typed objects (streams.py): events/s and the client's CPU per event.
- informer: our SharedInformerFactory pod informer synced from that server vs the same pods kept as plain dicts.
- generation: `kubegen generate` of every built-in group-version beside a naive datamodel-codegen run on core/v1.
- real-watch, churn, many-watches: against a real kube-apiserver (`kubeclient.testing.ControlPlane`, binaries from
  $KUBEBUILDER_ASSETS or ../shared/realcluster; skipped with a note without them): bench/realwatch.py's watch and
  informer-sync tables beside lightkube, the official client's list loop and client-go itself (`clientgo-bench`,
  from ../shared/bench, on its default protobuf and on JSON through jsonproxy.py; left out with a note when absent),
  bench/churn.py's sustained churn and bench/manywatches.py's many watches. Each runs as its own program; its raw
  JSON goes to the results directory (realwatch.json, churn.json, manywatches.json).

The decode section also decodes the same list with fields our models do not know in every pod ("kubeclient, unknown
fields", cases.with_unknown_fields), read against the clean row. The fake server spends more per event than a fast
client: the real-server sections are where a fast client shows.

Results go to bench/results/: results.json (raw), results.md (the tables the README shows) and results.png.
A full run takes about 20 minutes on 2 cores: 15 for the peers' decode and the fake-server sections (kr8s alone
decodes the list for minutes), 5 for the real-server sections (`make bench-real` runs only those). `--quick`
(small sizes, one run, written to a temporary directory unless --out is given) smokes the whole thing in a few
minutes (the real-server sections start a control plane each). A library or a section that fails is reported
in the results, never fatal to the rest. A run of some sections into bench/results keeps the other sections of
the previous run there (marked as such), and a run with the real-server sections rewrites the README's real-server
tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_VENV = HERE / ".venv-peers"
RESULTS = HERE / "results"
SNAPSHOT = ROOT / "openapi" / "kubernetes-1.36"
OURS = "kubeclient"
OURS_NEWER = "kubeclient, unknown fields"  # the same list with fields our models do not know (cases.NEWER)
PEERS = ["lightkube", "kubernetes", "kubernetes_asyncio", "kr8s", "cloudcoil"]
FLOORS = ["json.loads", "orjson"]
CLIENTGO = "client-go"  # its rows in the decode tables: clientgo-bench decode, JSON (realwatch.clientgo_binary)
REAL_SECTIONS = ["real-watch", "churn", "many-watches"]
SECTIONS = ["decode", "watch", "informer", "generation", *REAL_SECTIONS]
README = ROOT / "README.md"
# The README's real-server tables sit between these lines; a full run with the real-server sections rewrites them.
README_BEGIN = "<!-- real-server tables: written by bench/run.py -->"
README_END = "<!-- end of the real-server tables -->"
TIMEOUT = 1800.0  # one interpreter's measurement; kubernetes decoding 5000 pods five times takes minutes

Results = dict[str, dict[str, Any]]


class CaseFailed(Exception):
    """A measurement that could not be taken; the message is the reason shown in the results."""


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


_peers: dict[str, str] = {}  # "python" or "error": installing the peers is tried once a run


def interpreter(case: str) -> str:
    # Ours and the plain-dict baseline of the informer run in the project's environment, everything else (the
    # floors need orjson) in the peers'.
    if case in (OURS, OURS_NEWER, "dicts"):
        return sys.executable
    if not _peers:
        try:
            _peers["python"] = str(peers_python())
        except (subprocess.CalledProcessError, OSError) as exc:
            _peers["error"] = f"the peers' environment could not be installed ({exc})"
    if "error" in _peers:
        raise CaseFailed(_peers["error"])
    return _peers["python"]


def run_case(*args: str, case: str, bytecode: Path | None = None) -> dict[str, Any]:
    """One measurement in a fresh interpreter; `bytecode` is a cache directory it compiles into and reads from."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    if bytecode is not None:
        del env["PYTHONDONTWRITEBYTECODE"]
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    command = [interpreter(case), str(HERE / "measure.py"), *args]
    try:
        out = subprocess.run(command, check=True, capture_output=True, text=True, env=env, timeout=TIMEOUT)
    except subprocess.CalledProcessError as exc:
        lines = (exc.stderr or "").strip().splitlines()
        raise CaseFailed(lines[-1] if lines else f"exit status {exc.returncode}") from None
    except subprocess.TimeoutExpired:
        raise CaseFailed(f"no answer within {TIMEOUT:.0f} s") from None
    try:
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except (IndexError, ValueError):
        raise CaseFailed(f"unreadable output: {out.stdout[-200:]!r}") from None


def median_of(runs: int, *args: str, case: str, bytecode: Path | None = None) -> dict[str, Any]:
    samples = [run_case(*args, case=case, bytecode=bytecode) for _ in range(runs)]
    return {
        key: statistics.median(s[key] for s in samples) if isinstance(value, int | float) else value
        for key, value in samples[0].items()
    }


def measure_each(
    cases: list[str], section: dict[str, Any], measure: Callable[[str, dict[str, Any]], None], label: str
) -> None:
    """Run `measure(case, row)` for every case; what it measured before failing is kept, the reason reported."""
    results: Results = section.setdefault("results", {})
    failures: dict[str, str] = section.setdefault("failures", {})
    for case in cases:
        print(f"{label}: {case} ...", flush=True)
        row: dict[str, Any] = {}
        try:
            measure(case, row)
        except CaseFailed as exc:
            failures[case] = str(exc)
            print(f"  {case}: {exc}", flush=True)
        if row:
            results[case] = row


# sections


def decode_section(cases: list[str], pods: int, runs: int, workdir: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    from podlist import pod_list_bytes

    data = pod_list_bytes(pods)
    data_file = workdir / "podlist.json"
    data_file.write_bytes(data)
    section: dict[str, Any] = {"pods": pods, "bytes": len(data), "runs": runs}
    # Imports read compiled bytecode, as from an installed package: an editable checkout (ours) would otherwise
    # compile its sources on every run while the peers' wheels come compiled. One untimed run fills the cache.
    bytecode = workdir / "bytecode"

    def measure(case: str, row: dict[str, Any]) -> None:
        row.update(run_case("decode", case, str(data_file), str(runs), case=case))
        row.update(run_case("memory", case, str(data_file), case=case))
        if case not in FLOORS and case != OURS_NEWER:
            run_case("import", case, case=case, bytecode=bytecode)
            row.update(median_of(runs, "import", case, case=case, bytecode=bytecode))

    measure_each([*cases, OURS_NEWER], section, measure, "decode")
    clientgo_decode(section, data_file, runs)
    # The same measures on a list made independently (otherlist.py: a cluster's mix of pods, managedFields a
    # fifth of the bytes), for ours, the floors and lightkube: no lead that only holds on one list's proportions.
    from otherlist import pod_list_bytes as other_list_bytes

    other = other_list_bytes(pods)
    data_file.write_bytes(other)
    section["other"] = {"pods": pods, "bytes": len(other)}

    def measure_other(case: str, row: dict[str, Any]) -> None:
        row.update(run_case("decode", case, str(data_file), str(runs), case=case))
        row.update(run_case("memory", case, str(data_file), case=case))

    others = [case for case in cases if case in (OURS, "lightkube", *FLOORS)]
    measure_each(others, section["other"], measure_other, "decode, second list")
    clientgo_decode(section["other"], data_file, runs)
    try:
        # What a bare interpreter weighs, to read the import RSS column against.
        section["bare_rss_mb"] = median_of(runs, "import", "python", case=OURS, bytecode=bytecode)["import_rss_mb"]
    except CaseFailed:
        pass
    data_file.unlink()
    return section


def clientgo_decode(section: dict[str, Any], data_file: Path, runs: int) -> None:
    """client-go's row: `clientgo-bench decode` of the same file (JSON into typed Go structs with client-go's scheme,
    encoded back, the heap the list holds; and the same list decoded from protobuf, for the note under the table)."""
    from realwatch import clientgo_binary

    clientgo = clientgo_binary(None)
    if clientgo is None:
        section.setdefault("failures", {})[CLIENTGO] = "../shared/bench/clientgo-bench.xz is absent"
        return
    print("decode: client-go ...", flush=True)
    command = [str(clientgo), "decode", str(data_file), str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    if done.returncode != 0:
        section.setdefault("failures", {})[CLIENTGO] = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return
    row = json.loads(done.stdout.strip().splitlines()[-1])
    keep = ("decode_s", "encode_s", "held_mb", "protobuf_decode_s")
    section.setdefault("results", {})[CLIENTGO] = {key: row[key] for key in keep if key in row}


def server_sections(
    cases: list[str], wanted: list[str], server_pods: int, runs: int, workdir: Path
) -> dict[str, dict[str, Any]]:
    sys.path.insert(0, str(HERE))
    import fakecluster

    out: dict[str, dict[str, Any]] = {}
    print(f"filling the fake API server with {server_pods} pods ...", flush=True)
    try:
        cluster = fakecluster.start(server_pods, workdir)
    except Exception as exc:
        traceback.print_exc()
        reason = f"the fake API server could not be started or filled: {exc!r}"
        return {name: {"error": reason} for name in wanted}
    try:
        size = event_bytes(cluster)
        common = {"pods": server_pods, "event_bytes": size, "create_s": cluster.create_s, "runs": runs}
        config = (str(cluster.kubeconfig), cluster.namespace)
        if "watch" in wanted:
            out["watch"] = dict(common)

            def watch(case: str, row: dict[str, Any]) -> None:
                # The server runs on this process's threads, and nothing else here works meanwhile: this process's
                # CPU time is what serving the events cost.
                cpu = time.process_time()
                row.update(median_of(runs, "watch", case, *config, cluster.rv, str(server_pods), case=case))
                row["server_cpu_us_per_event"] = (time.process_time() - cpu) / (runs * server_pods) * 1e6

            measure_each(cases, out["watch"], watch, "watch")
            served = [r["server_cpu_us_per_event"] for r in out["watch"]["results"].values()]
            if served:
                out["watch"]["server_cpu_us_per_event"] = statistics.median(served)
        if "informer" in wanted:
            out["informer"] = dict(common)

            def informer(case: str, row: dict[str, Any]) -> None:
                for how in ("tracemalloc", "rss"):
                    row.update(median_of(runs, "informer", case, how, *config, str(server_pods), case=case))

            measure_each([OURS, "dicts"], out["informer"], informer, "informer")
    finally:
        cluster.stop()
    return out


def event_bytes(cluster: Any) -> float:
    """The average size of one pod as the watch sends it."""
    from kubeclient.dynamic import DynamicClient
    from kubeclient.schema import GVR

    with DynamicClient.for_config(cluster.server.config()) as dyn:
        items = dyn.resource(GVR("", "v1", "pods")).namespace(cluster.namespace).list()["items"]
    return sum(len(json.dumps(p, separators=(",", ":"))) for p in items) / max(len(items), 1)


def generation_section(quick: bool, workdir: Path) -> dict[str, Any]:
    """One timed run of each: generation takes seconds, and its spread is small beside the ratio it is read for."""
    bin_dir = Path(sys.executable).parent
    out = workdir / "generated"
    kubegen = [
        str(bin_dir / "kubegen"),
        "generate",
        "--from-dir",
        str(SNAPSHOT),
        "--package",
        "kubeapi",
        "--out",
        str(out),
    ]
    # Naive: datamodel-codegen's defaults, on one document.
    datamodel = [str(bin_dir / "datamodel-codegen"), "--input-file-type", "openapi", "--output", str(out), "--input"]
    docs = SNAPSHOT / "openapi" / "v3"
    if quick:
        # A small group keeps the smoke run short; the full run measures the whole clientset.
        jobs = {
            "kubegen": ("kubegen, coordination.k8s.io only", [*kubegen, "--group", "coordination.k8s.io"]),
            "datamodel-codegen": (
                "datamodel-codegen, coordination.k8s.io/v1",
                [*datamodel, str(docs / "apis__coordination.k8s.io__v1_openapi.json")],
            ),
        }
    else:
        jobs = {
            "kubegen": ("kubegen, every built-in group-version", kubegen),
            "kubegen core": ("kubegen, core group only", [*kubegen, "--group", "core"]),
            "datamodel-codegen": (
                "datamodel-codegen, core/v1 document (naive)",
                [*datamodel, str(docs / "api__v1_openapi.json")],
            ),
        }
    section: dict[str, Any] = {}

    def measure(case: str, row: dict[str, Any]) -> None:
        label, argv = jobs[case]
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        if not Path(argv[0]).exists():
            raise CaseFailed(f"{Path(argv[0]).name} is not installed in {bin_dir}")
        t = time.perf_counter()
        try:
            subprocess.run(argv, check=True, capture_output=True, text=True, timeout=TIMEOUT, cwd=workdir)
        except subprocess.CalledProcessError as exc:
            lines = (exc.stderr or exc.stdout or "").strip().splitlines()
            raise CaseFailed(lines[-1] if lines else f"exit status {exc.returncode}") from None
        except subprocess.TimeoutExpired:
            raise CaseFailed(f"no answer within {TIMEOUT:.0f} s") from None
        row["seconds"] = time.perf_counter() - t
        row["label"] = label
        written = list(out.rglob("*.py"))
        row["files"] = len(written)
        row["lines"] = sum(len(p.read_bytes().splitlines()) for p in written)
        shown = [Path(argv[0]).name, *(a.replace(str(workdir), "$TMP").replace(f"{ROOT}/", "") for a in argv[1:])]
        row["command"] = " ".join(shown)
        shutil.rmtree(out, ignore_errors=True)

    measure_each(list(jobs), section, measure, "generation")
    return section


def real_sections(
    wanted: list[str], cases: list[str], quick: bool, out: Path, sizes: dict[str, int | float | None]
) -> dict[str, dict[str, Any]]:
    """The real-server sections, each its own program writing its raw JSON into `out`; skipped with the reason
    when there are no control-plane binaries."""
    sys.path.insert(0, str(HERE))
    from realwatch import control_plane_assets

    try:
        assets = control_plane_assets()
    except Exception as exc:  # an unpack that failed: the reason is the note
        assets, problem = None, f"the control-plane binaries could not be unpacked: {exc}"
    else:
        problem = "no control-plane binaries: KUBEBUILDER_ASSETS is unset and ../shared/realcluster is absent"
    if assets is None:
        print(f"real-server sections skipped: {problem}", flush=True)
        return {name: {"skipped": problem} for name in wanted}
    env = dict(os.environ, KUBEBUILDER_ASSETS=assets)
    python = sys.executable
    programs: dict[str, tuple[str, list[str]]] = {}
    if "real-watch" in wanted:
        pods = sizes["real_pods"] or (200 if quick else 5000)
        configmaps = 100 if quick else 20000
        argv = ["--pods", str(pods), "--configmaps", str(configmaps), "--rounds", "1" if quick else "2"]
        only = ["kubeclient", "kubeclient-asyncio", "json-floor", "client-go", "client-go-json"]
        if "lightkube" in cases:
            try:
                argv += ["--peers-python", interpreter("lightkube")]
                only += ["lightkube", "kubernetes"]  # the official client: its list loop's sync only
            except CaseFailed as exc:
                print(f"real-watch: lightkube left out: {exc}", flush=True)
        programs["real-watch"] = ("realwatch", [*argv, "--only", *only])
    if "churn" in wanted:
        argv = ["--quick"] if quick else []
        if sizes["real_seconds"]:
            argv += ["--seconds", str(sizes["real_seconds"])]
        programs["churn"] = ("churn", argv)
    if "many-watches" in wanted:
        argv = ["--quick"] if quick else []
        if sizes["real_seconds"]:
            argv += ["--seconds", str(min(float(sizes["real_seconds"]), 8.0))]
        if sizes["watches"]:
            argv += ["--watches", str(sizes["watches"])]
        programs["many-watches"] = ("manywatches", argv)
    sections: dict[str, dict[str, Any]] = {}
    for name, (program, argv) in programs.items():
        raw = out / f"{program}.json"
        raw.unlink(missing_ok=True)
        command = [python, str(HERE / f"{program}.py"), *argv, "--out", str(raw)]
        print(f"{name}: {' '.join(Path(c).name if c == python else c for c in command[1:])}", flush=True)
        started = time.perf_counter()
        try:
            # The program's progress and tables go to this terminal; its raw results are read back from the file.
            subprocess.run(command, check=True, env=env, timeout=TIMEOUT)
            sections[name] = {"raw": json.loads(raw.read_text()), "seconds": time.perf_counter() - started}
            if name == "real-watch":
                sections[name]["results"] = real_watch_medians(sections[name]["raw"])
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
            sections[name] = {"error": f"{program}.py failed: {exc}"}
    return sections


def real_watch_medians(raw: dict[str, Any]) -> Results:
    """Each case's medians over the rounds (what the chart draws)."""
    medians: Results = {}
    for table in ("results", "informer_sync"):
        for case, runs in raw.get(table, {}).items():
            for key in ("cpu_us_per_event", "events_per_s", "sync_s"):
                values = [run[key] for run in runs if key in run]
                if values:
                    medians.setdefault(case, {})[key] = statistics.median(values)
    return medians


# report


def ratio(ours: float, theirs: float, better: str = "faster", worse: str = "slower") -> str:
    """How ours compares, for quantities where lower is better (times, CPU)."""
    if ours <= 0 or theirs <= 0:
        return "n/a"
    return f"{theirs / ours:.1f}× {better}" if theirs >= ours else f"{ours / theirs:.1f}× {worse}"


def mem_ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if ours > 0 and theirs > 0 else "n/a"


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


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def cell(row: dict[str, Any], key: str, fmt: str) -> str:
    return fmt.format(row[key]) if key in row else "—"


def versus(ours: dict[str, Any] | None, row: dict[str, Any], key: str, how: Callable[[float, float], str]) -> str:
    if ours is None or key not in ours or key not in row:
        return "—"
    return how(ours[key], row[key])


def failures(section: dict[str, Any]) -> list[str]:
    if "error" in section:
        return [f"- not measured: {section['error']}"]
    return [f"- {case} could not be measured: {why}" for case, why in section.get("failures", {}).items()]


def median(section: dict[str, Any]) -> str:
    runs = section.get("runs", 1)
    return "One run" if runs == 1 else f"Median of {runs} runs"


def ordered(results: Results) -> list[tuple[str, dict[str, Any]]]:
    return sorted(results.items(), key=lambda item: item[0] != OURS)


def decode_markdown(section: dict[str, Any]) -> list[str]:
    results: Results = section.get("results", {})
    ours = results.get(OURS)
    rows = []
    for case, r in ordered(results):
        row = [
            label(case),
            cell(r, "decode_s", "{:.3f} s"),
            cell(r, "encode_s", "{:.3f} s"),
            cell(r, "held_mb", "{:.0f} MB"),
            cell(r, "import_s", "{:.3f} s"),
            cell(r, "import_rss_mb", "{:.0f} MB"),
        ]
        if case == OURS:
            row += [""] * 5
        else:
            row += [
                versus(ours, r, "decode_s", ratio),
                versus(ours, r, "encode_s", ratio),
                versus(ours, r, "held_mb", mem_ratio),
                versus(ours, r, "import_s", ratio),
                versus(ours, r, "import_rss_mb", mem_ratio),
            ]
        rows.append(row)
    lines = [
        "### Decode, encode, memory, import",
        "",
        f"A synthetic {section['pods']}-pod PodList ({section['bytes'] / 1e6:.0f} MB of JSON, ~"
        f"{section['bytes'] / max(section['pods'], 1) / 1e3:.0f} KB a pod) decoded into each library's typed objects "
        f"and encoded back; memory held by the decoded list (tracemalloc); the import a user types, in a fresh "
        f"interpreter reading compiled bytecode as from an installed package, and that interpreter's peak RSS after "
        f"it. {median(section)}. "
        "Memory ratios are ours ÷ theirs (below 1 is less).",
        "",
        *table(
            [
                "library",
                "decode",
                "encode",
                "memory held",
                "import",
                "import RSS",
                "ours vs it: decode",
                "encode",
                "memory",
                "import",
                "import RSS",
            ],
            rows,
        ),
    ]
    if "bare_rss_mb" in section:
        lines.append(f"\nA bare interpreter's RSS is {section['bare_rss_mb']:.0f} MB.")
    lines += clientgo_decode_note(results)
    return [*lines, *failures(section), *other_list_markdown(section.get("other"))]


def label(case: str) -> str:
    return f"**{case}**" if case == OURS else "client-go (JSON)" if case == CLIENTGO else case


def clientgo_decode_note(results: Results) -> list[str]:
    go = results.get(CLIENTGO, {})
    if "protobuf_decode_s" not in go:
        return []
    return [
        f"\nclient-go is `clientgo-bench decode` (v1.36.2): the JSON file into typed structs with client-go's "
        f"scheme, the Go heap the list holds. The same list from protobuf, client-go's default for built-in "
        f"types, decodes in {go['protobuf_decode_s']:.3f} s."
    ]


def other_list_markdown(section: dict[str, Any] | None) -> list[str]:
    if not section or not section.get("results"):
        return []
    results: Results = section["results"]
    ours = results.get(OURS)
    rows = [
        [
            label(case),
            cell(r, "decode_s", "{:.3f} s"),
            cell(r, "encode_s", "{:.3f} s"),
            cell(r, "held_mb", "{:.0f} MB"),
            "" if case == OURS else versus(ours, r, "decode_s", ratio),
            "" if case == OURS else versus(ours, r, "encode_s", ratio),
            "" if case == OURS else versus(ours, r, "held_mb", mem_ratio),
        ]
        for case, r in ordered(results)
    ]
    return [
        "",
        f"The same measures on a second list, made independently (bench/otherlist.py: {section['pods']} pods of a "
        f"whole cluster's mix, {section['bytes'] / 1e6:.0f} MB, managedFields about a fifth of the bytes):",
        "",
        *table(["library", "decode", "encode", "memory held", "ours vs it: decode", "encode", "memory"], rows),
        *clientgo_decode_note(results),
        *failures(section),
    ]


def watch_markdown(section: dict[str, Any]) -> list[str]:
    lines = ["### Watch throughput", ""]
    if "error" in section:
        return [*lines, *failures(section)]
    results: Results = section.get("results", {})
    ours = results.get(OURS)
    rows = []
    for case, r in ordered(results):
        rows.append(
            [
                f"**{case}**" if case == OURS else case,
                cell(r, "events_per_s", "{:.0f}"),
                cell(r, "cpu_us_per_event", "{:.0f} µs"),
                f"`{r['object_type']}`" if "object_type" in r else "—",
                "" if case == OURS else versus(ours, r, "watch_s", ratio),
                "" if case == OURS else versus(ours, r, "cpu_us_per_event", lambda a, b: ratio(a, b, "less", "more")),
            ]
        )
    lines += [
        f"{section['pods']} pods (~{section['event_bytes'] / 1e3:.0f} KB each as sent) created on the fake API "
        "server (plain HTTP); every library watches them from the same resourceVersion over one connection into its "
        "typed objects, timed from the first ADDED event to the last. The fake server is Python too"
        + (
            f" and spends about {section['server_cpu_us_per_event']:.0f} µs of CPU (over its threads, which overlap "
            "on two cores) on each event it sends"
            if section.get("server_cpu_us_per_event")
            else ""
        )
        + ": wall-clock rates share the machine with it and move with the load. CPU per event is the client's own "
        "cost, server speed aside; the floor rows parse into dicts, nothing typed" + f". {median(section)}.",
        "",
        *table(["library", "events/s", "CPU per event", "objects", "ours vs it: throughput", "CPU"], rows),
    ]
    return [*lines, *failures(section)]


def informer_markdown(section: dict[str, Any]) -> list[str]:
    lines = ["### Informer memory", ""]
    if "error" in section:
        return [*lines, *failures(section)]
    results: Results = section.get("results", {})
    dicts = results.get("dicts")
    labels = {
        OURS: f"**{OURS}** SharedInformerFactory pod informer (typed)",
        "dicts": "plain dicts (json.loads of one LIST, by namespace/name)",
    }
    rows = [
        [
            labels.get(case, case),
            cell(r, "held_mb", "{:.0f} MB"),
            cell(r, "rss_mb", "{:.0f} MB"),
            "" if case == "dicts" else versus(r, dicts or {}, "held_mb", mem_ratio),
            "" if case == "dicts" else versus(r, dicts or {}, "rss_mb", mem_ratio),
        ]
        for case, r in ordered(results)
    ]
    lines += [
        f"The same {section['pods']} pods held in a synced cache: Python memory still allocated (tracemalloc) and "
        "the growth of the resident set (what the OS sees, allocator slack included), each in its own interpreter. "
        "The peers have no informer (kubernetes and kubernetes_asyncio have a bare watch, lightkube, kr8s and "
        f"cloudcoil neither), so the baseline is dicts. {median(section)}.",
        "",
        *table(["cache", "held", "RSS growth", "vs dicts: held", "RSS"], rows),
    ]
    return [*lines, *failures(section)]


def generation_markdown(section: dict[str, Any]) -> list[str]:
    results: Results = section.get("results", {})
    reference = results.get("datamodel-codegen")
    rows = [
        [
            r["label"],
            f"{r['seconds']:.1f} s",
            f"{r['files']} files, {r['lines']:,} lines",
            "" if case == "datamodel-codegen" else versus(r, reference or {}, "seconds", lambda a, b: f"{a / b:.1f}×"),
            f"`{r['command']}`",
        ]
        for case, r in results.items()
    ]
    lines = [
        "### Generation",
        "",
        "Wall time of one run each. kubegen writes models, apply configurations, clients, listers, informers and the "
        "clientset, with docstrings; datamodel-codegen with its defaults writes models only. The target is the whole "
        "built-in clientset in under 90 s on this machine.",
        "",
        *table(["run", "time", "output", "vs datamodel-codegen", "command"], rows),
    ]
    return [*lines, *failures(section)]


def real_watch_markdown(section: dict[str, Any]) -> list[str]:
    from realwatch import render, render_sync

    lines = ["### Watch and informer sync on a real kube-apiserver", ""]
    if "raw" not in section:
        return [*lines, f"- not measured: {section.get('skipped') or section.get('error')}"]
    raw = section["raw"]
    lines += [
        f"{raw['pods']} realistic pods (bench/podlist.py) in a namespace of kube-apiserver v1.36 "
        "(kubeclient.testing.ControlPlane, on these same cores), watched from resourceVersion 0 and synced by an "
        "informer, each case in a fresh process, rounds interleaved (bench/realwatch.py). client-go is "
        "`clientgo-bench` (client-go v1.36.2) twice: as it comes, which for built-in types is protobuf, and on JSON "
        "through bench/jsonproxy.py, which rewrites its Accept header.",
        "",
        render(raw["results"], raw["pods"], raw.get("notes", [])),
        render_sync(raw["informer_sync"], raw["pods"]),
    ]
    if raw.get("informer_sync_configmaps"):
        lines.append(render_sync(raw["informer_sync_configmaps"], raw["configmaps"], "ConfigMaps"))
    return lines


def churn_markdown(section: dict[str, Any]) -> list[str]:
    from churn import render

    lines = ["### Sustained churn on a real kube-apiserver", ""]
    if "raw" not in section:
        return [*lines, f"- not measured: {section.get('skipped') or section.get('error')}"]
    return [*lines, "bench/churn.py: " + render(section["raw"])]


def many_watches_markdown(section: dict[str, Any]) -> list[str]:
    from manywatches import render

    lines = ["### Many watches on a real kube-apiserver", ""]
    if "raw" not in section:
        return [*lines, f"- not measured: {section.get('skipped') or section.get('error')}"]
    return [*lines, "bench/manywatches.py: " + render(section["raw"])]


def real_markdown(report: dict[str, Any]) -> str:
    """The real-server tables alone, as the README shows them."""
    lines: list[str] = []
    for name, render in REAL_RENDERS:
        if name in report:
            lines += ["", *render(report[name])]
    return "\n".join(lines).strip() + "\n"


REAL_RENDERS: list[tuple[str, Callable[[dict[str, Any]], list[str]]]] = [
    ("real-watch", real_watch_markdown),
    ("churn", churn_markdown),
    ("many-watches", many_watches_markdown),
]


def update_readme(report: dict[str, Any]) -> str | None:
    """Rewrite the README's real-server tables from this run; the reason when it cannot."""
    text = README.read_text()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        return f"README.md has no {README_BEGIN!r} ... {README_END!r} block"
    if not any("raw" in report.get(name, {}) for name in REAL_SECTIONS):
        return "no real-server section was measured"
    header = f"Measured by `make bench` on {report['machine']}; load average {report['load']} when the run started.\n\n"
    body = header + real_markdown(report).replace("### ", "#### ")
    README.write_text(text[: begin + len(README_BEGIN)] + "\n" + body + text[end:])
    return None


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Measured on {report['machine']}; load average {report['load']} when the run started. "
        "Ratios say how kubeclient compares with each library.",
    ]
    if report.get("quick"):
        lines.append("\n**A --quick run**: smoke-test sizes and one run each; these are not numbers to quote.")
    for name, render in (
        ("decode", decode_markdown),
        ("watch", watch_markdown),
        ("informer", informer_markdown),
        ("generation", generation_markdown),
        *REAL_RENDERS,
    ):
        if name in report:
            section = report[name]
            lines += ["", *render(section)]
            if isinstance(section, dict) and section.get("carried_over"):
                lines.append("\n(From an earlier run: this run did not measure this section.)")
    return "\n".join(lines) + "\n"


def chart(results_json: Path, png: Path, *, install: bool) -> str | None:
    """Draw the PNG with the peers' matplotlib; the reason when it cannot be drawn. A run of ours alone does not
    install the peers' environment just for the chart."""
    if not install and not (PEERS_VENV / "bin" / "python").exists():
        return "matplotlib lives in bench/.venv-peers, which this run did not need and did not install"
    try:
        python = interpreter("chart")
        subprocess.run(
            [python, str(HERE / "chart.py"), str(results_json), str(png)],
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except CaseFailed as exc:
        return str(exc)
    except subprocess.CalledProcessError as exc:
        lines = (exc.stderr or "").strip().splitlines()
        return lines[-1] if lines else f"exit status {exc.returncode}"
    except subprocess.TimeoutExpired:
        return "no answer within 300 s"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and one run: a smoke test in seconds")
    parser.add_argument("--pods", type=int, help="pods in the decoded PodList (default 5000, quick 200)")
    parser.add_argument("--server-pods", type=int, help="pods watched and cached (default 2000, quick 100)")
    parser.add_argument("--runs", type=int, help="repetitions per case, median reported (default 5, quick 1)")
    parser.add_argument("--only", nargs="+", metavar="LIB", help=f"libraries to measure ({OURS} always is)")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=SECTIONS, help="default: all")
    parser.add_argument("--out", type=Path, help="results directory (default bench/results, quick a temp dir)")
    parser.add_argument("--real-pods", type=int, help="pods of the real-server watch (default 2000, quick 200)")
    parser.add_argument("--real-seconds", type=float, help="length of the churn (default 20) and many-watches runs")
    parser.add_argument("--watches", type=int, help="watches of the many-watches section (default 500, quick 150)")
    args = parser.parse_args()
    pods = args.pods or (200 if args.quick else 5000)
    server_pods = args.server_pods or (100 if args.quick else 2000)
    runs = args.runs or (1 if args.quick else 5)
    out = args.out or (Path(tempfile.mkdtemp(prefix="kubeclient-bench-")) if args.quick else RESULTS)
    known = [OURS, *FLOORS, *PEERS]
    unknown = [case for case in args.only or [] if case not in known]
    if unknown:
        parser.error(f"unknown libraries {unknown}; known: {known}")
    # Ours is always measured: every ratio is against it.
    cases = [case for case in known if case == OURS or args.only is None or case in args.only]
    out.mkdir(parents=True, exist_ok=True)

    report: dict[str, Any] = {
        "machine": machine(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "quick": args.quick,
    }
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kubeclient-bench-") as tmp:
        workdir = Path(tmp)
        for name in args.sections:
            if name in report:
                continue
            try:
                if name == "decode":
                    report["decode"] = decode_section(cases, pods, runs, workdir)
                elif name in ("watch", "informer"):
                    wanted = [s for s in ("watch", "informer") if s in args.sections]
                    report.update(server_sections(cases, wanted, server_pods, runs, workdir))
                elif name in REAL_SECTIONS:
                    wanted = [s for s in REAL_SECTIONS if s in args.sections]
                    sizes = {"real_pods": args.real_pods, "real_seconds": args.real_seconds, "watches": args.watches}
                    report.update(real_sections(wanted, cases, args.quick, out, sizes))
                else:
                    report["generation"] = generation_section(args.quick, workdir)
            except Exception as exc:
                # A bug here must not cost the sections already measured.
                traceback.print_exc()
                together: tuple[str, ...] = (name,)
                if name in ("watch", "informer"):
                    together = ("watch", "informer")
                elif name in REAL_SECTIONS:
                    together = tuple(REAL_SECTIONS)
                for failed in together:
                    report.setdefault(failed, {"error": f"{type(exc).__name__}: {exc}"})
    report["seconds"] = time.perf_counter() - started

    results_json = out / "results.json"
    if out == RESULTS and results_json.exists():
        # Sections this run did not measure stay as the previous run left them, marked.
        previous = json.loads(results_json.read_text())
        for name in SECTIONS:
            if name not in report and isinstance(previous.get(name), dict):
                report[name] = previous[name] | {"carried_over": True}
    results_json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    text = markdown(report)
    problem = chart(results_json, out / "results.png", install=cases != [OURS])
    if problem:
        text += f"\nThe chart could not be drawn: {problem}\n"
    (out / "results.md").write_text(text)
    print(text)
    if out == RESULTS and not args.quick and any(name in args.sections for name in REAL_SECTIONS):
        problem = update_readme(report)
        print(f"README.md not updated: {problem}" if problem else "README.md: real-server tables rewritten")
    print(f"results in {out} ({report['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
