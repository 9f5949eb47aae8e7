"""One OpenAPI v3 group-version document: its schemas, the kinds they define, and per-path operations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubeclient.apidocs.errors import DocumentError, json_pointer
from kubeclient.schema import GVK

SCHEMA_REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Operation:
    """An operation of a path: the `x-kubernetes-action` and the schemas it takes and returns."""

    path: str
    method: str
    action: str
    kind: GVK | None
    request_schema: str | None
    response_schema: str | None
    response_is_text: bool


def ref_name(schema: Mapping[str, Any]) -> str | None:
    """The component name a schema refers to (directly, or through a single-element allOf)."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
        return ref[len(SCHEMA_REF_PREFIX) :]
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping):
        return ref_name(all_of[0])
    return None


def _gvks(schema: Mapping[str, Any]) -> list[GVK]:
    raw = schema.get("x-kubernetes-group-version-kind")
    if not isinstance(raw, list):
        return []
    return [GVK(str(g.get("group", "")), str(g.get("version", "")), str(g.get("kind", ""))) for g in raw]


def _content_schema(container: Mapping[str, Any] | None) -> tuple[str | None, bool]:
    if not container:
        return None, False
    content = container.get("content") or {}
    for media in ("application/json", "*/*", *content):
        schema = (content.get(media) or {}).get("schema")
        if isinstance(schema, Mapping):
            name = ref_name(schema)
            return name, name is None and schema.get("type") == "string"
    return None, False


class OpenAPIDocument:
    """Read access to one `/openapi/v3/<path>` document; `document` names it in errors."""

    def __init__(self, raw: Mapping[str, Any], document: str) -> None:
        if not isinstance(raw.get("components", {}), Mapping):
            raise DocumentError(document, "/components", "expected an object")
        self.raw = raw
        self.document = document
        self.schemas: Mapping[str, Any] = (raw.get("components") or {}).get("schemas") or {}
        self._by_gvk: dict[GVK, str] | None = None

    def schema(self, name: str) -> Mapping[str, Any]:
        try:
            schema = self.schemas[name]
        except KeyError:
            raise DocumentError(
                self.document, json_pointer("components", "schemas", name), "schema is referenced but not defined"
            ) from None
        if not isinstance(schema, Mapping):
            raise DocumentError(self.document, json_pointer("components", "schemas", name), "expected an object")
        return schema

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        """Follow a `$ref` (or single allOf ref) to the component it names; other schemas are returned as they are."""
        name = ref_name(schema)
        return self.schema(name) if name else schema

    def schema_name_for_kind(self, gvk: GVK) -> str | None:
        """The component that carries `x-kubernetes-group-version-kind` for this kind."""
        if self._by_gvk is None:
            self._by_gvk = {}
            for name, schema in self.schemas.items():
                if isinstance(schema, Mapping):
                    for found in _gvks(schema):
                        self._by_gvk.setdefault(found, name)
        return self._by_gvk.get(gvk)

    def kinds(self) -> dict[GVK, str]:
        self.schema_name_for_kind(GVK("", "", ""))
        assert self._by_gvk is not None
        return dict(self._by_gvk)

    def operations(self) -> Iterator[Operation]:
        for path, item in (self.raw.get("paths") or {}).items():
            if not isinstance(item, Mapping):
                continue
            for method, op in item.items():
                if method == "parameters" or not isinstance(op, Mapping):
                    continue
                responses = op.get("responses") or {}
                response = responses.get("200") or responses.get("201") or responses.get("202")
                request_schema, _ = _content_schema(op.get("requestBody"))
                response_schema, is_text = _content_schema(response)
                kinds = op.get("x-kubernetes-group-version-kind")
                kind = (
                    GVK(str(kinds.get("group", "")), str(kinds.get("version", "")), str(kinds.get("kind", "")))
                    if isinstance(kinds, Mapping)
                    else None
                )
                yield Operation(
                    path=str(path),
                    method=str(method).upper(),
                    action=str(op.get("x-kubernetes-action") or ""),
                    kind=kind,
                    request_schema=request_schema,
                    response_schema=response_schema,
                    response_is_text=is_text,
                )
