"""The I/O-free half of the generic resource clients: namespace handling and the `Call` of each verb.

`ResourceClient` (sync) and `AsyncResourceClient` subclass `ResourceBase` and only send the calls it plans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Generic, NoReturn, Self, TypeVar

import msgspec

from kubeclient.errors import ResponseDecodeError
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
from kubeclient.rest.decoding import resolve_json_path
from kubeclient.rest.request import encode_body

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "WATCH_READ_GRACE",
    "AbsentVerb",
    "ResourceBase",
    "decode_error",
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


_JSON_PATH = re.compile(r" - at `(\$[^`]*)`$")
_VERBS = {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


def decode_error(
    exc: Exception, info: ResourceInfo, call: Call, codec: Any, prefix: str = "", *, data: bytes = b""
) -> ResponseDecodeError:
    """A msgspec error on a 2xx answer, as one line naming the verb, the resource, the request and the JSON path."""
    verb = _VERBS.get(call.method, call.method.lower())
    if call.method == "GET" and call.name is None:
        verb = "watch" if any(key == "watch" and value for key, value in call.params) else "list"
    elif call.method == "DELETE" and call.name is None:
        verb = "delete_collection"
    resource = f"{info.plural}.{info.group}" if info.group else info.plural
    if call.subresource:
        resource += "/" + "/".join(call.subresource)
    segments = [prefix.rstrip("/")]
    if call.namespace:
        segments += ["namespaces", call.namespace]
    segments.append(call.resource)
    if call.name is not None:
        segments.append(call.name)
    segments += list(call.subresource)
    path = "/".join(segments)
    target = f"{resource} {call.name!r}" if call.name is not None else resource
    where = f' in namespace "{call.namespace}"' if call.namespace else ""
    model = getattr(getattr(codec, "type", None), "__name__", "the model")
    text = str(exc)
    match = _JSON_PATH.search(text)
    json_path = match.group(1) if match else ""
    if isinstance(exc, msgspec.ValidationError) and not match:
        json_path = "$"
    if json_path and data:
        try:
            json_path = resolve_json_path(getattr(codec, "type", None), data, json_path)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError):
            # A better path is a nicety: the error being reported is what matters.
            json_path = match.group(1) if match else json_path
    what = text[: match.start()] if match else text
    at = f" at {json_path}" if json_path else ""
    message = f"cannot decode the answer to {verb} {target}{where} ({call.method} {path}) as {model}: {what}{at}"
    return ResponseDecodeError(
        message, resource=resource, method=call.method, path=path, json_path=json_path, cause=exc
    )


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

    def _decode(self, codec: Codec[Any], call: Call, data: bytes) -> Any:
        """`codec.decode(data)`; a body that does not fit becomes a ResponseDecodeError, never a bare msgspec one."""
        try:
            return codec.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise decode_error(exc, self.info, call, codec, getattr(self.rest, "prefix", ""), data=data) from None

    def _watch_decoder(self, call: Call) -> Any:
        codec = self.codec

        def decode(data: bytes) -> Any:
            return self._decode(codec, call, data)

        return decode

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

    def _proxy(
        self,
        method: str,
        name: str,
        *,
        path: str,
        port: int | str | None,
        params: Sequence[tuple[str, Any]] | None,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        timeout: float | None,
    ) -> Call:
        """A request the API server proxies to the object (`name[:port]/proxy/path`, client-go's ProxyGet)."""
        target = f"{name}:{port}" if port not in (None, "") else name
        return Call(
            method.upper(),
            self._ns_for(),
            self.info.plural,
            name=target,
            subresource=("proxy", *(segment for segment in path.split("/") if segment)),
            params=list(params or []),
            body=body,
            headers=dict(headers or {}),
            timeout=timeout,
        )

    def _connect_target(self, name: str, subresource: str) -> tuple[Any, str]:
        """The Config and namespace a streaming subresource (pods exec, attach, portforward) connects with."""
        if (self.info.group, self.info.plural) != ("", "pods"):
            raise ValueError(f"{self.info.plural}/{subresource} is not a streaming subresource kubeclient serves")
        config = getattr(self.rest, "config", None)
        if config is None:
            raise ValueError(
                f"pods/{subresource} opens its own connection from the Config: make the client with for_config"
            )
        namespace = self._ns_for()
        assert namespace is not None
        return config, namespace

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
