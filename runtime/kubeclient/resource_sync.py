"""ResourceClient: the generic verbs of one resource (client-go gentype).

Derived from `resource_async.py` by scripts/unasync.py (`make unasync`); edit that file, not this one.
Requests are planned by `ResourceBase` without I/O; this class only sends and decodes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from kubeclient.errors import ExpiredError
from kubeclient.resource_base import DEFAULT_PAGE_SIZE, ResourceBase, item_key, items_and_continue, response_codec
from kubeclient.resource_plan import Call, FieldSelectorLike, SelectorLike, patch_call, write_query
from kubeclient.rest.client import RESTClient, Stream, Watch
from kubeclient.rest.flow import Result

if TYPE_CHECKING:
    from kubeclient.portforward import PortForwarder, PortStream
    from kubeclient.remotecommand import ExecSession
    from kubeclient.remotecommand.result import ExecResult

__all__ = ["ResourceClient"]

T = TypeVar("T")
L = TypeVar("L")
R = TypeVar("R")

DryRun = str | Sequence[str] | bool | None


class ResourceClient(ResourceBase[T, L]):
    """The verbs of one resource over its REST client; typed by its codecs (dicts by default)."""

    rest: RESTClient

    def _do(self, call: Call) -> Result:
        return call.configure(self.rest.verb(call.method)).do()

    def _content(self, call: Call) -> bytes:
        return (self._do(call)).content

    def _fetch(self, codec: Any, call: Call) -> Any:
        return self._decode(codec, call, self._content(call))

    def get(self, name: str, *, resource_version: str | None = None) -> T:
        result: T = self._fetch(self.codec, self._get(name, resource_version))
        return result

    def list(
        self,
        *,
        label_selector: SelectorLike | None = None,
        field_selector: FieldSelectorLike | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        limit: int = 0,
        continue_: str = "",
        allow_watch_bookmarks: bool = False,
        send_initial_events: bool | None = None,
    ) -> L:
        options = {k: v for k, v in locals().items() if k != "self"}
        result: L = self._fetch(self.list_codec, self._list(options))
        return result

    def list_all(
        self,
        *,
        label_selector: SelectorLike | None = None,
        field_selector: FieldSelectorLike | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        page_size: int | None = None,
    ) -> Iterator[T]:
        """Every item, `limit` at a time (the page size, as client-go's ListOptions.Limit under its pager; `page_size`
        is the older name); an expired continue token (410) falls back to one full list."""
        if page_size is not None:
            limit = page_size
        options: dict[str, Any] = {
            "label_selector": label_selector,
            "field_selector": field_selector,
            "resource_version": resource_version,
            "resource_version_match": resource_version_match,
        }
        seen: set[str] = set()
        continue_ = ""
        while True:
            page_options = dict(options, limit=limit, continue_=continue_)
            if continue_:
                # The server refuses a resourceVersion together with a continue token (client-go's pager too).
                page_options.update(resource_version=None, resource_version_match=None)
            try:
                page = self._fetch(self.list_codec, self._list(page_options))
            except ExpiredError:
                if not continue_:
                    raise
                full = self._fetch(self.list_codec, self._list(dict(options)))
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
        label_selector: SelectorLike | None = None,
        field_selector: FieldSelectorLike | None = None,
        resource_version: str | None = None,
        resource_version_match: str | None = None,
        timeout_seconds: int | None = None,
        allow_watch_bookmarks: bool = False,
        send_initial_events: bool | None = None,
        timeout: float | None = None,
    ) -> Watch[T]:
        """A watch from `resource_version`. `timeout` is the longest silence tolerated before the connection is
        considered dead (default: none, or timeoutSeconds plus a grace period). On asyncio the watch opens on first
        iteration, or at once when awaited."""
        options = {k: v for k, v in locals().items() if k not in ("self", "timeout")}
        call = self._watch(options, timeout)
        return call.configure(self.rest.verb("GET")).watch(self._watch_decoder(call))

    def create(
        self,
        obj: Any,
        *,
        dry_run: DryRun = None,
        field_manager: str | None = None,
        field_validation: str | None = None,
    ) -> T:
        options = {"dry_run": dry_run, "field_manager": field_manager, "field_validation": field_validation}
        result: T = self._fetch(self.codec, self._create(obj, options))
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
        result: T = self._fetch(self.codec, self._update(obj, (), options))
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
        result: T = self._fetch(self.codec, self._update(obj, ("status",), options))
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
        result: T = self._fetch(self.codec, call)
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
        result: T = self._fetch(self.codec, self._apply(config, (), options))
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
        result: T = self._fetch(self.codec, self._apply(config, ("status",), options))
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
        label_selector: SelectorLike | None = None,
        field_selector: FieldSelectorLike | None = None,
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

    def get_subresource(
        self,
        name: str,
        subresource: str,
        *,
        response_type: type[R] | None = None,
        params: Sequence[tuple[str, Any]] | None = None,
    ) -> R:
        call = self._sub("GET", name, subresource, None, params)
        result: R = self._fetch(response_codec(response_type), call)
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
        result: R = self._fetch(response_codec(response_type), call)
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
        result: R = self._fetch(response_codec(response_type), call)
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
        result: R = self._fetch(response_codec(response_type), call)
        return result

    def get_subresource_text(
        self, name: str, subresource: str, *, params: Sequence[tuple[str, Any]] | None = None
    ) -> str:
        """A text subresource (pods/log) as a string."""
        result = self._do(self._sub("GET", name, subresource, None, params))
        return result.raw.text

    def stream_subresource(
        self,
        name: str,
        subresource: str,
        *,
        params: Sequence[tuple[str, Any]] | None = None,
        timeout: float | None = None,
    ) -> Stream:
        """A streamed subresource (pods/log?follow=true): `for line in ...` (the connection closes when the loop
        or an `with` block ends); `aiter_bytes()` for the raw bytes."""
        call = dataclasses.replace(self._sub("GET", name, subresource, None, params), timeout=timeout)
        return call.configure(self.rest.verb("GET")).stream()

    def connect_proxy(
        self,
        name: str,
        path: str = "",
        *,
        port: int | str | None = None,
        method: str = "GET",
        params: Sequence[tuple[str, Any]] | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """An HTTP request the API server proxies to the object's `port` (pods, services, nodes `/proxy`); the
        answer as it came back. Like client-go's ProxyGet, a non-2xx answer raises the typed error."""
        call = self._proxy(
            method, name, path=path, port=port, params=params, body=body, headers=headers, timeout=timeout
        )
        return (self._do(call)).raw

    # Streaming subresources (pods exec, attach, portforward): WebSocket sessions of their own, opened with the
    # Config the REST client was made from. Imported on first use: most programs never stream.

    def connect_exec(self, name: str, command: Sequence[str], **options: Any) -> ExecResult:
        """Run `command` in the pod (kubeclient.remotecommand.exec)."""
        from kubeclient.remotecommand import exec as run

        config, namespace = self._connect_target(name, "exec")
        return run(config, namespace, name, command, **options)

    def connect_exec_stream(self, name: str, command: Sequence[str], **options: Any) -> ExecSession:
        """Start `command` in the pod and return its session (kubeclient.remotecommand.exec_stream)."""
        from kubeclient.remotecommand import exec_stream

        config, namespace = self._connect_target(name, "exec")
        return exec_stream(config, namespace, name, command, **options)

    def connect_attach(self, name: str, **options: Any) -> ExecResult:
        """Attach to the pod's running process until it ends (kubeclient.remotecommand.attach)."""
        from kubeclient.remotecommand import attach

        config, namespace = self._connect_target(name, "attach")
        return attach(config, namespace, name, **options)

    def connect_attach_stream(self, name: str, **options: Any) -> ExecSession:
        """Attach to the pod's running process and return the session (kubeclient.remotecommand.attach_stream)."""
        from kubeclient.remotecommand import attach_stream

        config, namespace = self._connect_target(name, "attach")
        return attach_stream(config, namespace, name, **options)

    def connect_port_forward(
        self, name: str, ports: Sequence[int | str | tuple[int, int]], *, address: str = "127.0.0.1"
    ) -> PortForwarder:
        """Listen on local ports and forward to the pod's (kubeclient.portforward.port_forward)."""
        from kubeclient.portforward import port_forward

        config, namespace = self._connect_target(name, "portforward")
        return port_forward(config, namespace, name, ports, address=address)

    def connect_port_stream(self, name: str, port: int) -> PortStream:
        """One connection to the pod's `port`, in process (kubeclient.portforward.open_stream)."""
        from kubeclient.portforward import open_stream

        config, namespace = self._connect_target(name, "portforward")
        return open_stream(config, namespace, name, port)
