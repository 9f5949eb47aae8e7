"""The generic verbs of one resource (client-go gentype.ClientWithListAndApply), sync and asyncio.

Generated typed clients bind their model types and resource facts to these classes; the dynamic client binds
plain dicts. Requests are planned without I/O in `resource_plan`; this module only sends them and decodes.

Keyword options mirror meta/v1 ListOptions, CreateOptions, UpdateOptions, PatchOptions and DeleteOptions in
snake_case. `list_all()` pages with limit/continue and, when a continue token has expired (410), falls back to one
full list, skipping the objects it already yielded.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Generic, Self, TypeVar

import httpx

from kubeclient.errors import ExpiredError
from kubeclient.resource_plan import (
    Call,
    Codec,
    DictCodec,
    ModelCodec,
    ResourceInfo,
    apply_query,
    delete_body,
    go_duration,
    list_query,
    object_name,
    object_namespace,
    patch_call,
    write_query,
)
from kubeclient.rest.aio import AsyncRESTClient, AsyncWatch
from kubeclient.rest.client import RESTClient, Watch
from kubeclient.rest.flow import Result
from kubeclient.rest.request import encode_body

__all__ = ["AsyncResourceClient", "ResourceClient", "ResourceInfo"]

T = TypeVar("T")
L = TypeVar("L")
R = TypeVar("R")

DryRun = str | Sequence[str] | bool | None
DEFAULT_PAGE_SIZE = 500
# Added to a watch's timeoutSeconds for the client-side silence limit: the server closes first in the normal case.
WATCH_READ_GRACE = 30.0


def _items_and_continue(page: Any) -> tuple[list[Any], str]:
    if isinstance(page, Mapping):
        items = page.get("items") or []
        cont = (page.get("metadata") or {}).get("continue") or ""
        return list(items), str(cont)
    meta = getattr(page, "metadata", None)
    cont = getattr(meta, "continue_", None) or getattr(meta, "_continue", None) or ""
    return list(getattr(page, "items", None) or []), str(cont)


def _item_key(item: Any) -> str:
    try:
        return f"{object_namespace(item)}/{object_name(item)}"
    except ValueError:
        return repr(item)


def _response_codec(response_type: type[Any] | None) -> Codec[Any]:
    return DictCodec() if response_type is None else ModelCodec(response_type)


class _ResourceBase(Generic[T, L]):
    """Everything but I/O: namespace handling and the `Call` of each verb."""

    def __init__(
        self,
        rest: Any,
        info: ResourceInfo,
        *,
        namespace: str | None = None,
        codec: Codec[T] | None = None,
        list_codec: Codec[L] | None = None,
    ) -> None:
        self.rest = rest
        self.info = info
        self._namespace = namespace if info.namespaced is not False else None
        self.codec: Codec[Any] = codec if codec is not None else DictCodec()
        self.list_codec: Codec[Any] = list_codec if list_codec is not None else DictCodec()

    @property
    def namespace_name(self) -> str | None:
        return self._namespace

    def namespace(self, namespace: str) -> Self:
        """The same client bound to `namespace` ("" = all namespaces for list/watch)."""
        if self.info.namespaced is False:
            raise ValueError(f"{self.info.plural} is cluster-scoped: it has no namespaces")
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone._namespace = namespace
        return clone

    def _ns_for(self, obj: Any = None, *, required: bool = True) -> str | None:
        if self.info.namespaced is False:
            return None
        namespace = self._namespace or (object_namespace(obj) if obj is not None else "")
        if self.info.namespaced is None:
            return namespace or None
        if not namespace and required:
            raise ValueError(f"{self.info.plural} is namespaced: give the client a namespace or set metadata.namespace")
        return namespace

    def _list_params(self, *, watch: bool = False, **options: Any) -> tuple[list[tuple[str, Any]], float | None]:
        timeout_seconds = options.get("timeout_seconds")
        params = list_query(watch=watch, **options)
        timeout: float | None = None
        if timeout_seconds:
            # client-go's Timeout(): the server-side deadline goes along as `timeout`, the client waits as long.
            params.append(("timeout", go_duration(timeout_seconds)))
            timeout = float(timeout_seconds)
        return params, timeout

    # --- plans ---------------------------------------------------------------------------------------------
    def _get(self, name: str, resource_version: str | None) -> Call:
        params: list[tuple[str, Any]] = [("resourceVersion", resource_version)] if resource_version else []
        return Call("GET", self._ns_for(), self.info.plural, name=name, params=params)

    def _list(self, options: dict[str, Any]) -> Call:
        params, timeout = self._list_params(**options)
        return Call("GET", self._ns_for(required=False), self.info.plural, params=params, timeout=timeout)

    def _watch(self, options: dict[str, Any], read_timeout: float | None) -> Call:
        params, timeout = self._list_params(watch=True, **options)
        if read_timeout is None and timeout is not None:
            read_timeout = timeout + WATCH_READ_GRACE
        return Call("GET", self._ns_for(required=False), self.info.plural, params=params, timeout=read_timeout)

    def _create(self, obj: Any, options: dict[str, Any]) -> Call:
        return Call("POST", self._ns_for(obj), self.info.plural, params=write_query(**options), body=encode_body(obj))

    def _update(self, obj: Any, subresource: tuple[str, ...], options: dict[str, Any]) -> Call:
        return Call(
            "PUT",
            self._ns_for(obj),
            self.info.plural,
            name=object_name(obj),
            subresource=subresource,
            params=write_query(**options),
            body=encode_body(obj),
        )

    def _apply(self, config: Any, subresource: tuple[str, ...], options: dict[str, Any]) -> Call:
        params = apply_query(**options)
        return patch_call(
            self._ns_for(config),
            self.info.plural,
            name=object_name(config),
            body=config,
            patch_type="apply",
            subresource=subresource,
            params=params,
        )

    def _delete(self, name: str | None, list_options: dict[str, Any], options: dict[str, Any]) -> Call:
        params: list[tuple[str, Any]] = []
        timeout = None
        if name is None:
            params, timeout = self._list_params(**list_options)
        return Call(
            "DELETE",
            self._ns_for(required=name is not None),
            self.info.plural,
            name=name,
            params=params,
            body=delete_body(**options),
            timeout=timeout,
        )

    def _sub(
        self, method: str, name: str, subresource: str, body: Any, params: Sequence[tuple[str, Any]] | None
    ) -> Call:
        return Call(
            method,
            self._ns_for(),
            self.info.plural,
            name=name,
            subresource=tuple(subresource.split("/")),
            params=list(params or []),
            body=None if body is None else encode_body(body),
        )

    def __repr__(self) -> str:
        where = f" namespace={self._namespace!r}" if self._namespace is not None else ""
        return f"<{type(self).__name__} {self.info.api_version} {self.info.plural}{where}>"


class ResourceClient(_ResourceBase[T, L]):
    """The verbs of one resource over a RESTClient; typed by its codecs (dicts by default)."""

    rest: RESTClient

    def _do(self, call: Call) -> Result:
        return call.configure(self.rest.verb(call.method)).do()

    def get(self, name: str, *, resource_version: str | None = None) -> T:
        result: T = self.codec.decode(self._do(self._get(name, resource_version)).content)
        return result

    def list(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        limit: int = 0,
        continue_: str = "",
        allow_watch_bookmarks: bool = False,
        send_initial_events: bool | None = None,
    ) -> L:
        options = {k: v for k, v in locals().items() if k != "self"}
        result: L = self.list_codec.decode(self._do(self._list(options)).content)
        return result

    def list_all(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[T]:
        """Every item, page by page; an expired continue token (410) falls back to one full list."""
        options: dict[str, Any] = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "resource_version": resource_version,
            "resource_version_match": resource_version_match,
        }
        seen: set[str] = set()
        continue_ = ""
        while True:
            page_options = dict(options, limit=page_size, continue_=continue_)
            if continue_:
                # The server refuses a resourceVersion together with a continue token (client-go's pager too).
                page_options.update(resource_version=None, resource_version_match=None)
            try:
                page = self.list_codec.decode(self._do(self._list(page_options)).content)
            except ExpiredError:
                if not continue_:
                    raise
                full = self.list_codec.decode(self._do(self._list(dict(options))).content)
                for item in _items_and_continue(full)[0]:
                    if _item_key(item) not in seen:
                        yield item
                return
            items, continue_ = _items_and_continue(page)
            for item in items:
                seen.add(_item_key(item))
                yield item
            if not continue_:
                return

    def watch(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        allow_watch_bookmarks: bool = False,
        send_initial_events: bool | None = None,
        timeout: float | None = None,
    ) -> Watch[T]:
        """A watch from `resource_version`; `timeout` is the longest silence tolerated before the connection is
        considered dead (default: none, or timeoutSeconds plus a grace period)."""
        options = {k: v for k, v in locals().items() if k not in ("self", "timeout")}
        call = self._watch(options, timeout)
        builder = call.configure(self.rest.verb("GET"))
        return builder.watch(self.codec.decode)

    def create(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode(self._do(self._create(obj, options)).content)
        return result

    def update(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode(self._do(self._update(obj, (), options)).content)
        return result

    def update_status(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode(self._do(self._update(obj, ("status",), options)).content)
        return result

    def patch(
        self,
        name: str,
        body: Any,
        patch_type: str = "merge",
        *,
        subresource: str | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
        force: bool | None = None,
    ) -> T:
        """PATCH with `patch_type` json, merge, strategic or apply (or a media type); body as bytes/str/dict/list."""
        params = write_query(
            dry_run=dry_run, field_manager=field_manager, field_validation=field_validation, force=force
        )
        sub = tuple(subresource.split("/")) if subresource else ()
        call = patch_call(
            self._ns_for(),
            self.info.plural,
            name=name,
            body=body,
            patch_type=patch_type,
            subresource=sub,
            params=params,
        )
        result: T = self.codec.decode(self._do(call).content)
        return result

    def apply(
        self,
        config: Any,
        *,
        field_manager: str,
        force: bool = False,
        dry_run: DryRun = None,
        field_validation: str | None = None,
    ) -> T:
        """Server-side apply of an apply configuration (or dict) naming its object in metadata."""
        options = {"field_manager": field_manager, "force": force, "dry_run": dry_run}
        options["field_validation"] = field_validation
        result: T = self.codec.decode(self._do(self._apply(config, (), options)).content)
        return result

    def apply_status(
        self,
        config: Any,
        *,
        field_manager: str,
        force: bool = False,
        dry_run: DryRun = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"field_manager": field_manager, "force": force, "dry_run": dry_run}
        options["field_validation"] = field_validation
        result: T = self.codec.decode(self._do(self._apply(config, ("status",), options)).content)
        return result

    def delete(
        self,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
        dry_run: DryRun = None,
    ) -> None:
        options = {
            "grace_period_seconds": grace_period_seconds,
            "propagation_policy": propagation_policy,
            "preconditions": preconditions,
            "dry_run": dry_run,
        }
        self._do(self._delete(name, {}, options))

    def delete_collection(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
        dry_run: DryRun = None,
    ) -> None:
        list_options = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "resource_version": resource_version,
            "resource_version_match": resource_version_match,
            "timeout_seconds": timeout_seconds,
        }
        options = {
            "grace_period_seconds": grace_period_seconds,
            "propagation_policy": propagation_policy,
            "preconditions": preconditions,
            "dry_run": dry_run,
        }
        self._do(self._delete(None, list_options, options))

    # --- subresources ----------------------------------------------------------------------------------------
    def get_subresource(
        self,
        name: str,
        subresource: str,
        *,
        response_type: type[R] | None = None,
        params: Sequence[tuple[str, Any]] | None = None,
    ) -> R:
        result: R = _response_codec(response_type).decode(
            self._do(self._sub("GET", name, subresource, None, params)).content
        )
        return result

    def create_subresource(
        self,
        name: str,
        subresource: str,
        body: Any,
        *,
        response_type: type[R] | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> R:
        params = write_query(dry_run=dry_run, field_manager=field_manager, field_validation=field_validation)
        call = self._sub("POST", name, subresource, body, params)
        result: R = _response_codec(response_type).decode(self._do(call).content)
        return result

    def update_subresource(
        self,
        name: str,
        subresource: str,
        body: Any,
        *,
        response_type: type[R] | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> R:
        params = write_query(dry_run=dry_run, field_manager=field_manager, field_validation=field_validation)
        call = self._sub("PUT", name, subresource, body, params)
        result: R = _response_codec(response_type).decode(self._do(call).content)
        return result

    def patch_subresource(
        self,
        name: str,
        subresource: str,
        body: Any,
        patch_type: str = "merge",
        *,
        response_type: type[R] | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
        force: bool | None = None,
    ) -> R:
        params = write_query(
            dry_run=dry_run, field_manager=field_manager, field_validation=field_validation, force=force
        )
        call = patch_call(
            self._ns_for(),
            self.info.plural,
            name=name,
            body=body,
            patch_type=patch_type,
            subresource=tuple(subresource.split("/")),
            params=params,
        )
        result: R = _response_codec(response_type).decode(self._do(call).content)
        return result

    def get_subresource_text(
        self, name: str, subresource: str, *, params: Sequence[tuple[str, Any]] | None = None
    ) -> str:
        """A text subresource (pods/log) as a string."""
        return self._do(self._sub("GET", name, subresource, None, params)).raw.text

    def stream_subresource(
        self,
        name: str,
        subresource: str,
        *,
        params: Sequence[tuple[str, Any]] | None = None,
        timeout: float | None = None,
    ) -> AbstractContextManager[httpx.Response]:
        """An open streamed subresource (pods/log?follow=true); iterate `.iter_lines()` inside the block."""
        call = dataclasses.replace(self._sub("GET", name, subresource, None, params), timeout=timeout)
        return call.configure(self.rest.verb("GET")).stream()


class AsyncResourceClient(_ResourceBase[T, L]):
    """The asyncio twin of ResourceClient over an AsyncRESTClient; same verbs, awaited."""

    rest: AsyncRESTClient

    async def _do(self, call: Call) -> Result:
        return await call.configure(self.rest.verb(call.method)).do()

    async def get(self, name: str, *, resource_version: str | None = None) -> T:
        result: T = self.codec.decode((await self._do(self._get(name, resource_version))).content)
        return result

    async def list(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        limit: int = 0,
        continue_: str = "",
        allow_watch_bookmarks: bool = False,
        send_initial_events: bool | None = None,
    ) -> L:
        options = {k: v for k, v in locals().items() if k != "self"}
        result: L = self.list_codec.decode((await self._do(self._list(options))).content)
        return result

    async def list_all(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[T]:
        options: dict[str, Any] = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "resource_version": resource_version,
            "resource_version_match": resource_version_match,
        }
        seen: set[str] = set()
        continue_ = ""
        while True:
            page_options = dict(options, limit=page_size, continue_=continue_)
            if continue_:
                page_options.update(resource_version=None, resource_version_match=None)
            try:
                page = self.list_codec.decode((await self._do(self._list(page_options))).content)
            except ExpiredError:
                if not continue_:
                    raise
                full = self.list_codec.decode((await self._do(self._list(dict(options)))).content)
                for item in _items_and_continue(full)[0]:
                    if _item_key(item) not in seen:
                        yield item
                return
            items, continue_ = _items_and_continue(page)
            for item in items:
                seen.add(_item_key(item))
                yield item
            if not continue_:
                return

    def watch(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        allow_watch_bookmarks: bool = False,
        send_initial_events: bool | None = None,
        timeout: float | None = None,
    ) -> AsyncWatch[T]:
        """`async for event in client.watch(...)`, or `w = await client.watch(...)` to open it at once."""
        options = {k: v for k, v in locals().items() if k not in ("self", "timeout")}
        call = self._watch(options, timeout)
        return call.configure(self.rest.verb("GET")).watch(self.codec.decode)

    async def create(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode((await self._do(self._create(obj, options))).content)
        return result

    async def update(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode((await self._do(self._update(obj, (), options))).content)
        return result

    async def update_status(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode((await self._do(self._update(obj, ("status",), options))).content)
        return result

    async def patch(
        self,
        name: str,
        body: Any,
        patch_type: str = "merge",
        *,
        subresource: str | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
        force: bool | None = None,
    ) -> T:
        params = write_query(
            dry_run=dry_run, field_manager=field_manager, field_validation=field_validation, force=force
        )
        sub = tuple(subresource.split("/")) if subresource else ()
        call = patch_call(
            self._ns_for(),
            self.info.plural,
            name=name,
            body=body,
            patch_type=patch_type,
            subresource=sub,
            params=params,
        )
        result: T = self.codec.decode((await self._do(call)).content)
        return result

    async def apply(
        self,
        config: Any,
        *,
        field_manager: str,
        force: bool = False,
        dry_run: DryRun = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"field_manager": field_manager, "force": force, "dry_run": dry_run}
        options["field_validation"] = field_validation
        result: T = self.codec.decode((await self._do(self._apply(config, (), options))).content)
        return result

    async def apply_status(
        self,
        config: Any,
        *,
        field_manager: str,
        force: bool = False,
        dry_run: DryRun = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"field_manager": field_manager, "force": force, "dry_run": dry_run}
        options["field_validation"] = field_validation
        result: T = self.codec.decode((await self._do(self._apply(config, ("status",), options))).content)
        return result

    async def delete(
        self,
        name: str,
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
        dry_run: DryRun = None,
    ) -> None:
        options = {
            "grace_period_seconds": grace_period_seconds,
            "propagation_policy": propagation_policy,
            "preconditions": preconditions,
            "dry_run": dry_run,
        }
        await self._do(self._delete(name, {}, options))

    async def delete_collection(
        self,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: Mapping[str, str] | None = None,
        dry_run: DryRun = None,
    ) -> None:
        list_options = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "resource_version": resource_version,
            "resource_version_match": resource_version_match,
            "timeout_seconds": timeout_seconds,
        }
        options = {
            "grace_period_seconds": grace_period_seconds,
            "propagation_policy": propagation_policy,
            "preconditions": preconditions,
            "dry_run": dry_run,
        }
        await self._do(self._delete(None, list_options, options))

    async def get_subresource(
        self,
        name: str,
        subresource: str,
        *,
        response_type: type[R] | None = None,
        params: Sequence[tuple[str, Any]] | None = None,
    ) -> R:
        call = self._sub("GET", name, subresource, None, params)
        result: R = _response_codec(response_type).decode((await self._do(call)).content)
        return result

    async def create_subresource(
        self,
        name: str,
        subresource: str,
        body: Any,
        *,
        response_type: type[R] | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> R:
        params = write_query(dry_run=dry_run, field_manager=field_manager, field_validation=field_validation)
        call = self._sub("POST", name, subresource, body, params)
        result: R = _response_codec(response_type).decode((await self._do(call)).content)
        return result

    async def update_subresource(
        self,
        name: str,
        subresource: str,
        body: Any,
        *,
        response_type: type[R] | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> R:
        params = write_query(dry_run=dry_run, field_manager=field_manager, field_validation=field_validation)
        call = self._sub("PUT", name, subresource, body, params)
        result: R = _response_codec(response_type).decode((await self._do(call)).content)
        return result

    async def patch_subresource(
        self,
        name: str,
        subresource: str,
        body: Any,
        patch_type: str = "merge",
        *,
        response_type: type[R] | None = None,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
        force: bool | None = None,
    ) -> R:
        params = write_query(
            dry_run=dry_run, field_manager=field_manager, field_validation=field_validation, force=force
        )
        call = patch_call(
            self._ns_for(),
            self.info.plural,
            name=name,
            body=body,
            patch_type=patch_type,
            subresource=tuple(subresource.split("/")),
            params=params,
        )
        result: R = _response_codec(response_type).decode((await self._do(call)).content)
        return result

    async def get_subresource_text(
        self, name: str, subresource: str, *, params: Sequence[tuple[str, Any]] | None = None
    ) -> str:
        return (await self._do(self._sub("GET", name, subresource, None, params))).raw.text

    def stream_subresource(
        self,
        name: str,
        subresource: str,
        *,
        params: Sequence[tuple[str, Any]] | None = None,
        timeout: float | None = None,
    ) -> AbstractAsyncContextManager[httpx.Response]:
        call = dataclasses.replace(self._sub("GET", name, subresource, None, params), timeout=timeout)
        return call.configure(self.rest.verb("GET")).stream()
