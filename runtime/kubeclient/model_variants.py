"""Learned variants: the fast path for objects carrying fields their model does not know.

A server newer than the models puts the same few unknown fields in every object (a v1.37 field in every pod's spec).
The lossless path of `Model.from_json` handles them in Python, object by object, several times slower than the
strict decode. So that path also *learns*: it records, per model class, the unknown wire names it set aside. The next
decode that the strict path refuses is tried with a variant of the model tree in which each class that had unknown
fields is a subclass declaring them as extra optional fields (`Any`), and every class on the way to one is a subclass
whose field types point at the variants. msgspec decodes that in C; a `__post_init__` of the variant moves the values
into `_unknown`, exactly where the lossless path would have put them, so the result encodes, compares, pickles and
round-trips like a model decoded the slow way. The cost is one Python call per object of a class that had unknown
fields, instead of a Python walk of every object. Only a field never seen before takes the lossless path (and is
learned there).

Variant instances are instances of the model class (`isinstance` holds, and `type(obj).__name__` is the model's);
they compare equal to plain instances with the same fields and pickle as plain instances. A class learns at most
`MAX_LEARNED_PER_CLASS` names (a server sending ever new keys only ever takes the lossless path), and recursive
schemas get no variant. `reset()` forgets everything learned (for tests).
"""

from __future__ import annotations

import functools
import operator
import re
import threading
import types
import typing
from typing import Any, Final

import msgspec
from msgspec import UNSET

from kubeclient import model as _model

__all__ = ["MAX_LEARNED_PER_CLASS", "decoder_for", "learn", "learned", "reset"]

MAX_LEARNED_PER_CLASS: Final = 32
# Names a field may be declared under (msgspec refuses quotes, backslashes and control characters); others stay on
# the lossless path.
_NAME: Final = re.compile(r"[^\\\"\x00-\x1f]{1,256}")

_lock = threading.Lock()
_learned: dict[type[Any], tuple[str, ...]] = {}
_generation = 0
# root class -> (generation it was built at, its decoder or None when no variant applies)
_decoders: dict[type[Any], tuple[int, msgspec.json.Decoder[Any] | None]] = {}


def learned() -> dict[type[Any], tuple[str, ...]]:
    """What has been learned so far: model class -> unknown wire names."""
    return dict(_learned)


def reset() -> None:
    """Forget every learned name and variant (tests call this to stay independent of each other)."""
    global _generation
    with _lock:
        _learned.clear()
        _decoders.clear()
        _generation += 1


def learn(cls: type[Any], names: typing.Iterable[str]) -> None:
    """Record unknown wire names of `cls` (called by the lossless path)."""
    global _generation
    known = _learned.get(cls, ())
    new = [name for name in names if name not in known and _NAME.fullmatch(name)]
    if not new or len(known) >= MAX_LEARNED_PER_CLASS:
        return
    with _lock:
        known = _learned.get(cls, ())
        merged = known + tuple(name for name in new if name not in known)
        _learned[cls] = merged[:MAX_LEARNED_PER_CLASS]
        _generation += 1


def base_of(cls: type[Any]) -> type[Any]:
    """The model class a variant class stands for (the class itself otherwise)."""
    base: type[Any] = _model._VARIANT_BASES.get(cls, cls)
    return base


def decoder_for(root: type[Any]) -> msgspec.json.Decoder[Any] | None:
    """A decoder of `root` through variants of every class with learned names, or None when nothing learned is
    reachable from `root` (or the way there is recursive)."""
    if not _learned:
        return None
    cached = _decoders.get(root)
    generation = _generation
    if cached is not None and cached[0] == generation:
        return cached[1]
    try:
        built = _Builder(dict(_learned)).variant(root)
        decoder = msgspec.json.Decoder(built) if built is not None else None
    except (TypeError, ValueError):  # a model msgspec cannot subclass this way: the lossless path stays
        decoder = None
    _decoders[root] = (generation, decoder)
    return decoder


class _Recursive(Exception):
    """The way to a learned class passes through a recursive schema: no variant."""


