"""Validation errors: ConfigError (a ValueError) naming the file and the key path, never a secret value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from config_helpers import WriteConfig

from kubeclient.config import Config, ConfigError, load_config

SECRET = "hunter2-secret"  # every secret in these documents contains this marker


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"token": SECRET, "username": "a", "password": SECRET}, r"users\[u\]\.user: more than one authentication"),
        ({"tokenFile": "/tok", "username": "a"}, r"users\[u\]\.user: more than one authentication"),
        ({"client-certificate": "/x"}, r"users\[u\]\.user: client-certificate set without client-key"),
        ({"client-key-data": "c2VjcmV0"}, r"users\[u\]\.user: client-key set without client-certificate"),
        (
            {"client-certificate": "/x", "client-certificate-data": "eA==", "client-key": "/k"},
            r"users\[u\]\.user: client-certificate-data and client-certificate are both specified",
        ),
        (
            {"client-certificate": "/x", "client-key-data": "c2VjcmV0", "client-key": "/k"},
            r"users\[u\]\.user: client-key-data and client-key are both specified",
        ),
        (
            {"exec": {"command": "x", "apiVersion": "client.authentication.k8s.io/v1"}, "auth-provider": {"name": "g"}},
            r"users\[u\]\.user: exec and auth-provider cannot both be set",
        ),
        (
            {"exec": {"command": "x", "apiVersion": "client.authentication.k8s.io/v1"}},
            r"users\[u\]\.user\.exec\.interactiveMode: interactiveMode must be specified",
        ),
        (
            {"exec": {"command": "x", "apiVersion": "client.authentication.k8s.io/v1", "interactiveMode": "Often"}},
            r"users\[u\]\.user\.exec\.interactiveMode: invalid interactiveMode 'Often'",
        ),
        ({"exec": {"command": "x", "apiVersion": "v0"}}, r"users\[u\]\.user\.exec\.apiVersion: exec plugin apiVersion"),
        ({"exec": {"apiVersion": "client.authentication.k8s.io/v1beta1"}}, r"user\.exec\.command: exec plugin needs"),
        (
            {"client-certificate-data": "%%%", "client-key-data": "c2VjcmV0"},
            r"users\[u\]\.user\.client-certificate-data: not valid base64",
        ),
    ],
)
def test_user_validation_names_file_and_key(write_config: WriteConfig, user: dict[str, Any], message: str) -> None:
    path = write_config(user_body=user)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(f"{path}: ")
    assert SECRET not in str(info.value) and "c2VjcmV0" not in str(info.value)


@pytest.mark.parametrize(
    ("cluster", "message"),
    [
        (
            {"certificate-authority-data": "eA==", "certificate-authority": "/ca"},
            r"clusters\[c\]\.cluster: certificate-authority-data and certificate-authority are both specified",
        ),
        (
            {"insecure-skip-tls-verify": True, "certificate-authority-data": "eA=="},
            r"clusters\[c\]\.cluster: insecure-skip-tls-verify together with a certificate authority",
        ),
        ({"insecure-skip-tls-verify": True, "certificate-authority": "/ca"}, "insecure-skip-tls-verify together"),
        ({"proxy-url": f"ftp://me:{SECRET}@proxy"}, r"clusters\[c\]\.cluster: proxy-url scheme must be one of"),
        ({"server": ""}, r"clusters\[c\]\.cluster\.server: server is required"),
    ],
)
def test_cluster_validation_names_file_and_key(
    write_config: WriteConfig, cluster: dict[str, Any], message: str
) -> None:
    path = write_config(cluster_body=cluster)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ") and SECRET not in str(info.value)


@pytest.mark.parametrize("scheme", ["http", "https", "socks5"])
def test_proxy_schemes_accepted(write_config: WriteConfig, scheme: str) -> None:
    assert load_config(write_config(cluster_body={"proxy-url": f"{scheme}://proxy:1080"})).proxy_url == (
        f"{scheme}://proxy:1080"
    )


def test_auth_provider_is_refused_with_a_pointer_to_exec(write_config: WriteConfig) -> None:
    path = write_config(user_body={"auth-provider": {"name": "oidc", "config": {"id-token": SECRET}}})
    with pytest.raises(ConfigError, match=r"users\[u\]\.user\.auth-provider: auth-provider 'oidc'") as info:
        load_config(path)
    assert SECRET not in str(info.value)


def test_direct_config_validation() -> None:
    with pytest.raises(ConfigError, match="insecure"):
        Config(host="https://k", insecure_skip_tls_verify=True, ca_data=b"x")
    with pytest.raises(ConfigError, match="proxy-url scheme") as info:
        Config(host="https://k", proxy_url=f"ftp://u:{SECRET}@p")
    assert SECRET not in str(info.value)


def test_missing_token_file_names_the_file(tmp_path: Path) -> None:
    import httpx

    cfg = Config(host="https://k", token_file=str(tmp_path / "absent"))
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=transport, auth=cfg.auth()) as client, pytest.raises(ConfigError) as info:
        client.get("https://k/")
    assert str(tmp_path / "absent") in str(info.value)


def test_repr_hides_secrets(tmp_path: Path) -> None:
    configs = [
        Config(host="https://h", token=SECRET),
        Config(host="https://h", username="me", password=SECRET),
        Config(host="https://h", client_cert_data=SECRET.encode(), client_key_data=SECRET.encode()),
        Config(host="https://h", token_file=str(tmp_path / "t"), token=SECRET),
    ]
    for cfg in configs:
        text = repr(cfg)
        assert SECRET not in text and "https://h" in text and cfg.auth_kind in text
        assert SECRET not in repr(cfg.auth())


@pytest.mark.parametrize(
    ("cluster", "user", "message"),
    [
        (
            {"insecure-skip-tls-verify": "false"},
            None,
            r"cluster\.insecure-skip-tls-verify: expected true or false",
        ),
        ({"server": 6443}, None, r"clusters\[c\]\.cluster\.server: expected a string"),
        (None, {"token": 12345678}, r"users\[u\]\.user\.token: expected a string"),
        (
            None,
            {"exec": {"command": "x", "apiVersion": "client.authentication.k8s.io/v1beta1", "args": "--flag"}},
            r"users\[u\]\.user\.exec\.args: expected a list",
        ),
    ],
)
def test_wrong_types_name_the_key_not_the_value(
    write_config: WriteConfig, cluster: dict[str, Any] | None, user: dict[str, Any] | None, message: str
) -> None:
    path = write_config(cluster_body=cluster, user_body=user)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert "12345678" not in str(info.value)


def test_base64_data_may_be_wrapped(write_config: WriteConfig) -> None:
    cfg = load_config(write_config(cluster_body={"certificate-authority-data": "LS0t\nLS0t\r\n"}))
    assert cfg.ca_data == b"------"
