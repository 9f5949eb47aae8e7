"""Kubernetes' protobuf encoding for the fake server: `k8s\\x00` + runtime.Unknown{typeMeta, raw} around an object
whose message layout comes from a facts-only snapshot of the `generated.proto` files (field numbers, names, types),
converted to and from the JSON form the rest of the fake works with.

The snapshot is made by `python -m kubeclient.testing.protobuf snapshot <proto dir> <out.json>` and holds no
comments. Special messages map as apimachinery's JSON does: Time/MicroTime to RFC 3339 strings, Duration to Go's
duration text, IntOrString to an int or a string, Quantity to its string, RawExtension/FieldsV1 to embedded JSON,
`bytes` to base64."""

from __future__ import annotations

import base64
import datetime
import functools
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MAGIC = b"k8s\x00"
META = "k8s.io.apimachinery.pkg.apis.meta.v1"
UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"
TIME = {f"{META}.Time", f"{META}.MicroTime"}
DURATION = f"{META}.Duration"
INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
RAW = {"k8s.io.apimachinery.pkg.runtime.RawExtension", f"{META}.FieldsV1"}
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float", "sint32", "sint64"}
# API groups whose k8s.io/api package is not the first label of the group name.
PACKAGE_OF_GROUP = {"": "core", "internal.apiserver.k8s.io": "apiserverinternal"}


class ProtobufError(ValueError):
    """A body that is not Kubernetes protobuf, or not the message it claims to be."""


# Snapshot: generated.proto files to facts.

_PACKAGE = re.compile(r"^package\s+([\w.]+)\s*;", re.M)
_MESSAGE = re.compile(r"^message\s+(\w+)\s*\{(.*?)^\}", re.M | re.S)
_FIELD = re.compile(
    r"^\s*(optional|repeated)?\s*(map<\s*(\w+)\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;", re.M
)


def parse_proto(text: str) -> dict[str, list[list[Any]]]:
    """The messages of one proto2 file: {"pkg.Name": [[number, name, label, type], ...]} with `label` one of
    "optional", "repeated" or "map" (then `type` is "key,value") and message types fully qualified."""
    package_match = _PACKAGE.search(text)
    package = package_match.group(1) if package_match else ""
    out: dict[str, list[list[Any]]] = {}
    body_text = re.sub(r"//[^\n]*", "", text)
    for message in _MESSAGE.finditer(body_text):
        fields: list[list[Any]] = []
        for f in _FIELD.finditer(message.group(2)):
            label, type_, key, value, name, number = f.groups()
            if key is not None:
                fields.append([int(number), name, "map", f"{key},{_qualify(value, package)}"])
            else:
                fields.append([int(number), name, label or "optional", _qualify(type_, package)])
        out[f"{package}.{message.group(1)}"] = sorted(fields)
    return out


def _qualify(type_: str, package: str) -> str:
    if type_ in SCALARS:
        return type_
    return type_[1:] if type_.startswith(".") else f"{package}.{type_}"


def _json_properties(openapi: Path) -> dict[str, set[str]]:
    """JSON property names of each OpenAPI v3 component schema, keyed by its protobuf message name."""
    out: dict[str, set[str]] = {}
    for path in sorted(openapi.glob("*.json")):
        for name, schema in ((json.loads(path.read_text()).get("components") or {}).get("schemas") or {}).items():
            if isinstance(schema, dict) and schema.get("properties") and name.startswith("io.k8s."):
                out["k8s.io." + name.removeprefix("io.k8s.")] = set(schema["properties"])
    return out


def mark_inline(messages: dict[str, list[list[Any]]], properties: Mapping[str, set[str]]) -> None:
    """Label "inline" the message fields that JSON flattens into their parent (Go's embedded structs, such as
    Probe's ProbeHandler): fields the parent's OpenAPI schema does not list by name."""
    for message, layout in messages.items():
        known = properties.get(message)
        if not known:
            continue
        for field in layout:
            if field[2] == "optional" and field[3] not in SCALARS and field[1] not in known:
                field[2] = "inline"


def snapshot(source: Path, target: Path, openapi: Path | None = None) -> int:
    """Write the facts of every generated.proto under `source` to `target` (the OpenAPI v3 documents in `openapi`,
    by default `source`/../openapi/v3, say which fields are inlined); returns the number of messages."""
    messages: dict[str, list[list[Any]]] = {}
    for path in sorted(source.rglob("generated.proto")):
        messages.update(parse_proto(path.read_text()))
    mark_inline(messages, _json_properties(openapi or source.parent / "openapi" / "v3"))
    doc = {"source": "generated.proto of k8s.io/api and k8s.io/apimachinery", "messages": messages}
    target.write_text(json.dumps(doc, sort_keys=True, separators=(",", ":")) + "\n")
    return len(messages)


# Wire format.


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ProtobufError("varint too long")


