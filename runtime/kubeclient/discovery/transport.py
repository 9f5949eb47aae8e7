"""The HTTP side of discovery: answers fetched through a RESTClient (sync) or AsyncRESTClient.

Discovery interprets status codes itself (a 404 on /api is tolerated), so the fetch hands back the code and the
body of a failure instead of raising.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec

from kubeclient.discovery.core import Fetch
from kubeclient.errors import StatusError
from kubeclient.rest.aio import AsyncRESTClient
from kubeclient.rest.client import RESTClient

__all__ = ["AsyncFetch", "async_rest_fetch", "rest_fetch"]

AsyncFetch = Callable[[str, str], Awaitable[tuple[int, str, bytes]]]


def _failure(err: StatusError) -> tuple[int, str, bytes]:
    return err.code, "application/json", msgspec.json.encode(dict(err.status))


def rest_fetch(rest: RESTClient) -> Fetch:
    def fetch(path: str, accept: str) -> tuple[int, str, bytes]:
        try:
            result = rest.get().abs_path(path).set_header("Accept", accept).do()
        except StatusError as err:
            return _failure(err)
        return result.status_code, result.content_type, result.content

    return fetch


def async_rest_fetch(rest: AsyncRESTClient) -> AsyncFetch:
    async def fetch(path: str, accept: str) -> tuple[int, str, bytes]:
        try:
            result = await rest.get().abs_path(path).set_header("Accept", accept).do()
        except StatusError as err:
            return _failure(err)
        return result.status_code, result.content_type, result.content

    return fetch
