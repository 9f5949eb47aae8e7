"""`kubectl config view`: the merged, resolved kubeconfig as YAML, secrets redacted unless raw."""

from __future__ import annotations

import os
from typing import Any

import yaml

from kubeclient.config.errors import ConfigError
from kubeclient.config.kubeconfig import KubeConfig, kubeconfig_chain, load_chain

DATA_KEYS = ("certificate-authority-data", "client-certificate-data", "client-key-data")
SECRET_KEYS = ("token", "password")


def _redact(body: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    for key in DATA_KEYS:
        if out.get(key):
            out[key] = "DATA+OMITTED"
    for key in SECRET_KEYS:
        if out.get(key):
            out[key] = "REDACTED"
    return out


def view_dict(
    merged: KubeConfig, *, minify: bool = False, raw: bool = False, context: str | None = None
) -> dict[str, Any]:
    current = context or merged.current_context
    contexts, clusters, users = merged.contexts, merged.clusters, merged.users
    if minify:
        if not current or current not in contexts:
            raise ConfigError(f"current-context {current!r} is not set or does not exist; cannot minify")
        ctx = contexts[current].body
        contexts = {current: contexts[current]}
        clusters = {k: v for k, v in clusters.items() if k == ctx.get("cluster")}
        users = {k: v for k, v in users.items() if k == ctx.get("user")}

    def entries(section: dict[str, Any], inner: str, redact: bool) -> list[dict[str, Any]]:
        return [
            {"name": name, inner: (_redact(entry.body) if redact and not raw else dict(entry.body))}
            for name, entry in sorted(section.items())
        ]

    return {
        "apiVersion": "v1",
        "clusters": entries(clusters, "cluster", True),
        "contexts": entries(contexts, "context", False),
        "current-context": current,
        "kind": "Config",
        "preferences": dict(merged.preferences),
        "users": entries(users, "user", True),
    }


def view(
    kubeconfig: str | os.PathLike[str] | None = None,
    *,
    minify: bool = False,
    raw: bool = False,
    context: str | None = None,
) -> str:
    merged = load_chain(kubeconfig_chain(kubeconfig))
    return yaml.safe_dump(view_dict(merged, minify=minify, raw=raw, context=context), sort_keys=False)
