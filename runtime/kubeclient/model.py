"""The base of every generated Kubernetes model: typed msgspec Structs that decode fast and never drop data.

Field values and the wire:

- An optional field the object does not carry is `UNSET` (falsy, never encoded); a field the server sent as `null`
  (`lastProbeTime: null`, `creationTimestamp: null` inside pod templates) is `None` and is encoded as `null` again.
  Both distinctions live in the struct itself, so decoding stays in msgspec's C code even when nulls are present.
- Required fields are required when constructing; decoding still accepts real objects that omit them (the field is
  then `UNSET`) or send `null` (the field is then `None`) and re-encodes them the same way.
- Fields a model does not know (a newer server, a newer CRD version) are kept at any depth in the private
  `_unknown` field of the struct that carried them and re-emitted where they were, so a read-modify-write cycle
  sends them back unchanged.
- Kubernetes specials stay exactly as the server writes them: `Quantity`, `Time` and `MicroTime` are strings (use
  `parse_time` / `format_time` / `format_micro_time` for datetimes), `IntOrString` is `int | str`, free-form data
  (RawExtension, x-kubernetes-preserve-unknown-fields) is `dict[str, Any]` or `Any`.
- managedFields' `fieldsV1` is `FieldsV1`: the JSON the server sent, kept as bytes (`msgspec.Raw`, as client-go keeps
  `FieldsV1.Raw`) and parsed only when read (`to_dict`, `managedfields`, `msgspec.json.decode`). It is about half of
  a real object's bytes and, as dicts, more than half of its memory; no client reads it on the hot path.
- `api_version` and `kind` of a top-level kind default to the kind's own values (`type_meta("apps/v1")`). A default
  that was never overwritten is left out where the object is nested (list items come without them from the server)
  and added when the object itself is encoded, so requests always carry them.

Decoding takes a strict path first (one cached `msgspec.json.Decoder` per class, unknown fields refused, the cyclic
GC paused for large inputs); only when that fails does the lossless path run: decode to builtins and convert again,
where msgspec converts every clean subtree in one go and Python handles only the objects on the way to what the
strict path refused (unknown fields set aside, stand-ins for missing or null required fields, numeric quantities).
Unknown field names the lossless path sets aside are learned (`kubeclient.model_variants`): the next object carrying
them decodes in C through variants of the models that declare them, so a newer server's extra fields cost about as
much as the fields themselves, not a second, slower decode of everything.
Encoding lifts the set-aside fields out of the private member in the encoded bytes, so it stays in C as well.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import os
import re
import sys
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any, Final, NamedTuple, TypeAlias, TypeVar, overload

import msgspec
from msgspec import UNSET, UnsetType

__all__ = [
    "JSON",
    "META",
    "UNKNOWN_FIELDS_KEY",
    "UNSET",
    "ApplyConfiguration",
    "FieldsV1",
    "IntOrString",
    "MetaAccessor",
    "MetaView",
    "MicroTime",
    "Model",
    "Quantity",
    "RawExtension",
    "Time",
    "UnsetType",
    "format_micro_time",
    "format_time",
    "model_repr",
    "parse_time",
    "raw_json",
    "type_meta",
]

Self = TypeVar("Self", bound="Model")
_T = TypeVar("_T")


class _Special:
    """A marker in `Annotated` metadata naming a Kubernetes special string type (msgspec ignores it)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


_QUANTITY = _Special("Quantity")

Quantity: TypeAlias = Annotated[str, _QUANTITY]
"""A resource quantity ("500m", "1Gi") exactly as the server wrote it; numbers given on input become strings."""

IntOrString: TypeAlias = int | str
"""An int or a string ("25%"), as the server wrote it."""

Time: TypeAlias = Annotated[str, _Special("Time")]
"""RFC 3339 time with seconds precision in UTC ("2026-11-22T12:49:29Z"), kept as the exact wire string."""

MicroTime: TypeAlias = Annotated[str, _Special("MicroTime")]
"""RFC 3339 time with 6 fractional digits ("2026-11-22T12:49:29.123456Z"), kept as the exact wire string."""

RawExtension: TypeAlias = dict[str, Any]
"""An embedded object of any kind (runtime.RawExtension), as plain JSON."""

JSON: TypeAlias = Any
"""Any JSON value (apiextensions JSON, x-kubernetes-preserve-unknown-fields without properties)."""

