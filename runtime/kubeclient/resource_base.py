"""The I/O-free half of the generic resource clients: namespace handling and the `Call` of each verb.

`ResourceClient` (sync) and `AsyncResourceClient` subclass `ResourceBase` and only send the calls it plans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, NoReturn, Self, TypeVar

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
from kubeclient.rest.request import encode_body

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "WATCH_READ_GRACE",
    "AbsentVerb",
    "ResourceBase",
    "item_key",
    "items_and_continue",
    "response_codec",
]

T = TypeVar("T")
L = TypeVar("L")

DEFAULT_PAGE_SIZE = 500
# Added to a watch's timeoutSeconds for the client-side silence limit: the server closes first in the normal case.
WATCH_READ_GRACE = 30.0


def items_and_continue(page: Any) -> tuple[list[Any], str]:
    if isinstance(page, Mapping):
        items = page.get("items") or []
        cont = (page.get("metadata") or {}).get("continue") or ""
        return list(items), str(cont)
    meta = getattr(page, "metadata", None)
    cont = getattr(meta, "continue_", None) or getattr(meta, "_continue", None) or ""
    return list(getattr(page, "items", None) or []), str(cont)


def item_key(item: Any) -> str:
    try:
        return f"{object_namespace(item)}/{object_name(item)}"
    except ValueError:
        return repr(item)


def response_codec(response_type: type[Any] | None) -> Codec[Any]:
    return DictCodec() if response_type is None else ModelCodec(response_type)


class ResourceBase(Generic[T, L]):
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

    def _watch_decoding(self) -> tuple[Callable[[bytes], Any] | None, type[Any] | None]:
        """How watch events decode their objects: dicts (None) or the codec's, with the type it makes so that the
        watch decodes envelope and object in one pass (kubeclient.watch.WatchDecoder)."""
        if type(self.codec) is DictCodec:
            return None, None
        return self.codec.decode, getattr(self.codec, "type", None)

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


class AbsentVerb:
    """A class attribute of a generated client hiding a generic verb the server does not offer for its resource.

    Reading it raises AttributeError (so `hasattr(client, "update")` is False), the way client-go's generated
    interface of a resource simply lacks the method.
    """

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.owner = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner = owner.__name__

    def __get__(self, obj: object, objtype: type | None = None) -> NoReturn:
        raise AttributeError(f"{self.owner} has no verb {self.verb!r}: the server does not serve it for this resource")
