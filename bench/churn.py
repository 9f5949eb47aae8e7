"""Sustained churn against a real kube-apiserver: does an informer keep up with the fastest writer the server takes?

    .venv/bin/python bench/churn.py [--objects 200] [--writers 12] [--seconds 20] [--cases threads asyncio]
                                    [--quick] [--out FILE]

Starts `kubeclient.testing.ControlPlane` and fills a namespace with `--objects` ConfigMaps. Per case, in fresh
interpreters:

- the informer process: our typed shared informer on the namespace's ConfigMaps (`threads`: SharedInformerFactory;
  `asyncio`: AsyncSharedInformerFactory), synced, with an update handler that reads the write's stamp from the new
  object and records the lag from the write to the handler, and the sequence number of the write, per ConfigMap;
- the writer process, started once the informer has synced: `--writers` threads merge-patching the ConfigMaps round
  the namespace for `--seconds` as fast as the server answers, each patch setting `data.stamp` (time.time() before
  the request) and `data.seq`. A separate process, so that the informer's CPU is its own.

Every patch that succeeded is one MODIFIED event, and an informer coalesces none (each is one update): the report
gives patches/s sustained, updates seen of written (and sequence gaps), the lag p50/p99/max, the informer's CPU,
and its RSS once synced and at the end (memory flat).

client-go: `clientgo-bench` (../shared/bench) has decode, informer-sync and watch modes, no informer with a handler,
so its rows are its typed watch under the same writer: `clientgo-bench watch` from the namespace's resourceVersion
until it has seen as many events as ours was written (the writer stops after exactly that many patches), on its
default protobuf and on JSON through jsonproxy.py. They give updates seen of written and client-go's CPU per update;
it prints no per-event times, so no lag.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CASES = ("threads", "asyncio")
CLIENTGO_CASES = ("client-go", "client-go-json")
MAX_ERRORS = 100  # a writer with a fixed total stops after this many failed patches
CATCH_UP = 30.0  # seconds the informer may take after the writer stops to see every write
CLIENTGO_NOTE = (
    "client-go: its typed watch under the same writer (clientgo-bench has no informer-with-handler mode), as it "
    "comes (protobuf) and on JSON through bench/jsonproxy.py; the writer stops after as many patches as ours saw, "
    "and client-go must see every one; no lag, since it prints no per-event times"
)
CLIENTGO_LABELS = {"client-go": "client-go watch (protobuf: its default)", "client-go-json": "client-go watch (JSON)"}
NO_CLIENTGO = "client-go left out: ../shared/bench/clientgo-bench.xz is absent"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Recorder:
    """What the update handler saw: lags, and per ConfigMap the last sequence number (a gap is a lost update)."""

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.last: dict[str, int] = {}
        self.gaps = 0
        self.unstamped = 0

    def update(self, old: Any, new: Any) -> None:
        now = time.time()
        data = new.data or {}
        if "stamp" not in data:
            self.unstamped += 1
            return
        self.lags.append(now - float(data["stamp"]))
        name = new.metadata.name
        seq = int(data["seq"])
        previous = self.last.get(name, 0)
        if seq > previous + 1:
            self.gaps += seq - previous - 1
        self.last[name] = max(seq, previous)

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"seen": len(self.lags), "gaps": self.gaps, "unstamped": self.unstamped}
        if len(self.lags) >= 2:
            cuts = statistics.quantiles(self.lags, n=100, method="inclusive")
            out |= {"lag_p50_ms": cuts[49] * 1e3, "lag_p99_ms": cuts[98] * 1e3, "lag_max_ms": max(self.lags) * 1e3}
        return out


def wait_for_total(recorder: Recorder) -> tuple[int, float]:
    """Read the writer's total from stdin (sent when it stopped); wait until the handler saw it or CATCH_UP."""
    total = int(sys.stdin.readline())
    stopped = time.perf_counter()
    while len(recorder.lags) < total and time.perf_counter() - stopped < CATCH_UP:
        time.sleep(0.01)
    return total, time.perf_counter() - stopped


