from __future__ import annotations

import http.server
import json
import ssl
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import trustme

from kubeclient.config import Config, ConfigError, ExecConfig, ExecProvider
from kubeclient.config.auth import KubeAuth, TokenFile


def serve_401_once(tokens_seen: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        tokens_seen.append(request.headers.get("Authorization", ""))
        return httpx.Response(401 if len(tokens_seen) == 1 else 200, json={})

    return httpx.MockTransport(handler)


def test_token_file_cached_for_a_minute_and_reset_on_401(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("one\n")
    now = [0.0]
    source = TokenFile(str(token), clock=lambda: now[0])
    assert source.header() == "Bearer one"
    token.write_text("two\n")  # rotated after the first read
    seen: list[str] = []
    with httpx.Client(transport=serve_401_once(seen), auth=KubeAuth(source)) as client:
        assert client.get("https://k/api").status_code == 200
        assert seen == ["Bearer one", "Bearer two"]  # the 401 forced a re-read
        token.write_text("three\n")
        client.get("https://k/api")
        assert seen[-1] == "Bearer two"  # cached within the minute
        now[0] = 61
        client.get("https://k/api")
        assert seen[-1] == "Bearer three"


def test_basic_and_static_token_headers() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200)

    for cfg in (Config(host="https://k", token="abc"), Config(host="https://k", username="me", password="pw")):
        with httpx.Client(transport=httpx.MockTransport(handler), auth=cfg.auth()) as client:
            client.get("https://k/")
    assert seen == ["Bearer abc", "Basic bWU6cHc="]


PLUGIN = """
import json, os, sys, pathlib
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
count = pathlib.Path(sys.argv[1])
n = int(count.read_text()) + 1 if count.exists() else 1
count.write_text(str(n))
expiry = sys.argv[2]
print(json.dumps({"apiVersion": info["apiVersion"], "kind": "ExecCredential",
    "status": {"token": f"tok-{n}-{info['spec']['interactive']}-{info['spec'].get('cluster', {}).get('server')}",
               "expirationTimestamp": expiry}}))
"""


def exec_config(tmp_path: Path, expiry: str) -> ExecConfig:
    script = tmp_path / "plugin.py"
    script.write_text(PLUGIN)
    cfg = ExecConfig(
        command=sys.executable,
        args=[str(script), str(tmp_path / "count"), expiry],
        interactive_mode="Never",
        provide_cluster_info=True,
    )
    from kubeclient.config.exec_plugin import ClusterInfo

    cfg.cluster = ClusterInfo(server="https://k:6443")
    return cfg


def test_exec_plugin_cached_until_expiry(tmp_path: Path) -> None:
    expiry = datetime(2030, 1, 1, tzinfo=UTC)
    now = [expiry - timedelta(hours=1)]
    provider = ExecProvider(exec_config(tmp_path, "2030-01-01T00:00:00Z"), now=lambda: now[0])
    assert provider.credential().token == "tok-1-False-https://k:6443"
    assert provider.credential().token == "tok-1-False-https://k:6443"
    now[0] = expiry + timedelta(seconds=1)
    assert provider.credential().token == "tok-2-False-https://k:6443"
    assert provider.runs == 2
    assert "tok-" not in repr(provider.credential())


def test_exec_plugin_refreshes_once_on_401(tmp_path: Path) -> None:
    cfg = Config(host="https://k", exec_provider=exec_config(tmp_path, "2999-01-01T00:00:00Z"))
    seen: list[str] = []
    with httpx.Client(transport=serve_401_once(seen), auth=cfg.auth()) as client:
        assert client.get("https://k/").status_code == 200
    assert [s.split("-")[1] for s in seen] == ["1", "2"]


def test_exec_plugin_failures_are_clear(tmp_path: Path) -> None:
    missing = ExecProvider(ExecConfig(command="/nonexistent/plugin", install_hint="brew install it"))
    with pytest.raises(ConfigError, match="not found\nbrew install it"):
        missing.credential()
    failing = tmp_path / "fail.py"
    failing.write_text("import sys; print('secret-on-stdout'); sys.stderr.write('denied'); sys.exit(3)")
    provider = ExecProvider(ExecConfig(command=sys.executable, args=[str(failing)], interactive_mode="Never"))
    with pytest.raises(ConfigError, match="exited with code 3: denied") as info:
        provider.credential()
    assert "secret-on-stdout" not in str(info.value)
    always = ExecProvider(ExecConfig(command="x", interactive_mode="Always"), stdin_is_tty=lambda: False)
    with pytest.raises(ConfigError, match="interactive terminal"):
        always.credential()


@pytest.fixture(scope="module")
def tls_server() -> Iterator[tuple[str, trustme.CA, trustme.CA]]:
    ca = trustme.CA()
    client_ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1", "kubernetes.default")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(ctx)
    client_ca.configure_trust(ctx)
    ctx.verify_mode = ssl.CERT_REQUIRED

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            peer = self.connection.getpeercert()  # type: ignore[attr-defined]
            body = json.dumps({"subject": peer["subject"] if peer else None}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", ca, client_ca
    server.shutdown()
    server.server_close()


def test_client_certificate_over_real_tls(tls_server: tuple[str, trustme.CA, trustme.CA]) -> None:
    url, ca, client_ca = tls_server
    client_cert = client_ca.issue_cert("alice@example.com")
    cfg = Config(
        host=url,
        ca_data=ca.cert_pem.bytes(),
        client_cert_data=client_cert.cert_chain_pems[0].bytes(),
        client_key_data=client_cert.private_key_pem.bytes(),
    )
    with httpx.Client(verify=cfg.ssl_context()) as client:
        assert client.get(url).status_code == 200


def test_wrong_ca_fails_verification(tls_server: tuple[str, trustme.CA, trustme.CA]) -> None:
    url, _, client_ca = tls_server
    client_cert = client_ca.issue_cert("alice@example.com")
    cfg = Config(
        host=url,
        ca_data=trustme.CA().cert_pem.bytes(),
        client_cert_data=client_cert.cert_chain_pems[0].bytes(),
        client_key_data=client_cert.private_key_pem.bytes(),
    )
    with httpx.Client(verify=cfg.ssl_context()) as client, pytest.raises(httpx.ConnectError, match="CERTIFICATE"):
        client.get(url)


def test_tls_server_name_verifies_a_certificate_for_another_name(
    tls_server: tuple[str, trustme.CA, trustme.CA],
) -> None:
    url, ca, client_ca = tls_server
    client_cert = client_ca.issue_cert("bob")
    cfg = Config(
        host=url,
        ca_data=ca.cert_pem.bytes(),
        tls_server_name="kubernetes.default",
        client_cert_data=client_cert.cert_chain_pems[0].bytes(),
        client_key_data=client_cert.private_key_pem.bytes(),
    )
    with httpx.Client(verify=cfg.ssl_context()) as client:
        response = client.get(url, extensions={"sni_hostname": cfg.tls_server_name})
    assert response.status_code == 200


def test_insecure_skips_verification_and_refuses_a_ca() -> None:
    ctx = Config(host="https://k", insecure_skip_tls_verify=True).ssl_context()
    assert ctx.verify_mode == ssl.CERT_NONE
    with pytest.raises(ConfigError, match="insecure"):
        Config(host="https://k", insecure_skip_tls_verify=True, ca_data=b"x")
