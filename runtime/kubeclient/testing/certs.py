"""Throw-away TLS material: a CA, a server certificate for 127.0.0.1/localhost and client certificates per user."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from kubeclient.testing._extra import missing_extra

try:
    import trustme
except ModuleNotFoundError as exc:
    raise missing_extra(exc) from None


@dataclass(frozen=True)
class ClientCertificate:
    cert_pem: bytes
    key_pem: bytes

    def __repr__(self) -> str:
        return "ClientCertificate(<pem>)"


class Certificates:
    """One CA per server; it signs the serving certificate and client certificates (CN = user name)."""

    def __init__(self) -> None:
        self._ca = trustme.CA(organization_name="kubeclient fake apiserver")
        self._server = self._ca.issue_cert("127.0.0.1", "localhost", "::1", "kubernetes", "kubernetes.default")

    @property
    def ca_pem(self) -> bytes:
        return self._ca.cert_pem.bytes()

    def client_certificate(self, user: str) -> ClientCertificate:
        issued = self._ca.issue_cert(f"{user}.users.fake.invalid", common_name=user)
        return ClientCertificate(issued.cert_chain_pems[0].bytes(), issued.private_key_pem.bytes())

    def server_context(self) -> ssl.SSLContext:
        """Serving context: HTTP/1.1 only via ALPN; client certificates are verified when presented."""
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server.configure_cert(ctx)
        self._ca.configure_trust(ctx)
        ctx.verify_mode = ssl.CERT_OPTIONAL
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx
