"""Retries, throttling, warnings, user agent and typed errors of the REST shells (semantics §4)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import httpx
import pytest

from kubeclient.config import Config
from kubeclient.errors import ConflictError, ExpiredError, NotFoundError, TooManyRequestsError, TransportError
from kubeclient.resource import AsyncResourceClient, ResourceClient
from kubeclient.resource_plan import ResourceInfo
from kubeclient.rest import AsyncRESTClient, RESTClient, TokenBucket, default_user_agent
from kubeclient.rest import client as sync_client
from kubeclient.rest.warnings import parse_warning_headers

PODS = ResourceInfo("", "v1", "pods", "Pod", True)
STATUS_404 = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": 'pods "x" not found',
    "reason": "NotFound",
    "details": {"name": "x", "kind": "pods"},
    "code": 404,
}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(sync_client.time, "sleep", slept.append)
    return slept


def scripted(*answers: Any) -> tuple[RESTClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[no-any-return]

    rc = RESTClient.for_config(Config("http://kube.test", qps=-1), transport=httpx.MockTransport(handler))
    rc.reset_retry_delay = 0.0
    return rc, seen


def test_429_with_retry_after_is_retried(no_sleep: list[float]) -> None:
    rc, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "2"}, json={"kind": "Status", "code": 429}),
        httpx.Response(503, headers={"Retry-After": "1"}),
        httpx.Response(200, json={"ok": True}),
    )
    assert rc.get().resource("pods").do().json() == {"ok": True}
    assert len(seen) == 3
    assert no_sleep == [2.0, 1.0]


def test_retries_stop_after_ten() -> None:
    rc, seen = scripted(httpx.Response(429, headers={"Retry-After": "1"}, json={"kind": "Status", "code": 429}))
    with pytest.raises(TooManyRequestsError) as info:
        rc.get().resource("pods").do()
    assert len(seen) == 11
    assert info.value.retry_after_seconds == 1


def test_5xx_without_retry_after_is_not_retried() -> None:
    rc, seen = scripted(httpx.Response(500, text="boom"))
    with pytest.raises(Exception, match="boom"):
        rc.get().resource("pods").do()
    assert len(seen) == 1


def test_connection_reset_retried_for_get_only() -> None:
    reset = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    rc, seen = scripted(reset, httpx.Response(200, json={}))
    rc.get().resource("pods").do()
    assert len(seen) == 2
    rc2, seen2 = scripted(reset, httpx.Response(200, json={}))
    with pytest.raises(TransportError, match=r"^POST http://kube\.test/api/v1/pods failed: Server disconnected"):
        rc2.post().resource("pods").body({}).do()
    assert len(seen2) == 1


def test_typed_errors_and_conflict_vs_already_exists() -> None:
    rc, _ = scripted(httpx.Response(404, json=STATUS_404))
    with pytest.raises(NotFoundError) as info:
        ResourceClient(rc, PODS, namespace="default").get("x")
    assert info.value.status["details"]["name"] == "x"
    assert info.value.message == 'pods "x" not found'
    rc, _ = scripted(httpx.Response(409, text="nope"))
    with pytest.raises(ConflictError) as conflict:
        rc.put().resource("pods").name("a").body({}).do()
    assert conflict.value.reason == "Conflict"
    with pytest.raises(ConflictError) as exists:
        rc.post().resource("pods").body({}).do()
    assert exists.value.reason == "AlreadyExists"


def test_warnings_parsed_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    header = '299 - "policy/v1beta1 PodSecurityPolicy is deprecated", 299 - "second, with comma"'
    rc, _ = scripted(httpx.Response(200, headers={"Warning": header}, json={}))
    with caplog.at_level(logging.WARNING, logger="kubeclient.warnings"):
        first = rc.get().resource("pods").do()
        rc.get().resource("pods").do()
    assert [w.text for w in first.warnings] == ["policy/v1beta1 PodSecurityPolicy is deprecated", "second, with comma"]
    logged = [r.getMessage() for r in caplog.records]
    assert logged.count("second, with comma") == 1


def test_parse_warning_headers_skips_malformed() -> None:
    got = parse_warning_headers(['299 - "a \\"quoted\\" word"', "garbage", '199 agent "x"'])
    assert [(w.code, w.text) for w in got] == [(299, 'a "quoted" word'), (199, "x")]


def test_user_agent() -> None:
    rc, seen = scripted(httpx.Response(200, json={}))
    rc.get().resource("pods").do()
    assert re.fullmatch(r"kubeclient/\S+ \(\w+/\w+\) python/3\.\d+", seen[0].headers["user-agent"])
    assert seen[0].headers["user-agent"] == default_user_agent()


def test_token_bucket_starts_full_then_spaces_requests() -> None:
    now = [0.0]
    bucket = TokenBucket(5, 10, clock=lambda: now[0])
    assert [bucket.reserve() for _ in range(10)] == [0.0] * 10
    assert bucket.reserve() == pytest.approx(0.2)
    now[0] = 10.0
    assert bucket.reserve() == 0.0
    assert TokenBucket(-1, 10).reserve() == 0.0


def test_list_all_pages_and_falls_back_on_expired_continue() -> None:
    page1 = {"items": [{"metadata": {"name": "a", "namespace": "d"}}], "metadata": {"continue": "t1"}}
    expired = {"kind": "Status", "code": 410, "reason": "Expired", "message": "continue expired"}
    full = {"items": [{"metadata": {"name": n, "namespace": "d"}} for n in ("a", "b", "c")], "metadata": {}}
    rc, seen = scripted(
        httpx.Response(200, json=page1), httpx.Response(410, json=expired), httpx.Response(200, json=full)
    )
    client: ResourceClient[Any, Any] = ResourceClient(rc, PODS, namespace="d")
    names = [item["metadata"]["name"] for item in client.list_all(page_size=1, resource_version="0")]
    assert names == ["a", "b", "c"]
    assert list(seen[0].url.params.multi_items()) == [("resourceVersion", "0"), ("limit", "1")]
    assert list(seen[1].url.params.multi_items()) == [("limit", "1"), ("continue", "t1")]
    assert list(seen[2].url.params.multi_items()) == [("resourceVersion", "0")]


def test_list_all_expired_on_first_page_raises() -> None:
    expired = {"kind": "Status", "code": 410, "reason": "Expired", "message": "too old"}
    rc, _ = scripted(httpx.Response(410, json=expired))
    with pytest.raises(ExpiredError):
        list(ResourceClient(rc, PODS, namespace="d").list_all())


def test_async_client_same_wire_and_retries() -> None:
    seen: list[httpx.Request] = []
    answers = [httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(200, json={"items": []})]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    async def main() -> Any:
        async with AsyncRESTClient.for_config(Config("http://kube.test"), transport=httpx.MockTransport(handler)) as rc:
            client: AsyncResourceClient[Any, Any] = AsyncResourceClient(rc, PODS, namespace="")
            return await client.list(label_selector="a=b")

    assert asyncio.run(main()) == {"items": []}
    assert [r.url.path for r in seen] == ["/api/v1/pods", "/api/v1/pods"]
    assert list(seen[1].url.params.multi_items()) == [("labelSelector", "a=b")]


def test_async_watch_events() -> None:
    body = (
        b'{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n'
        b'{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}\n'
    )

    async def main() -> list[str]:
        rc = AsyncRESTClient.for_config(
            Config("http://kube.test"), transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body))
        )
        client: AsyncResourceClient[Any, Any] = AsyncResourceClient(rc, PODS, namespace="d")
        names: list[str] = []
        with pytest.raises(ExpiredError):
            async for event in client.watch():
                names.append(event.object["metadata"]["name"])
        await rc.aclose()
        return names

    assert asyncio.run(main()) == ["a"]
