"""Run a test server in the foreground until interrupted:

python -m kubeclient.testing serve --port N --kubeconfig-out PATH          # the fake API server
python -m kubeclient.testing control-plane --assets DIR --kubeconfig-out PATH  # real etcd + kube-apiserver
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from kubeclient.testing.envtest import ASSETS_ENV, ControlPlane, ControlPlaneError
from kubeclient.testing.server import FakeAPIServer


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kubeclient.testing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve until interrupted")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--kubeconfig-out", help="write a kubeconfig for the admin user here")
    serve.add_argument("--api-documents", help="directory of API documents (default: the repository's snapshot)")
    serve.add_argument("--no-tls", action="store_true", help="serve plain HTTP")
    serve.add_argument("--bookmark-interval", type=float, default=5.0, help="seconds between watch bookmarks")
    plane = commands.add_parser("control-plane", help="run etcd + kube-apiserver (envtest) until interrupted")
    plane.add_argument("--assets", help=f"directory of etcd and kube-apiserver (default: ${ASSETS_ENV})")
    plane.add_argument("--kubeconfig-out", help="write a kubeconfig for the admin (system:masters) here")
    plane.add_argument("--kubelet-stub", action="store_true", help="serve exec/attach/logs/port-forward via the stub")
    plane.add_argument(
        "--apiserver-arg", action="append", default=[], metavar="FLAG", help="extra kube-apiserver flag (repeatable)"
    )
    args = parser.parse_args(argv)

    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if args.command == "control-plane":
        return _run_control_plane(args, done)

    server = FakeAPIServer(
        args.api_documents, tls=not args.no_tls, port=args.port, bookmark_interval=args.bookmark_interval
    )
    with server:
        if args.kubeconfig_out:
            server.write_kubeconfig(args.kubeconfig_out)
        print(f"serving on {server.url}", flush=True)
        if args.kubeconfig_out:
            print(f"kubeconfig written to {args.kubeconfig_out}", flush=True)
        while not done.wait(0.5):
            pass
    return 0


def _run_control_plane(args: argparse.Namespace, done: threading.Event) -> int:
    try:
        control_plane = ControlPlane(args.assets, kubelet_stub=args.kubelet_stub, apiserver_args=args.apiserver_arg)
        control_plane.start()
    except ControlPlaneError as err:
        print(f"control-plane: {err}", file=sys.stderr)
        return 1
    with control_plane:
        print(f"kube-apiserver serving on {control_plane.url} (ready in {control_plane.started_in:.1f} s)", flush=True)
        if args.kubeconfig_out:
            control_plane.write_kubeconfig(args.kubeconfig_out)
            print(f"kubeconfig written to {args.kubeconfig_out}", flush=True)
        print(f"logs in {control_plane.work_dir}; Ctrl-C stops kube-apiserver, then etcd", flush=True)
        while not done.wait(0.5):
            if not control_plane.running:
                print(f"control-plane: a process exited; see {control_plane.apiserver_log}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
