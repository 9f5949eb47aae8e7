"""Config.wrap_transport (client-go's WrapTransport): wraps the transport the Config describes, TLS and all, for the
sync and asyncio clients; it wraps a transport given explicitly too."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
from typing import Any

import httpx
import pytest
import trustme

from kubeapi import AsyncClientset, Clientset
from kubeapi.core.v1 import ConfigMap
from kubeapi.meta.v1 import ObjectMeta
from kubeclient.errors import TLSError
from kubeclient.rest import RESTClient
from kubeclient.rest.transport import _environment_proxy, client_kwargs
from kubeclient.testing import FakeAPIServer

Seen = list[tuple[str, str, bool]]


class Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, seen: Seen) -> None:
        self.inner, self.seen = inner, seen

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, "authorization" in request.headers))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncRecording(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, seen: Seen) -> None:
        self.inner, self.seen = inner, seen

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path, "authorization" in request.headers))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_wraps_the_configs_tls_transport(kube_fake: FakeAPIServer) -> None:
    seen: Seen = []
    wrapped: list[Any] = []

    def wrap(inner: Any) -> httpx.BaseTransport:
        wrapped.append(inner)
        return Recording(inner, seen)

    cfg = dataclasses.replace(kube_fake.config(), wrap_transport=wrap)
    with Clientset.for_config(cfg) as cs:
        cs.core_v1.config_maps("default").create(ConfigMap(metadata=ObjectMeta(name="w"), data={"a": "1"}))
        assert cs.core_v1.config_maps("default").get("w").data == {"a": "1"}
    assert [type(t) for t in wrapped] == [httpx.HTTPTransport]
    # Requests reach the wrapper with their credentials, over the Config's TLS (the fake server's own CA).
    assert seen == [
        ("POST", "/api/v1/namespaces/default/configmaps", True),
        ("GET", "/api/v1/namespaces/default/configmaps/w", True),
    ]


def test_the_wrapped_transport_still_verifies_the_server(kube_fake: FakeAPIServer) -> None:
    stranger = trustme.CA()  # not the CA that signed the fake server's certificate
    seen: Seen = []
    cfg = dataclasses.replace(
        kube_fake.config(), ca_data=stranger.cert_pem.bytes(), wrap_transport=lambda inner: Recording(inner, seen)
    )
    with RESTClient.for_config(cfg) as rest, pytest.raises(TLSError) as info:
        rest.get().resource("namespaces").do()
    assert isinstance(info.value.cause, httpx.ConnectError)
    assert isinstance(info.value.cause.__context__, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
        info.value.cause
    )
    assert len(seen) == 1


def test_asyncio_clients_get_an_async_transport_to_wrap(kube_fake: FakeAPIServer) -> None:
    seen: Seen = []
    wrapped: list[Any] = []

    def wrap(inner: Any) -> httpx.AsyncBaseTransport:
        wrapped.append(inner)
        return AsyncRecording(inner, seen)

    async def scenario() -> None:
        cfg = dataclasses.replace(kube_fake.config(), wrap_transport=wrap)
        async with AsyncClientset.for_config(cfg) as cs:
            listed = await cs.core_v1.namespaces().list()
            assert "default" in [ns.metadata.name for ns in listed.items if ns.metadata]

    asyncio.run(scenario())
    assert [type(t) for t in wrapped] == [httpx.AsyncHTTPTransport]
    assert seen == [("GET", "/api/v1/namespaces", True)]


def test_an_explicit_transport_is_wrapped_too(kube_fake: FakeAPIServer) -> None:
    seen: Seen = []
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json={"kind": "NamespaceList", "items": []}))
    cfg = dataclasses.replace(kube_fake.config(), wrap_transport=lambda inner: Recording(inner, seen))
    with RESTClient.for_config(cfg, transport=mock) as rest:
        assert rest.get().resource("namespaces").do().json()["items"] == []
    assert seen == [("GET", "/api/v1/namespaces", True)]


def test_environment_proxies_move_into_the_wrapped_transport(
    kube_fake: FakeAPIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _environment_proxy("https://api.example.com:6443") == "http://proxy.internal:3128"
    assert _environment_proxy("http://api.example.com") is None  # no HTTP_PROXY
    monkeypatch.setenv("NO_PROXY", "example.com")
    assert _environment_proxy("https://api.example.com:6443") is None
    # We build the transport (to wrap it, and to read in blocks) with the environment's proxy for the server inside;
    # httpx would otherwise mount the environment's proxies beside it, and bypass it.
    cfg = dataclasses.replace(kube_fake.config(), wrap_transport=lambda inner: inner)
    assert client_kwargs(cfg)["trust_env"] is False
    assert client_kwargs(kube_fake.config())["trust_env"] is False
    monkeypatch.delenv("NO_PROXY")
    proxied = dataclasses.replace(kube_fake.config(), host="https://api.example.com:6443")
    transport = client_kwargs(proxied)["transport"]
    assert type(transport._pool).__name__ == "HTTPProxy"
    assert transport._pool._proxy_url.host == b"proxy.internal"
