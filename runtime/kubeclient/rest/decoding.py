"""Where in an answer a decode failed: msgspec's JSON path with each map value (`[...]`) named by its key.

Used by the error messages of the typed clients and of `Result.into()`; only on the error path.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import msgspec

__all__ = ["resolve_json_path"]

_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")
# Above this size an error message keeps msgspec's `[...]` rather than decode the answer a second time.
_RESOLVE_LIMIT = 4 << 20


def _strip_optional(type_: Any) -> Any:
    args = [a for a in typing.get_args(type_) if a not in (type(None), msgspec.UnsetType)]
    if isinstance(type_, types.UnionType) or typing.get_origin(type_) is typing.Union:
        return args[0] if len(args) == 1 else type_
    return type_


def _fits(value: Any, type_: Any) -> bool:
    from_dict = getattr(type_, "from_dict", None)
    try:
        if callable(from_dict) and isinstance(value, dict):
            from_dict(value)
        else:
            msgspec.convert(value, type_)
    except (msgspec.ValidationError, TypeError, ValueError):
        return False
    return True


def resolve_json_path(model: Any, data: bytes, json_path: str) -> str:
    """msgspec's path with each `[...]` (a map value) replaced by the key whose value does not fit, when it can
    tell: `$.data[...]` becomes `$.data.password`."""
    if "[...]" not in json_path or not isinstance(model, type) or len(data) > _RESOLVE_LIMIT:
        return json_path
    try:
        value: Any = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return json_path
    type_: Any = model
    out = "$"
    for match in _SEGMENT.finditer(json_path, 1):
        name, index = match.group(1), match.group(2)
        type_ = _strip_optional(type_)
        if name is not None:
            if not (isinstance(type_, type) and issubclass(type_, msgspec.Struct)):
                return json_path
            fields = {f.encode_name: f.type for f in msgspec.structs.fields(type_)}
            if not isinstance(value, dict) or name not in value or name not in fields:
                return json_path
            value, type_, out = value[name], fields[name], f"{out}.{name}"
        elif index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return json_path
            value, type_, out = value[int(index)], (typing.get_args(type_) or (Any,))[0], f"{out}[{index}]"
        else:
            item_type = (typing.get_args(type_) or (Any, Any))[-1]
            if not isinstance(value, dict):
                return json_path
            bad = next((k for k, v in value.items() if not _fits(v, item_type)), None)
            if bad is None:
                return json_path
            value, type_ = value[bad], item_type
            out += f".{bad}" if re.fullmatch(r"[A-Za-z_][\w-]*", bad) else f"[{bad!r}]"
    return out
