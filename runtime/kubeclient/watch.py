"""Watch streams: an incremental decoder fed bytes, shared by the sync and asyncio clients.

The API server answers a watch with one JSON object per line, `{"type": "ADDED", "object": {...}}`, over a chunked
response; chunk boundaries fall anywhere. `WatchDecoder.feed()` takes whatever bytes arrived and returns the events
completed by them. ERROR events carry a meta/v1 Status; `raise_for_error()` turns one into the typed StatusError
(a 410 Expired tells a reflector to re-list).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec

from kubeclient.errors import error_from_status

__all__ = [
    "ADDED",
    "BOOKMARK",
    "DELETED",
    "ERROR",
    "EVENT_TYPES",
    "MODIFIED",
    "WatchDecodeError",
    "WatchDecoder",
    "WatchEvent",
    "raise_for_error",
]

ADDED, MODIFIED, DELETED, BOOKMARK, ERROR = "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"
EVENT_TYPES = frozenset({ADDED, MODIFIED, DELETED, BOOKMARK, ERROR})

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WatchEvent(Generic[T]):
    """One watch event: its type and the decoded object (for ERROR: the Status as a dict)."""

    type: str
    object: T


class WatchDecodeError(ValueError):
    """A frame that is not a watch event; the message quotes the start of the frame."""


class _Frame(msgspec.Struct):
    type: str
    object: msgspec.Raw = msgspec.Raw(b"null")


_frame_decoder = msgspec.json.Decoder(_Frame)
_status_decoder = msgspec.json.Decoder(dict[str, Any])


def _json_object(data: bytes) -> Any:
    return _status_decoder.decode(data)


class WatchDecoder(Generic[T]):
    """Incremental watch-stream parser; `decode` turns an event's object bytes into `T` (default: a dict)."""

    def __init__(self, decode: Callable[[bytes], T] | None = None) -> None:
        self._decode: Callable[[bytes], Any] = decode if decode is not None else _json_object
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[WatchEvent[T]]:
        """The events completed by `data` (possibly none), in order."""
        if not data:
            return []
        self._buffer += data
        if b"\n" not in data:
            return []
        *lines, rest = self._buffer.split(b"\n")
        self._buffer = bytearray(rest)
        return [self._event(bytes(line)) for line in lines if line.strip()]

    def flush(self) -> list[WatchEvent[T]]:
        """At end of stream: the last event if the server did not end it with a newline."""
        rest, self._buffer = bytes(self._buffer), bytearray()
        return [self._event(rest)] if rest.strip() else []

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a complete event."""
        return len(self._buffer)

    def _event(self, line: bytes) -> WatchEvent[T]:
        try:
            frame = _frame_decoder.decode(line)
        except msgspec.DecodeError as exc:
            raise WatchDecodeError(f"not a watch event ({exc}): {line[:200]!r}") from None
        if frame.type not in EVENT_TYPES:
            raise WatchDecodeError(f"unknown watch event type {frame.type!r}: {line[:200]!r}")
        raw = bytes(frame.object)
        if frame.type == ERROR:
            return WatchEvent(ERROR, _json_object(raw))
        try:
            return WatchEvent(frame.type, self._decode(raw))
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
            raise WatchDecodeError(f"cannot decode the object of a {frame.type} event: {exc}") from None


def raise_for_error(event: WatchEvent[Any]) -> None:
    """Raise the typed StatusError an ERROR event carries; other events pass."""
    if event.type != ERROR:
        return
    status = event.object if isinstance(event.object, dict) else {}
    if status.get("kind") != "Status":
        status = {"kind": "Status", "status": "Failure", "message": f"watch error: {event.object!r}", "code": 500}
    raise error_from_status(status)
