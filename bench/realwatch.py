"""Watch and informer figures against a real kube-apiserver, side by side with the peers and client-go itself.

    .venv/bin/python bench/realwatch.py [--pods 2000] [--rounds 2] [--only CASE ...] [--peers-python PATH]
                                        [--clientgo PATH] [--out FILE]

Starts `kubeclient.testing.ControlPlane` (binaries from $KUBEBUILDER_ASSETS or ../shared/realcluster, unpacked into
~/.cache/kubeclient/envtest), fills a namespace with realistic pods (bench/podlist.py: spec, status, labels,
owner references; managedFields as the server writes them), then watches all of them from resourceVersion 0 in a
fresh interpreter per case and round: the client's CPU per event and events/s (streams.py; the clock starts at the
first event). The real server spends far less per event than our Python fake server, so this is where a fast
client shows. Cases run interleaved, round after round, and the table gives each one's median and its ratio to ours:
the machine is shared and absolute figures move, ratios taken in the same run much less.

The informer-sync tables (the pods, and `--configmaps` small ConfigMaps in another namespace) time our informers'
WatchList sync and the memory the synced cache holds; beside them the list loop of the clients with no informer
(lightkube, the official client: one LIST into a dict), and `json-floor`, the same WatchList read off a TLS socket
and never decoded, which is how fast this server sends JSON at all.

client-go is `clientgo-bench` (../shared/bench/clientgo-bench.xz, unpacked into ~/.cache/kubeclient), left out
with a note when absent, in two rows. `client-go` is client-go as it comes: v1.36's generated clients for built-in
types prefer protobuf when the config names no content type (gentype.PrefersProtobuf; the requests say
`Accept: application/vnd.kubernetes.protobuf,application/json`), so that row is protobuf. `client-go-json` is the
same program through jsonproxy.py, which rewrites Accept to application/json: client-go on the wire format
kubeclient speaks. The peers run in --peers-python when given, else in bench/.venv-peers when it exists.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import json
import lzma
import os
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kubeclient"
OURS = ("kubeclient", "kubeclient-asyncio")
PEERS = ("lightkube",)  # the json/orjson floors of streams.py read a token kubeconfig; the plane's uses certificates
CLIENTGO = ("client-go", "client-go-json")  # its default (protobuf), and JSON through jsonproxy.py
FLOOR = "json-floor"  # the WatchList read and never decoded (streams.py): how fast the server sends JSON
LABELS = {
    FLOOR: "floor: the JSON WatchList read, not decoded",
    "client-go": "client-go (protobuf: its default)",
    "client-go-json": "client-go (JSON)",
    "kubernetes": "kubernetes (official)",
}
SYNC_PEERS = ("lightkube", "kubernetes")  # no informer: their users' list loop (streams.LIST_LOOPS)

sys.path.insert(0, str(HERE))


def control_plane_assets() -> str | None:
    """KUBEBUILDER_ASSETS, else ../shared/realcluster unpacked into the cache (as tests/conftest.py does)."""
    from kubeclient.testing.envtest import ASSETS_ENV, unpack_assets

    if os.environ.get(ASSETS_ENV):
        return os.environ[ASSETS_ENV]
    source = SHARED / "realcluster"
    if not (source / "kube-apiserver.xz").is_file():
        return None
    kubectl = Path(sys.executable).parent / "kubectl"
    return str(unpack_assets(source, CACHE / "envtest", kubectl=str(kubectl) if kubectl.exists() else None))


def report_on_control_plane(
    args: argparse.Namespace,
    measure: Callable[[argparse.Namespace, str], dict[str, Any]],
    render: Callable[[dict[str, Any]], str],
) -> None:
    """What churn.py and manywatches.py do once their options are read: measure on a control plane started from
    the unpacked binaries, print the table, and keep the raw report in `args.out` when given."""
    assets = control_plane_assets()
    if assets is None:
        sys.exit("no control-plane binaries: set KUBEBUILDER_ASSETS or provide ../shared/realcluster")
    report = measure(args, assets)
    print(render(report))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n")


def clientgo_binary(given: str | None) -> Path | None:
    if given:
        return Path(given)
    packed = SHARED / "bench" / "clientgo-bench.xz"
    if not packed.is_file():
        return None
    target = CACHE / "clientgo-bench" / "clientgo-bench"
    if not target.exists() or target.stat().st_mtime < packed.stat().st_mtime:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(lzma.decompress(packed.read_bytes()))
        partial.chmod(0o755)
        partial.replace(target)
    return target


def creatable(pod: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pod as a client creates it (server-set fields dropped) and the status to write afterwards."""
    meta = {k: v for k, v in pod["metadata"].items() if k in ("name", "labels", "annotations", "ownerReferences")}
    status = dict(pod["status"])
    status["hostIPs"] = [{"ip": status["hostIP"]}]  # the server checks that these agree
    status["podIPs"] = [{"ip": status["podIP"]}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod["spec"]}, status