FieldsV1: TypeAlias = msgspec.Raw
"""A managedFields entry's field set as the JSON bytes the server sent (compacted), parsed only when read:
`msgspec.json.decode(entry.fields_v1)` or `managedfields.FieldSet.from_fields_v1(entry.fields_v1)`; build one with
`raw_json({...})`. A null on the wire is `msgspec.Raw(b"null")`."""

UNKNOWN_FIELDS_KEY: Final = f"$kubeclient:unknown:{os.urandom(8).hex()}"  # not `secrets`: 15 ms of import
"""The wire name of the private field holding unknown fields; never sent, merged back into its object.

Random per process: encoding finds the member by its name, and decoding fills it from a key of that name, so no key
on the wire (an unknown field, a key of free-form data such as a RawExtension or a CRD property) may ever equal it.
"""

_UNKNOWN_MARK: Final = b'"' + UNKNOWN_FIELDS_KEY.encode() + b'":'

# Decoding this much or more pauses the cyclic GC: a large decode allocates many tracked lists and dicts and would
# otherwise set off repeated full collections (half the time of a 5000-pod list); models make no cycles.
_GC_PAUSE_BYTES: Final = 64 * 1024


def parse_time(value: str) -> _dt.datetime:
    """A `Time` or `MicroTime` string as an aware UTC datetime."""
    return _dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(_dt.UTC)


