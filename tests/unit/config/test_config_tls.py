"""Config.ssl_context() against a real local HTTPS server that requires a client certificate."""

from __future__ import annotations

import json
import ssl
import sys
from pathlib import Path

import httpx
import pytest
import trustme
from config_helpers import TLSServer

from kubeclient.config import Config, ConfigError, ExecConfig


def common_name(cfg: Config, server: TLSServer, ctx: ssl.SSLContext | None = None) -> str:
    extensions = {"sni_hostname": cfg.tls_server_name} if cfg.tls_server_name else None
    with httpx.Client(verify=ctx or cfg.ssl_context()) as client:
        response = client.get(server.url, extensions=extensions)
    assert response.status_code == 200
    name: str = response.json()["cn"]
    return name


def test_client_certificate_data(tls_server: TLSServer) -> None:
    cert = tls_server.client_ca.issue_cert("alice")
    cfg = Config(
        host=tls_server.url,
        ca_data=tls_server.ca.cert_pem.bytes(),
        client_cert_data=cert.cert_chain_pems[0].bytes(),
        client_key_data=cert.private_key_pem.bytes(),
    )
    assert common_name(cfg, tls_server) == "alice"


def test_client_certificate_and_ca_files(tls_server: TLSServer, tmp_path: Path) -> None:
    cert = tls_server.client_ca.issue_cert("bob")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "tls.crt"))
    cert.private_key_pem.write_to_path(str(tmp_path / "tls.key"))
    tls_server.ca.cert_pem.write_to_path(str(tmp_path / "ca.crt"))
    cfg = Config(
        host=tls_server.url,
        ca_file=str(tmp_path / "ca.crt"),
        client_cert_file=str(tmp_path / "tls.crt"),
        client_key_file=str(tmp_path / "tls.key"),
    )
    assert common_name(cfg, tls_server) == "bob"


def test_wrong_ca_fails_verification(tls_server: TLSServer) -> None:
    cert = tls_server.client_ca.issue_cert("alice")
    cfg = Config(
        host=tls_server.url,
        ca_data=trustme.CA().cert_pem.bytes(),
        client_cert_data=cert.cert_chain_pems[0].bytes(),
        client_key_data=cert.private_key_pem.bytes(),
    )
    with httpx.Client(verify=cfg.ssl_context()) as client, pytest.raises(httpx.ConnectError, match="CERTIFICATE"):
        client.get(tls_server.url)


def test_tls_server_name_verifies_a_certificate_for_another_name(tls_server: TLSServer) -> None:
    # The server certificate names 127.0.0.1 and kubernetes.default; connect by a name it does not carry.
    url = f"https://localhost:{tls_server.port}"
    cert = tls_server.client_ca.issue_cert("carol")
    ca, crt, key = tls_server.ca.cert_pem.bytes(), cert.cert_chain_pems[0].bytes(), cert.private_key_pem.bytes()
    plain = Config(host=url, ca_data=ca, client_cert_data=crt, client_key_data=key)
    with httpx.Client(verify=plain.ssl_context()) as client, pytest.raises(httpx.ConnectError, match="mismatch"):
        client.get(url)
    cfg = Config(host=url, ca_data=ca, tls_server_name="kubernetes.default", client_cert_data=crt, client_key_data=key)
    with httpx.Client(verify=cfg.ssl_context()) as client:
        assert client.get(url, extensions={"sni_hostname": cfg.tls_server_name}).json() == {"cn": "carol"}


def test_insecure_skips_verification(tls_server: TLSServer) -> None:
    cert = tls_server.client_ca.issue_cert("dave")
    cfg = Config(
        host=tls_server.url,
        insecure_skip_tls_verify=True,
        client_cert_data=cert.cert_chain_pems[0].bytes(),
        client_key_data=cert.private_key_pem.bytes(),
    )
    assert cfg.ssl_context().verify_mode == ssl.CERT_NONE
    assert common_name(cfg, tls_server) == "dave"


def test_verification_is_on_by_default_and_a_ca_is_the_only_root(tls_server: TLSServer) -> None:
    default = Config(host="https://k").ssl_context()
    assert default.verify_mode == ssl.CERT_REQUIRED and default.check_hostname
    only = Config(host="https://k", ca_data=tls_server.ca.cert_pem.bytes()).ssl_context()
    assert only.verify_mode == ssl.CERT_REQUIRED and only.cert_store_stats()["x509_ca"] == 1


def test_bad_tls_material_is_a_config_error(tmp_path: Path, tls_server: TLSServer) -> None:
    with pytest.raises(ConfigError, match="certificate-authority-data holds no valid PEM"):
        Config(host="https://k", ca_data=b"garbage").ssl_context()
    with pytest.raises(ConfigError, match="does not exist") as info:
        Config(host="https://k", ca_file=str(tmp_path / "ca.crt")).ssl_context()
    assert str(tmp_path / "ca.crt") in str(info.value)
    one, other = tls_server.client_ca.issue_cert("x"), tls_server.client_ca.issue_cert("y")
    key = other.private_key_pem.bytes()
    with pytest.raises(ConfigError, match="do not load") as info:
        Config(host="https://k", client_cert_data=one.cert_chain_pems[0].bytes(), client_key_data=key).ssl_context()
    assert key.decode() not in str(info.value)
    with pytest.raises(ConfigError, match="does not exist"):
        Config(
            host="https://k", client_cert_file=str(tmp_path / "c"), client_key_file=str(tmp_path / "k")
        ).ssl_context()


CERT_PLUGIN = """
import json, os, pathlib, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
here = pathlib.Path(sys.argv[0]).parent
current = (here / "current").read_text()
status = {
    "clientCertificateData": (here / f"{current}.crt").read_text(),
    "clientKeyData": (here / f"{current}.key").read_text(),
}
print(json.dumps({"apiVersion": info["apiVersion"], "kind": "ExecCredential", "status": status}))
"""


def test_exec_plugin_client_certificate_and_rotation(tls_server: TLSServer, tmp_path: Path) -> None:
    for name in ("first", "second"):
        cert = tls_server.client_ca.issue_cert(name)
        cert.cert_chain_pems[0].write_to_path(str(tmp_path / f"{name}.crt"))
        cert.private_key_pem.write_to_path(str(tmp_path / f"{name}.key"))
    (tmp_path / "current").write_text("first")
    (tmp_path / "plugin.py").write_text(CERT_PLUGIN)
    cfg = Config(
        host=tls_server.url,
        ca_data=tls_server.ca.cert_pem.bytes(),
        exec_provider=ExecConfig(command=sys.executable, args=[str(tmp_path / "plugin.py")], interactive_mode="Never"),
    )
    ctx = cfg.ssl_context()
    assert common_name(cfg, tls_server, ctx) == "first"
    assert cfg.auth_kind == "exec"
    # A 401 makes the auth flow re-run the plugin; the new certificate is loaded into the same context.
    (tmp_path / "current").write_text("second")
    provider = cfg.exec_credentials()
    assert provider is not None
    provider.invalidate()
    assert provider.credential().client_certificate_data == (tmp_path / "second.crt").read_text()
    assert common_name(cfg, tls_server, ctx) == "second"
    assert json.dumps(repr(cfg)).count("BEGIN") == 0
