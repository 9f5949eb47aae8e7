"""Fixtures for kubeclient.config tests: an isolated environment, kubeconfig writing, and a TLS server that
requires a client certificate."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from config_helpers import TLSServer, WriteConfig, kubeconfig_doc


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No kubeconfig, no in-cluster settings and an empty HOME, unless a test sets them."""
    for var in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "POD_NAMESPACE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KUBECLIENT_SERVICE_ACCOUNT_DIR", str(tmp_path / "no-sa"))


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """write_config(name_or_path, doc=None, **kubeconfig_doc kwargs) -> the written file."""

    def write(name: str | Path = "config", doc: dict[str, Any] | None = None, **kwargs: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc if doc is not None else kubeconfig_doc(**kwargs)))
        return path

    return write


@pytest.fixture(scope="session")
def tls_server() -> Iterator[TLSServer]:
    """HTTPS on 127.0.0.1 with a certificate for 127.0.0.1 and kubernetes.default, requiring a client certificate
    from `client_ca`; answers GET with the client certificate's name."""
    ca = trustme.CA()
    client_ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "kubernetes.default").configure_cert(ctx)
    client_ca.configure_trust(ctx)
    ctx.verify_mode = ssl.CERT_REQUIRED

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            conn = self.connection
            peer = conn.getpeercert() if isinstance(conn, ssl.SSLSocket) else None
            # trustme puts the identity in subjectAltName; report it (or the common name) as "cn".
            names: list[str] = [str(entry[1]) for entry in (peer or {}).get("subjectAltName", ())]
            for rdn in (peer or {}).get("subject", ()):
                names += [str(attr[1]) for attr in rdn if attr[0] == "commonName"]
            body = json.dumps({"cn": names[0] if names else None}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = int(server.server_address[1])
    yield TLSServer(f"https://127.0.0.1:{port}", ca, client_ca, port)
    server.shutdown()
    server.server_close()
