"""Content negotiation: which representation an Accept header asks for (object, Table, PartialObjectMetadata)."""

from __future__ import annotations

from dataclasses import dataclass

from kubeclient.testing.status import not_acceptable

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"
TABLE_MEDIA = "application/json;as=Table;v=v1;g=meta.k8s.io"
ACCEPTED = [
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
    "application/cbor",
    "application/apply-patch+cbor",
]


@dataclass(frozen=True)
class Output:
    """`form` is "object", "table" or "metadata"; `media` is the Content-Type to answer with."""

    form: str
    media: str
    version: str = "v1"


def _parse(header: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for p in pieces[1:]:
            k, _, v = p.partition("=")
            params[k.strip().lower()] = v.strip()
        out.append((pieces[0].lower(), params))
    return out


def negotiate(accept: str, *, is_list: bool, aggregated_ok: bool = False) -> Output:
    """The first acceptable entry; JSON is the only encoding the fake speaks (protobuf entries are skipped)."""
    if not accept.strip():
        return Output("object", JSON)
    for media, params in _parse(accept):
        if media == YAML and not params:
            return Output("object", YAML)
        # `stream=watch` names the framing of a watch; kube-apiserver takes it on any request.
        if media == PROTOBUF and params in ({}, {"stream": "watch"}):
            return Output("object", JSON)  # encoded at the edge (wire.answer_protobuf) when the kind has a message
        if media not in (JSON, "*/*", "application/*"):
            continue
        as_ = params.get("as", "")
        group, version = params.get("g", ""), params.get("v", "")
        if not as_:
            return Output("object", JSON)
        if as_ == "Table" and group == "meta.k8s.io" and version in ("v1", "v1beta1"):
            return Output("table", f"application/json;as=Table;v={version};g=meta.k8s.io", version)
        wanted = "PartialObjectMetadataList" if is_list else "PartialObjectMetadata"
        if as_ == wanted and group == "meta.k8s.io" and version in ("v1", "v1beta1"):
            return Output("metadata", f"application/json;as={as_};v={version};g=meta.k8s.io", version)
        if as_ == "APIGroupDiscoveryList" and group == "apidiscovery.k8s.io" and aggregated_ok and version == "v2":
            return Output("aggregated", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
    raise not_acceptable(ACCEPTED)