def fill(cfg: Any, namespace: str, count: int) -> None:
    """`count` realistic pods in `namespace`, created and given a status from 8 threads."""
    from kubeapi import Clientset
    from podlist import make_pod

    rng = random.Random(1)
    pods = [creatable(make_pod(rng, index)) for index in range(count)]
    # client-go's default 5 requests/s would take minutes to fill.
    with Clientset.for_config(dataclasses.replace(cfg, qps=1000.0, burst=2000)) as cs:
        client = cs.core_v1.pods(namespace)

        def one(item: tuple[dict[str, Any], dict[str, Any]]) -> None:
            body, status = item
            client.create(body)
            client.patch(body["metadata"]["name"], {"status": status}, "merge", subresource="status")

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(one, pods))


def fill_configmaps(cfg: Any, namespace: str, count: int) -> None:
    """`count` small ConfigMaps (labels and two keys of data, as many controllers keep) from 12 threads."""
    from kubeapi import Clientset

    with Clientset.for_config(dataclasses.replace(cfg, qps=2000.0, burst=4000)) as cs:
        client = cs.core_v1.config_maps(namespace)

        def one(index: int) -> None:
            labels = {"app": "bench", "shard": str(index % 10)}
            data = {"key": f"value-{index}", "config.yaml": "a: 1\nb: two\n" * 3}
            client.create({"metadata": {"name": f"cm-{index:05d}", "labels": labels}, "data": data})

        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            list(pool.map(one, range(count)))


def run_case(
    what: str,
    case: str,
    python: str,
    kubeconfig: str,
    namespace: str,
    *,
    count: int,
    clientgo: Path | None,
    env: Any = None,
    resource: str = "pods",
    held: bool = False,
) -> dict[str, Any]:
    """One measurement in a fresh process: `what` is "watch" (from resourceVersion 0) or "sync" (an informer on
    `resource`; with `held`, the memory its synced cache holds instead of its time)."""
    if case in CLIENTGO:
        assert clientgo is not None
        rv = ["0", str(count)] if what == "watch" else []
        command = [str(clientgo), "watch" if what == "watch" else "informer", kubeconfig, namespace, resource, *rv]
    elif what == "watch":
        command = [python, str(HERE / "measure.py"), what, case, kubeconfig, namespace, "0", str(count)]
    else:
        more = [resource, "held"] if held else [resource]
        command = [python, str(HERE / "measure.py"), what, case, kubeconfig, namespace, str(count), *more]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, env=env)
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def sync_round(
    case: str,
    python: str,
    kubeconfig: str,
    namespace: str,
    *,
    count: int,
    clientgo: Path | None,
    env: Any = None,
    resource: str = "pods",
    with_memory: bool = False,
) -> dict[str, Any]:
    """An informer's sync time in a fresh process; `with_memory`, also the memory its synced cache holds, traced in a
    process of its own (tracemalloc slows what it traces). client-go reports both in one run."""
    kwargs: dict[str, Any] = {"count": count, "clientgo": clientgo, "env": env, "resource": resource}
    result = run_case("sync", case, python, kubeconfig, namespace, **kwargs)
    if with_memory and case not in (*CLIENTGO, FLOOR):  # client-go reports both in one run; the floor holds nothing
        result.update(run_case("sync", case, python, kubeconfig, namespace, held=True, **kwargs))
    return result