def format_time(value: _dt.datetime) -> str:
    """A datetime as a `Time` string (seconds precision, "Z"); naive datetimes are taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(_dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_micro_time(value: _dt.datetime) -> str:
    """A datetime as a `MicroTime` string (6 fractional digits, "Z"); naive datetimes are taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(_dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def raw_json(value: Any) -> msgspec.Raw:
    """Any JSON-like value as `msgspec.Raw` (what a `FieldsV1` field holds)."""
    return msgspec.Raw(_ENCODER.encode(value))


class _TypeMetaDefault(str):
    """A default apiVersion/kind value: equal to the string, but recognisable as never set by anyone."""

    __slots__ = ()


def type_meta(value: str) -> str:
    """The default of a top-level kind's `api_version` / `kind` field (see the module docstring)."""
    return _TypeMetaDefault(value)


class Model(
    msgspec.Struct,
    kw_only=True,
    omit_defaults=True,
    forbid_unknown_fields=True,
    repr_omit_defaults=True,
    gc=False,  # models hold JSON-like data only and never take part in reference cycles
    rename={"_unknown": UNKNOWN_FIELDS_KEY},
):
    """Base class of generated models: `from_json` / `from_dict` / `to_json` / `to_dict`, lossless for unknown fields.

    Subclasses are declared `class Pod(Model, kw_only=True, rename={"pod_ip": "podIP", ...})`.
    """

    _unknown: dict[str, Any] | UnsetType = UNSET

    @classmethod
    def from_json(cls: type[Self], data: bytes | str) -> Self:
        """Decode JSON; unknown fields are kept (see the module docstring); bad data raises msgspec.ValidationError
        naming the JSON path, malformed JSON msgspec.DecodeError."""
        decoder = _DECODERS.get(cls)
        if decoder is None:
            decoder = _DECODERS[cls] = msgspec.json.Decoder(cls)
        refs = sys.getrefcount(data)  # see own_managed_fields
        try:
            if len(data) < _GC_PAUSE_BYTES:
                obj: Self = decoder.decode(data)
            else:
                with _gc_paused():
                    obj = decoder.decode(data)
        except msgspec.ValidationError:
            learned = _decode_learned(cls, data)
            if learned is None:
                by_item = _decode_by_item(cls, data)
                if by_item is not None:
                    return by_item
                with _gc_paused():
                    raw = msgspec.json.decode(data)
                return _lossless(cls, raw)
            obj = learned
        if type(data) is bytes:
            own_managed_fields(obj)
            if sys.getrefcount(data) <= refs:
                return obj
        own_raw_values(obj, data)
        return obj

    @classmethod
    def from_dict(cls: type[Self], data: Mapping[str, Any]) -> Self:
        """Build from plain JSON-like data (dicts, lists, str, int, float, bool, None); the input is not modified.

        Other mappings and sequences are copied into dicts and lists first (msgspec reads a non-dict mapping like
        an object's attributes and would skip its unknown keys)."""
        if type(data) is not dict:
            data = _plain_copy(data)
        try:
            return msgspec.convert(data, cls)
        except msgspec.ValidationError:
            pass
        return _lossless(cls, data)

    def to_json(self) -> bytes:
        """Encode to JSON bytes with wire names, unknown fields put back where they were decoded."""
        out = _ENCODER.encode(self)
        if _UNKNOWN_MARK in out:
            out = _splice_unknown(out)
        prefix = _type_meta_prefix(self)
        if prefix:
            out = b"{" + prefix + (b"}" if out == b"{}" else b"," + out[1:])
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-like data with wire names (the inverse of `from_dict`), unknown fields included."""
        with _gc_paused():
            out: dict[str, Any] = msgspec.to_builtins(self, enc_hook=_builtin_of)
            if _unknown_seen:
                _merge_unknown(out)
        if isinstance(getattr(self, "api_version", None), _TypeMetaDefault) or isinstance(
            getattr(self, "kind", None), _TypeMetaDefault
        ):
            out = {**_type_meta_dict(self), **out}
        return out


class ApplyConfiguration(Model, kw_only=True):
    """Base of generated apply configurations: every field optional, only set fields are encoded."""

    @classmethod
    def extract(cls: type[Self], obj: Model | Mapping[str, Any], field_manager: str, *, subresource: str = "") -> Self:
        """The apply configuration of what `field_manager` owns in `obj` (from its managedFields), as client-go's
        `Extract<Kind>`; `subresource` selects the manager's entries for a subresource ("status")."""
        from kubeclient import managedfields

        data = obj.to_dict() if isinstance(obj, Model) else dict(obj)
        return cls.from_dict(managedfields.extract(data, field_manager, subresource=subresource))

    @staticmethod
    def _appended(current: list[_T] | UnsetType | None, values: tuple[_T, ...], builder: str = "") -> list[_T]:
        """What an appending `with_*` builder stores: `current` and then `values`. Given `builder`, one list or
        tuple passed instead of the items is refused (it would be sent as a nested array)."""
        if builder and len(values) == 1 and isinstance(values[0], list | tuple):
            raise TypeError(
                f"{builder}() takes the items themselves: {builder}(*items), not one {type(values[0]).__name__}"
            )
        return [*(current or ()), *values]


_DECODERS: dict[type[Model], msgspec.json.Decoder[Any]] = {}
_ENCODER: Final = msgspec.json.Encoder()


def _builtin_of(value: Any) -> Any:
    """`to_builtins` hook: raw JSON (FieldsV1) becomes the value it encodes."""
    if type(value) is msgspec.Raw:
        return msgspec.json.decode(value)
    raise NotImplementedError(f"cannot convert {type(value).__name__} to JSON-like data")


def model_repr(self: Model) -> str:
    """The repr of a model holding raw JSON: as msgspec's, with `msgspec.Raw(b'...')` showing the bytes."""
    parts = []
    for info in msgspec.structs.fields(self):
        value = getattr(self, info.name)
        if value is info.default:
            continue
        shown = f"msgspec.Raw({bytes(value)!r})" if type(value) is msgspec.Raw else repr(value)
        parts.append(f"{info.name}={shown}")
    return f"{type(self).__name__}({', '.join(parts)})"


# Set once any object carries unknown fields: until then `to_dict` needs no merge walk.
_unknown_seen = False

# Learned variant class -> the model class it stands for (filled by kubeclient.model_variants).
_VARIANT_BASES: dict[type[Model], type[Model]] = {}


def _note_unknown() -> None:
    global _unknown_seen
    _unknown_seen = True


# A list kind -> its envelope: the same class with `items` kept as raw JSON, or None when it is no list kind.
_ENVELOPES: dict[type[Model], msgspec.json.Decoder[Any] | None] = {}


def _envelope(cls: type[Model]) -> msgspec.json.Decoder[Any] | None:
    if cls in _ENVELOPES:
        return _ENVELOPES[cls]
    decoder = None
    items = _plan(cls).fields.get("items")
    item = items.kind.item if items is not None and items.attr == "items" and items.kind.tag == "list" else None
    if item is not None and item.tag == "struct":
        rename = {info.name: info.encode_name for info in msgspec.structs.fields(cls)}
        shell = msgspec.defstruct(
            cls.__name__, [("items", list[msgspec.Raw] | None, None)], bases=(cls,), kw_only=True, rename=rename
        )
        decoder = msgspec.json.Decoder(shell)
    _ENVELOPES[cls] = decoder
    return decoder


def _decode_by_item(cls: type[Self], data: bytes | str) -> Self | None:
    """A list kind decoded item by item, so that only the items carrying what the strict path refuses take the
    lossless path (and teach their unknown fields to the next decode); None when `cls` is no list kind or the list
    around the items needs the lossless path itself."""
    envelope = _envelope(cls)
    if envelope is None:
        return None
    try:
        shell = envelope.decode(data)
    except msgspec.ValidationError:
        return None
    item_kind = _plan(cls).fields["items"].kind.item
    assert item_kind is not None and item_kind.cls is not None
    item_cls = item_kind.cls
    values = {name: getattr(shell, name) for name in cls.__struct_fields__}
    if shell.items is not None:
        with _gc_paused():
            values["items"] = [item_cls.from_json(item) for item in shell.items]
    return cls(**values)


def _decode_learned(cls: type[Self], data: bytes | str) -> Self | None:
    """`data` decoded through the learned variants of `cls` (model_variants), or None when they do not apply."""
    from kubeclient import model_variants

    decoder = model_variants.decoder_for(cls)
    if decoder is None:
        return None
    try:
        with _gc_paused():
            obj: Self = decoder.decode(data)
    except msgspec.ValidationError:
        return None
    return obj


def _type_meta_dict(obj: Model) -> dict[str, str]:
    out: dict[str, str] = {}
    for attr, wire in (("api_version", "apiVersion"), ("kind", "kind")):
        value = getattr(obj, attr, None)
        if isinstance(value, _TypeMetaDefault):
            out[wire] = str.__str__(value)
    return out


def _type_meta_prefix(obj: Model) -> bytes:
    meta = _type_meta_dict(obj)
    return _ENCODER.encode(meta)[1:-1] if meta else b""


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC (when it runs) for one bulk allocation; another thread's decode may run meanwhile."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_JSON_TOKEN: Final = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}]')


