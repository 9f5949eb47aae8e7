"""`load_config()`: explicit path > KUBECONFIG chain > ~/.kube/config > in-cluster, as clientcmd resolves it."""

from __future__ import annotations

import os
from typing import Any

from kubeclient.config.errors import ConfigError
from kubeclient.config.exec_plugin import ClusterInfo, ExecConfig
from kubeclient.config.incluster import incluster_possible, load_incluster_config
from kubeclient.config.kubeconfig import Entry, KubeConfig, kubeconfig_chain, load_chain
from kubeclient.config.model import Config, decode_data


def load_config(
    kubeconfig: str | os.PathLike[str] | None = None,
    *,
    context: str | None = None,
    cluster: str | None = None,
    user: str | None = None,
    namespace: str | None = None,
) -> Config:
    """The client configuration, as clientcmd resolves it.

    Files: `kubeconfig` (must exist) replaces the chain; else KUBECONFIG (split on os.pathsep, de-duplicated,
    missing files skipped); else ~/.kube/config. Merged first-file-wins. When the result selects nothing (no
    current-context and nothing named) and the pod's service account is available, the in-cluster config is used.
    `context`/`cluster`/`user` override the selection (a missing one is an error naming it); the namespace is
    `namespace`, else the context's, else "default". Raises ConfigError naming the file and key on bad input.
    """
    files = kubeconfig_chain(kubeconfig)
    merged = load_chain(files)
    # clientcmd falls back to in-cluster only when the kubeconfig selects nothing at all (its "empty config" error):
    # no context to use and no cluster named. A named context/cluster/user that is missing stays an error.
    selects_nothing = not (context or merged.current_context or cluster or user)
    if selects_nothing:
        if incluster_possible():
            return load_incluster_config(namespace=namespace)
        if merged.is_empty():
            searched = os.fspath(kubeconfig) if kubeconfig is not None else _searched()
            raise ConfigError(
                f"no configuration found: no kubeconfig at {searched} and not running in a cluster "
                "(KUBERNETES_SERVICE_HOST/PORT unset or no service-account token)"
            )
    return config_from_kubeconfig(merged, context=context, cluster=cluster, user=user, namespace=namespace)


def _searched() -> str:
    return os.environ.get("KUBECONFIG") or "~/.kube/config"


def _pick(merged: KubeConfig, section: str, name: str, *, key: str, referrer: Entry | None = None) -> Entry:
    entries = merged.section(section)
    if name in entries:
        return entries[name]
    if referrer is not None:
        raise ConfigError(
            f"{key} {name!r} not found", source=referrer.source, key=f"contexts[{referrer.name}].context.{key}"
        )
    raise ConfigError(f"{key} {name!r} not found", source=", ".join(merged.files) or "kubeconfig")


def config_from_kubeconfig(
    merged: KubeConfig,
    *,
    context: str | None = None,
    cluster: str | None = None,
    user: str | None = None,
    namespace: str | None = None,
) -> Config:
    """Resolve a merged kubeconfig into a Config: the context (named, else current-context), its cluster and user
    (each overridable), and the namespace (override, else the context's, else "default")."""
    context_name = context or merged.current_context
    ctx_entry: Entry | None = None
    ctx: dict[str, Any] = {}
    if context_name:
        ctx_entry = _pick(merged, "contexts", context_name, key="context")
        ctx = ctx_entry.body
    elif not cluster:
        raise ConfigError("no current-context is set and no context or cluster was named", source=_files(merged))
    cluster_name = cluster or ctx.get("cluster")
    user_name = user or ctx.get("user")
    if not isinstance(cluster_name, str) or not cluster_name:
        where = ctx_entry.source if ctx_entry else _files(merged)
        raise ConfigError("names no cluster", source=where, key=f"contexts[{context_name}].context.cluster")
    if user_name is not None and not isinstance(user_name, str):
        raise ConfigError("expected a string", source=_files(merged), key=f"contexts[{context_name}].context.user")
    cluster_entry = _pick(merged, "clusters", cluster_name, key="cluster", referrer=None if cluster else ctx_entry)
    user_entry = (
        _pick(merged, "users", user_name, key="user", referrer=None if user else ctx_entry) if user_name else None
    )
    c = cluster_entry.body
    csrc, ckey = cluster_entry.source, f"clusters[{cluster_entry.name}].cluster"
    server = c.get("server")
    if not isinstance(server, str) or not server:
        raise ConfigError("server is required", source=csrc, key=f"{ckey}.server")
    ca_data = (
        decode_data(c["certificate-authority-data"], source=csrc, key=f"{ckey}.certificate-authority-data")
        if c.get("certificate-authority-data")
        else None
    )
    ca_file = c.get("certificate-authority") or None
    if ca_data and ca_file:
        raise ConfigError(
            "certificate-authority-data and certificate-authority are both specified", source=csrc, key=ckey
        )
    insecure = bool(c.get("insecure-skip-tls-verify"))
    if insecure and (ca_data or ca_file):
        raise ConfigError(
            "insecure-skip-tls-verify together with a certificate authority is not allowed", source=csrc, key=ckey
        )
    kwargs: dict[str, Any] = {}
    if user_entry is not None:
        kwargs = _user_settings(user_entry)
        exec_cfg = kwargs.get("exec_provider")
        if isinstance(exec_cfg, ExecConfig):
            exec_cfg.cluster = ClusterInfo(
                server=server,
                tls_server_name=c.get("tls-server-name"),
                insecure_skip_tls_verify=insecure,
                # client-go hands the plugin the CA's bytes even when the kubeconfig names a file.
                certificate_authority_data=ca_data or (_read_ca(ca_file) if exec_cfg.provide_cluster_info else None),
                proxy_url=c.get("proxy-url"),
                config=_exec_extension(c.get("extensions")),
            )
    ns = namespace or ctx.get("namespace") or "default"
    try:
        return Config(
            host=server,
            namespace=str(ns),
            context_name=context_name or None,
            cluster_name=str(cluster_name),
            user_name=str(user_name) if user_name else None,
            ca_data=ca_data,
            ca_file=ca_file,
            insecure_skip_tls_verify=insecure,
            tls_server_name=c.get("tls-server-name") or None,
            proxy_url=c.get("proxy-url") or None,
            source=csrc,
            **kwargs,
        )
    except ConfigError as exc:
        raise ConfigError(exc.problem, source=csrc, key=ckey) from None


