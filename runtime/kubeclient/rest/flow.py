"""What happens to one request, without I/O: throttle, send, retry, interpret (client-go rest.Request.request).

`request_flow()` is a generator that yields actions — `Throttle`, `Send`, `Sleep` — and receives the response
(or has the transport error thrown in). The sync and asyncio clients drive the same flow; only how they wait and
send differs. Retry rules, semantics §4:
- 429 and 5xx answers carrying an integer Retry-After are retried after that many seconds, up to 10 times;
- a connection reset or a probable EOF is retried for GET only;
- requests whose body cannot be replayed are never retried;
- any other non-2xx answer becomes the typed StatusError of its decoded Status.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import msgspec

from kubeclient.errors import error_from_response
from kubeclient.rest.request import PreparedRequest
from kubeclient.rest.warnings import Warning, WarningHandler, parse_warning_headers

__all__ = [
    "MAX_RETRIES",
    "Action",
    "Result",
    "Send",
    "Sleep",
    "Throttle",
    "is_retryable_transport_error",
    "request_flow",
    "retry_after_header",
]

MAX_RETRIES = 10
T = TypeVar("T")


@dataclass(frozen=True)
class Throttle:
    """Wait for the client-side rate limiter."""


@dataclass(frozen=True)
class Send:
    request: PreparedRequest
    stream: bool


@dataclass(frozen=True)
class Sleep:
    seconds: float
    # The response being retried: the shell closes it before sleeping so its connection returns to the pool.
    discard: httpx.Response | None = None


Action = Throttle | Send | Sleep


def retry_after_header(headers: httpx.Headers) -> int | None:
    """The Retry-After header as whole seconds; client-go honours only the integer form."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if not value.isdigit():
        return None
    return int(value)


def is_retryable_transport_error(exc: BaseException) -> bool:
    """Connection reset or a probable EOF (server closed without answering): client-go retries these for GET."""
    if isinstance(exc, httpx.RemoteProtocolError):
        return True
    if isinstance(exc, httpx.ReadError):
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ConnectionResetError) or getattr(cause, "errno", None) == errno.ECONNRESET:
                return True
            cause = cause.__cause__ or cause.__context__
        text = str(exc).lower()
        return "reset" in text or "eof" in text or not text
    return False


@dataclass
class Result:
    """A successful answer: `status_code`, `headers`, `content` bytes, `raw` (the httpx.Response), `warnings`."""

    raw: httpx.Response
    warnings: list[Warning] = field(default_factory=list)

    @property
    def status_code(self) -> int:
        return self.raw.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.raw.headers

    @property
    def content(self) -> bytes:
        return self.raw.content

    @property
    def content_type(self) -> str:
        return str(self.raw.headers.get("content-type", ""))

    def json(self) -> Any:
        return msgspec.json.decode(self.raw.content) if self.raw.content else None

    def into(self, type_: type[T]) -> T:
        """Decode into a model (its `from_json`), a msgspec Struct or any type msgspec can decode into."""
        from_json = getattr(type_, "from_json", None)
        if callable(from_json):
            decoded: T = from_json(self.raw.content)
            return decoded
        return msgspec.json.decode(self.raw.content, type=type_)

    def __repr__(self) -> str:
        return f"<Result {self.status_code} {self.content_type or '-'} {len(self.raw.content)} bytes>"


def _handle_warnings(response: httpx.Response, handler: WarningHandler | None) -> list[Warning]:
    values = response.headers.get_list("warning")
    if not values:
        return []
    warnings = parse_warning_headers(values)
    if handler is not None:
        for warning in warnings:
            handler(warning)
    return warnings


def request_flow(
    request: PreparedRequest,
    *,
    stream: bool,
    warning_handler: WarningHandler | None,
    max_retries: int = MAX_RETRIES,
    reset_retry_delay: float = 1.0,
    on_retry: Callable[[int, str], None] | None = None,
) -> Generator[Action, Any, tuple[httpx.Response, list[Warning]]]:
    """The life of one request; returns the 2xx response (for `stream`, its body still unread) and its warnings.

    The shell must send `Send` actions and reply with the httpx.Response; for a streamed non-2xx answer it must
    read the body before replying, so the error carries the server's Status.
    """
    attempt = 0
    while True:
        if not request.is_watch:
            yield Throttle()
        try:
            response: httpx.Response = yield Send(request, stream)
        except httpx.TransportError as exc:
            retryable = request.method == "GET" and request.replayable and is_retryable_transport_error(exc)
            if retryable and attempt < max_retries:
                attempt += 1
                if on_retry is not None:
                    on_retry(attempt, f"{type(exc).__name__}: {exc}")
                yield Sleep(reset_retry_delay)
                continue
            raise
        warnings = _handle_warnings(response, warning_handler)
        code = response.status_code
        retry_after = retry_after_header(response.headers)
        retryable = (code == 429 or code >= 500) and retry_after is not None and request.replayable
        if retryable and retry_after is not None and attempt < max_retries:
            attempt += 1
            if on_retry is not None:
                on_retry(attempt, f"HTTP {code}, Retry-After {retry_after}s")
            yield Sleep(float(retry_after), discard=response)
            continue
        if 200 <= code <= 206:
            return response, warnings
        raise error_from_response(code, response.content, method=request.method, retry_after=retry_after)
