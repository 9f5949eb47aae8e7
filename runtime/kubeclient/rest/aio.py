"""AsyncRESTClient: the asyncio shell around the shared request flow; the twin of `client.py`.

Everything but sending, sleeping and reading is shared with the sync client (`request.py`, `flow.py`).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any, Generic, Self, TypeVar

import httpx

from kubeclient.rest.chunked import take_over_async
from kubeclient.rest.flow import Result, Send, Sleep, Throttle, request_flow, transport_error
from kubeclient.rest.ratelimit import TokenBucket
from kubeclient.rest.request import PreparedRequest, RequestBuilder, patch_content_type
from kubeclient.rest.transport import WatchPool, client_kwargs, request_extensions, request_timeout
from kubeclient.rest.warnings import Warning, WarningHandler, log_once_handler
from kubeclient.schema import api_path_prefix
from kubeclient.watch import WatchDecoder, WatchEvent, raise_for_error

__all__ = ["AsyncRESTClient", "AsyncRequest", "AsyncWatch"]

T = TypeVar("T")


class AsyncRESTClient:
    """The asyncio RESTClient: same builders, `await request.do()`, `async with request.stream()`,
    `async for event in request.watch()`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        prefix: str,
        limiter: TokenBucket,
        warning_handler: WarningHandler | None = log_once_handler,
        extensions: dict[str, Any] | None = None,
        owns_http: bool = True,
        reset_retry_delay: float = 1.0,
        watch_pool: WatchPool[httpx.AsyncClient] | None = None,
    ) -> None:
        self.http = http
        # Watches go through their own connections when the client was built from a Config (see transport.py);
        # a client over a given transport or httpx client watches through that.
        self.watch_pool = watch_pool
        self.prefix = prefix
        self.limiter = limiter
        self.warning_handler = warning_handler
        self._extensions = extensions
        self._owns_http = owns_http
        self.reset_retry_delay = reset_retry_delay
        # The Config it was made from (for_config), which streaming calls (exec, port-forward) connect with.
        self.config: Any = None

    @classmethod
    def for_config(
        cls,
        cfg: Any,
        *,
        group: str = "",
        version: str = "v1",
        transport: httpx.AsyncBaseTransport | None = None,
        warning_handler: WarningHandler | None = log_once_handler,
        http2: bool = False,
    ) -> AsyncRESTClient:
        kwargs = client_kwargs(cfg, http2=http2, transport=transport, asynchronous=True)
        http = httpx.AsyncClient(**kwargs)
        auth = kwargs["auth"]
        watch_pool = None
        if transport is None:
            watch_pool = WatchPool(
                lambda: httpx.AsyncClient(**client_kwargs(cfg, http2=http2, watch=True, auth=auth, asynchronous=True))
            )
        client = cls(
            http,
            watch_pool=watch_pool,
            prefix=api_path_prefix(group, version),
            limiter=TokenBucket(cfg.qps, cfg.burst),
            warning_handler=warning_handler,
            extensions=request_extensions(cfg),
        )
        client.config = cfg
        return client

    def for_group_version(self, group: str, version: str) -> AsyncRESTClient:
        client = AsyncRESTClient(
            self.http,
            prefix=api_path_prefix(group, version),
            limiter=self.limiter,
            warning_handler=self.warning_handler,
            extensions=self._extensions,
            owns_http=False,
            reset_retry_delay=self.reset_retry_delay,
            watch_pool=self.watch_pool,
        )
        client.config = self.config
        return client

    def verb(self, method: str, *, content_type: str | None = None) -> AsyncRequest:
        return AsyncRequest(self, method, self.prefix, content_type=content_type)

    def get(self) -> AsyncRequest:
        return self.verb("GET")

    def post(self) -> AsyncRequest:
        return self.verb("POST")

    def put(self) -> AsyncRequest:
        return self.verb("PUT")

    def delete(self) -> AsyncRequest:
        return self.verb("DELETE")

    def patch(self, patch_type: str) -> AsyncRequest:
        return self.verb("PATCH", content_type=patch_content_type(patch_type))

    async def execute(self, request: PreparedRequest, *, stream: bool = False) -> tuple[httpx.Response, list[Warning]]:
        flow = request_flow(
            request, stream=stream, warning_handler=self.warning_handler, reset_retry_delay=self.reset_retry_delay
        )
        action = next(flow)
        while True:
            try:
                if isinstance(action, Throttle):
                    await self.limiter.async_wait()
                    action = flow.send(None)
                elif isinstance(action, Sleep):
                    if action.discard is not None:
                        await action.discard.aclose()
                    await asyncio.sleep(action.seconds)
                    action = flow.send(None)
                else:
                    try:
                        response = await self._send(action)
                    except httpx.TransportError as exc:
                        action = flow.throw(exc)
                        continue
                    action = flow.send(response)
            except StopIteration as stop:
                result: tuple[httpx.Response, list[Warning]] = stop.value
                return result

    async def _send(self, action: Send) -> httpx.Response:
        request = action.request
        # Watches and streamed answers (logs with follow=true) may stay open for minutes: the watch pool's
        # connections, never the short requests' (nor, with http2=True, a stream of their HTTP/2 connection).
        long_lived = request.is_watch or action.stream
        http = self.watch_pool.get() if long_lived and self.watch_pool is not None else self.http
        built = http.build_request(
            request.method,
            request.path,
            params=tuple(request.params),
            headers=request.headers,
            content=request.content,
            timeout=request_timeout(request.timeout),
            extensions=self._extensions,
        )
        response = await http.send(built, stream=action.stream)
        if action.stream and not 200 <= response.status_code <= 206:
            try:
                await response.aread()
            finally:
                await response.aclose()
        return response

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()
            watch_http = self.watch_pool.take() if self.watch_pool is not None else None
            if watch_http is not None:
                await watch_http.aclose()

    async def close(self) -> None:
        await self.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncRESTClient {self.http.base_url}{self.prefix}>"


