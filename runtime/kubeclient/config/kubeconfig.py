"""Reading kubeconfig files and merging a KUBECONFIG chain the way clientcmd does.

Each file is parsed on its own: relative paths resolve against that file's directory, and duplicate names inside
one file are an error. Files merge in order and the first file wins, per named entry (the whole entry) and for
current-context.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kubeclient.config.errors import ConfigError

SECTIONS = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))
# The type of each key clientcmd reads (Go would refuse to unmarshal anything else); unknown keys pass untouched.
_STR, _BOOL, _LIST, _MAP = (str, "a string"), (bool, "true or false"), (list, "a list"), (Mapping, "a mapping")
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], str]]] = {
    "cluster": {
        **dict.fromkeys(("server", "certificate-authority", "certificate-authority-data", "tls-server-name"), _STR),
        "proxy-url": _STR,
        "insecure-skip-tls-verify": _BOOL,
        "disable-compression": _BOOL,
        "extensions": _LIST,
    },
    "user": {
        **dict.fromkeys(("client-certificate", "client-certificate-data", "client-key", "client-key-data"), _STR),
        **dict.fromkeys(("token", "tokenFile", "username", "password", "as", "as-uid"), _STR),
        "as-groups": _LIST,
        "exec": _MAP,
        "auth-provider": _MAP,
    },
    "context": {"cluster": _STR, "user": _STR, "namespace": _STR, "extensions": _LIST},
    "exec": {
        **dict.fromkeys(("command", "apiVersion", "installHint", "interactiveMode"), _STR),
        "args": _LIST,
        "env": _LIST,
        "provideClusterInfo": _BOOL,
    },
}
# Keys holding file paths, per section, that resolve against the defining file's directory.
PATH_KEYS = {"cluster": ("certificate-authority",), "user": ("client-certificate", "client-key", "tokenFile")}


@dataclass
class Entry:
    name: str
    body: dict[str, Any]
    source: str


@dataclass
class KubeConfig:
    """A merged kubeconfig: named entries with the file each came from."""

    clusters: dict[str, Entry] = field(default_factory=dict)
    users: dict[str, Entry] = field(default_factory=dict)
    contexts: dict[str, Entry] = field(default_factory=dict)
    current_context: str = ""
    current_context_source: str | None = None
    preferences: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.clusters or self.users or self.contexts or self.current_context)

    def section(self, name: str) -> dict[str, Entry]:
        return {"clusters": self.clusters, "users": self.users, "contexts": self.contexts}[name]


def _check_types(body: Mapping[str, Any], kind: str, *, source: str, key: str) -> None:
    for name, (types, described) in SCHEMA[kind].items():
        value = body.get(name)
        if value is not None and not isinstance(value, types):
            # The value is never quoted: it may be a token or a key.
            raise ConfigError(f"expected {described}", source=source, key=f"{key}.{name}")


def _resolve(path: str, base: str) -> str:
    # Joined and cleaned, symlinks left alone (filepath.Join in clientcmd): a symlinked ~/.kube/config keeps
    # resolving against ~/.kube.
    return path if not path or os.path.isabs(path) else os.path.normpath(os.path.join(base, path))


def parse_file(path: str | os.PathLike[str]) -> KubeConfig:
    """One kubeconfig file; an empty file is an empty config."""
    file = Path(path)
    source = str(file)
    try:
        text = file.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read kubeconfig: {exc.strerror}", source=source) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"not valid YAML{where}", source=source) from None
    cfg = KubeConfig(files=[source])
    if raw is None:
        return cfg
    if not isinstance(raw, Mapping):
        raise ConfigError("a kubeconfig must be a mapping", source=source)
    base = os.path.dirname(os.path.abspath(file))
    for section, inner in SECTIONS:
        items = raw.get(section) or []
        if not isinstance(items, list):
            raise ConfigError("expected a list", source=source, key=section)
        target = cfg.section(section)
        for i, item in enumerate(items):
            if not isinstance(item, Mapping) or not isinstance(item.get("name"), str) or not item.get("name"):
                raise ConfigError("each entry needs a name", source=source, key=f"{section}[{i}]")
            name = item["name"]
            if name in target:
                raise ConfigError(f"duplicate name {name!r}", source=source, key=f"{section}[{i}].name")
            body = item.get(inner) or {}
            if not isinstance(body, Mapping):
                raise ConfigError("expected a mapping", source=source, key=f"{section}[{name}].{inner}")
            body = dict(body)
            _check_types(body, inner, source=source, key=f"{section}[{name}].{inner}")
            for key in PATH_KEYS.get(inner, ()):
                if isinstance(body.get(key), str):
                    body[key] = _resolve(body[key], base)
            if inner == "user" and isinstance(body.get("exec"), Mapping):
                exec_cfg = dict(body["exec"])
                _check_types(exec_cfg, "exec", source=source, key=f"{section}[{name}].{inner}.exec")
                command = exec_cfg.get("command")
                # Only a command with a path separator is relative to the file; a bare name is looked up on PATH.
                if isinstance(command, str) and os.sep in command:
                    exec_cfg["command"] = _resolve(command, base)
                body["exec"] = exec_cfg
            target[name] = Entry(name, body, source)
    current = raw.get("current-context") or ""
    if not isinstance(current, str):
        raise ConfigError("expected a string", source=source, key="current-context")
    cfg.current_context = current
    cfg.current_context_source = source if current else None
    preferences = raw.get("preferences") or {}
    if not isinstance(preferences, Mapping):
        raise ConfigError("expected a mapping", source=source, key="preferences")
    cfg.preferences = dict(preferences)
    return cfg


def merge(configs: Iterable[KubeConfig]) -> KubeConfig:
    """First file wins: per entry name in each section, and for current-context."""
    merged = KubeConfig()
    for cfg in configs:
        merged.files += cfg.files
        for section, _ in SECTIONS:
            target = merged.section(section)
            for name, entry in cfg.section(section).items():
                target.setdefault(name, entry)
        if not merged.current_context and cfg.current_context:
            merged.current_context = cfg.current_context
            merged.current_context_source = cfg.current_context_source
        for key, value in cfg.preferences.items():
            merged.preferences.setdefault(key, value)
    return merged


def kubeconfig_chain(explicit: str | os.PathLike[str] | None = None) -> list[str]:
    """The files to read: the explicit path (must exist), else KUBECONFIG (missing files skipped),
    else ~/.kube/config."""
    if explicit is not None:
        path = os.fspath(explicit)
        if not os.path.exists(path):
            raise ConfigError("kubeconfig file does not exist", source=path)
        return [path]
    env = os.environ.get("KUBECONFIG")
    if env:
        seen: list[str] = []
        for part in env.split(os.pathsep):
            if part and part not in seen:
                seen.append(part)
        return [p for p in seen if os.path.exists(p)]
    default = Path.home() / ".kube" / "config"
    return [str(default)] if default.exists() else []


def load_chain(files: Iterable[str]) -> KubeConfig:
    return merge(parse_file(f) for f in files)