def interpreter(case: str, peers: str | None, baseline: str | None) -> tuple[str, str, dict[str, str] | None]:
    """The Python a case runs in, its name there, and its environment (None: this one's)."""
    name = case.removesuffix("@baseline")
    if name != case:
        # The baseline imports its own checkout: nothing of ours on its path.
        return str(baseline), name, {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return (str(peers) if case in PEERS + SYNC_PEERS else sys.executable), name, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=2000)
    parser.add_argument("--configmaps", type=int, default=20000, help="ConfigMaps for the informer sync (0: none)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--peers-python", help="an interpreter with lightkube and orjson installed")
    parser.add_argument("--clientgo", help="the clientgo-bench program (default: unpacked from ../shared/bench)")
    parser.add_argument("--baseline-python", help="also run our cases in this interpreter (another checkout's venv)")
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    args = parser.parse_args()

    from jsonproxy import json_proxy
    from kubeclient.testing import ControlPlane

    assets = control_plane_assets()
    if assets is None:
        sys.exit("no control-plane binaries: set KUBEBUILDER_ASSETS or provide ../shared/realcluster")
    peers = args.peers_python or (str(HERE / ".venv-peers/bin/python") if (HERE / ".venv-peers").exists() else None)
    clientgo = clientgo_binary(args.clientgo)
    baseline = [f"{case}@baseline" for case in OURS] if args.baseline_python else []
    cases = list(OURS) + baseline + (list(PEERS) if peers else []) + (list(CLIENTGO) if clientgo else [])
    if args.only:
        cases = [case for case in cases if case in args.only]
    notes = []
    if not peers:
        notes.append("peers left out: no --peers-python and no bench/.venv-peers")
    if not clientgo:
        notes.append("client-go left out: ../shared/bench/clientgo-bench.xz is absent")
    results: dict[str, list[dict[str, Any]]] = {case: [] for case in cases}
    sync_peers = [case for case in SYNC_PEERS if peers and (not args.only or case in args.only)]
    sync_cases = [c for c in ("kubeclient", "kubeclient-asyncio", "kubeclient@baseline") if c in cases] + sync_peers
    sync_cases += [FLOOR] if not args.only or FLOOR in args.only else []
    sync_cases += [case for case in CLIENTGO if case in cases]
    syncs: dict[str, list[dict[str, Any]]] = {case: [] for case in sync_cases}
    cm_syncs: dict[str, list[dict[str, Any]]] = {case: [] for case in sync_cases if "@" not in case}
    with (
        tempfile.TemporaryDirectory() as tmp,
        contextlib.ExitStack() as stack,
        ControlPlane(assets) as plane,
        plane.namespace("bench") as namespace,
        plane.namespace("bench-cm") as cm_namespace,
    ):
        kubeconfig = str(Path(tmp) / "kubeconfig")
        plane.write_kubeconfig(kubeconfig)
        kubeconfigs = {}
        if "client-go-json" in cases:
            kubeconfigs["client-go-json"] = str(stack.enter_context(json_proxy(kubeconfig, Path(tmp) / "json-proxy")))
        fill(plane.config(), namespace, args.pods)
        if args.configmaps:
            fill_configmaps(plane.config(), cm_namespace, args.configmaps)

        def sync(case: str, namespace: str, count: int, resource: str, first: bool) -> dict[str, Any]:
            python, name, env = interpreter(case, peers, args.baseline_python)
            kwargs = {"count": count, "clientgo": clientgo, "env": env, "resource": resource, "with_memory": first}
            return sync_round(name, python, kubeconfigs.get(case, kubeconfig), namespace, **kwargs)

        for round_ in range(args.rounds):
            if args.configmaps:
                for case, runs in cm_syncs.items():
                    runs.append(sync(case, cm_namespace, args.configmaps, "configmaps", round_ == 0))
            for case in cases:
                python, name, env = interpreter(case, peers, args.baseline_python)
                results[case].append(
                    run_case(
                        "watch",
                        name,
                        python,
                        kubeconfigs.get(case, kubeconfig),
                        namespace,
                        count=args.pods,
                        clientgo=clientgo,
                        env=env,
                    )
                )
            for case, runs in syncs.items():
                runs.append(sync(case, namespace, args.pods, "pods", round_ == 0))
    print(render(results, args.pods, notes))
    print(render_sync(syncs, args.pods))
    if args.configmaps:
        print(render_sync(cm_syncs, args.configmaps, "ConfigMaps"))
    if args.out:
        raw = {
            "pods": args.pods,
            "configmaps": args.configmaps,
            "results": results,
            "informer_sync": syncs,
            "informer_sync_configmaps": cm_syncs,
            "notes": notes,
        }
        args.out.write_text(json.dumps(raw, indent=1))