def _user_settings(entry: Entry) -> dict[str, Any]:
    u = entry.body
    src, key = entry.source, f"users[{entry.name}].user"
    out: dict[str, Any] = {}
    if u.get("client-certificate-data") and u.get("client-certificate"):
        raise ConfigError("client-certificate-data and client-certificate are both specified", source=src, key=key)
    if u.get("client-key-data") and u.get("client-key"):
        raise ConfigError("client-key-data and client-key are both specified", source=src, key=key)
    has_cert = bool(u.get("client-certificate-data") or u.get("client-certificate"))
    has_key = bool(u.get("client-key-data") or u.get("client-key"))
    if has_cert and not has_key:
        raise ConfigError("client-certificate set without client-key", source=src, key=key)
    if has_key and not has_cert:
        raise ConfigError("client-key set without client-certificate", source=src, key=key)
    if u.get("client-certificate-data"):
        out["client_cert_data"] = decode_data(
            u["client-certificate-data"], source=src, key=f"{key}.client-certificate-data"
        )
    if u.get("client-key-data"):
        out["client_key_data"] = decode_data(u["client-key-data"], source=src, key=f"{key}.client-key-data")
    out["client_cert_file"] = u.get("client-certificate") or None
    out["client_key_file"] = u.get("client-key") or None
    token, token_file = u.get("token"), u.get("tokenFile")
    basic = u.get("username") is not None or u.get("password") is not None
    if (token or token_file) and basic:
        raise ConfigError("more than one authentication method found: token and basic auth", source=src, key=key)
    if u.get("exec") and u.get("auth-provider"):
        raise ConfigError("exec and auth-provider cannot both be set", source=src, key=key)
    if u.get("auth-provider"):
        name = (u.get("auth-provider") or {}).get("name")
        raise ConfigError(
            f"auth-provider {name!r} is not supported (client-go removed the in-tree providers); use an exec plugin",
            source=src,
            key=f"{key}.auth-provider",
        )
    if token:
        out["token"] = str(token)
    if token_file:
        out["token_file"] = str(token_file)
    if basic:
        out["username"] = str(u.get("username") or "")
        out["password"] = str(u.get("password") or "")
    if u.get("exec"):
        out["exec_provider"] = ExecConfig.from_kubeconfig(u["exec"], source=src, key=f"{key}.exec")
    return out


def _files(merged: KubeConfig) -> str:
    return ", ".join(merged.files) or "kubeconfig"


def _exec_extension(extensions: Any) -> Any:
    """The cluster's `client.authentication.k8s.io/exec` extension, handed to exec plugins as spec.cluster.config."""
    for item in extensions if isinstance(extensions, list) else ():
        if isinstance(item, dict) and item.get("name") == "client.authentication.k8s.io/exec":
            return item.get("extension")
    return None


def _read_ca(path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read certificate-authority: {exc.strerror}", source=path) from None