def _put_varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(number, wire type, value) of each field: varints as ints, length-delimited as bytes, fixed as bytes."""
    out = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise ProtobufError("truncated field")
            value, pos = data[pos : pos + size], pos + size
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
        out.append((number, wire, value))
    return out


def _signed(value: int, bits: int = 64) -> int:
    return value - (1 << 64) if value >= 1 << (bits - 1) and value < 1 << 64 and value >= 1 << 63 else value


def _go_duration(nanos: int) -> str:
    if nanos == 0:
        return "0s"
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)
    hours, rest = divmod(nanos, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    seconds = rest / 10**9
    text = f"{seconds:.9f}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    return sign + text


@functools.lru_cache(maxsize=1)
def default_codec() -> Codec | None:
    """The codec of the v1.36 snapshot beside the fake's API documents, or None when it is absent."""
    from kubeclient.testing.server import default_documents_dir

    path = default_documents_dir() / "protobuf.json"
    return Codec.load(path) if path.is_file() else None


class Codec:
    """Converts between protobuf bytes and JSON values for the messages of a snapshot."""

    def __init__(self, messages: Mapping[str, list[list[Any]]]) -> None:
        self.messages = messages

    @classmethod
    def load(cls, path: Path) -> Codec:
        return cls(json.loads(path.read_text())["messages"])

    def message_for(self, api_version: str, kind: str) -> str | None:
        if kind == "Status" and api_version == "v1":
            return f"{META}.Status"
        group, _, version = api_version.rpartition("/")
        package = PACKAGE_OF_GROUP.get(group, group.split(".")[0])
        for prefix in ("k8s.io.api", "k8s.io.apimachinery.pkg.apis"):
            name = f"{prefix}.{package}.{version}.{kind}"
            if name in self.messages:
                return name
        return None

    # decoding

    def unwrap(self, body: bytes) -> tuple[str, str, bytes]:
        """(apiVersion, kind, raw) of a `k8s\\x00`-prefixed runtime.Unknown."""
        if not body.startswith(MAGIC):
            raise ProtobufError("the body does not start with the Kubernetes protobuf prefix")
        api_version = kind = ""
        raw = b""
        for number, wire, value in fields(body[len(MAGIC) :]):
            if number == 1 and wire == 2:
                for n, w, v in fields(value):
                    if w == 2 and n == 1:
                        api_version = v.decode()
                    elif w == 2 and n == 2:
                        kind = v.decode()
            elif number == 2 and wire == 2:
                raw = value
        return api_version, kind, raw

    def decode(self, body: bytes) -> dict[str, Any]:
        """The JSON form of a protobuf-encoded object (apiVersion and kind from its Unknown envelope)."""
        api_version, kind, raw = self.unwrap(body)
        message = self.message_for(api_version, kind)
        if message is None:
            raise ProtobufError(f"no protobuf message for {api_version}, Kind={kind}")
        out = {"kind": kind, "apiVersion": api_version}
        out.update(self.to_json(message, raw))
        return out

    def to_json(self, message: str, raw: bytes) -> dict[str, Any]:
        layout = {f[0]: f for f in self.messages.get(message, [])}
        out: dict[str, Any] = {}
        for number, wire, value in fields(raw):
            field = layout.get(number)
            if field is None:
                continue  # a field of a newer version: dropped, as Go's decoder does
            _, name, label, type_ = field
            if label == "map":
                key_type, value_type = type_.split(",", 1)
                entry = {n: v for n, _, v in fields(value)}
                key = self._scalar(key_type, entry.get(1, b""))
                out.setdefault(name, {})[key] = self._value(value_type, entry.get(2, b""))
            elif label == "inline":
                out.update(self.to_json(type_, value))
            elif label == "repeated":
                if wire == 2 and type_ not in ("string", "bytes") and type_ in SCALARS:
                    pos, packed = 0, []
                    while pos < len(value):
                        item, pos = _varint(value, pos)
                        packed.append(self._scalar(type_, item))
                    out.setdefault(name, []).extend(packed)
                else:
                    out.setdefault(name, []).append(self._value(type_, value))
            else:
                decoded = self._value(type_, value)
                # Go's encoder writes non-pointer fields even when zero; JSON omits them (omitempty), and so
                # does this decoder. A pointer field explicitly set to zero (replicas: 0) reads as absent too.
                if decoded is not None and not (type_ in SCALARS and decoded in ("", 0, False)):
                    out[name] = decoded
        return out

    def _value(self, type_: str, value: Any) -> Any:
        if type_ in SCALARS:
            return self._scalar(type_, value)
        if type_ in TIME:
            parts = {n: v for n, _, v in fields(value)}
            seconds, nanos = _signed(parts.get(1, 0)), parts.get(2, 0)
            if seconds == 0 and nanos == 0:
                return None  # the zero Time, which JSON writes as null
            moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
            if type_.endswith("MicroTime"):
                return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos // 1000:06d}Z"
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if type_ == DURATION:
            return _go_duration(_signed({n: v for n, _, v in fields(value)}.get(1, 0)))
        if type_ == INT_OR_STRING:
            parts = {n: v for n, _, v in fields(value)}
            return parts.get(3, b"").decode() if parts.get(1, 0) == 1 else _signed(parts.get(2, 0))
        if type_ == QUANTITY:
            return {n: v for n, _, v in fields(value)}.get(1, b"").decode()
        if type_ in RAW:
            raw = {n: v for n, _, v in fields(value)}.get(1, b"")
            return json.loads(raw) if raw else None
        return self.to_json(type_, value)

    @staticmethod
    def _scalar(type_: str, value: Any) -> Any:
        if type_ == "string":
            return bytes(value).decode()
        if type_ == "bytes":
            return base64.b64encode(bytes(value)).decode()
        if type_ == "bool":
            return bool(value)
        if type_ in ("double", "float"):
            import struct

            return struct.unpack("<d" if type_ == "double" else "<f", value)[0]
        if type_ in ("int32", "int64"):
            return _signed(int(value))
        return int(value)

    # encoding

    def encode(self, obj: Mapping[str, Any]) -> bytes:
        """`obj` (JSON form, with apiVersion and kind) as `k8s\\x00` + runtime.Unknown."""
        api_version, kind = str(obj.get("apiVersion") or ""), str(obj.get("kind") or "")
        message = self.message_for(api_version, kind)
        if message is None:
            raise ProtobufError(f"no protobuf message for {api_version}, Kind={kind}")
        type_meta = _tag(1, _text(api_version)) + _tag(2, _text(kind))
        raw = self.from_json(message, obj)
        return MAGIC + _tag(1, type_meta) + _tag(2, raw) + _tag(3, b"") + _tag(4, b"")

    def from_json(self, message: str, obj: Mapping[str, Any]) -> bytes:
        out = bytearray()
        for number, name, label, type_ in self.messages.get(message, []):
            if label == "inline":
                inner = self.from_json(type_, obj)
                if inner:
                    out += _tag(number, inner)
                continue
            if name not in obj or obj[name] is None:
                continue
            value = obj[name]
            if label == "map":
                key_type, value_type = type_.split(",", 1)
                for key in sorted(value):
                    entry = self._field(1, key_type, key) + self._field(2, value_type, value[key])
                    out += _tag(number, entry)
            elif label == "repeated":
                for item in value:
                    out += self._field(number, type_, item)
            else:
                out += self._field(number, type_, value)
        return bytes(out)

    def _field(self, number: int, type_: str, value: Any) -> bytes:
        if type_ in ("string", "bytes"):
            data = base64.b64decode(value) if type_ == "bytes" else str(value).encode()
            return _tag(number, data)
        if type_ == "bool":
            return _put_varint(number << 3) + _put_varint(1 if value else 0)
        if type_ in SCALARS:
            return _put_varint(number << 3) + _put_varint(int(value))
        if type_ in TIME:
            moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            seconds = int(moment.timestamp())
            body = _put_varint(1 << 3) + _put_varint(seconds)
            if type_.endswith("MicroTime") and moment.microsecond:
                body += _put_varint(2 << 3) + _put_varint(moment.microsecond * 1000)
            return _tag(number, body)
        if type_ == INT_OR_STRING:
            if isinstance(value, str):
                body = (
                    _put_varint(1 << 3) + _put_varint(1) + _put_varint(2 << 3) + _put_varint(0) + _tag(3, _text(value))
                )
            else:
                body = _put_varint(1 << 3) + _put_varint(0) + _put_varint(2 << 3) + _put_varint(value) + _tag(3, b"")
            return _tag(number, body)
        if type_ == QUANTITY:
            return _tag(number, _tag(1, _text(str(value))))
        if type_ in RAW:
            return _tag(number, _tag(1, json.dumps(value, separators=(",", ":")).encode()))
        return _tag(number, self.from_json(type_, value))


def watch_frame(event_type: str, encoded: bytes) -> bytes:
    """One event of a protobuf watch stream as kube-apiserver writes it: a 4-byte big-endian length, then a bare
    meta/v1 WatchEvent{type, object: RawExtension{raw}} (no `k8s\\x00` prefix: the stream's own serializer is the
    raw one) whose raw is `encoded`, the object's usual `k8s\\x00` + runtime.Unknown."""
    event = _tag(1, _text(event_type)) + _tag(2, _tag(1, encoded))
    return len(event).to_bytes(4, "big") + event


def _text(value: str) -> bytes:
    return value.encode()


def _tag(number: int, payload: bytes) -> bytes:
    return _put_varint(number << 3 | 2) + _put_varint(len(payload)) + payload


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "snapshot":
        print("usage: python -m kubeclient.testing.protobuf snapshot <proto dir> <out.json>", file=sys.stderr)
        return 2
    count = snapshot(Path(argv[1]), Path(argv[2]))
    print(f"{count} messages written to {argv[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