def informer_threads(cfg: Any, namespace: str) -> dict[str, Any]:
    from kubeapi import Clientset
    from kubeapi.informers import SharedInformerFactory

    recorder = Recorder()
    with Clientset.for_config(cfg) as cs:
        factory = SharedInformerFactory(cs, namespace=namespace)
        factory.core_v1.config_maps().informer().add_event_handler(on_update=recorder.update)
        factory.start()
        if not all(factory.wait_for_cache_sync(timeout=120).values()):
            raise RuntimeError("the informer did not sync")
        start_rss, cpu = rss_mb(), time.process_time()
        print("ready", flush=True)
        total, catch_up = wait_for_total(recorder)
        result = {"written": total, "catch_up_s": catch_up, "cpu_s": time.process_time() - cpu}
        result |= {"rss_start_mb": start_rss, "rss_end_mb": rss_mb(), **recorder.report()}
        factory.shutdown()
    return result


def informer_asyncio(cfg: Any, namespace: str) -> dict[str, Any]:
    import asyncio

    from kubeapi import AsyncClientset
    from kubeapi.informers import AsyncSharedInformerFactory

    recorder = Recorder()

    async def scenario() -> dict[str, Any]:
        async with AsyncClientset.for_config(cfg) as cs:
            factory = AsyncSharedInformerFactory(cs, namespace=namespace)
            factory.core_v1.config_maps().informer().add_event_handler(on_update=recorder.update)
            factory.start()
            if not all((await factory.wait_for_cache_sync(timeout=120)).values()):
                raise RuntimeError("the informer did not sync")
            start_rss, cpu = rss_mb(), time.process_time()
            print("ready", flush=True)
            # The loop must keep running the informer: stdin is read on a thread.
            total, catch_up = await asyncio.to_thread(wait_for_total, recorder)
            result = {"written": total, "catch_up_s": catch_up, "cpu_s": time.process_time() - cpu}
            result |= {"rss_start_mb": start_rss, "rss_end_mb": rss_mb(), **recorder.report()}
            await factory.shutdown()
            return result

    return asyncio.run(scenario())


def writer(
    cfg: Any, namespace: str, *, objects: int, writers: int, seconds: float, total: int | None = None
) -> dict[str, Any]:
    """`writers` threads patching round the ConfigMaps for `seconds`, or until `total` patches succeeded; each thread
    owns the ConfigMaps whose index is its own modulo `writers`, so the sequence numbers of one ConfigMap are written
    in order."""
    from kubeapi import Clientset

    counts = [0] * writers
    errors: list[str] = []
    left = [total or 0]  # with `total`: patches still to write; a failed one is given back
    lock = threading.Lock()

    def take(count: int = 1) -> bool:
        """Take `count` patches to write (or, negative, give them back); False when none are left."""
        with lock:
            if left[0] < count:
                return False
            left[0] -= count
            return True

    with Clientset.for_config(cfg) as cs:
        config_maps = cs.core_v1.config_maps(namespace)
        start = time.perf_counter()
        stop = start + seconds

        def more() -> bool:
            if total is None:
                return time.perf_counter() < stop
            return len(errors) < MAX_ERRORS and take()

        def run(index: int) -> None:
            mine = list(range(index, objects, writers))
            seq = dict.fromkeys(mine, 0)
            n = 0
            while more():
                target = mine[n % len(mine)]
                n += 1
                seq[target] += 1
                patch = {"data": {"stamp": repr(time.time()), "seq": str(seq[target])}}
                try:
                    config_maps.patch(f"churn-{target}", patch, "merge")
                    counts[index] += 1
                except Exception as exc:  # counted, not fatal: a failed patch is not a written update
                    seq[target] -= 1
                    errors.append(repr(exc))
                    if total is not None:
                        take(-1)  # write it again, so that exactly `total` succeed

        with concurrent.futures.ThreadPoolExecutor(writers) as pool:
            list(pool.map(run, range(writers)))
        elapsed = time.perf_counter() - start
    written = sum(counts)
    return {"patches": written, "seconds": elapsed, "patches_per_s": written / elapsed, "errors": len(errors)}


