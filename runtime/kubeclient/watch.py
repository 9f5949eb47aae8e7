"""Watch streams: an incremental decoder fed bytes, shared by the sync and asyncio clients.

The API server answers a watch with one JSON object per line, `{"type": "ADDED", "object": {...}}`, over a chunked
response; chunk boundaries fall anywhere. `WatchDecoder.feed()` takes whatever bytes arrived and returns the events
completed by them. ERROR events carry a meta/v1 Status; `raise_for_error()` turns one into the typed StatusError
(a 410 Expired tells a reflector to re-list).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import msgspec

from kubeclient.errors import error_from_status
from kubeclient.model import Model, own_managed_fields, own_raw_values

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


class WatchEvent(msgspec.Struct, Generic[T], frozen=True):
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
_OBJECT_EVENTS = frozenset({ADDED, MODIFIED, DELETED, BOOKMARK})


def _json_object(data: bytes) -> Any:
    return _status_decoder.decode(data)


class WatchDecoder(Generic[T]):
    """Incremental watch-stream parser; `decode` turns an event's object bytes into `T` (default: a dict).

    Given `object_type` (the msgspec Struct or model `decode` produces), an event line is decoded in one pass into
    `WatchEvent[object_type]`: envelope and object at once, in C. A line that pass refuses (an ERROR event's Status,
    fields the model does not know, anything the lossless path of a model handles) is decoded again the general way:
    the envelope first, then the object with `decode`. Without `decode`, events decode in one pass into dicts.
    """

    def __init__(self, decode: Callable[[bytes], T] | None = None, *, object_type: type[Any] | None = None) -> None:
        self._decode: Callable[[bytes], Any] = decode if decode is not None else _json_object
        self._buffer = bytearray()
        self._typed: msgspec.json.Decoder[Any] | None = None
        self._owns_raw = False  # objects may hold raw JSON (FieldsV1) views into the line, to be copied out
        self._only_objects = True  # an ERROR decoded in one pass would not be a Status
        if decode is None:
            self._typed = _DICT_EVENTS
            self._only_objects = False
        elif isinstance(object_type, type) and issubclass(object_type, msgspec.Struct):
            self._typed = msgspec.json.Decoder(WatchEvent[object_type])  # type: ignore[valid-type]
            self._owns_raw = issubclass(object_type, Model)

    def feed(self, data: bytes) -> list[WatchEvent[T]]:
        """The events completed by `data` (possibly none), in order."""
        if not data:
            return []
        if b"\n" not in data:
            self._buffer += data
            return []
        if self._buffer:
            self._buffer += data
            data = bytes(self._buffer)
            self._buffer.clear()
        elif type(data) is not bytes:
            data = bytes(data)
        lines = data.split(b"\n")
        rest = lines.pop()
        if rest:
            self._buffer += rest
        return [self._event(line) for line in lines if line and not line.isspace()]

    def flush(self) -> list[WatchEvent[T]]:
        """At end of stream: the last event if the server did not end it with a newline."""
        rest, self._buffer = bytes(self._buffer), bytearray()
        return [self._event(rest)] if rest.strip() else []

    @property
    def pending(self) -> int:
        """Bytes received but not yet part of a complete event."""
        return len(self._buffer)

    def _event(self, line: bytes) -> WatchEvent[T]:
        typed = self._typed
        if typed is not None:
            refs = sys.getrefcount(line)
            try:
                event: WatchEvent[T] = typed.decode(line)
            except msgspec.ValidationError:
                pass  # the general way below decides
            except msgspec.DecodeError as exc:
                raise WatchDecodeError(f"not a watch event ({exc}): {line[:200]!r}") from None
            else:
                if event.type in _OBJECT_EVENTS or (event.type == ERROR and not self._only_objects):
                    if self._owns_raw:
                        # Raw values (fieldsV1) point into the line until copied out: the top-level ones here,
                        # and, only if some reference to the line is left, the rest by a walk of the object.
                        own_managed_fields(event.object)  # type: ignore[arg-type]
                        if sys.getrefcount(line) > refs:
                            own_raw_values(event.object, line)  # type: ignore[arg-type]
                    return event
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


_DICT_EVENTS: msgspec.json.Decoder[Any] = msgspec.json.Decoder(WatchEvent[dict[str, Any]])


def raise_for_error(event: WatchEvent[Any]) -> None:
    """Raise the typed StatusError an ERROR event carries; other events pass."""
    if event.type != ERROR:
        return
    status = event.object if isinstance(event.object, dict) else {}
    if status.get("kind") != "Status":
        status = {"kind": "Status", "status": "Failure", "message": f"watch error: {event.object!r}", "code": 500}
    raise error_from_status(status)
