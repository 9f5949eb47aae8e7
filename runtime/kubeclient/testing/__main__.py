"""`python -m kubeclient.testing serve --port N --kubeconfig-out PATH`: run the fake API server standalone."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

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
    args = parser.parse_args(argv)

    server = FakeAPIServer(
        args.api_documents, tls=not args.no_tls, port=args.port, bookmark_interval=args.bookmark_interval
    )
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with server:
        if args.kubeconfig_out:
            server.write_kubeconfig(args.kubeconfig_out)
        print(f"serving on {server.url}", flush=True)
        if args.kubeconfig_out:
            print(f"kubeconfig written to {args.kubeconfig_out}", flush=True)
        while not done.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