def _splice_unknown(out: bytes) -> bytes:
    """Lift every encoded private member's contents (`"<UNKNOWN_FIELDS_KEY>":{...}`) into the object that holds it.

    The private field is the first field of every model, so its members become that object's first members.
    """
    parts = []
    pos = 0
    while (found := out.find(_UNKNOWN_MARK, pos)) >= 0:
        start = found + len(_UNKNOWN_MARK)  # at the "{" of the unknown fields
        depth = 0
        end = start
        for token in _JSON_TOKEN.finditer(out, start):
            if token.group() == b"{":
                depth += 1
            elif token.group() == b"}":
                depth -= 1
                if depth == 0:
                    end = token.start()
                    break
        parts.append(out[pos:found])
        inner = out[start + 1 : end]
        parts.append(inner)
        pos = end + 1
        if not inner and out[pos : pos + 1] == b",":
            pos += 1
    parts.append(out[pos:])
    return b"".join(parts)


def _merge_unknown(value: Any) -> Any:
    """Put every `_unknown` mapping of encoded builtins back into the object that carried it."""
    if type(value) is dict:
        extra = value.pop(UNKNOWN_FIELDS_KEY, None)
        for item in value.values():
            if type(item) is dict or type(item) is list:
                _merge_unknown(item)
        if extra:
            value.update(extra)
    elif type(value) is list:
        for item in value:
            if type(item) is dict or type(item) is list:
                _merge_unknown(item)
    return value


def _plain_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_plain_copy(v) for v in value]
    return value


# The lossless path. A plan tells, per struct class and wire name, what the walk needs: which attribute, whether
# null is allowed, how to descend (struct / list / map / quantity), and a stand-in value for missing required data.


# Plain classes, not dataclasses: importing dataclasses (and inspect with it) would add 6 ms to every model import.
class _Kind(NamedTuple):
    tag: str  # "struct", "list", "map", "quantity", "raw", "leaf"
    cls: type[Model] | None = None
    item: _Kind | None = None
    placeholder: Any = None

    @property
    def descends(self) -> bool:
        return self.tag != "leaf" and (self.item is None or self.item.descends)


class _Field(NamedTuple):
    attr: str
    kind: _Kind
    nullable: bool
    required: bool


