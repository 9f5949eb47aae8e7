"""The generic verbs of one resource (client-go gentype.ClientWithListAndApply), sync and asyncio.

Generated typed clients bind their model types and resource facts to these classes; the dynamic client binds
plain dicts. Keyword options mirror meta/v1 ListOptions, CreateOptions, UpdateOptions, PatchOptions and
DeleteOptions in snake_case. `list_all()` pages with limit/continue and, when a continue token has expired (410),
falls back to one full list, skipping the objects it already yielded.
"""

from kubeclient.resource_async import AsyncResourceClient
from kubeclient.resource_base import AbsentVerb, ResourceBase
from kubeclient.resource_plan import ResourceInfo
from kubeclient.resource_sync import ResourceClient

__all__ = ["AbsentVerb", "AsyncResourceClient", "ResourceBase", "ResourceClient", "ResourceInfo"]
