"""load_config: which files are read, how contexts/clusters/users/namespace are chosen, relative paths."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from config_helpers import WriteConfig, kubeconfig_doc

from kubeclient.config import Config, ConfigError, kubeconfig_chain, load_config, parse_file


def test_explicit_path_loads_current_context(write_config: WriteConfig) -> None:
    cfg = load_config(write_config())
    assert (cfg.host, cfg.namespace, cfg.context_name, cfg.cluster_name, cfg.user_name) == (
        "https://k:6443",
        "team",
        "ctx",
        "c",
        "u",
    )
    assert cfg.token == "secret-token" and cfg.auth_kind == "token"


def test_explicit_path_must_exist_and_replaces_the_chain(
    tmp_path: Path, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="does not exist") as info:
        load_config(tmp_path / "missing")
    assert str(tmp_path / "missing") in str(info.value)
    monkeypatch.setenv("KUBECONFIG", str(write_config("env", server="https://from-env")))
    assert load_config(write_config("explicit", server="https://explicit")).host == "https://explicit"


def test_kubeconfig_chain_skips_missing_and_deduplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("")
    b.write_text("")
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(a), str(tmp_path / "gone"), str(b), "", str(a)]))
    assert kubeconfig_chain() == [str(a), str(b)]


def test_home_kube_config_is_the_default(tmp_path: Path, write_config: WriteConfig) -> None:
    write_config("home/.kube/config", server="https://home")
    assert kubeconfig_chain() == [str(tmp_path / "home" / ".kube" / "config")]
    assert load_config().host == "https://home"


def test_kubeconfig_chain_first_file_wins(
    tmp_path: Path, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = write_config("a", server="https://a:1", context="ctx-a")
    b = kubeconfig_doc(server="https://b:2", context="ctx-b")
    b["clusters"].append({"name": "only-b", "cluster": {"server": "https://only-b"}})
    b["contexts"].append({"name": "use-b", "context": {"cluster": "only-b", "user": "u"}})
    write_config("b", b)
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(a), str(tmp_path / "missing"), str(tmp_path / "b")]))
    cfg = load_config()
    assert cfg.context_name == "ctx-a" and cfg.host == "https://a:1"
    assert load_config(context="ctx-b").host == "https://a:1"  # cluster "c" comes from the first file
    assert load_config(context="use-b").host == "https://only-b"


def test_current_context_from_a_later_file_when_the_first_has_none(
    tmp_path: Path, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = kubeconfig_doc(server="https://first", context="one")
    del first["current-context"]
    write_config("first", first)
    write_config("second", server="https://second", context="two")
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(tmp_path / "first"), str(tmp_path / "second")]))
    cfg = load_config()
    assert cfg.context_name == "two" and cfg.host == "https://first"


def test_overrides_and_namespace_precedence(write_config: WriteConfig) -> None:
    doc = kubeconfig_doc()
    doc["clusters"].append({"name": "c2", "cluster": {"server": "https://c2"}})
    doc["users"].append({"name": "u2", "user": {"token": "t2"}})
    doc["contexts"].append({"name": "plain", "context": {"cluster": "c", "user": "u"}})
    path = write_config("cfg", doc)
    assert load_config(path).namespace == "team"
    assert load_config(path, namespace="override").namespace == "override"
    assert load_config(path, context="plain").namespace == "default"
    cfg = load_config(path, cluster="c2", user="u2")
    assert (cfg.host, cfg.token, cfg.context_name, cfg.namespace) == ("https://c2", "t2", "ctx", "team")


def test_cluster_override_without_any_context(write_config: WriteConfig) -> None:
    doc = kubeconfig_doc()
    del doc["current-context"]
    path = write_config("cfg", doc)
    cfg = load_config(path, cluster="c", user="u")
    assert cfg.host == "https://k:6443" and cfg.context_name is None and cfg.namespace == "default"
    with pytest.raises(ConfigError, match="no current-context"):
        load_config(path)


@pytest.mark.parametrize("kind", ["context", "cluster", "user"])
def test_explicitly_named_missing_entries_are_errors(write_config: WriteConfig, kind: str) -> None:
    path = write_config()
    with pytest.raises(ConfigError, match=f"{kind} 'nope' not found") as info:
        load_config(path, **{kind: "nope"})
    assert str(path) in str(info.value)


def test_context_referring_to_missing_cluster_names_the_context(write_config: WriteConfig) -> None:
    doc = kubeconfig_doc()
    doc["contexts"][0]["context"]["cluster"] = "ghost"
    path = write_config("cfg", doc)
    with pytest.raises(ConfigError, match=r"contexts\[ctx\]\.context\.cluster: cluster 'ghost' not found"):
        load_config(path)


def test_empty_file_is_empty_config(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("")
    assert parse_file(tmp_path / "empty").is_empty()
    with pytest.raises(ConfigError, match="no configuration found"):
        load_config(tmp_path / "empty")


def test_duplicate_names_in_one_file(write_config: WriteConfig) -> None:
    doc = kubeconfig_doc()
    doc["users"].append({"name": "u", "user": {"token": "other-secret"}})
    path = write_config("dup", doc)
    with pytest.raises(ConfigError, match=r"users\[1\]\.name: duplicate name 'u'") as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ") and "secret" not in str(info.value)


def test_same_name_in_two_files_is_not_an_error(
    tmp_path: Path, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = write_config("a", server="https://a"), write_config("b", server="https://b")
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(a), str(b)]))
    assert load_config().host == "https://a"


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad"
    path.write_text("clusters: [\n  - token: abc")
    with pytest.raises(ConfigError, match="not valid YAML") as info:
        load_config(path)
    assert str(path) in str(info.value) and "abc" not in str(info.value)
    path.write_text("clusters: {a: 1}\n")
    with pytest.raises(ConfigError, match=f"{path}: clusters: expected a list"):
        load_config(path)


def test_relative_paths_resolve_against_the_defining_file(
    tmp_path: Path, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = kubeconfig_doc(
        user_body={"client-certificate": "certs/tls.crt", "client-key": "../keys/tls.key", "tokenFile": "tok"},
        cluster_body={"certificate-authority": "ca.crt"},
    )
    doc["users"].append(
        {
            "name": "e",
            "user": {
                "exec": {
                    "command": "./bin/plugin",
                    "apiVersion": "client.authentication.k8s.io/v1beta1",
                }
            },
        }
    )
    doc["users"].append(
        {
            "name": "onpath",
            "user": {"exec": {"command": "gke-auth", "apiVersion": "client.authentication.k8s.io/v1beta1"}},
        }
    )
    path = write_config("conf/config", doc)
    monkeypatch.chdir(tmp_path)
    # The chain names the file relatively: resolution still uses the file's directory, not the working one.
    monkeypatch.setenv("KUBECONFIG", "conf/config")
    base = tmp_path / "conf"
    cfg = load_config()
    assert cfg.ca_file == str(base / "ca.crt")
    assert cfg.client_cert_file == str(base / "certs" / "tls.crt")
    assert cfg.client_key_file == str(tmp_path / "keys" / "tls.key")
    assert cfg.token_file == str(base / "tok")
    exec_cfg = load_config(path, user="e").exec_provider
    assert exec_cfg is not None and exec_cfg.command == str(base / "bin" / "plugin")
    on_path = load_config(path, user="onpath").exec_provider
    assert on_path is not None and on_path.command == "gke-auth"


def test_relative_paths_do_not_follow_a_symlinked_kubeconfig(tmp_path: Path, write_config: WriteConfig) -> None:
    real = write_config("elsewhere/config", cluster_body={"certificate-authority": "ca.crt"})
    link = tmp_path / "home" / ".kube" / "config"
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    assert load_config().ca_file == str(link.parent / "ca.crt")


def test_tls_and_proxy_settings_are_carried(write_config: WriteConfig) -> None:
    ca = base64.b64encode(b"-----BEGIN CERTIFICATE-----").decode()
    path = write_config(
        cluster_body={
            "certificate-authority-data": ca,
            "tls-server-name": "kubernetes.default",
            "proxy-url": "https://proxy:3128",
        }
    )
    cfg = load_config(path)
    assert cfg.ca_data == b"-----BEGIN CERTIFICATE-----"
    assert cfg.tls_server_name == "kubernetes.default" and cfg.proxy_url == "https://proxy:3128"


def test_token_file_wins_over_token_as_in_client_go(tmp_path: Path, write_config: WriteConfig) -> None:
    (tmp_path / "tok").write_text("from-file\n")
    cfg = load_config(write_config(user_body={"token": "inline", "tokenFile": "tok"}))
    assert cfg.token == "inline" and cfg.token_file == str(tmp_path / "tok") and cfg.auth_kind == "token-file"


def test_host_normalised() -> None:
    assert Config(host="https://k:6443/").host == "https://k:6443"
    assert Config(host="k:6443").host == "https://k:6443"
