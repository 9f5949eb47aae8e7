"""Many watches on one client, against a real kube-apiserver: do gets and lists still answer at once?

    .venv/bin/python bench/manywatches.py [--watches 500] [--workers 50] [--seconds 8] [--crds 20]
                                          [--cases http1-threads http2-threads http1-asyncio http2-asyncio]
                                          [--quick] [--out FILE]

Starts `kubeclient.testing.ControlPlane`, installs `--crds` CustomResourceDefinitions (so that there are many
resources, as in a cluster with operators) and fills a namespace with a few ConfigMaps. Then, in a fresh
interpreter per case, one client (`RESTClient.for_config(cfg, http2=...)`) does two phases of `--seconds` each:

1. no watches open: `--workers` threads (or asyncio tasks) get a ConfigMap and list the namespace's ConfigMaps in a
   loop, each request timed;
2. `--watches` metadata watches open on the same client, one on every listable resource of the server and then
   label-selected ones round the resources again until there are enough (what a metadata informer per resource,
   several controllers over, holds open), each drained by its own thread (task); then the same load again.

It reports how many watches opened (within 60 s; a watch that cannot get a connection or a stream never does),
how long opening them took, and the request latency p50/p99/max of both phases: p99 with watches within 2 times
p99 without, and no request waiting for a watch, is the goal.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CASES = ("http1-threads", "http2-threads", "http1-asyncio", "http2-asyncio")
# Watches multiplexed over HTTP/2 as httpcore does it (kubeclient.rest.transport.WATCH_HTTP2 = True): not run by
# default, since their watches never all open and the case waits OPEN_TIMEOUT.
MUX_CASES = ("http2mux-threads", "http2mux-asyncio")
OPEN_TIMEOUT = 60  # seconds to open every watch; past it, what opened is reported
PROBES = 20  # ConfigMaps in the namespace: what the gets read and the lists return
LABEL = "bench.kubeclient.io/watch"


def crd(index: int) -> dict[str, Any]:
    """A small namespaced CustomResourceDefinition, one of many."""
    group = "manywatches.bench.kubeclient.io"
    plural = f"widgets{index}"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": plural, "singular": f"widget{index}", "kind": f"Widget{index}"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                }
            ],
        },
    }


def percentiles(latencies: list[float]) -> dict[str, Any]:
    if len(latencies) < 2:
        return {"requests": len(latencies)}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "p50_ms": cuts[49] * 1e3,
        "p99_ms": cuts[98] * 1e3,
        "max_ms": max(latencies) * 1e3,
    }


def describe(exc: BaseException) -> str:
    """The error and where it was raised (the innermost frames), for the report."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    return f"{exc!r} at " + " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


def watch_targets(cfg: Any, count: int) -> list[tuple[Any, bool, str | None]]:
    """(GVR, namespaced, label selector) for `count` watches: every listable resource unselected, then selected
    ones round the resources again (selecting nothing, so they stay quiet, as most watches of a cluster are)."""
    from kubeclient.discovery import DiscoveryClient

    with DiscoveryClient.for_config(cfg, use_cache=False) as discovery:
        resources = [
            r for r in discovery.server_preferred_resources() if {"list", "watch"} <= set(r.verbs) and r.plural
        ]
    resources.sort(key=lambda r: (r.group, r.plural))
    targets = []
    for index in range(count):
        resource = resources[index % len(resources)]
        selector = None if index < len(resources) else f"{LABEL}={index}"
        targets.append((resource.gvr, resource.namespaced, selector))
    return targets


# --- one case, in its own interpreter --------------------------------------------------------------------------


