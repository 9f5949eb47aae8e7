"""Decoding for informers that leaves out the objects a model cannot hold, instead of losing the whole list.

A typed client raises `ResponseDecodeError` when an answer does not fit its model: right for a caller asking for one
thing. An informer holds everything it is given; one object stored by an older schema (or written by a newer
controller) must not keep the other thousand out of the cache. `tolerant_client(client)` returns a copy of a
`ResourceClient` whose list decoding falls back to item by item and whose watch decoding marks an undecodable
object `SKIPPED`; `ResourceListWatch` drops those events. Each bad object is logged once per resourceVersion with
its key and the JSON path that did not fit.
"""

from __future__ import annotations

import copy
import logging
import threading
from typing import Any

import msgspec

__all__ = ["SKIPPED", "tolerant_client"]

logger = logging.getLogger("kubeclient.cache")

SKIPPED: Any = type("Skipped", (), {"__repr__": lambda self: "SKIPPED"})()
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
    def __init__(self, inner: Any, bad: _BadObjects) -> None:
        self.inner = inner
        self.type = getattr(inner, "type", None)
        self._bad = bad

    def decode(self, data: bytes) -> Any:
        try:
            return self.inner.decode(data)
        except msgspec.ValidationError as exc:
            self._bad.report(_raw_decoder.decode(data), exc)
            return SKIPPED


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
    clone.codec = _TolerantItemCodec(codec, bad)
    clone.list_codec = _TolerantListCodec(client.list_codec, item_type, bad)
    return clone
