"""RESTClient and AsyncRESTClient built from a Config talk to a real HTTPS server requiring a client certificate,
with the TLS server name override sent as SNI."""

from __future__ import annotations

import asyncio

from config_helpers import TLSServer

from kubeclient.config import Config
from kubeclient.rest import AsyncRESTClient, RESTClient


def config_for(server: TLSServer, user: str, *, via_localhost: bool) -> Config:
    cert = server.client_ca.issue_cert(user)
    host = f"https://localhost:{server.port}" if via_localhost else server.url
    return Config(
        host,
        ca_data=server.ca.cert_pem.bytes(),
        client_cert_data=cert.cert_chain_pems[0].bytes(),
        client_key_data=cert.private_key_pem.bytes(),
        tls_server_name="kubernetes.default" if via_localhost else None,
    )


def test_rest_client_with_client_certificate_and_sni(tls_server: TLSServer) -> None:
    with RESTClient.for_config(config_for(tls_server, "erin", via_localhost=True)) as rc:
        assert rc.get().abs_path("/").do().json() == {"cn": "erin"}


def test_async_rest_client_with_client_certificate(tls_server: TLSServer) -> None:
    async def main() -> object:
        async with AsyncRESTClient.for_config(config_for(tls_server, "frank", via_localhost=False)) as rc:
            return (await rc.get().abs_path("/").do()).json()

    assert asyncio.run(main()) == {"cn": "frank"}
