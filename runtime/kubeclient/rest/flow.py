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
import socket
import ssl
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import httpx
import msgspec

from kubeclient.errors import (
    CannotConnectError,
    RequestTimeoutError,
    ResponseDecodeError,
    TLSError,
    TransportError,
    error_from_response,
)
from kubeclient.rest.decoding import resolve_json_path
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
    "transport_error",
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


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain


def _os_reason(err: OSError) -> str:
    """`connection refused` from `[Errno 111] Connection refused`; a resolver error says what did not resolve."""
    text = err.strerror or str(err) or type(err).__name__
    text = text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text
    if isinstance(err, socket.gaierror):
        return f"the host name did not resolve ({text})"
    return text


def _tls_reason(err: ssl.SSLError) -> str:
    if isinstance(err, ssl.SSLCertVerificationError):
        detail = err.verify_message or err.reason or "certificate verify failed"
        return f"the server's certificate did not verify: {detail} (check certificate-authority in the kubeconfig)"
    return f"{err.reason or err}".lower().replace("_", " ")


def transport_error(exc: httpx.TransportError, method: str = "", path: str = "") -> TransportError:
    """One line for a failed request: the server (or the request, for timeouts) and the cause.

    httpx words these as `[Errno 111] Connection refused` without the address; the user needs the address first.
    """
    try:
        url = exc.request.url
        method = exc.request.method
        timeouts = exc.request.extensions.get("timeout") or {}
    except RuntimeError:  # an error raised before httpx attached the request
        url = httpx.URL(path)
        timeouts = {}
    server = f"{url.scheme}://{url.netloc.decode('ascii')}" if url.scheme else str(url)
    request = f"{method} {url}"
    chain = _causes(exc)
    tls = next((c for c in chain if isinstance(c, ssl.SSLError)), None)
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: ("connect", "no connection to " + server),
            httpx.ReadTimeout: ("read", "no answer"),
            httpx.WriteTimeout: ("write", "the request could not be sent"),
            httpx.PoolTimeout: ("pool", "no free connection in the pool"),
        }.get(type(exc), ("read", "timed out"))
        seconds = timeouts.get(phase[0]) if isinstance(timeouts, dict) else None
        within = f" within {seconds:g} s" if isinstance(seconds, int | float) else ""
        message = f"{request} timed out: {phase[1]}{within}"
        return RequestTimeoutError(message, method=method, url=str(url), cause=exc)
    if tls is not None:
        message = f"TLS handshake with {server} failed: {_tls_reason(tls)}"
        return TLSError(message, method=method, url=str(url), cause=exc)
    if isinstance(exc, httpx.ConnectError):
        os_err = next((c for c in chain if isinstance(c, OSError)), None)
        reason = _os_reason(os_err) if os_err is not None else (str(exc) or type(exc).__name__)
        return CannotConnectError(f"cannot connect to {server}: {reason}", method=method, url=str(url), cause=exc)
    reason = str(exc) or type(exc).__name__
    return TransportError(f"{request} failed: {reason}", method=method, url=str(url), cause=exc)


def _raise_transport(exc: httpx.TransportError, request: PreparedRequest) -> NoReturn:
    err = transport_error(exc, request.method, request.path)
    # The httpx/httpcore chain runs to some 70 lines; `err.cause` keeps it for whoever needs it.
    err.__suppress_context__ = True
    raise err


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
        try:
            return msgspec.json.decode(self.raw.content) if self.raw.content else None
        except msgspec.DecodeError as exc:
            raise self._decode_error(exc, "JSON") from None

    def into(self, type_: type[T]) -> T:
        """Decode into a model (its `from_json`), a msgspec Struct or any type msgspec can decode into; a body that
        does not fit raises `ResponseDecodeError` naming the request and the JSON path."""
        from_json = getattr(type_, "from_json", None)
        try:
            if callable(from_json):
                decoded: T = from_json(self.raw.content)
                return decoded
            return msgspec.json.decode(self.raw.content, type=type_)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise self._decode_error(exc, getattr(type_, "__name__", str(type_)), type_) from None

    def _decode_error(self, exc: Exception, into: str, type_: Any = None) -> ResponseDecodeError:
        request = self.raw.request
        text = str(exc)
        at = text.rfind(" - at `")
        json_path = (
            text[at + 7 : -1]
            if at >= 0 and text.endswith("`")
            else ("$" if isinstance(exc, msgspec.ValidationError) else "")
        )
        if "[...]" in json_path:
            try:
                json_path = resolve_json_path(type_, self.raw.content, json_path)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError):
                pass  # msgspec's own path stands
        what = text[:at] if at >= 0 else text
        where = f" at {json_path}" if json_path else ""
        path = request.url.path
        return ResponseDecodeError(
            f"cannot decode the answer to {request.method} {path} as {into}: {what}{where}",
            resource=path,
            method=request.method,
            path=path,
            json_path=json_path,
            cause=exc,
        )

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
            _raise_transport(exc, request)
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