def child_threads(cfg: Any, http2: bool, args: argparse.Namespace) -> dict[str, Any]:
    from kubeapi import Clientset
    from kubeclient.metadata import MetadataClient
    from kubeclient.rest import RESTClient

    namespace, watches, workers, seconds = args.namespace, args.watches, args.workers, args.seconds
    rest = RESTClient.for_config(cfg, http2=http2)
    clientset, metadata = Clientset(rest), MetadataClient(rest)
    config_maps = clientset.core_v1.config_maps(namespace)

    def load(seconds: float = seconds) -> dict[str, Any]:
        stop = time.perf_counter() + seconds
        latencies: list[float] = []
        errors: list[str] = []

        def worker(index: int) -> None:
            mine = []
            n = index
            while time.perf_counter() < stop:
                t = time.perf_counter()
                try:
                    if n % 2:
                        config_maps.list()
                    else:
                        config_maps.get(f"probe-{n % PROBES}")
                except Exception as exc:  # reported, not fatal: the run says what failed
                    errors.append(describe(exc))
                mine.append(time.perf_counter() - t)
                n += 1
            latencies.extend(mine)

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 120)
        return {**percentiles(latencies), "errors": len(errors), "first_error": errors[0] if errors else None}

    load(1.0)  # connections made and code warm before anything is timed
    result: dict[str, Any] = {"without": load()}
    opened: list[Any] = []
    targets = watch_targets(cfg, watches)
    drained = [0]

    def drain(watch: Any) -> None:
        try:
            for _ in watch:
                drained[0] += 1
        except Exception:  # closed under it at the end, or the server ended it: nothing to measure
            pass

    def opener() -> None:
        for gvr, namespaced, selector in targets:
            client = metadata.resource(gvr, namespaced=namespaced)
            watch = client.watch(label_selector=selector, timeout_seconds=int(seconds) * 4 + OPEN_TIMEOUT + 60)
            opened.append(watch)
            threading.Thread(target=drain, args=(watch,), daemon=True).start()

    started = time.perf_counter()
    threading.Thread(target=opener, daemon=True).start()
    while len(opened) < watches and time.perf_counter() - started < OPEN_TIMEOUT:
        time.sleep(0.01)
    result["open_s"] = time.perf_counter() - started
    result["opened"] = len(opened)
    time.sleep(1.0)  # the first events (the unselected watches' objects) are drained before the load
    result["with"] = load()
    result["events"] = drained[0]
    # Watches left open die with this interpreter; closing 500 from here would only time the close.
    return result


def child_asyncio(cfg: Any, http2: bool, args: argparse.Namespace) -> dict[str, Any]:
    from kubeapi import AsyncClientset
    from kubeclient.metadata import AsyncMetadataClient
    from kubeclient.rest import AsyncRESTClient

    namespace, watches, workers, seconds = args.namespace, args.watches, args.workers, args.seconds
    targets = watch_targets(cfg, watches)

    async def scenario() -> dict[str, Any]:
        rest = AsyncRESTClient.for_config(cfg, http2=http2)
        clientset, metadata = AsyncClientset(rest), AsyncMetadataClient(rest)
        config_maps = clientset.core_v1.config_maps(namespace)

        async def load(seconds: float = seconds) -> dict[str, Any]:
            stop = time.perf_counter() + seconds
            latencies: list[float] = []
            errors: list[str] = []

            async def worker(index: int) -> None:
                n = index
                while time.perf_counter() < stop:
                    t = time.perf_counter()
                    try:
                        if n % 2:
                            await config_maps.list()
                        else:
                            await config_maps.get(f"probe-{n % PROBES}")
                    except Exception as exc:
                        errors.append(describe(exc))
                    latencies.append(time.perf_counter() - t)
                    n += 1

            await asyncio.wait_for(asyncio.gather(*(worker(i) for i in range(workers))), seconds + 120)
            return {**percentiles(latencies), "errors": len(errors), "first_error": errors[0] if errors else None}

        await load(1.0)  # connections made and code warm before anything is timed
        result: dict[str, Any] = {"without": await load()}
        opened: list[Any] = []
        drained = [0]
        tasks: set[asyncio.Task[None]] = set()

        async def drain(watch: Any) -> None:
            try:
                async for _ in watch:
                    drained[0] += 1
            except Exception:
                pass

        async def opener() -> None:
            for gvr, namespaced, selector in targets:
                client = metadata.resource(gvr, namespaced=namespaced)
                watch = await client.watch(
                    label_selector=selector, timeout_seconds=int(seconds) * 4 + OPEN_TIMEOUT + 60
                )
                opened.append(watch)
                task = asyncio.create_task(drain(watch))
                tasks.add(task)

        started = time.perf_counter()
        opening = asyncio.create_task(opener())
        try:
            await asyncio.wait_for(asyncio.shield(opening), OPEN_TIMEOUT)
        except TimeoutError:
            pass
        result["open_s"] = time.perf_counter() - started
        result["opened"] = len(opened)
        await asyncio.sleep(1.0)
        result["with"] = await load()
        result["events"] = drained[0]
        return result

    # Not asyncio.run: it would wait for the open watches (and an opener stuck waiting for a stream) to be
    # cancelled; they die with this interpreter.
    return asyncio.new_event_loop().run_until_complete(scenario())


def child(args: argparse.Namespace) -> None:
    from kubeclient.config import load_config

    cfg = dataclasses.replace(load_config(args.kubeconfig), qps=10000.0, burst=20000)
    transport, how = args.child.split("-")
    if transport == "http2mux":
        # What kubeclient did before WATCH_HTTP2: watches multiplexed on the client's HTTP/2 connection.
        from kubeclient.rest import transport as rest_transport

        rest_transport.WATCH_HTTP2 = True
    run = child_threads if how == "threads" else child_asyncio
    result = run(cfg, transport != "http1", args)
    print(json.dumps(result), flush=True)
    os._exit(0)  # daemon threads and open watches: leave without waiting for them


