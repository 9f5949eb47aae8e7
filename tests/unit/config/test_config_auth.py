"""Config.auth(): bearer token, token file (cached a minute, reset on 401 and retried once), basic auth; the same
flow through httpx.Client and httpx.AsyncClient."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kubeclient.config import Config, ConfigError
from kubeclient.config.auth import KubeAuth, TokenFile


def recording(statuses: list[int], seen: list[str]) -> httpx.MockTransport:
    """Answers with `statuses` in turn (then 200), recording each request's Authorization header."""

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request.headers.get("Authorization", ""))
        return httpx.Response(statuses.pop(0) if statuses else 200, json={})

    return httpx.MockTransport(handler)


def test_static_token_and_basic_headers() -> None:
    seen: list[str] = []
    for cfg in (Config(host="https://k", token="abc"), Config(host="https://k", username="me", password="pw")):
        with httpx.Client(transport=recording([], seen), auth=cfg.auth()) as client:
            client.get("https://k/")
    assert seen == ["Bearer abc", "Basic bWU6cHc="]
    assert Config(host="https://k").auth() is None


def test_static_token_401_is_not_retried() -> None:
    seen: list[str] = []
    with httpx.Client(transport=recording([401], seen), auth=Config(host="https://k", token="abc").auth()) as c:
        assert c.get("https://k/").status_code == 401
    assert seen == ["Bearer abc"]


def test_token_file_cached_for_a_minute_and_reset_on_401(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("one\n")
    now = [0.0]
    source = TokenFile(str(token), clock=lambda: now[0])
    seen: list[str] = []
    with httpx.Client(transport=recording([], seen), auth=KubeAuth(source)) as client:
        client.get("https://k/")
        token.write_text("two\n")  # rotated: not seen within the minute
        now[0] = 59
        client.get("https://k/")
        now[0] = 60
        client.get("https://k/")
    assert seen == ["Bearer one", "Bearer one", "Bearer two"] and source.reads == 2


def test_token_file_retry_sequence_is_exact(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("old\n")
    cfg = Config(host="https://k", token_file=str(token))
    seen: list[str] = []
    statuses: list[int] = []
    with httpx.Client(transport=recording(statuses, seen), auth=cfg.auth()) as client:
        assert client.get("https://k/").status_code == 200
        token.write_text("new\n")
        statuses.append(401)
        assert client.post("https://k/", content=b"body").status_code == 200
        statuses.extend([401, 401])
        # Still refused after the refresh: the second 401 is returned, there is no third attempt.
        assert client.get("https://k/").status_code == 401
    assert seen == ["Bearer old", "Bearer old", "Bearer new", "Bearer new", "Bearer new"]


def test_streaming_body_is_not_replayed(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t\n")
    seen: list[str] = []

    def body() -> Iterator[bytes]:
        yield b"chunk"

    with httpx.Client(
        transport=recording([401], seen), auth=Config(host="https://k", token_file=str(token)).auth()
    ) as c:
        assert c.post("https://k/", content=body()).status_code == 401
    assert seen == ["Bearer t"]


def test_token_file_falls_back_to_inline_token_while_unreadable(tmp_path: Path) -> None:
    seen: list[str] = []
    cfg = Config(host="https://k", token="inline", token_file=str(tmp_path / "later"))
    with httpx.Client(transport=recording([], seen), auth=cfg.auth()) as client:
        client.get("https://k/")
    assert seen == ["Bearer inline"]


def test_each_client_gets_its_own_auth_object(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t\n")
    cfg = Config(host="https://k", token_file=str(token))
    assert cfg.auth() is not cfg.auth()


def test_unreadable_token_file_is_a_config_error_naming_it(tmp_path: Path) -> None:
    source = TokenFile(str(tmp_path / "absent"))
    with pytest.raises(ConfigError, match="cannot read token file") as info:
        source.header()
    assert str(tmp_path / "absent") in str(info.value)


def test_async_client_uses_the_same_flow(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("old\n")
    cfg = Config(host="https://k", token_file=str(token))
    seen: list[str] = []
    statuses: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        seen.append(request.headers.get("Authorization", ""))
        return httpx.Response(statuses.pop(0) if statuses else 200)

    async def run() -> list[int]:
        codes = []
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=cfg.auth()) as client:
            codes.append((await client.get("https://k/")).status_code)
            token.write_text("new\n")
            statuses.append(401)
            codes.append((await client.put("https://k/", content=b"x")).status_code)
        return codes

    assert asyncio.run(run()) == [200, 200]
    assert seen == ["Bearer old", "Bearer old", "Bearer new"]


def test_concurrent_401s_reread_the_token_file_once(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("old\n")
    source = TokenFile(str(token))
    assert source.header() == "Bearer old"
    token.write_text("new\n")
    source.refresh("Bearer old")
    assert source.header() == "Bearer new"
    # A late 401 for the old token must not throw away the fresh one.
    token.write_text("newer\n")
    source.refresh("Bearer old")
    assert source.header() == "Bearer new" and source.reads == 2