def child(args: argparse.Namespace) -> None:
    from kubeclient.config import load_config

    # client-go's default 5 requests/s would throttle both sides.
    cfg = dataclasses.replace(load_config(args.kubeconfig), qps=10000.0, burst=20000)
    if args.child == "writer":
        sizes = {"objects": args.objects, "writers": args.writers, "seconds": args.seconds, "total": args.patches}
        result = writer(cfg, args.namespace, **sizes)
    elif args.child == "threads":
        result = informer_threads(cfg, args.namespace)
    else:
        result = informer_asyncio(cfg, args.namespace)
    print(json.dumps(result), flush=True)


def run_case(case: str, kubeconfig: str, namespace: str, args: argparse.Namespace) -> dict[str, Any]:
    common = [sys.executable, str(Path(__file__).resolve()), "--kubeconfig", kubeconfig, "--namespace", namespace]
    sizes = ["--objects", str(args.objects), "--writers", str(args.writers), "--seconds", str(args.seconds)]
    informer = subprocess.Popen(
        [*common, "--child", case],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert informer.stdin is not None and informer.stdout is not None
    try:
        ready = informer.stdout.readline().strip()
        if ready != "ready":
            return {"error": f"the informer did not start: {ready or informer.communicate(timeout=30)[1][-300:]}"}
        done = subprocess.run(
            [*common, "--child", "writer", *sizes],
            capture_output=True,
            text=True,
            timeout=args.seconds + 300,
            check=False,
        )
        if done.returncode != 0:
            informer.kill()
            return {"error": "the writer failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
        written = json.loads(done.stdout.strip().splitlines()[-1])
        out, err = informer.communicate(f"{written['patches']}\n", timeout=CATCH_UP + 120)
        if informer.returncode != 0:
            return {"writer": written, "error": (err.strip().splitlines() or ["?"])[-1]}
        return {"writer": written, **json.loads(out.strip().splitlines()[-1])}
    finally:
        if informer.poll() is None:
            informer.kill()
            informer.wait()


def run_clientgo_case(
    clientgo: Path, args: argparse.Namespace, *, watch_kubeconfig: str, kubeconfig: str, namespace: str, rv: str
) -> dict[str, Any]:
    """client-go's typed watch from `rv` until it has seen `args.patches` events, while the writer writes exactly
    that many."""
    watch = subprocess.Popen(
        [str(clientgo), "watch", watch_kubeconfig, namespace, "configmaps", rv, str(args.patches)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.5)  # its watch is open before the first write; a later start would replay from the watch cache
        common = [sys.executable, str(Path(__file__).resolve()), "--kubeconfig", kubeconfig, "--namespace", namespace]
        sizes = ["--objects", str(args.objects), "--writers", str(args.writers), "--patches", str(args.patches)]
        done = subprocess.run(
            [*common, "--child", "writer", *sizes, "--seconds", str(args.seconds)],
            capture_output=True,
            text=True,
            timeout=args.seconds * 10 + 300,
            check=False,
        )
        if done.returncode != 0:
            return {"error": "the writer failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]}
        written = json.loads(done.stdout.strip().splitlines()[-1])
        try:
            out, err = watch.communicate(timeout=CATCH_UP)
        except subprocess.TimeoutExpired:
            return {"writer": written, "error": f"client-go did not see {args.patches} events within {CATCH_UP:g} s"}
        if watch.returncode != 0:
            return {"writer": written, "error": (err.strip().splitlines() or ["?"])[-1]}
        seen = json.loads(out.strip().splitlines()[-1])
        cpu = seen["cpu_us_per_event"] * seen["events"] / 1e6
        return {"writer": written, "written": written["patches"], "seen": seen["events"], "cpu_s": cpu, **seen}
    finally:
        if watch.poll() is None:
            watch.kill()
            watch.wait()


def measure(args: argparse.Namespace, assets: str) -> dict[str, Any]:
    from jsonproxy import json_proxy
    from kubeapi import Clientset
    from kubeclient.testing import ControlPlane
    from realwatch import clientgo_binary

    clientgo = clientgo_binary(args.clientgo) if args.clientgo_cases else None
    report: dict[str, Any] = {
        "objects": args.objects,
        "writers": args.writers,
        "seconds": args.seconds,
        "results": {},
        "notes": [CLIENTGO_NOTE if clientgo else NO_CLIENTGO] if args.clientgo_cases else [],
    }
    with tempfile.TemporaryDirectory() as tmp, ControlPlane(assets) as plane, plane.namespace("churn") as namespace:
        with Clientset.for_config(dataclasses.replace(plane.config(), qps=1000.0, burst=2000)) as cs:
            config_maps = cs.core_v1.config_maps(namespace)

            def create(index: int) -> None:
                config_maps.create({"metadata": {"name": f"churn-{index}"}, "data": {"seq": "0"}})

            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(create, range(args.objects)))
        kubeconfig = str(Path(tmp) / "kubeconfig")
        plane.write_kubeconfig(kubeconfig)
        for case in args.cases:
            print(f"churn: {case} ...", flush=True)
            report["results"][case] = run_case(case, kubeconfig, namespace, args)
        if clientgo is None:
            return report
        # As many patches as our first informer was written (client-go must see them all), else the rate it took.
        ours = [r["written"] for r in report["results"].values() if "written" in r]
        args.patches = ours[0] if ours else int(700 * args.seconds)
        with json_proxy(kubeconfig, Path(tmp) / "json-proxy") as proxied:
            for case in args.clientgo_cases:
                print(f"churn: {case} ...", flush=True)
                with Clientset.for_config(plane.config()) as cs:
                    rv = cs.core_v1.config_maps(namespace).list(limit=1).metadata.resource_version or ""
                watch_kubeconfig = str(proxied) if case == "client-go-json" else kubeconfig
                report["results"][case] = run_clientgo_case(
                    clientgo, args, watch_kubeconfig=watch_kubeconfig, kubeconfig=kubeconfig, namespace=namespace, rv=rv
                )
    return report


def render(report: dict[str, Any]) -> str:
    lines = [
        f"sustained churn: {report['writers']} writer threads (their own process) merge-patching "
        f"{report['objects']} ConfigMaps for {report['seconds']:g} s as fast as the server answers, while our typed "
        "informer's update handler records the lag from each write to it; real kube-apiserver on the same cores",
        "",
        "| informer | patches/s sustained | updates seen of written | lag p50 / p99 / max | informer CPU | "
        "RSS synced → end |",
        "|---|---|---|---|---|---|",
    ]
    for case, r in report["results"].items():
        label = CLIENTGO_LABELS.get(case) or f"kubeclient ({case})"
        if "error" in r:
            lines.append(f"| {label} | failed: {r['error']} | | | | |")
            continue
        w = r["writer"]
        seen = f"{r['seen']:,} of {r['written']:,}"
        if r.get("gaps"):
            seen += f" ({r['gaps']} gaps)"
        lag = f"{r['lag_p50_ms']:.0f} / {r['lag_p99_ms']:.0f} / {r['lag_max_ms']:.0f} ms" if "lag_p50_ms" in r else "—"
        cpu = f"{r['cpu_s']:.1f} s ({r['cpu_s'] / max(r['seen'], 1) * 1e6:.0f} µs/update)"
        rss = f"{r['rss_start_mb']:.0f} → {r['rss_end_mb']:.0f} MB" if "rss_start_mb" in r else "—"
        lines.append(f"| {label} | {w['patches_per_s']:,.0f} | {seen} | {lag} | {cpu} | {rss} |")
    lines += [f"\n{note}" for note in report.get("notes", [])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, help="ConfigMaps patched (default 200, quick 50)")
    parser.add_argument("--writers", type=int, default=12, help="writer threads")
    parser.add_argument("--seconds", type=float, help="how long the writer writes (default 20, quick 4)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--clientgo-cases", nargs="*", choices=CLIENTGO_CASES, default=list(CLIENTGO_CASES))
    parser.add_argument("--clientgo", help="the clientgo-bench program (default: unpacked from ../shared/bench)")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    parser.add_argument("--child", choices=(*CASES, "writer"), help=argparse.SUPPRESS)
    parser.add_argument("--kubeconfig", help=argparse.SUPPRESS)
    parser.add_argument("--namespace", help=argparse.SUPPRESS)
    parser.add_argument("--patches", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.objects = args.objects or (50 if args.quick else 200)
    args.seconds = args.seconds or (4.0 if args.quick else 20.0)
    if args.child:
        child(args)
        return

    from realwatch import report_on_control_plane

    report_on_control_plane(args, measure, render)


if __name__ == "__main__":
    main()
