"""`python -m kubeclient apply|delete -f`: kubeclient.manifests behind kubectl's flags and output lines."""

from __future__ import annotations

import argparse
import sys

from kubeclient import manifests
from kubeclient.config import ConfigError, load_config


def run(args: argparse.Namespace) -> int:
    """Print one line per object ("configmap/x created"), failures on stderr; exit 1 when any failed."""
    try:
        cfg = load_config(args.kubeconfig, context=args.context, namespace=args.namespace)
        sources = [sys.stdin.read() if f == "-" else f for f in args.filename]
        if args.command == "apply":
            results = manifests.apply(
                cfg,
                sources,
                field_manager=args.field_manager,
                namespace=args.namespace,
                dry_run=args.dry_run,
                force=args.force_conflicts,
            )
        else:
            results = manifests.delete(cfg, sources, namespace=args.namespace, dry_run=args.dry_run)
    except (ConfigError, manifests.ManifestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    suffix = " (server dry run)" if args.dry_run else ""
    for result in results:
        if result.ok:
            print(f"{result}{suffix}", flush=True)
        else:
            print(f"error: {result}", file=sys.stderr, flush=True)
    return 0 if all(r.ok for r in results) else 1