class _Builder:
    def __init__(self, learned: dict[type[Any], tuple[str, ...]]) -> None:
        self.learned = learned
        self.done: dict[type[Any], type[Any] | None] = {}
        self.active: set[type[Any]] = set()

    def variant(self, root: type[Any]) -> type[Any] | None:
        try:
            return self._variant(root)
        except _Recursive:
            return None

    def _variant(self, cls: type[Any]) -> type[Any] | None:
        if cls in self.done:
            return self.done[cls]
        if cls in self.active:
            raise _Recursive
        self.active.add(cls)
        try:
            hints = typing.get_type_hints(cls, include_extras=True)
            retyped: list[tuple[str, Any, Any]] = []
            for info in msgspec.structs.fields(cls):
                if info.name == "_unknown":
                    continue
                new_type = self._retype(hints[info.name])
                if new_type is not None:
                    default = info.default
                    if info.default_factory is not msgspec.NODEFAULT:
                        default = msgspec.field(default_factory=info.default_factory)
                    retyped.append((info.name, new_type, default))
            names = self.learned.get(cls, ())
            made = _make_variant(cls, retyped, names) if retyped or names else None
        finally:
            self.active.discard(cls)
        self.done[cls] = made
        return made

    def _retype(self, tp: Any) -> Any:
        """`tp` with model classes replaced by their variants, or None when nothing in it changes."""
        if isinstance(tp, type) and issubclass(tp, _model.Model):
            return self._variant(tp)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin is types.UnionType or origin is typing.Union:
            members = [self._retype(arg) for arg in args]
            if all(member is None for member in members):
                return None
            return functools.reduce(operator.or_, [new or old for new, old in zip(members, args, strict=True)])
        if origin is list and len(args) == 1:
            item = self._retype(args[0])
            return None if item is None else list[item]  # type: ignore[valid-type]
        if origin is dict and len(args) == 2:
            value = self._retype(args[1])
            return None if value is None else dict[args[0], value]  # type: ignore[valid-type]
        return None  # leaves, Annotated specials, free-form data: unchanged


def _make_variant(cls: type[Any], retyped: list[tuple[str, Any, Any]], names: tuple[str, ...]) -> type[Any]:
    slots = [(f"_learned_{index}", wire) for index, wire in enumerate(names)]
    fields: list[tuple[str, Any, Any]] = [*retyped, *((attr, Any, UNSET) for attr, _ in slots)]
    namespace: dict[str, Any] = {
        "__eq__": _variant_eq,
        "__ne__": _variant_ne,
        "__reduce__": _variant_reduce,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    if slots:
        namespace["__post_init__"] = _post_init(tuple(slots))
    # A rename given to a subclass applies to the fields it redeclares too: repeat the model's wire names.
    rename = {info.name: info.encode_name for info in msgspec.structs.fields(cls)} | dict(slots)
    variant = msgspec.defstruct(cls.__name__, fields, bases=(cls,), kw_only=True, rename=rename, namespace=namespace)
    _model._VARIANT_BASES[variant] = cls  # type: ignore[index]
    return variant


def _post_init(slots: tuple[tuple[str, str], ...]) -> Any:
    def __post_init__(self: Any) -> None:
        found: dict[str, Any] | None = None
        for attr, wire in slots:
            value = getattr(self, attr)
            if value is not UNSET:
                if found is None:
                    found = {}
                found[wire] = value
                setattr(self, attr, UNSET)
        if found:
            current = self._unknown
            self._unknown = {**current, **found} if current else found
            _model._note_unknown()

    return __post_init__


def _variant_eq(self: Any, other: Any) -> Any:
    base = base_of(type(self))
    if not isinstance(other, base) or base_of(type(other)) is not base:
        return NotImplemented
    return all(getattr(self, name) == getattr(other, name) for name in base.__struct_fields__)


def _variant_ne(self: Any, other: Any) -> Any:
    equal = _variant_eq(self, other)
    return equal if equal is NotImplemented else not equal


def _variant_reduce(self: Any) -> tuple[Any, ...]:
    # msgspec's own reduce, naming the model class: unpickling needs no variant (nested ones reduce alike).
    reduced: Any = msgspec.Struct.__reduce__(self)
    rebuild, (_, state) = reduced
    base = base_of(type(self))
    fields = set(base.__struct_fields__)
    return (rebuild, (base, {name: value for name, value in state.items() if name in fields}))
