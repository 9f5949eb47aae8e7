"""The REST layer: request building and response handling shared by a sync and an asyncio client.

`RESTClient.for_config(cfg, group=, version=)` / `AsyncRESTClient.for_config(...)`; builders in the style of
client-go's rest.Request (`rc.get().namespace("default").resource("pods").param("limit", 100).do().json()`).
"""

from kubeclient.rest.aio import AsyncRequest, AsyncRESTClient, AsyncStream, AsyncWatch
from kubeclient.rest.client import Request, RESTClient, Stream, Watch
from kubeclient.rest.flow import MAX_RETRIES, Result
from kubeclient.rest.ratelimit import TokenBucket
from kubeclient.rest.request import DEFAULT_ACCEPT, PATCH_CONTENT_TYPES, PreparedRequest, RequestBuilder, RequestError
from kubeclient.rest.transport import default_user_agent
from kubeclient.rest.warnings import Warning, WarningHandler, log_once_handler, parse_warning_headers

__all__ = [
    "DEFAULT_ACCEPT",
    "MAX_RETRIES",
    "PATCH_CONTENT_TYPES",
    "AsyncRESTClient",
    "AsyncRequest",
    "AsyncStream",
    "AsyncWatch",
    "PreparedRequest",
    "RESTClient",
    "Request",
    "RequestBuilder",
    "RequestError",
    "Result",
    "Stream",
    "TokenBucket",
    "Warning",
    "WarningHandler",
    "Watch",
    "default_user_agent",
    "log_once_handler",
    "parse_warning_headers",
]
