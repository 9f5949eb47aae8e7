"""RESTClient: the synchronous shell around the shared request flow (client-go rest.RESTClient).

Building requests (`request.py`) and deciding what to do with answers (`flow.py`) are shared with the asyncio
client; this module only sends, sleeps and reads.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Generic, Self, TypeVar

import httpx

from kubeclient.rest.chunked import take_over
from kubeclient.rest.flow import Result, Send, Sleep, Throttle, request_flow, transport_error
from kubeclient.rest.ratelimit import TokenBucket
from kubeclient.rest.request import PreparedRequest, RequestBuilder, patch_content_type
from kubeclient.rest.transport import WatchPool, client_kwargs, request_extensions, request_timeout
from kubeclient.rest.warnings import Warning, WarningHandler, log_once_handler
from kubeclient.schema import api_path_prefix
from kubeclient.watch import WatchDecoder, WatchEvent, raise_for_error

__all__ = ["RESTClient", "Request", "Stream", "Watch"]

T = TypeVar("T")


class RESTClient:
    """Requests against one API group-version of one server, sharing a connection pool and a rate limiter.

    `for_config(cfg, group=, version=)` builds one; `for_group_version()` derives a client for another
    group-version over the same pool and limiter (what a clientset does for its groups).
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        prefix: str,
        limiter: TokenBucket,
        warning_handler: WarningHandler | None = log_once_handler,
        extensions: dict[str, Any] | None = None,
        owns_http: bool = True,
        reset_retry_delay: float = 1.0,
        watch_pool: WatchPool[httpx.Client] | None = None,
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
        transport: httpx.BaseTransport | None = None,
        warning_handler: WarningHandler | None = log_once_handler,
        http2: bool = False,
    ) -> RESTClient:
        kwargs = client_kwargs(cfg, http2=http2, transport=transport)
        http = httpx.Client(**kwargs)
        auth = kwargs["auth"]
        watch_pool = None
        if transport is None:
            watch_pool = WatchPool(lambda: httpx.Client(**client_kwargs(cfg, http2=http2, watch=True, auth=auth)))
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

    def for_group_version(self, group: str, version: str) -> RESTClient:
        """A client for another group-version sharing this one's connections and rate limiter."""
        client = RESTClient(
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

    # --- request builders --------------------------------------------------------------------------------------
    def verb(self, method: str, *, content_type: str | None = None) -> Request:
        return Request(self, method, self.prefix, content_type=content_type)

    def get(self) -> Request:
        return self.verb("GET")

    def post(self) -> Request:
        return self.verb("POST")

    def put(self) -> Request:
        return self.verb("PUT")

    def delete(self) -> Request:
        return self.verb("DELETE")

    def patch(self, patch_type: str) -> Request:
        """A PATCH whose Content-Type is the patch type: json, merge, strategic, apply, or a media type."""
        return self.verb("PATCH", content_type=patch_content_type(patch_type))

    # --- I/O shell -------------------------------------------------------------------------------------------
    def execute(self, request: PreparedRequest, *, stream: bool = False) -> tuple[httpx.Response, list[Warning]]:
        flow = request_flow(
            request, stream=stream, warning_handler=self.warning_handler, reset_retry_delay=self.reset_retry_delay
        )
        action = next(flow)
        while True:
            try:
                if isinstance(action, Throttle):
                    self.limiter.wait()
                    action = flow.send(None)
                elif isinstance(action, Sleep):
                    if action.discard is not None:
                        action.discard.close()
                    time.sleep(action.seconds)
                    action = flow.send(None)
                else:
                    try:
                        response = self._send(action)
                    except httpx.TransportError as exc:
                        action = flow.throw(exc)
                        continue
                    action = flow.send(response)
            except StopIteration as stop:
                result: tuple[httpx.Response, list[Warning]] = stop.value
                return result

    def _send(self, action: Send) -> httpx.Response:
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
        response = http.send(built, stream=action.stream)
        if action.stream and not 200 <= response.status_code <= 206:
            try:
                response.read()
            finally:
                response.close()
        return response

    def close(self) -> None:
        if self._owns_http:
            self.http.close()
            watch_http = self.watch_pool.take() if self.watch_pool is not None else None
            if watch_http is not None:
                watch_http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RESTClient {self.http.base_url}{self.prefix}>"


class Request(RequestBuilder):
    """A request being built; `do()`, `stream()` or `watch()` sends it."""

    def __init__(self, client: RESTClient, method: str, prefix: str, *, content_type: str | None = None) -> None:
        super().__init__(method, prefix, content_type=content_type)
        self._client = client

    def do(self) -> Result:
        """Send, retrying as client-go does; raises the typed StatusError for a non-2xx answer."""
        response, warnings = self._client.execute(self.prepare())
        return Result(response, warnings)

    def stream(self) -> Stream:
        """Send now and hand out the open answer (e.g. logs with follow=true) as a `Stream`: iterate it for lines;
        the connection closes when the loop or the `with` block ends."""
        response, _ = self._client.execute(self.prepare(), stream=True)
        return Stream(response)

    def watch(self, decode: Callable[[bytes], T] | None = None, *, object_type: type[Any] | None = None) -> Watch[T]:
        """Open a watch (the caller sets watch=true or uses a watch path); events decode their object with
        `decode` (default: dicts). The request's timeout is the longest silence tolerated (half-open detection)."""
        return Watch(self._client, self.prepare(is_watch=True), WatchDecoder(decode, object_type=object_type))


class Watch(Generic[T]):
    """An open watch: iterate for WatchEvents; `close()` ends it, from any thread. ERROR events raise."""

    def __init__(self, client: RESTClient, request: PreparedRequest, decoder: WatchDecoder[T]) -> None:
        self._decoder = decoder
        self._pending: deque[WatchEvent[T]] = deque()  # a chunk may hold many events
        self._closed = threading.Event()
        self._ended = False  # the body was read to its end: the connection is back in the pool
        self._response, _ = client.execute(request, stream=True)
        direct = take_over(self._response)
        self._chunks = direct if direct is not None else self._response.iter_bytes()

    def __iter__(self) -> Iterator[WatchEvent[T]]:
        return self

    def __next__(self) -> WatchEvent[T]:
        while not self._pending:
            if self._closed.is_set():
                raise StopIteration
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._ended = True
                self._pending.extend(self._decoder.flush())
                self.close()
                if not self._pending:
                    raise
                break
            except (httpx.StreamError, httpx.TransportError) as exc:
                if self._closed.is_set():
                    raise StopIteration from None
                self.close()
                if isinstance(exc, httpx.TransportError):
                    raise transport_error(exc) from None
                raise
            self._pending.extend(self._decoder.feed(chunk))
        event = self._pending.popleft()
        try:
            raise_for_error(event)
        except Exception:
            self.close()
            raise
        return event

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        # A read blocked on another thread is not woken by close() on Linux; shutting the socket down is. Only while
        # the body is unread: a finished response has handed its connection back to the pool for other requests.
        response = self._response
        stream = response.extensions.get("network_stream")
        in_use = not (response.is_closed or self._ended)
        sock = stream.get_extra_info("socket") if stream is not None and in_use else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self._response.close()
        except (httpx.HTTPError, RuntimeError, OSError):
            # Closing under a reader on another thread can race with its read; the stream is gone either way.
            pass

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Stream:
    """An open streamed answer, as client-go's `Stream()` hands out a reader and not its transport.

    `for line in stream` gives the lines (str, without line ends); `iter_bytes()` the raw chunks, `iter_text()`
    decoded text, `read()` everything. Whichever way it is read, the connection closes when the loop ends (also on
    `break`, when the loop drops its iterator), when a `with` block ends, or on `close()`. A transport failure while
    reading (a silence longer than the timeout) raises the kubeclient `TransportError`.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    @property
    def closed(self) -> bool:
        return self._response.is_closed

    def _reading(self, chunks: Iterator[T]) -> Iterator[T]:
        try:
            yield from chunks
        except httpx.TransportError as exc:
            raise transport_error(exc) from None
        finally:
            self.close()

    def __iter__(self) -> Iterator[str]:
        return self.iter_lines()

    def iter_lines(self) -> Iterator[str]:
        return self._reading(self._response.iter_lines())

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        return self._reading(self._response.iter_bytes(chunk_size))

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        return self._reading(self._response.iter_text(chunk_size))

    def read(self) -> bytes:
        return b"".join(self.iter_bytes())

    def close(self) -> None:
        try:
            self._response.close()
        except (httpx.HTTPError, RuntimeError, OSError):
            pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<Stream {self._response.request.method} {self._response.request.url.path} {state}>"