class _Plan:
    __slots__ = ("descend", "fields", "required", "strict", "wires")

    def __init__(self) -> None:
        self.fields: dict[str, _Field] = {}
        self.required: list[str] = []
        self.wires: frozenset[str] = frozenset()
        # Fields the walk must look at: where structs or quantities may sit, and where null is not allowed.
        self.descend: frozenset[str] = frozenset()
        self.strict: list[tuple[str, _Field]] = []


_PLANS: dict[type[Model], _Plan] = {}
_LEAF_PLACEHOLDERS: dict[Any, Any] = {str: "", int: 0, float: 0.0, bool: False, bytes: ""}


def _kind_of(tp: Any) -> tuple[_Kind, bool]:
    """The walk kind of a type annotation and whether it admits None."""
    nullable = False
    special: _Special | None = None
    if typing.get_origin(tp) is Annotated:
        special = next((m for m in tp.__metadata__ if isinstance(m, _Special)), None)
        tp = tp.__origin__
    origin = typing.get_origin(tp)
    if origin is types.UnionType or origin is typing.Union:
        members = [m for m in typing.get_args(tp) if m is not type(None) and m is not UnsetType]
        nullable = len(members) < len(typing.get_args(tp)) and type(None) in typing.get_args(tp)
        if len(members) == 1:
            kind, inner_nullable = _kind_of(members[0])
            return kind, nullable or inner_nullable
        return _Kind("leaf", placeholder=_placeholder_of_union(members)), nullable
    if special is _QUANTITY:
        return _Kind("quantity", placeholder="0"), nullable
    if tp is msgspec.Raw:
        return _Kind("raw", placeholder=_RAW_NULL), True  # takes null itself
    if isinstance(tp, type) and issubclass(tp, Model):
        return _Kind("struct", cls=tp), nullable
    if origin in (list, Sequence):
        item, _ = _kind_of(typing.get_args(tp)[0])
        return _Kind("list", item=item, placeholder=[]), nullable
    if origin in (dict, Mapping):
        item, _ = _kind_of(typing.get_args(tp)[1])
        return _Kind("map", item=item, placeholder={}), nullable
    if tp is Any:
        return _Kind("leaf", placeholder=None), True
    return _Kind("leaf", placeholder=_LEAF_PLACEHOLDERS.get(tp, "")), nullable


def _placeholder_of_union(members: list[Any]) -> Any:
    for member in members:
        kind, _ = _kind_of(member)
        if kind.tag != "struct":
            return _placeholder(kind)
    return _placeholder(_kind_of(members[0])[0])


