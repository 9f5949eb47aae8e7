"""AsyncResourceClient: the generic verbs of one resource on asyncio (client-go gentype, awaited).

This file is the source of `resource_sync.py`, which scripts/unasync.py derives from it mechanically; a test fails
when the two drift. Requests are planned by `ResourceBase` without I/O; this class only sends and decodes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

import httpx

from kubeclient.errors import ExpiredError
from kubeclient.resource_base import DEFAULT_PAGE_SIZE, ResourceBase, item_key, items_and_continue, response_codec
from kubeclient.resource_plan import Call, patch_call, write_query
from kubeclient.rest.aio import AsyncRESTClient, AsyncWatch
from kubeclient.rest.flow import Result

__all__ = ["AsyncResourceClient"]

T = TypeVar("T")
L = TypeVar("L")
R = TypeVar("R")

DryRun = str | Sequence[str] | bool | None


class AsyncResourceClient(ResourceBase[T, L]):
    """The verbs of one resource over its REST client; typed by its codecs (dicts by default)."""

    rest: AsyncRESTClient

    async def _do(self, call: Call) -> Result:
        return await call.configure(self.rest.verb(call.method)).do()

    async def _content(self, call: Call) -> bytes:
        return (await self._do(call)).content

    async def get(self, name: str, *, resource_version: str | None = None) -> T:
        result: T = self.codec.decode(await self._content(self._get(name, resource_version)))
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
        result: L = self.list_codec.decode(await self._content(self._list(options)))
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
                page = self.list_codec.decode(await self._content(self._list(page_options)))
            except ExpiredError:
                if not continue_:
                    raise
                full = self.list_codec.decode(await self._content(self._list(dict(options))))
                for item in items_and_continue(full)[0]:
                    if item_key(item) not in seen:
                        yield item
                return
            items, continue_ = items_and_continue(page)
            for item in items:
                seen.add(item_key(item))
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
        """A watch from `resource_version`. `timeout` is the longest silence tolerated before the connection is
        considered dead (default: none, or timeoutSeconds plus a grace period). On asyncio the watch opens on first
        iteration, or at once when awaited."""
        options = {k: v for k, v in locals().items() if k not in ("self", "timeout")}
        call = self._watch(options, timeout)
        decode, object_type = self._watch_decoding()
        return call.configure(self.rest.verb("GET")).watch(decode, object_type=object_type)

    async def create(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self.codec.decode(await self._content(self._create(obj, options)))
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
        result: T = self.codec.decode(await self._content(self._update(obj, (), options)))
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
        result: T = self.codec.decode(await self._content(self._update(obj, ("status",), options)))
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
        result: T = self.codec.decode(await self._content(call))
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
        """Server-side apply of an apply configuration (or dict) naming its object in metadata."""
        options = {"field_manager": field_manager, "force": force, "dry_run": dry_run}
        options["field_validation"] = field_validation
        result: T = self.codec.decode(await self._content(self._apply(config, (), options)))
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
        result: T = self.codec.decode(await self._content(self._apply(config, ("status",), options)))
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
        result: R = response_codec(response_type).decode(await self._content(call))
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
        result: R = response_codec(response_type).decode(await self._content(call))
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
        result: R = response_codec(response_type).decode(await self._content(call))
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
        result: R = response_codec(response_type).decode(await self._content(call))
        return result

    async def get_subresource_text(
        self, name: str, subresource: str, *, params: Sequence[tuple[str, Any]] | None = None
    ) -> str:
        """A text subresource (pods/log) as a string."""
        result = await self._do(self._sub("GET", name, subresource, None, params))
        return result.raw.text

    def stream_subresource(
        self,
        name: str,
        subresource: str,
        *,
        params: Sequence[tuple[str, Any]] | None = None,
        timeout: float | None = None,
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """An open streamed subresource (pods/log?follow=true); read its lines inside the block."""
        call = dataclasses.replace(self._sub("GET", name, subresource, None, params), timeout=timeout)
        return call.configure(self.rest.verb("GET")).stream()
