"""`python -m kubeclient config view [--kubeconfig P] [--context C] [--minify] [--raw]`, and `exec`,
`port-forward`, `cp` (kubeclient.streamcli)."""

from __future__ import annotations

import argparse
import sys

from kubeclient.config import ConfigError, view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kubeclient")
    sub = parser.add_subparsers(dest="command", required=True)
    config = sub.add_parser("config", help="kubeconfig tools").add_subparsers(dest="action", required=True)
    v = config.add_parser("view", help="print the merged, resolved kubeconfig like `kubectl config view`")
    v.add_argument("--kubeconfig", help="read this file instead of the KUBECONFIG chain")
    v.add_argument("--context", help="the context to show with --minify (default: current-context)")
    v.add_argument("--minify", action="store_true", help="only the current context and what it refers to")
    v.add_argument("--raw", action="store_true", help="show secrets and certificate data")
    from kubeclient import streamcli

    streamcli.add_commands(sub)
    args = parser.parse_args(argv)
    if args.command in ("exec", "port-forward", "cp"):
        return streamcli.run(args)
    try:
        sys.stdout.write(view(args.kubeconfig, minify=args.minify, raw=args.raw, context=args.context))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
