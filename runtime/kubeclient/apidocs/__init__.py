"""API documents (discovery + OpenAPI v3) read once into facts that the generator and the fake API server share."""

from kubeclient.apidocs.discovery_docs import parse_aggregated, parse_group_list, parse_resource_list
from kubeclient.apidocs.documents import APIDocuments, group_version_path, openapi_file_name, openapi_path_of
from kubeclient.apidocs.errors import DocumentError, json_pointer
from kubeclient.apidocs.model import GroupInfo, Resource, Subresource
from kubeclient.apidocs.openapi import OpenAPIDocument, Operation, ref_name

__all__ = [
    "APIDocuments",
    "DocumentError",
    "GroupInfo",
    "OpenAPIDocument",
    "Operation",
    "Resource",
    "Subresource",
    "group_version_path",
    "json_pointer",
    "openapi_file_name",
    "openapi_path_of",
    "parse_aggregated",
    "parse_group_list",
    "parse_resource_list",
    "ref_name",
]
