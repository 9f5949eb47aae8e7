from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.config import Config, ConfigError, load_config, load_incluster_config, merge, parse_file, view
from kubeclient.config.kubeconfig import KubeConfig


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data))
    return path


def kubeconfig(
    cluster: str = "c", user: str = "u", context: str = "ctx", server: str = "https://k:6443", **user_body: Any
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": {"server": server}}],
        "users": [{"name": user, "user": user_body or {"token": "secret-token"}}],
        "contexts": [{"name": context, "context": {"cluster": cluster, "user": user, "namespace": "team"}}],
        "current-context": context,
    }


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KUBECLIENT_SERVICE_ACCOUNT_DIR", str(tmp_path / "no-sa"))


def test_explicit_path_loads_current_context(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path / "cfg", kubeconfig()))
    assert cfg.host == "https://k:6443" and cfg.namespace == "team" and cfg.context_name == "ctx"
    assert cfg.auth_kind == "token"


def test_explicit_path_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing")


def test_kubeconfig_chain_first_file_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write(tmp_path / "a", kubeconfig(server="https://a:1", context="ctx-a"))
    b = kubeconfig(server="https://b:2", context="ctx-b")
    b["clusters"].append({"name": "only-b", "cluster": {"server": "https://only-b"}})
    b["contexts"].append({"name": "use-b", "context": {"cluster": "only-b", "user": "u"}})
    write(tmp_path / "b", b)
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(a), str(tmp_path / "missing"), str(tmp_path / "b"), str(a)]))
    cfg = load_config()
    assert cfg.context_name == "ctx-a" and cfg.host == "https://a:1"
    assert load_config(context="ctx-b").host == "https://a:1"  # cluster "c" comes from the first file
    assert load_config(context="use-b").host == "https://only-b"
    assert load_config(namespace="override").namespace == "override"


def test_named_context_cluster_user_missing_are_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg", kubeconfig())
    with pytest.raises(ConfigError, match="context 'nope' not found"):
        load_config(path, context="nope")
    with pytest.raises(ConfigError, match="cluster 'nope' not found"):
        load_config(path, cluster="nope")
    with pytest.raises(ConfigError, match="user 'nope' not found"):
        load_config(path, user="nope")


def test_duplicate_names_in_one_file(tmp_path: Path) -> None:
    data = kubeconfig()
    data["clusters"].append({"name": "c", "cluster": {"server": "https://x"}})
    path = write(tmp_path / "dup", data)
    with pytest.raises(ConfigError, match=rf"{path}: clusters\[1\].name: duplicate name 'c'"):
        load_config(path)


def test_empty_file_is_empty_config(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("")
    assert parse_file(tmp_path / "empty").is_empty()


def test_relative_paths_resolve_against_defining_file(tmp_path: Path) -> None:
    sub = tmp_path / "conf"
    sub.mkdir()
    data = kubeconfig(**{"client-certificate": "certs/tls.crt", "client-key": "certs/tls.key"})
    data["clusters"][0]["cluster"]["certificate-authority"] = "ca.crt"
    data["users"].append(
        {
            "name": "e",
            "user": {
                "exec": {
                    "command": "./bin/plugin",
                    "apiVersion": "client.authentication.k8s.io/v1",
                    "interactiveMode": "Never",
                }
            },
        }
    )
    cfg = parse_file(write(sub / "config", data))
    assert cfg.clusters["c"].body["certificate-authority"] == str(sub / "ca.crt")
    assert cfg.users["u"].body["client-key"] == str(sub / "certs" / "tls.key")
    assert cfg.users["e"].body["exec"]["command"] == str(sub / "bin" / "plugin")


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"token": "t", "username": "a", "password": "p"}, r"users\[u\].user: more than one authentication method"),
        ({"client-certificate": "/x"}, r"users\[u\].user: client certificate and key must both be set"),
        ({"client-certificate": "/x", "client-certificate-data": "eA==", "client-key": "/k"}, "both specified"),
        ({"exec": {"command": "x"}, "auth-provider": {"name": "gcp"}}, "exec and auth-provider"),
        ({"exec": {"command": "x", "apiVersion": "client.authentication.k8s.io/v1"}}, "interactiveMode must be"),
        ({"exec": {"command": "x", "apiVersion": "v0"}}, r"exec.apiVersion: exec plugin apiVersion 'v0'"),
    ],
)
def test_user_validation_names_file_and_key(tmp_path: Path, user: dict[str, Any], message: str) -> None:
    path = write(tmp_path / "cfg", kubeconfig(**user))
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)
    assert "secret" not in str(info.value) and "'p'" not in str(info.value)


