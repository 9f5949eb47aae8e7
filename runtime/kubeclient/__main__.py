"""`python -m kubeclient config view [--kubeconfig P] [--context C] [--minify] [--raw]`, `exec`, `port-forward`,
`cp` (kubeclient.streamcli), and `apply|delete -f PATH [-f PATH ...] [-n NS] [--dry-run]` (kubeclient.manifests)."""

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
    for verb in ("apply", "delete"):
        m = sub.add_parser(verb, help=f"{verb} the objects of manifest files or directories (kubectl {verb} -f)")
        m.add_argument("-f", "--filename", action="append", required=True, help="a file, a directory, or - (stdin)")
        m.add_argument("-n", "--namespace", help="for objects that name none (default: the context's)")
        m.add_argument("--kubeconfig")
        m.add_argument("--context")
        m.add_argument("--dry-run", action="store_true", help="ask the server to check without persisting")
        if verb == "apply":
            m.add_argument("--field-manager", default="kubeclient")
            m.add_argument("--force-conflicts", action="store_true", help="take over fields other managers own")
    from kubeclient import streamcli

    streamcli.add_commands(sub)
    args = parser.parse_args(argv)
    if args.command in ("apply", "delete"):
        from kubeclient.cli_manifests import run

        return run(args)
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
