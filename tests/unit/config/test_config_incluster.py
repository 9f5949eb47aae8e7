"""In-cluster configuration from the service account (KUBECLIENT_SERVICE_ACCOUNT_DIR stands in for the mount)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import trustme
from config_helpers import WriteConfig, kubeconfig_doc

from kubeclient.config import ConfigError, load_config, load_incluster_config


@pytest.fixture
def service_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    sa = tmp_path / "sa"
    sa.mkdir()
    (sa / "token").write_text("sa-token\n")
    (sa / "namespace").write_text("payments\n")
    trustme.CA().cert_pem.write_to_path(str(sa / "ca.crt"))
    monkeypatch.setenv("KUBECLIENT_SERVICE_ACCOUNT_DIR", str(sa))
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    return sa


def test_incluster_config(service_account: Path) -> None:
    cfg = load_incluster_config()
    assert cfg.host == "https://10.0.0.1:443" and cfg.namespace == "payments"
    assert cfg.token_file == str(service_account / "token") and cfg.ca_file == str(service_account / "ca.crt")
    assert cfg.auth_kind == "token-file" and cfg.ssl_context().cert_store_stats()["x509_ca"] == 1
    assert "sa-token" not in repr(cfg)


def test_ipv6_host_is_bracketed(service_account: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "fd00::1")
    assert load_incluster_config().host == "https://[fd00::1]:443"


def test_namespace_precedence(service_account: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POD_NAMESPACE", "from-env")
    assert load_incluster_config().namespace == "from-env"
    monkeypatch.delenv("POD_NAMESPACE")
    (service_account / "namespace").unlink()
    assert load_incluster_config().namespace == "default"
    assert load_config(namespace="override").namespace == "override"


def test_token_is_reread_as_it_rotates_and_after_401(service_account: Path) -> None:
    seen: list[str] = []
    statuses = [200, 401]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(statuses.pop(0) if statuses else 200)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=load_incluster_config().auth()) as client:
        client.get("https://10.0.0.1/")
        (service_account / "token").write_text("rotated\n")
        client.get("https://10.0.0.1/")
    assert seen == ["Bearer sa-token", "Bearer sa-token", "Bearer rotated"]


def test_missing_environment_or_token_is_an_error(service_account: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (service_account / "token").unlink()
    with pytest.raises(ConfigError, match="token file does not exist") as info:
        load_incluster_config()
    assert str(service_account / "token") in str(info.value)
    monkeypatch.delenv("KUBERNETES_SERVICE_PORT")
    with pytest.raises(ConfigError, match="KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined"):
        load_incluster_config()


def test_load_config_falls_back_to_incluster_without_kubeconfig(service_account: Path) -> None:
    assert load_config().host == "https://10.0.0.1:443"


def test_fallback_when_the_kubeconfig_selects_nothing(service_account: Path, write_config: WriteConfig) -> None:
    doc = kubeconfig_doc(server="https://from-file")
    del doc["current-context"]
    path = write_config("cfg", doc)
    assert load_config(path).host == "https://10.0.0.1:443"
    # Naming a context means the kubeconfig is wanted: no fallback.
    assert load_config(path, context="ctx").host == "https://from-file"
    with pytest.raises(ConfigError, match="context 'other' not found"):
        load_config(path, context="other")


def test_kubeconfig_wins_over_incluster(service_account: Path, write_config: WriteConfig) -> None:
    assert load_config(write_config(server="https://from-file")).host == "https://from-file"
