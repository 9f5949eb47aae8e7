"""Decoding for informers that leaves out the objects a model cannot hold, instead of losing the whole list.

A typed client raises `ResponseDecodeError` when an answer does not fit its model: right for a caller asking for one
thing. An informer holds everything it is given; one object stored by an older schema (or written by a newer
controller) must not keep the other thousand out of the cache. `tolerant_client(client)` returns a copy of a
`ResourceClient` whose list decoding falls back to item by item and whose watch decoding marks an undecodable
object `Skipped`; `ResourceListWatch` drops those events, except a DELETED one, which it passes on with the object
cut down to its apiVersion, kind and metadata (so the cache forgets it by key). Each bad object is logged once per
resourceVersion with its key and the JSON path that did not fit. An ADDED or MODIFIED object left out of a watch
leaves the cache as it was (the last version that decoded, if any) until the next relist leaves it out too.
"""

from __future__ import annotations

import copy
import logging
import threading
from typing import Any

import msgspec

__all__ = ["Skipped", "tolerant_client", "usable_event"]

logger = logging.getLogger("kubeclient.cache")


class Skipped:
    """An object the model could not hold; `stub` is it cut down to apiVersion, kind and metadata (None if even that
    does not decode)."""

    __slots__ = ("stub",)

    def __init__(self, stub: Any) -> None:
        self.stub = stub

    def __repr__(self) -> str:
        return "Skipped()"


def usable_event(event: Any) -> Any:
    """The event to hand on, or None to drop it: a DELETED event of an undecodable object carries its stub."""
    obj = getattr(event, "object", None)
    if not isinstance(obj, Skipped):
        return event
    if event.type == "DELETED" and obj.stub is not None:
        return type(event)(event.type, obj.stub)
    return None


_raw_decoder = msgspec.json.Decoder()
# How many (key, resourceVersion) pairs a client remembers having logged; past it the memory starts afresh.
_LOGGED_LIMIT = 10_000


class _BadObjects:
    def __init__(self, resource: str, model: str) -> None:
        self.resource = resource
        self.model = model
        self._logged: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def report(self, raw: Any, exc: BaseException) -> None:
        meta = raw.get("metadata") if isinstance(raw, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        name = str(meta.get("name", "?"))
        key = f"{meta['namespace']}/{name}" if meta.get("namespace") else name
        rv = str(meta.get("resourceVersion", ""))
        with self._lock:
            if (key, rv) in self._logged:
                return
            if len(self._logged) >= _LOGGED_LIMIT:
                self._logged.clear()
            self._logged.add((key, rv))
        logger.error(
            "%s %s (resourceVersion %s) does not fit %s, left out of the cache: %s",
            self.resource,
            key,
            rv or "?",
            self.model,
            exc,
        )


def _item_decoder(item_type: type[Any]) -> Any:
    from_dict = getattr(item_type, "from_dict", None)
    if callable(from_dict):
        return from_dict
    return lambda raw: msgspec.convert(raw, item_type)


class _TolerantItemCodec:
    def __init__(self, inner: Any, item_type: type[Any], bad: _BadObjects) -> None:
        self.inner = inner
        self.type = getattr(inner, "type", None)
        self._item = _item_decoder(item_type)
        self._bad = bad

    def decode(self, data: bytes) -> Any:
        try:
            return self.inner.decode(data)
        except msgspec.ValidationError as exc:
            raw = _raw_decoder.decode(data)
            self._bad.report(raw, exc)
            return Skipped(self._stub(raw))

    def _stub(self, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return None
        try:
            return self._item({k: raw[k] for k in ("apiVersion", "kind", "metadata") if k in raw})
        except (msgspec.ValidationError, ValueError, TypeError):
            return None


class _TolerantListCodec:
    def __init__(self, inner: Any, item_type: type[Any], bad: _BadObjects) -> None:
        self.inner = inner
        self.type = getattr(inner, "type", None)
        self._item = _item_decoder(item_type)
        self._bad = bad

    def decode(self, data: bytes) -> Any:
        try:
            return self.inner.decode(data)
        except msgspec.ValidationError:
            raw = _raw_decoder.decode(data)
            if not isinstance(raw, dict) or not isinstance(raw.get("items"), list):
                raise
        items = []
        for item in raw["items"]:
            try:
                items.append(self._item(item))
            except (msgspec.ValidationError, ValueError, TypeError) as exc:
                self._bad.report(item, exc)
        # A wire-form list: the reflector reads only its items and metadata (list_page_from takes either form).
        return {"metadata": raw.get("metadata") or {}, "items": items}


def tolerant_client(client: Any) -> Any:
    """A copy of a typed `ResourceClient` (or its asyncio twin) that leaves undecodable objects out; other clients
    (the dynamic client's dicts never fail) come back unchanged."""
    codec = getattr(client, "codec", None)
    item_type = getattr(codec, "type", None)
    if item_type is None or not hasattr(client, "list_codec"):
        return client
    info = getattr(client, "info", None)
    resource = getattr(info, "plural", "objects")
    bad = _BadObjects(resource, getattr(item_type, "__name__", "the model"))
    clone = copy.copy(client)
    clone.codec = _TolerantItemCodec(codec, item_type, bad)
    clone.list_codec = _TolerantListCodec(client.list_codec, item_type, bad)
    return clone
