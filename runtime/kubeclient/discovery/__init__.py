"""Discovery: the groups and resources a server serves, kubectl's disk cache, and the RESTMapper."""

from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubeclient.discovery.aio import AsyncDiscoveryClient
from kubeclient.discovery.cache import DiskCache, safe_host
from kubeclient.discovery.client import DiscoveryClient
from kubeclient.discovery.core import GroupDiscoveryFailedError, StaleGroupVersionError
from kubeclient.discovery.restmapper import AmbiguousResourceError, NoMatchError, RESTMapper, RESTMapping

__all__ = [
    "AmbiguousResourceError",
    "AsyncDiscoveryClient",
    "DiscoveryClient",
    "DiskCache",
    "GroupDiscoveryFailedError",
    "GroupInfo",
    "NoMatchError",
    "RESTMapper",
    "RESTMapping",
    "Resource",
    "StaleGroupVersionError",
    "Subresource",
    "safe_host",
]