# --- orchestration -----------------------------------------------------------------------------------------------


def run_case(case: str, kubeconfig: str, namespace: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        case,
        "--kubeconfig",
        kubeconfig,
        "--namespace",
        namespace,
        "--watches",
        str(args.watches),
        "--workers",
        str(args.workers),
        "--seconds",
        str(args.seconds),
    ]
    timeout = 2 * args.seconds + OPEN_TIMEOUT + 300
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"no answer within {timeout:.0f} s"}
    if done.returncode != 0 or not done.stdout.strip():
        return {"error": ((done.stderr or done.stdout).strip().splitlines() or ["no output"])[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(args: argparse.Namespace, assets: str) -> dict[str, Any]:
    """Start a control plane, prepare it, and run every case; the raw results."""
    from kubeapi import Clientset
    from kubeclient.testing import ControlPlane

    report: dict[str, Any] = {
        "watches": args.watches,
        "workers": args.workers,
        "seconds": args.seconds,
        "crds": args.crds,
        "results": {},
    }
    with tempfile.TemporaryDirectory() as tmp, ControlPlane(assets) as plane, plane.namespace("bench") as namespace:
        if args.crds:
            started = time.perf_counter()
            plane.install_crds([crd(i) for i in range(args.crds)], timeout=300.0)
            report["crd_install_s"] = time.perf_counter() - started
        with Clientset.for_config(dataclasses.replace(plane.config(), qps=1000.0, burst=2000)) as cs:
            for index in range(PROBES):
                body = {"metadata": {"name": f"probe-{index}"}, "data": {"index": str(index)}}
                cs.core_v1.config_maps(namespace).create(body)
        kubeconfig = str(Path(tmp) / "kubeconfig")
        plane.write_kubeconfig(kubeconfig)
        for case in args.cases:
            print(f"many watches: {case} ...", flush=True)
            report["results"][case] = run_case(case, kubeconfig, namespace, args)
    return report


def render(report: dict[str, Any]) -> str:
    lines = [
        f"{report['watches']} metadata watches on one client (every resource of a server with {report['crds']} "
        f"CRDs, then label-selected ones) while {report['workers']} threads or tasks get and list ConfigMaps for "
        f"{report['seconds']:g} s, against the same load with no watch open; real kube-apiserver",
        "",
        "| case | watches opened | opening took | requests p50 / p99 / max, no watches | with the watches | "
        "p99 with ÷ without |",
        "|---|---|---|---|---|---|",
    ]
    for case, r in report["results"].items():
        if "error" in r:
            lines.append(f"| {case} | failed: {r['error']} | | | | |")
            continue

        def phase(p: dict[str, Any]) -> str:
            if "p99_ms" not in p:
                return f"{p.get('requests', 0)} requests"
            errors = f", {p['errors']} errors" if p.get("errors") else ""
            return f"{p['p50_ms']:.1f} / {p['p99_ms']:.1f} / {p['max_ms']:.0f} ms ({p['requests']:,}{errors})"

        without, with_ = r["without"], r["with"]
        ratio = f"{with_['p99_ms'] / without['p99_ms']:.2f}×" if "p99_ms" in with_ and "p99_ms" in without else "—"
        lines.append(
            f"| {case} | {r['opened']} of {report['watches']} | {r['open_s']:.1f} s | {phase(without)} | "
            f"{phase(with_)} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--watches", type=int, help="watches to open (default 500, quick 150)")
    parser.add_argument("--workers", type=int, default=50, help="threads or tasks doing gets and lists")
    parser.add_argument("--seconds", type=float, help="length of each load phase (default 8, quick 3)")
    parser.add_argument("--crds", type=int, help="CRDs installed first (default 20, quick 3)")
    parser.add_argument("--cases", nargs="+", choices=CASES + MUX_CASES, default=list(CASES))
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--out", type=Path, help="write the raw results here as JSON")
    parser.add_argument("--child", choices=CASES + MUX_CASES, help=argparse.SUPPRESS)
    parser.add_argument("--kubeconfig", help=argparse.SUPPRESS)
    parser.add_argument("--namespace", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.watches = args.watches or (150 if args.quick else 500)
    args.seconds = args.seconds or (3.0 if args.quick else 8.0)
    args.crds = args.crds if args.crds is not None else (3 if args.quick else 20)
    if args.child:
        child(args)
        return

    from realwatch import report_on_control_plane

    report_on_control_plane(args, measure, render)


if __name__ == "__main__":
    main()
