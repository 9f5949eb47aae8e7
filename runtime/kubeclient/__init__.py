"""kubeclient: client-go for Python — config, REST, dynamic and discovery clients, informers, workqueue.

Names are imported lazily on first use so that `import kubeclient` stays cheap (a CLI that only loads a config
does not pay for httpx, the informer machinery or the fake API server).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from kubeclient._version import __version__

if TYPE_CHECKING:
    from kubeclient.config import Config, ConfigError, load_config, load_incluster_config
    from kubeclient.discovery import AsyncDiscoveryClient, DiscoveryClient, RESTMapper
    from kubeclient.dynamic import AsyncDynamicClient, DynamicClient
    from kubeclient.errors import (
        AlreadyExistsError,
        ApiError,
        BadRequestError,
        CannotConnectError,
        ConflictError,
        ExpiredError,
        ForbiddenError,
        GoneError,
        InternalError,
        InvalidError,
        MethodNotAllowedError,
        NotFoundError,
        RequestEntityTooLargeError,
        RequestTimeoutError,
        ResponseDecodeError,
        ServerTimeoutError,
        ServiceUnavailableError,
        StatusError,
        TLSError,
        TooManyRequestsError,
        TransportError,
        UnauthorizedError,
    )
    from kubeclient.rest import AsyncRESTClient, RESTClient
    from kubeclient.schema import GVK, GVR, GroupVersion
    from kubeclient.watch import WatchEvent

_ERRORS = (
    "AlreadyExistsError",
    "ApiError",
    "BadRequestError",
    "CannotConnectError",
    "ConflictError",
    "ExpiredError",
    "ForbiddenError",
    "GoneError",
    "InternalError",
    "InvalidError",
    "MethodNotAllowedError",
    "NotFoundError",
    "RequestEntityTooLargeError",
    "RequestTimeoutError",
    "ResponseDecodeError",
    "ServerTimeoutError",
    "ServiceUnavailableError",
    "StatusError",
    "TLSError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
)

_LAZY: dict[str, str] = {
    "Config": "kubeclient.config",
    "ConfigError": "kubeclient.config",
    "load_config": "kubeclient.config",
    "load_incluster_config": "kubeclient.config",
    "RESTClient": "kubeclient.rest",
    "AsyncRESTClient": "kubeclient.rest",
    "DynamicClient": "kubeclient.dynamic",
    "AsyncDynamicClient": "kubeclient.dynamic",
    "DiscoveryClient": "kubeclient.discovery",
    "AsyncDiscoveryClient": "kubeclient.discovery",
    "RESTMapper": "kubeclient.discovery",
    "WatchEvent": "kubeclient.watch",
    "GVK": "kubeclient.schema",
    "GVR": "kubeclient.schema",
    "GroupVersion": "kubeclient.schema",
    # Errors too: the generated models import the runtime, and `from kubeapi.core.v1 import Pod` needs none of them.
    **dict.fromkeys(_ERRORS, "kubeclient.errors"),
}
_SUBMODULES = frozenset(
    {"cache", "workqueue", "labels", "fields", "testing", "apidocs", "leaderelection", "errors"}
    | {"wait", "watchtools", "events", "manifests", "metadata", "scale", "ownership"}
)

__all__ = [
    "GVK",
    "GVR",
    "AlreadyExistsError",
    "ApiError",
    "AsyncDiscoveryClient",
    "AsyncDynamicClient",
    "AsyncRESTClient",
    "BadRequestError",
    "CannotConnectError",
    "Config",
    "ConfigError",
    "ConflictError",
    "DiscoveryClient",
    "DynamicClient",
    "ExpiredError",
    "ForbiddenError",
    "GoneError",
    "GroupVersion",
    "InternalError",
    "InvalidError",
    "MethodNotAllowedError",
    "NotFoundError",
    "RESTClient",
    "RESTMapper",
    "RequestEntityTooLargeError",
    "RequestTimeoutError",
    "ResponseDecodeError",
    "ServerTimeoutError",
    "ServiceUnavailableError",
    "StatusError",
    "TLSError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
    "WatchEvent",
    "__version__",
    "load_config",
    "load_incluster_config",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"kubeclient.{name}")
    raise AttributeError(f"module 'kubeclient' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | _SUBMODULES)
