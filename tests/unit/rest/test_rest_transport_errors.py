"""Every transport failure becomes a one-line kubeclient TransportError naming the server or the request."""

from __future__ import annotations

import httpx
import pytest

from kubeclient.config import Config
from kubeclient.errors import ApiError, CannotConnectError, RequestTimeoutError, TransportError
from kubeclient.rest import RESTClient


def failing(exc_type: type[httpx.TransportError], text: str = "boom") -> RESTClient:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type(text, request=request)

    cfg = Config(host="https://kube.test:6443", timeout=7)
    return RESTClient.for_config(cfg, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    ("exc_type", "cls", "message"),
    [
        (httpx.ConnectTimeout, RequestTimeoutError, "timed out: no connection to https://kube.test:6443 within 7 s"),
        (httpx.ReadTimeout, RequestTimeoutError, "timed out: no answer within 7 s"),
        (httpx.WriteTimeout, RequestTimeoutError, "timed out: the request could not be sent within 7 s"),
        (httpx.PoolTimeout, RequestTimeoutError, "timed out: no free connection in the pool within 7 s"),
        (httpx.ProxyError, TransportError, "failed: boom"),
    ],
)
def test_timeouts_and_other_failures_name_the_request(
    exc_type: type[httpx.TransportError], cls: type[TransportError], message: str
) -> None:
    with failing(exc_type) as rc, pytest.raises(cls) as info:
        rc.post().namespace("ns").resource("pods").body({}).do()
    assert str(info.value) == f"POST https://kube.test:6443/api/v1/namespaces/ns/pods {message}"
    assert isinstance(info.value, ApiError) and isinstance(info.value.cause, exc_type)
    assert (info.value.method, info.value.url) == ("POST", "https://kube.test:6443/api/v1/namespaces/ns/pods")


def test_a_connect_error_without_an_os_error_keeps_its_text() -> None:
    with failing(httpx.ConnectError, "all attempts failed") as rc, pytest.raises(CannotConnectError) as info:
        rc.get().resource("pods").do()
    assert str(info.value) == "cannot connect to https://kube.test:6443: all attempts failed"