def test_cluster_validation(tmp_path: Path) -> None:
    data = kubeconfig()
    data["clusters"][0]["cluster"].update({"insecure-skip-tls-verify": True, "certificate-authority-data": "eA=="})
    with pytest.raises(ConfigError, match=r"clusters\[c\].cluster: insecure-skip-tls-verify together with"):
        load_config(write(tmp_path / "cfg", data))
    data = kubeconfig()
    data["clusters"][0]["cluster"]["proxy-url"] = "ftp://proxy"
    with pytest.raises(ConfigError, match="proxy-url scheme"):
        load_config(write(tmp_path / "cfg2", data))
    data["clusters"][0]["cluster"]["proxy-url"] = "socks5://proxy:1080"
    assert load_config(write(tmp_path / "cfg3", data)).proxy_url == "socks5://proxy:1080"


def test_repr_hides_secrets() -> None:
    cfg = Config(host="https://h", token="very-secret", password="hunter2", username="me")
    assert "very-secret" not in repr(cfg) and "hunter2" not in repr(cfg)
    assert "very-secret" not in repr(cfg.auth())


def test_in_cluster_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text("sa-token\n")
    (sa / "namespace").write_text("payments\n")
    monkeypatch.setenv("KUBECLIENT_SERVICE_ACCOUNT_DIR", str(sa))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "fd00::1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    cfg = load_config()
    assert cfg.host == "https://[fd00::1]:443" and cfg.namespace == "payments" and cfg.token_file == str(sa / "token")
    monkeypatch.setenv("POD_NAMESPACE", "from-env")
    assert load_incluster_config().namespace == "from-env"


def test_nothing_found_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="no configuration found"):
        load_config()


def test_view_redacts_and_minifies(tmp_path: Path) -> None:
    data = kubeconfig(**{"token": "tok", "client-certificate-data": "Y2VydA==", "client-key-data": "a2V5"})
    data["clusters"].append({"name": "other", "cluster": {"server": "https://o"}})
    path = write(tmp_path / "cfg", data)
    out = yaml.safe_load(view(path))
    assert [c["name"] for c in out["clusters"]] == ["c", "other"]
    user = out["users"][0]["user"]
    assert user == {"token": "REDACTED", "client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}
    mini = yaml.safe_load(view(path, minify=True, raw=True))
    assert [c["name"] for c in mini["clusters"]] == ["c"] and mini["users"][0]["user"]["token"] == "tok"


def test_cli_config_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kubeclient.__main__ import main

    path = write(tmp_path / "cfg", kubeconfig())
    assert main(["config", "view", "--kubeconfig", str(path), "--minify"]) == 0
    out = capsys.readouterr().out
    assert "current-context: ctx" in out and "REDACTED" in out and "secret-token" not in out
    assert main(["config", "view", "--kubeconfig", str(tmp_path / "nope")]) == 1


names = st.sampled_from(["a", "b", "c", "d"])
files = st.lists(
    st.tuples(st.dictionaries(names, st.integers(1, 99), max_size=4), st.one_of(st.none(), names)),
    min_size=1,
    max_size=4,
)


@given(files)
def test_merge_first_file_wins_per_entry_and_current_context(spec: list[tuple[dict[str, int], str | None]]) -> None:
    configs = []
    for i, (clusters, current) in enumerate(spec):
        cfg = KubeConfig(files=[f"f{i}"])
        for name, port in clusters.items():
            from kubeclient.config.kubeconfig import Entry

            cfg.clusters[name] = Entry(name, {"server": f"https://h:{port}"}, f"f{i}")
        cfg.current_context = current or ""
        configs.append(cfg)
    merged = merge(configs)
    expected: dict[str, tuple[str, str]] = {}
    for i, (clusters, _) in enumerate(spec):
        for name, port in clusters.items():
            expected.setdefault(name, (f"https://h:{port}", f"f{i}"))
    assert {n: (e.body["server"], e.source) for n, e in merged.clusters.items()} == expected
    assert merged.current_context == next((c for _, c in spec if c), "")


def test_cert_data_is_base64(tmp_path: Path) -> None:
    bad = kubeconfig(**{"client-certificate-data": "%%%", "client-key-data": base64.b64encode(b"k").decode()})
    with pytest.raises(ConfigError, match=r"client-certificate-data: not valid base64"):
        load_config(write(tmp_path / "cfg", bad))
