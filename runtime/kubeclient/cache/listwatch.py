"""ListerWatcher: the two calls a reflector makes (client-go tools/cache/listwatch.go), and adapters.

A `ListerWatcher` answers `list(options) -> ListPage` (one page: its items, the list's resourceVersion and the
continue token) and `watch(options, read_timeout=) -> WatchStream` (an iterator of `kubeclient.watch.WatchEvent`
that can be closed, also from another thread). `AsyncListerWatcher` is the same on asyncio. Errors are the
`kubeclient.errors.StatusError` subclasses of the REST layer, or transport errors.

Adapters:
- `ResourceListWatch` / `AsyncResourceListWatch` over a `kubeclient.resource.ResourceClient` (typed objects or, from
  the `DynamicClient`, plain dicts); `tweak_list_options` mutates the `ListOptions` of both calls.
- `MetadataListWatch` / `AsyncMetadataListWatch` over a REST client: lists and watches `PartialObjectMetadata`
  (as dicts) through the `as=PartialObjectMetadataList` / `as=PartialObjectMetadata` Accept headers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from kubeclient.cache.tolerant import tolerant_client, usable_event
from kubeclient.schema import GVR, api_path_prefix

__all__ = [
    "METADATA_LIST_ACCEPT",
    "METADATA_WATCH_ACCEPT",
    "AsyncListerWatcher",
    "AsyncMetadataListWatch",
    "AsyncResourceListWatch",
    "AsyncWatchStream",
    "ListOptions",
    "ListPage",
    "ListerWatcher",
    "MetadataListWatch",
    "ResourceListWatch",
    "TweakListOptions",
    "WatchStream",
    "list_page_from",
]

METADATA_LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
METADATA_WATCH_ACCEPT = "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json"


@dataclass
class ListOptions:
    """meta/v1 ListOptions in snake_case; None (or 0 / "" for limit and continue_) means "not sent"."""

    label_selector: str | None = None
    field_selector: str | None = None
    resource_version: str | None = None
    resource_version_match: str | None = None
    timeout_seconds: int | None = None
    limit: int = 0
    continue_: str = ""
    allow_watch_bookmarks: bool | None = None
    send_initial_events: bool | None = None

    def to_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `ResourceClient.list` / `.watch` for the fields that are set."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is None or (field.name in ("limit", "continue_") and not value):
                continue
            out[field.name] = value
        return out

    def to_query(self) -> list[tuple[str, str]]:
        """The wire query parameters (camelCase) for the fields that are set."""
        names = {
            "label_selector": "labelSelector",
            "field_selector": "fieldSelector",
            "resource_version": "resourceVersion",
            "resource_version_match": "resourceVersionMatch",
            "timeout_seconds": "timeoutSeconds",
            "limit": "limit",
            "continue_": "continue",
            "allow_watch_bookmarks": "allowWatchBookmarks",
            "send_initial_events": "sendInitialEvents",
        }
        out: list[tuple[str, str]] = []
        for key, value in self.to_kwargs().items():
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            out.append((names[key], text))
        return out


TweakListOptions = Callable[[ListOptions], None]


@dataclass(frozen=True)
class ListPage:
    """One page of a list: the items, the list's resourceVersion and the continue token ("" on the last page)."""

    items: list[Any]
    resource_version: str
    continue_: str = ""


@runtime_checkable
class WatchStream(Protocol):
    """Watch events in order; iteration ends when the server closes the stream. `close()` may come from any thread."""

    def __iter__(self) -> Iterator[Any]: ...

    def __next__(self) -> Any: ...

    def close(self) -> None: ...


@runtime_checkable
class AsyncWatchStream(Protocol):
    def __aiter__(self) -> AsyncIterator[Any]: ...

    async def __anext__(self) -> Any: ...

    async def aclose(self) -> None: ...


class ListerWatcher(Protocol):
    def list(self, options: ListOptions) -> ListPage: ...

    def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> WatchStream: ...


class AsyncListerWatcher(Protocol):
    async def list(self, options: ListOptions) -> ListPage: ...

    async def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> AsyncWatchStream: ...


def _field(obj: Any, *names: str) -> Any:
    if isinstance(obj, dict):
        for name in names:
            if name in obj:
                return obj[name]
        return None
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return None


def list_page_from(obj: Any) -> ListPage:
    """A `ListPage` from a decoded list: a dict (wire names) or a typed list (`.items`, `.metadata.*`)."""
    items = _field(obj, "items")
    metadata = _field(obj, "metadata")
    rv = _field(metadata, "resourceVersion", "resource_version") if metadata is not None else None
    cont = _field(metadata, "continue", "continue_", "_continue") if metadata is not None else None
    return ListPage(items=list(items or []), resource_version=str(rv or ""), continue_=str(cont or ""))


