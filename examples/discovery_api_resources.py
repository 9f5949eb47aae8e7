"""Scenario 4: what `kubectl api-resources` and `kubectl api-versions` show, from discovery with kubectl's disk cache.

    python examples/discovery_api_resources.py [--kubeconfig PATH] [--context NAME] [--cache-dir DIR]

Prints `name: <resource>, group: <g>, version: <v>` for every resource and subresource served, then the
preferred resources, then where the answer came from. Run it twice: the second run is answered from the disk cache
($KUBECACHEDIR or ~/.kube/cache, or --cache-dir) without any HTTP request.
"""

from __future__ import annotations

import argparse

from _runner import add_cluster_arguments, connect, say

from kubeclient.discovery import DiscoveryClient


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_cluster_arguments(parser)
    parser.add_argument("--cache-dir", help="discovery cache directory (default: $KUBECACHEDIR or ~/.kube/cache)")
    args = parser.parse_args(argv)
    with connect(args) as cfg, DiscoveryClient.for_config(cfg, cache_dir=args.cache_dir) as disc:
        groups, resources = disc.server_groups_and_resources()
        for group in groups:
            for version in group.versions:
                say(f"api-version: {group.name + '/' if group.name else ''}{version}")
        for r in resources:
            say(f"name: {r.plural}, group: {r.group}, version: {r.version}")
            for sub in sorted(r.subresources):
                say(f"name: {r.plural}/{sub}, group: {r.group}, version: {r.version}")
        for r in disc.server_preferred_resources():
            say(f"preferred: {r.plural}.{r.group or 'core'}/{r.version} ({r.kind})")
        say(f"served from: {'the server' if disc.fresh else 'the disk cache'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
