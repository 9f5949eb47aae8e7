"""exec round-trip latency and port-forward throughput through the real kube-apiserver and the kubelet stub:
kubeclient beside kubectl and the official client's `stream()` / `portforward()`, in the same run.

    .venv/bin/python bench/streaming.py [--peers-python bench/.venv-peers/bin/python] [--runs 20] [--mb 64]

Needs the control-plane binaries (KUBEBUILDER_ASSETS, or ../shared/realcluster unpacked as the tests do). The pod's
port is a local source that sends `--mb` megabytes to each connection and closes it; the clock runs from connect to
the last byte. kubectl's exec time includes starting the kubectl process (that is what a script calling it pays).
Results go to bench/results/streaming.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

SYNC = "kubeclient sync (port-forward: its local listener)"
ASYNC = "kubeclient asyncio (port-forward: open_stream)"

PEER_SCRIPT = r"""
import json, socket, statistics, sys, time
from kubernetes import client, config
from kubernetes.stream import portforward, stream
kubeconfig, ns, pod, port, total, runs = sys.argv[1:7]
config.load_kube_config(kubeconfig)
v1 = client.CoreV1Api()
times = []
for _ in range(int(runs)):
    t = time.perf_counter()
    out = stream(v1.connect_get_namespaced_pod_exec, pod, ns, command=["echo", "x"], stderr=True, stdin=False,
                 stdout=True, tty=False)
    times.append(time.perf_counter() - t)
    assert out.strip() == "x", out
t = time.perf_counter()
pf = portforward(v1.connect_get_namespaced_pod_portforward, pod, ns, ports=port)
s = pf.socket(int(port))
s.setblocking(True)
got = 0
while got < int(total):
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    got += len(chunk)
elapsed = time.perf_counter() - t
s.close()
print(json.dumps({"exec_ms": statistics.median(times) * 1000, "pf_bytes": got, "pf_s": elapsed}))
"""


class Source:
    """The pod's port: sends `total` bytes to every connection, then closes it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        block = b"y" * (1 << 20)
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._send, args=(conn, block), daemon=True).start()

    def _send(self, conn: socket.socket, block: bytes) -> None:
        with conn:
            left = self.total
            try:
                while left > 0:
                    conn.sendall(block[: min(left, len(block))])
                    left -= len(block)
            except OSError:
                pass


def drain(sock: socket.socket, total: int) -> int:
    got = 0
    while got < total:
        chunk = sock.recv(1 << 20)
        if not chunk:
            break
        got += len(chunk)
    return got


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peers-python", default=str(HERE / ".venv-peers" / "bin" / "python"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mb", type=int, default=64)
    args = parser.parse_args()
    total = args.mb * 1024 * 1024

    import conftest

    conftest.pytest_configure(None)  # type: ignore[arg-type]  # KUBEBUILDER_ASSETS as the tests set it
    from kubeclient import portforward, remotecommand
    from kubeclient.remotecommand import aio
    from kubeclient.testing import ControlPlane

    kubectl = str(Path(sys.executable).with_name("kubectl"))
    rows: dict[str, dict[str, Any]] = {}
    source = Source(total)
    with ControlPlane(kubelet_stub=True) as plane, tempfile.TemporaryDirectory() as tmp:
        ns, pod = "default", "bench-0"
        plane.create_running_pod(ns, pod)
        cfg = plane.config()
        kubeconfig = str(plane.write_kubeconfig(Path(tmp) / "kubeconfig"))

        def timed(fn: Any) -> float:
            fn()  # warm-up: imports, first connection
            samples = []
            for _ in range(args.runs):
                t = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t)
            return statistics.median(samples) * 1000

        rows[SYNC] = {"exec_ms": timed(lambda: remotecommand.exec(cfg, ns, pod, ["echo", "x"]))}
        rows[ASYNC] = {"exec_ms": timed(lambda: asyncio.run(aio.exec(cfg, ns, pod, ["echo", "x"])))}
        rows["kubectl"] = {
            "exec_ms": timed(
                lambda: subprocess.run(
                    [kubectl, "--kubeconfig", kubeconfig, "exec", "-n", ns, pod, "--", "echo", "x"],
                    check=True,
                    capture_output=True,
                )
            )
        }

        with portforward.port_forward(cfg, ns, pod, [f":{source.port}"]) as fwd:
            t = time.perf_counter()
            with socket.create_connection(("127.0.0.1", fwd.local_port(source.port))) as sock:
                got = drain(sock, total)
            rows[SYNC]["pf_mbs"] = got / (time.perf_counter() - t) / 1e6

        async def stream_once() -> float:
            t = time.perf_counter()
            async with await portforward.aio.open_stream(cfg, ns, pod, source.port) as stream:
                got = 0
                while got < total and (chunk := await stream.read()):
                    got += len(chunk)
            return got / (time.perf_counter() - t) / 1e6

        rows[ASYNC]["pf_mbs"] = asyncio.run(stream_once())

        proc = subprocess.Popen(
            [kubectl, "--kubeconfig", kubeconfig, "port-forward", "-n", ns, pod, f":{source.port}"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            local = int(line.split("127.0.0.1:")[1].split(" ")[0])
            t = time.perf_counter()
            with socket.create_connection(("127.0.0.1", local)) as sock:
                got = drain(sock, total)
            rows["kubectl"]["pf_mbs"] = got / (time.perf_counter() - t) / 1e6
        finally:
            proc.terminate()
            proc.wait(10)

        if Path(args.peers_python).exists():
            out = subprocess.run(
                [args.peers_python, "-c", PEER_SCRIPT, kubeconfig, ns, pod, str(source.port), str(total),
                 str(args.runs)],
                check=True, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            peer = json.loads(out.stdout)
            rows["official client stream()"] = {
                "exec_ms": peer["exec_ms"],
                "pf_mbs": peer["pf_bytes"] / peer["pf_s"] / 1e6,
            }
        else:
            rows["official client stream()"] = {"note": f"not measured: no {args.peers_python}"}

    lines = [
        f"exec `echo x` round trip (median of {args.runs}) and port-forward of {args.mb} MB from the pod, through "
        "kube-apiserver v1.36.2 and the kubelet stub on this machine",
        "",
        "| client | exec round trip (ms) | port-forward (MB/s) |",
        "|---|---|---|",
    ]
    for name, row in rows.items():
        exec_ms = f"{row['exec_ms']:.1f}" if "exec_ms" in row else row.get("note", "")
        pf = f"{row['pf_mbs']:.1f}" if "pf_mbs" in row else ""
        lines.append(f"| {name} | {exec_ms} | {pf} |")
    report = "\n".join(lines) + "\n"
    print(report)
    (HERE / "results" / "streaming.md").write_text(report)
    source.sock.close()


if __name__ == "__main__":
    main()