class AsyncRequest(RequestBuilder):
    def __init__(self, client: AsyncRESTClient, method: str, prefix: str, *, content_type: str | None = None) -> None:
        super().__init__(method, prefix, content_type=content_type)
        self._client = client

    async def do(self) -> Result:
        response, warnings = await self._client.execute(self.prepare())
        return Result(response, warnings)

    def stream(self) -> AsyncStream:
        """The open answer as an `AsyncStream`: sent on `await`, `async with` or the first `async for`."""
        return AsyncStream(self._client, self.prepare())

    def watch(
        self, decode: Callable[[bytes], T] | None = None, *, object_type: type[Any] | None = None
    ) -> AsyncWatch[T]:
        """An AsyncWatch: `async for` opens it on first use; `await` opens it at once (errors surface there)."""
        return AsyncWatch(self._client, self.prepare(is_watch=True), WatchDecoder(decode, object_type=object_type))


class AsyncWatch(Generic[T]):
    """An open watch on asyncio; `aclose()` ends it. ERROR events raise the typed StatusError."""

    def __init__(self, client: AsyncRESTClient, request: PreparedRequest, decoder: WatchDecoder[T]) -> None:
        self._client = client
        self._request = request
        self._decoder = decoder
        self._pending: deque[WatchEvent[T]] = deque()  # a chunk may hold many events
        self._response: httpx.Response | None = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._closed = False

    async def start(self) -> Self:
        if self._response is None and not self._closed:
            self._response, _ = await self._client.execute(self._request, stream=True)
            direct = take_over_async(self._response)
            self._chunks = direct if direct is not None else self._response.aiter_bytes()
        return self

    def __await__(self) -> Generator[Any, None, Self]:
        return self.start().__await__()

    def __aiter__(self) -> AsyncIterator[WatchEvent[T]]:
        return self

    async def __anext__(self) -> WatchEvent[T]:
        await self.start()
        while not self._pending:
            if self._closed or self._chunks is None:
                raise StopAsyncIteration
            try:
                chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                self._pending.extend(self._decoder.flush())
                await self.aclose()
                if not self._pending:
                    raise
                break
            except (httpx.StreamError, httpx.TransportError) as exc:
                if self._closed:
                    raise StopAsyncIteration from None
                await self.aclose()
                if isinstance(exc, httpx.TransportError):
                    raise transport_error(exc) from None
                raise
            self._pending.extend(self._decoder.feed(chunk))
        event = self._pending.popleft()
        try:
            raise_for_error(event)
        except Exception:
            await self.aclose()
            raise
        return event

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._response is not None:
            try:
                await self._response.aclose()
            except (httpx.HTTPError, RuntimeError, OSError):
                pass

    @property
    def closed(self) -> bool:
        return self._closed

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncStream:
    """An open streamed answer on asyncio (see `kubeclient.rest.Stream`): `async for line in stream`, or
    `aiter_bytes()`, `aiter_text()`, `aread()`. The request is sent on `await`, `async with` or first iteration;
    the connection closes when the iteration ends, the `async with` block ends, or on `aclose()` — leave a loop early
    inside `async with` so that the close is not left to the garbage collector."""

    def __init__(self, client: AsyncRESTClient, request: PreparedRequest) -> None:
        self._client = client
        self._request = request
        self._response: httpx.Response | None = None

    async def start(self) -> Self:
        if self._response is None:
            self._response, _ = await self._client.execute(self._request, stream=True)
        return self

    def __await__(self) -> Generator[Any, None, Self]:
        return self.start().__await__()

    def _opened(self) -> httpx.Response:
        if self._response is None:
            raise RuntimeError("the stream is not open yet: await it or use `async with`")
        return self._response

    @property
    def status_code(self) -> int:
        return self._opened().status_code

    @property
    def headers(self) -> httpx.Headers:
        return self._opened().headers

    @property
    def closed(self) -> bool:
        return self._response is not None and self._response.is_closed

    async def _reading(self, kind: str, *args: Any) -> AsyncIterator[Any]:
        await self.start()
        try:
            async for chunk in getattr(self._opened(), kind)(*args):
                yield chunk
        except httpx.TransportError as exc:
            raise transport_error(exc) from None
        finally:
            await self.aclose()

    def __aiter__(self) -> AsyncIterator[str]:
        return self.aiter_lines()

    def aiter_lines(self) -> AsyncIterator[str]:
        return self._reading("aiter_lines")

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        return self._reading("aiter_bytes", chunk_size)

    def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        return self._reading("aiter_text", chunk_size)

    async def aread(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def aclose(self) -> None:
        if self._response is not None:
            try:
                await self._response.aclose()
            except (httpx.HTTPError, RuntimeError, OSError):
                pass

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