class _IteratorStream:
    """Wraps an iterator as a `WatchStream`; close() closes the iterator when it can (or its `close`)."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._iter: Iterator[Any] = iter(source)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        while True:
            event = usable_event(next(self._iter))
            if event is not None:
                return event

    def close(self) -> None:
        closer = getattr(self._source, "close", None)
        if callable(closer):
            try:
                closer()
            except ValueError:
                # A generator that another thread is running cannot be closed from here; it ends at its next read.
                pass


class _AsyncIteratorStream:
    def __init__(self, source: Any) -> None:
        self._source = source
        self._iter: AsyncIterator[Any] = source.__aiter__()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        while True:
            event = usable_event(await self._iter.__anext__())
            if event is not None:
                return event

    async def aclose(self) -> None:
        closer = getattr(self._source, "aclose", None)
        if callable(closer):
            await closer()


def _tweaked(options: ListOptions, tweak: TweakListOptions | None) -> ListOptions:
    copy = dataclasses.replace(options)
    if tweak is not None:
        tweak(copy)
    return copy


class ResourceListWatch:
    """A `ListerWatcher` over a `ResourceClient` (its `list(**options)` and `watch(**options)`)."""

    def __init__(self, client: Any, *, tweak_list_options: TweakListOptions | None = None) -> None:
        # An object the model cannot hold is logged and left out, not allowed to fail the whole list.
        self.client = tolerant_client(client)
        self._tweak = tweak_list_options

    def list(self, options: ListOptions) -> ListPage:
        return list_page_from(self.client.list(**_tweaked(options, self._tweak).to_kwargs()))

    def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> WatchStream:
        kwargs = _tweaked(options, self._tweak).to_kwargs()
        if read_timeout is not None:
            kwargs["timeout"] = read_timeout
        try:
            source = self.client.watch(**kwargs)
        except TypeError:
            if "timeout" not in kwargs:
                raise
            # A client without a client-side timeout option: the server's timeoutSeconds still bounds the watch.
            del kwargs["timeout"]
            source = self.client.watch(**kwargs)
        return _IteratorStream(source)


class AsyncResourceListWatch:
    """An `AsyncListerWatcher` over an `AsyncResourceClient`."""

    def __init__(self, client: Any, *, tweak_list_options: TweakListOptions | None = None) -> None:
        # An object the model cannot hold is logged and left out, not allowed to fail the whole list.
        self.client = tolerant_client(client)
        self._tweak = tweak_list_options

    async def list(self, options: ListOptions) -> ListPage:
        return list_page_from(await self.client.list(**_tweaked(options, self._tweak).to_kwargs()))

    async def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> AsyncWatchStream:
        kwargs = _tweaked(options, self._tweak).to_kwargs()
        if read_timeout is not None:
            kwargs["timeout"] = read_timeout
        try:
            source = self.client.watch(**kwargs)
        except TypeError:
            if "timeout" not in kwargs:
                raise
            del kwargs["timeout"]
            source = self.client.watch(**kwargs)
        if hasattr(source, "__await__"):
            source = await source
        return _AsyncIteratorStream(source)


def _metadata_request(rest: Any, gvr: GVR, namespace: str, options: ListOptions, accept: str) -> Any:
    segments = [api_path_prefix(gvr.group, gvr.version).lstrip("/")]
    if namespace:
        segments += ["namespaces", namespace]
    segments.append(gvr.resource)
    request = rest.get().abs_path(*segments).set_header("Accept", accept)
    for key, value in options.to_query():
        request = request.param(key, value)
    return request


class MetadataListWatch:
    """Lists and watches only object metadata (PartialObjectMetadata dicts) of `gvr` through a `RESTClient`.

    `rest` is any RESTClient of the server (the path is absolute); `namespace` "" means all namespaces.
    """

    def __init__(
        self, rest: Any, gvr: GVR, *, namespace: str = "", tweak_list_options: TweakListOptions | None = None
    ) -> None:
        self.rest = rest
        self.gvr = gvr
        self.namespace = namespace
        self._tweak = tweak_list_options

    def list(self, options: ListOptions) -> ListPage:
        opts = _tweaked(options, self._tweak)
        request = _metadata_request(self.rest, self.gvr, self.namespace, opts, METADATA_LIST_ACCEPT)
        return list_page_from(request.do().json())

    def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> WatchStream:
        opts = _tweaked(options, self._tweak)
        request = _metadata_request(self.rest, self.gvr, self.namespace, opts, METADATA_WATCH_ACCEPT)
        request = request.param("watch", "true")
        if read_timeout is not None:
            request = request.timeout(read_timeout)
        return _IteratorStream(request.watch())


class AsyncMetadataListWatch:
    """`MetadataListWatch` over an `AsyncRESTClient`."""

    def __init__(
        self, rest: Any, gvr: GVR, *, namespace: str = "", tweak_list_options: TweakListOptions | None = None
    ) -> None:
        self.rest = rest
        self.gvr = gvr
        self.namespace = namespace
        self._tweak = tweak_list_options

    async def list(self, options: ListOptions) -> ListPage:
        opts = _tweaked(options, self._tweak)
        result = await _metadata_request(self.rest, self.gvr, self.namespace, opts, METADATA_LIST_ACCEPT).do()
        return list_page_from(result.json())

    async def watch(self, options: ListOptions, *, read_timeout: float | None = None) -> AsyncWatchStream:
        opts = _tweaked(options, self._tweak)
        request = _metadata_request(self.rest, self.gvr, self.namespace, opts, METADATA_WATCH_ACCEPT)
        request = request.param("watch", "true")
        if read_timeout is not None:
            request = request.timeout(read_timeout)
        source = request.watch()
        if hasattr(source, "__await__"):
            source = await source
        return _AsyncIteratorStream(source)
