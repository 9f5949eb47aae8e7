"""Scenario 9: kubeconfig handling — explicit path, KUBECONFIG merging, context switching, in-cluster fallback,
and the merged view like `kubectl config view --minify`.

    python examples/kubeconfig_handling.py [--kubeconfig PATH] [--context NAME] [--raw]

Without --kubeconfig it uses the KUBECONFIG chain, ~/.kube/config, or the pod's service account.
"""

from __future__ import annotations

import argparse
import sys

import kubeclient
from kubeclient.config import view


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kubeconfig")
    parser.add_argument("--context")
    parser.add_argument("--raw", action="store_true", help="show secrets in the view")
    args = parser.parse_args(argv)
    try:
        cfg = kubeclient.load_config(args.kubeconfig, context=args.context)
    except kubeclient.ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"context: {cfg.context_name or '(in-cluster)'}")
    print(f"server: {cfg.host}")
    print(f"namespace: {cfg.namespace}")
    print(f"credentials: {cfg.auth_kind}")
    if cfg.source != "in-cluster":
        print("--- merged view (minified) ---")
        print(view(args.kubeconfig, minify=True, raw=args.raw, context=args.context), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
