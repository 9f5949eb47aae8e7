"""`kubectl config view`: the merged, resolved kubeconfig as YAML, secrets redacted unless raw."""

from __future__ import annotations

import os
from typing import Any

import yaml

from kubeclient.config.errors import ConfigError
from kubeclient.config.kubeconfig import Entry, KubeConfig, kubeconfig_chain, load_chain

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
    """The document `kubectl config view` prints: sections sorted by name, empty sections null, secrets replaced
    unless `raw`. With `minify`, only the context (`context`, else current-context) and the cluster and user it
    names, and that context becomes current-context."""
    current = merged.current_context
    contexts, clusters, users = merged.contexts, merged.clusters, merged.users
    if minify:
        current = context or current
        if not current:
            raise ConfigError("current-context must exist in order to minify", source=_files(merged))
        if current not in contexts:
            raise ConfigError(f"context {current!r} not found; cannot minify", source=_files(merged))
        ctx = contexts[current]
        contexts = {current: ctx}
        clusters = _referenced(merged, ctx, "cluster")
        users = _referenced(merged, ctx, "user")

    def entries(section: dict[str, Entry], inner: str, redact: bool) -> list[dict[str, Any]] | None:
        listed = [
            {"name": name, inner: (_redact(entry.body) if redact and not raw else dict(entry.body))}
            for name, entry in sorted(section.items())
        ]
        return listed or None

    return {
        "apiVersion": "v1",
        "clusters": entries(clusters, "cluster", True),
        "contexts": entries(contexts, "context", False),
        "current-context": current,
        "kind": "Config",
        "preferences": dict(merged.preferences),
        "users": entries(users, "user", True),
    }


def _referenced(merged: KubeConfig, ctx: Entry, kind: str) -> dict[str, Entry]:
    name = ctx.body.get(kind)
    if not name:
        return {}
    section = merged.clusters if kind == "cluster" else merged.users
    if name not in section:
        raise ConfigError(f"{kind} {name!r} not found", source=ctx.source, key=f"contexts[{ctx.name}].context.{kind}")
    return {name: section[name]}


def _files(merged: KubeConfig) -> str:
    return ", ".join(merged.files) or "kubeconfig"


def view(
    kubeconfig: str | os.PathLike[str] | None = None,
    *,
    minify: bool = False,
    raw: bool = False,
    context: str | None = None,
) -> str:
    """`kubectl config view` for the explicit file or the KUBECONFIG chain / ~/.kube/config, as YAML."""
    merged = load_chain(kubeconfig_chain(kubeconfig))
    # Keys sorted at every level, as kubectl's JSON-to-YAML printing does.
    return yaml.safe_dump(
        view_dict(merged, minify=minify, raw=raw, context=context), sort_keys=True, default_flow_style=False
    )
