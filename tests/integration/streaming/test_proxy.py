"""pods/proxy and services/proxy through the typed clients, sync and asyncio. On the bare control plane a pod's
loopback address is refused ("address not allowed") and a service without endpoints is unavailable; the fake answers
the same, and also proxies to a pod port a test mapped with `forward_port`."""

from __future__ import annotations

import asyncio
import http.server
import threading
from collections.abc import Iterator

import pytest
from backends import Backend
from streaming_helpers import Pod

from kubeapi import AsyncClientset, Clientset
from kubeclient import errors


@pytest.fixture
def web() -> Iterator[int]:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"hello {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_proxy_refusals_agree(backend: Backend, pod: Pod) -> None:
    with Clientset.for_config(backend.config()) as cs:
        with pytest.raises(errors.BadRequestError, match="address not allowed"):
            cs.core_v1.pods(pod.namespace).proxy(pod.name, "healthz", port=8080)
        services = cs.core_v1.services(pod.namespace)
        services.create({"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}})  # type: ignore[arg-type]
        # With no Endpoints object (no controller makes one) the service is "not found"; with an empty one it has
        # no endpoints.
        with pytest.raises(errors.NotFoundError, match='services "web" not found'):
            services.proxy("web", "/")
        cs.core_v1.endpoints(pod.namespace).create({"metadata": {"name": "web"}})  # type: ignore[arg-type]
        with pytest.raises(errors.ServiceUnavailableError, match='no endpoints available for service "web"'):
            services.proxy("web", "/")
        with pytest.raises(errors.NotFoundError):
            cs.core_v1.pods(pod.namespace).proxy("no-such-pod", "/", port=80)

    async def forbidden_async() -> None:
        async with AsyncClientset.for_config(backend.config()) as acs:
            with pytest.raises(errors.BadRequestError, match="address not allowed"):
                await acs.core_v1.pods(pod.namespace).proxy(pod.name, "/", port=8080)

    asyncio.run(forbidden_async())


def test_fake_proxies_to_a_mapped_pod_port(backend: Backend, pod: Pod, web: int) -> None:
    fake = backend.fake_server("a bare control plane refuses to proxy to loopback pod addresses")
    fake.forward_port(pod.namespace, pod.name, 8080, ("127.0.0.1", web))
    with Clientset.for_config(backend.config()) as cs:
        answer = cs.core_v1.pods(pod.namespace).proxy(pod.name, "status/ok", port=8080, params=[("q", "1")])
        assert (answer.status_code, answer.text) == (200, "hello /status/ok?q=1")
