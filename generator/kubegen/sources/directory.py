"""A directory of API documents: the project's `openapi/<name>/` snapshots and the upstream fixture layout."""

from __future__ import annotations

import os

from kubeclient.apidocs import APIDocuments

__all__ = ["load_directory"]


def load_directory(directory: str | os.PathLike[str]) -> APIDocuments:
    """Discovery (aggregated, or legacy as fallback) and `openapi/v3/*_openapi.json` documents under `directory`.

    Raises `kubeclient.apidocs.DocumentError` naming the file (and JSON pointer) that is missing or malformed.
    """
    return APIDocuments.from_directory(directory)