def render(results: dict[str, list[dict[str, Any]]], pods: int, notes: list[str]) -> str:
    def median(case: str, key: str) -> float | None:
        values = [run[key] for run in results.get(case, []) if key in run]
        return statistics.median(values) if values else None

    ours = median("kubeclient", "cpu_us_per_event")
    lines = [
        f"watch of {pods} pods from resourceVersion 0, real kube-apiserver (median of rounds)",
        "",
        "| case | client CPU µs/event | events/s | CPU vs kubeclient |",
        "|---|---|---|---|",
    ]
    for case, runs in results.items():
        cpu = median(case, "cpu_us_per_event")
        rate = median(case, "events_per_s")
        if cpu is None or rate is None:
            lines.append(f"| {LABELS.get(case, case)} | failed: {runs[-1].get('error') if runs else 'not run'} | | |")
            continue
        ratio = f"{cpu / ours:.2f}×" if ours else ""
        lines.append(f"| {LABELS.get(case, case)} | {cpu:.1f} | {rate:,.0f} | {ratio} |")
    lines += [f"\n{note}" for note in notes]
    return "\n".join(lines)


def render_sync(syncs: dict[str, list[dict[str, Any]]], count: int, what: str = "pods") -> str:
    def median(case: str, key: str) -> float | None:
        values = [run[key] for run in syncs.get(case, []) if key in run]
        return statistics.median(values) if values else None

    def versus(value: float | None, key: str) -> str:
        """`value` over client-go's on JSON and on protobuf."""
        ratios = []
        for go in CLIENTGO[::-1]:
            base = median(go, key)
            ratios.append(f"{value / base:.2f}×" if value is not None and base else "—")
        return " / ".join(ratios)

    ours = median("kubeclient", "sync_s")
    lines = [
        f"\ninformer sync of {count} {what}, real kube-apiserver (median of rounds): WatchList for kubeclient and "
        "client-go, one LIST into a dict for the clients with no informer; memory held by the synced cache: "
        "tracemalloc for the Python clients, the Go heap in use after GC for client-go",
        "",
        "| case | sync | CPU | memory held | time vs kubeclient | time vs client-go JSON / protobuf | "
        "memory vs client-go JSON / protobuf |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, runs in syncs.items():
        wall, cpu, held = median(case, "sync_s"), median(case, "cpu_s"), median(case, "held_mb")
        label = LABELS.get(case, case)
        if wall is None or cpu is None:
            lines.append(f"| {label} | failed: {runs[-1].get('error') if runs else 'not run'} | | | | | |")
            continue
        cells = [
            f"{wall:.3f} s",
            f"{cpu:.3f} s",
            f"{held:.1f} MB" if held is not None else "—",
            f"{wall / ours:.2f}×" if ours else "—",
            versus(wall, "sync_s"),
            versus(held, "held_mb"),
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