def _plan(cls: type[Model]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _Plan()
        hints = typing.get_type_hints(cls, include_extras=True)
        for info in msgspec.structs.fields(cls):
            if info.name == "_unknown":
                continue
            kind, nullable = _kind_of(hints[info.name])
            plan.fields[info.encode_name] = _Field(info.name, kind, nullable, info.required)
            if info.required:
                plan.required.append(info.encode_name)
        plan.wires = frozenset(plan.fields)
        plan.descend = frozenset(w for w, f in plan.fields.items() if f.kind.descends)
        plan.strict = [(w, f) for w, f in plan.fields.items() if f.required or not f.nullable]
        _PLANS[cls] = plan
    return plan


def _placeholder(kind: _Kind) -> Any:
    """A value msgspec accepts for `kind`; it stands in for missing/null required data and is replaced afterwards."""
    if kind.tag == "struct":
        assert kind.cls is not None
        plan = _plan(kind.cls)
        return {wire: _placeholder(plan.fields[wire].kind) for wire in plan.required}
    if kind.tag in ("list", "map"):
        return type(kind.placeholder)()
    return kind.placeholder


_MISSING: Final = object()
_RAW_NULL: Final = msgspec.Raw(b"null")

# Per model class: the fields on the way to raw JSON values (FieldsV1), which a strict decode leaves as views into
# the whole input; they are copied out, or one pod of a list would keep the list's bytes alive.
_RAW_STEPS: dict[type[Model], tuple[tuple[str, _Kind], ...]] = {}


def _classes_of(kind: _Kind) -> Iterator[type[Model]]:
    if kind.cls is not None:
        yield kind.cls
    if kind.item is not None:
        yield from _classes_of(kind.item)


def _raw_steps(root: type[Model]) -> tuple[tuple[str, _Kind], ...]:
    """The fields of `root` that hold or lead to raw JSON (computed once, for every class reachable from it)."""
    known = _RAW_STEPS.get(root)
    if known is not None:
        return known
    root = _VARIANT_BASES.get(root, root)
    known = _RAW_STEPS.get(root)
    if known is not None:
        return known
    graph: dict[type[Model], list[tuple[str, _Kind]]] = {}
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls in graph or cls in _RAW_STEPS:
            continue
        graph[cls] = [(f.attr, f.kind) for f in _plan(cls).fields.values()]
        todo.extend(sub for _, kind in graph[cls] for sub in _classes_of(kind))
    reaching = {cls for cls, steps in _RAW_STEPS.items() if steps}

    def leads(kind: _Kind) -> bool:
        if kind.tag == "raw":
            return True
        if kind.tag == "struct":
            return kind.cls in reaching
        return kind.item is not None and leads(kind.item)

    grown = True
    while grown:  # a fixpoint: schemas may be recursive
        grown = False
        for cls, fields in graph.items():
            if cls not in reaching and any(leads(kind) for _, kind in fields):
                reaching.add(cls)
                grown = True
    for cls, fields in graph.items():
        _RAW_STEPS[cls] = tuple((attr, kind) for attr, kind in fields if leads(kind))
    return _RAW_STEPS[root]


_FIELDS_V1_KEY: Final = b'"fieldsV1"'


def own_raw_values(obj: Model, data: Any) -> None:
    """Copy every raw JSON value of `obj`, just decoded strictly from `data`, out of `data` (see `_RAW_STEPS`).

    Raw values are managedFields' fieldsV1 of the object (or of a list's items) in practice; schemas let them sit in
    nested object metadata too (a pod's ephemeral volume claim templates), which a walk of every object would find
    at many times the cost of the decode. So the top-level ones are copied first, and the walk runs only when `data`
    holds more fieldsV1 keys than were found there (a count in C; a string value spelled like the key can only make
    the walk run needlessly).
    """
    cls = type(obj)
    steps = _raw_steps(cls)
    if not steps:
        return
    if not _raw_only_fields_v1(cls):
        _detach_raw(obj, steps)
        return
    if type(data) is bytes:
        expected = data.count(_FIELDS_V1_KEY)
    elif type(data) is str:
        expected = data.count('"fieldsV1"')
    else:
        expected = bytes(data).count(_FIELDS_V1_KEY)
    if expected == 0:
        return
    if own_managed_fields(obj) != expected:
        _detach_raw(obj, steps)  # copies the rest; the ones copied above own their bytes already and copy again


def own_managed_fields(obj: Model) -> int:
    """Copy the raw fieldsV1 of `obj`'s managedFields (or of each list item's) out of the input; how many.

    Nested object metadata may hold more (see `own_raw_values`). A caller that kept the input can tell: a raw
    value keeps a reference to the bytes it was decoded from, so `sys.getrefcount(data)` back at its value from
    before the decode means nothing else points into it (what a watch checks for every event).

    On the way, the strings that repeat from object to object (kind, apiVersion, namespace, and each managedFields
    entry's manager, operation, apiVersion, fieldsType and time) are interned: a cache of 20,000 ConfigMaps held a
    fifth of its memory in copies of them, and this walk visits them anyway."""
    found = 0
    items = getattr(obj, "items", None) if type(obj).__name__.endswith("List") else None
    for item in items if type(items) is list else (obj,):
        _intern_attrs(item, _OBJECT_STRINGS)
        meta = getattr(item, "metadata", None)
        if meta is None:
            continue
        _intern_attrs(meta, _META_STRINGS)
        entries = getattr(meta, "managed_fields", None)
        if type(entries) is list:
            for entry in entries:
                _intern_attrs(entry, _ENTRY_STRINGS)
                raw = getattr(entry, "fields_v1", None)
                if type(raw) is msgspec.Raw:
                    entry.fields_v1 = _own_raw(raw)
                    found += 1
    return found


_OBJECT_STRINGS: Final = ("api_version", "kind")
_META_STRINGS: Final = ("namespace",)
_ENTRY_STRINGS: Final = ("manager", "operation", "api_version", "fields_type", "time")


def _intern_attrs(obj: Any, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(obj, name, None)
        if type(value) is str:
            setattr(obj, name, sys.intern(value))


_ONLY_FIELDS_V1: dict[type[Model], bool] = {}


def _raw_only_fields_v1(root: type[Model]) -> bool:
    """Whether every raw JSON field reachable from `root` is a `fieldsV1` (as in every Kubernetes model)."""
    root = _VARIANT_BASES.get(root, root)
    known = _ONLY_FIELDS_V1.get(root)
    if known is None:
        seen: set[type[Model]] = set()
        todo = [root]
        known = True
        while todo and known:
            cls = todo.pop()
            if cls in seen:
                continue
            seen.add(cls)
            for wire, spec in _plan(cls).fields.items():
                kind: _Kind | None = spec.kind
                while kind is not None and kind.tag in ("list", "map"):
                    kind = kind.item
                if kind is not None and kind.tag == "raw" and (wire != "fieldsV1" or spec.kind.tag != "raw"):
                    known = False
                todo.extend(_classes_of(spec.kind))
        _ONLY_FIELDS_V1[root] = known
    return known


def _detach_raw(obj: Model, steps: tuple[tuple[str, _Kind], ...]) -> None:
    for attr, kind in steps:
        value = getattr(obj, attr)
        if kind.tag == "raw":
            if type(value) is msgspec.Raw:
                setattr(obj, attr, _own_raw(value))
        else:
            _detach_value(value, kind)


def _detach_value(value: Any, kind: _Kind) -> None:
    if isinstance(value, Model):
        steps = _raw_steps(type(value))
        if steps:
            _detach_raw(value, steps)
    elif kind.item is not None:
        item = kind.item
        if type(value) is list:
            for index, member in enumerate(value):
                if type(member) is msgspec.Raw:
                    value[index] = _own_raw(member)
                else:
                    _detach_value(member, item)
        elif type(value) is dict:
            for key, member in value.items():
                if type(member) is msgspec.Raw:
                    value[key] = _own_raw(member)
                else:
                    _detach_value(member, item)


def _own_raw(raw: msgspec.Raw) -> msgspec.Raw:
    """A copy of `raw` that owns its bytes, compacted (as Go compacts a MarshalJSON result) if it was indented."""
    data = bytes(raw)
    # A newline cannot occur inside a JSON string, and the server writes no `": `: either means indented input.
    if b"\n" in data or b'": ' in data:
        data = msgspec.json.format(data, indent=-1)
    return msgspec.Raw(data)


def _to_raw(value: Any) -> msgspec.Raw:
    return value if type(value) is msgspec.Raw else raw_json(value)


def _convert_struct(raw: dict[str, Any], cls: type[Self], path: str) -> Self:
    """`raw` as `cls`: msgspec converts clean subtrees in one go; Python handles only the objects on the way to
    unknown fields, missing or null required fields and numeric quantities. `raw` itself is not modified."""
    try:
        return msgspec.convert(raw, cls)
    except msgspec.ValidationError:
        pass
    plan = _plan(cls)
    raw = dict(raw)
    keys = raw.keys()
    unknown = {key: raw.pop(key) for key in [k for k in keys if k not in plan.wires]} if keys - plan.wires else None
    absent: list[str] = []
    nulls: list[str] = []
    for wire, spec in plan.strict:
        value = raw.get(wire, _MISSING)
        if value is _MISSING:
            if spec.required:
                raw[wire] = _placeholder(spec.kind)
                absent.append(spec.attr)
        elif value is None and not spec.nullable:
            raw[wire] = _placeholder(spec.kind)
            nulls.append(spec.attr)
    for wire in keys & plan.descend:
        value = raw[wire]
        kind = plan.fields[wire].kind
        if value is not None or kind.tag == "raw":
            raw[wire] = _convert_value(value, kind, f"{path}.{wire}")
    try:
        obj = msgspec.convert(raw, cls)
    except msgspec.ValidationError as exc:
        raise _at(exc, path) from None
    if unknown:
        global _unknown_seen
        obj._unknown = unknown
        _unknown_seen = True
        from kubeclient import model_variants

        model_variants.learn(cls, unknown)
    for attr in absent:
        setattr(obj, attr, UNSET)
    for attr in nulls:
        setattr(obj, attr, None)
    return obj


def _convert_value(value: Any, kind: _Kind, path: str) -> Any:
    tag = kind.tag
    if tag == "struct":
        assert kind.cls is not None
        return _convert_struct(value, kind.cls, path) if type(value) is dict else value
    if tag == "raw":
        return _to_raw(value)
    if tag == "quantity":
        if type(value) is int:
            return str(value)
        if type(value) is float:
            return format(Decimal(repr(value)).normalize(), "f")
        return value
    item = kind.item
    if item is None:
        return value
    if tag == "list" and type(value) is list:
        return [_convert_value(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
    if tag == "map" and type(value) is dict:
        return {k: _convert_value(v, item, f"{path}.{k}") for k, v in value.items()}
    return value


def _at(exc: msgspec.ValidationError, path: str) -> msgspec.ValidationError:
    """The error with its JSON path made absolute (msgspec words paths relative to what it converted)."""
    message = str(exc)
    if path == "$":
        return exc
    if " - at `$" in message:
        return msgspec.ValidationError(message.replace(" - at `$", f" - at `{path}", 1))
    return msgspec.ValidationError(f"{message} - at `{path}`")


def _lossless(cls: type[Self], raw: Any) -> Self:
    if type(raw) is not dict:
        # Let msgspec word the error ("Expected `object`, got ...").
        return msgspec.convert(raw, cls)
    with _gc_paused():
        return _convert_struct(raw, cls, "$")


def _unset_to_none(value: Any) -> Any:
    return None if value is UNSET else value


class MetaView:
    """An object's metadata with plain types, for reading (client-go's metav1.Object accessors, `GetName()` ...).

    `obj.meta.name` is a `str` for mypy where `obj.metadata.name` is `str | UnsetType | None` (metadata itself may be
    unset): what the server always sets reads directly, and an unset or null value reads as "" / 0 / an empty
    mapping or list / None. The model's fields are untouched, so UNSET and None stay distinct on the wire, and the
    view costs nothing until read. Write through `obj.metadata`.
    """

    __slots__ = ("_meta",)

    def __init__(self, metadata: Any) -> None:
        self._meta = None if metadata is UNSET else metadata

    def _get(self, attr: str) -> Any:
        return None if self._meta is None else _unset_to_none(getattr(self._meta, attr, None))

    def _text(self, attr: str) -> str:
        value = self._get(attr)
        return value if isinstance(value, str) else ""

    @property
    def name(self) -> str:
        return self._text("name")

    @property
    def namespace(self) -> str:
        return self._text("namespace")

    @property
    def uid(self) -> str:
        return self._text("uid")

    @property
    def resource_version(self) -> str:
        return self._text("resource_version")

    @property
    def generate_name(self) -> str:
        return self._text("generate_name")

    @property
    def generation(self) -> int:
        value = self._get("generation")
        return value if isinstance(value, int) else 0

    @property
    def creation_timestamp(self) -> str | None:
        """The RFC 3339 text, as the model keeps it (`parse_time` makes it a datetime); None when unset."""
        value = self._get("creation_timestamp")
        return value if isinstance(value, str) else None

    @property
    def deletion_timestamp(self) -> str | None:
        value = self._get("deletion_timestamp")
        return value if isinstance(value, str) else None

    @property
    def labels(self) -> Mapping[str, str]:
        return self._get("labels") or {}

    @property
    def annotations(self) -> Mapping[str, str]:
        return self._get("annotations") or {}

    @property
    def finalizers(self) -> Sequence[str]:
        return self._get("finalizers") or ()

    @property
    def owner_references(self) -> Sequence[Any]:
        return self._get("owner_references") or ()

    @property
    def key(self) -> str:
        """`namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc)."""
        namespace = self.namespace
        return f"{namespace}/{self.name}" if namespace else self.name

    def __repr__(self) -> str:
        return f"MetaView(key={self.key!r}, uid={self.uid!r}, resource_version={self.resource_version!r})"


class MetaAccessor:
    """The `meta` attribute of every generated kind whose metadata is ObjectMeta: a `MetaView` of `obj.metadata`."""

    __slots__ = ()

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> MetaAccessor: ...

    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> MetaView: ...

    def __get__(self, obj: object | None, objtype: type | None = None) -> MetaAccessor | MetaView:
        if obj is None:
            return self
        return MetaView(getattr(obj, "metadata", None))


META: Final = MetaAccessor()
