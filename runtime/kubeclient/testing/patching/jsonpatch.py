"""RFC 6902 JSON patch as kube-apiserver v1.36 applies it (gopkg.in/evanphx/json-patch.v4 semantics).

Differences from the RFC that the real server has, and this module keeps:
- `add` at the root path "" fails ("doc is missing path"); `replace` at "" replaces the whole document.
- `replace` of a missing object member adds it; negative array indices count from the end.
- a member holding `null` and a missing member are the same to `test` (both pass a test for null).
- `copy` from a missing object member copies `null`.
- more than 10000 operations → 413; a patch that is not a list of objects → 400; a failing operation → 422.
"""

from __future__ import annotations

import copy
from typing import Any

from kubeclient.testing.patching.errors import PatchError

MAX_OPERATIONS = 10000


class _OpError(Exception):
    pass


def _decode_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if value is None:
        return "null"
    return "number"


def _parse_int(token: str) -> int:
    # Go's strconv.Atoi: optional sign, decimal digits only.
    body = token[1:] if token[:1] in "+-" else token
    if not body or not body.isascii() or not body.isdigit():
        raise _OpError(f'strconv.Atoi: parsing "{token}": invalid syntax')
    return int(token)


def _find_container(doc: Any, path: str) -> tuple[Any, str] | None:
    """The object or array holding the last token of `path`, or None when any step is missing."""
    parts = path.split("/")
    if len(parts) < 2:
        return None
    node = doc
    # Like the server, the first token (before the first "/") is ignored rather than required to be empty.
    for raw in parts[1:-1]:
        token = _decode_token(raw)
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list):
            try:
                index = _parse_int(token)
            except _OpError:
                return None
            if index < 0:
                if index < -len(node):
                    return None
                index += len(node)
            if index >= len(node):
                return None
            node = node[index]
        else:
            return None
        if not isinstance(node, dict | list):
            return None
    return node, _decode_token(parts[-1])


def _array_index(container: list[Any], key: str, *, size: int) -> int:
    index = _parse_int(key)
    if index >= size:
        raise _OpError(f"Unable to access invalid index: {index}: invalid index referenced")
    if index < 0:
        if index < -size:
            raise _OpError(f"Unable to access invalid index: {index}: invalid index referenced")
        index += size
    return index


def _get(container: Any, key: str) -> Any:
    if isinstance(container, dict):
        return container.get(key)
    return container[_array_index(container, key, size=len(container))]


def _add(container: Any, key: str, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    try:
        _parse_int(key)
    except _OpError as exc:
        raise _OpError(f"value was not a proper array index: '{key}': {exc}") from None
    index = _array_index(container, key, size=len(container) + 1)
    container.insert(index, value)


def _remove(container: Any, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise _OpError(f"Unable to remove nonexistent key: {key}: missing value")
        del container[key]
        return
    index = _parse_int(key)
    if index >= len(container):
        raise _OpError(f"Unable to access invalid index: {index}: invalid index referenced")
    del container[_array_index(container, key, size=len(container))]


def _equal(a: Any, b: Any) -> bool:
    # The server compares raw JSON: 1 and 1.0 differ, true and 1 differ.
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _string_field(op: dict[str, Any], name: str) -> str | None:
    value = op.get(name)
    return value if isinstance(value, str) else None


def _apply_one(doc: Any, op: dict[str, Any]) -> Any:
    kind = op.get("op")
    kind = kind if isinstance(kind, str) else "unknown"
    path = _string_field(op, "path")
    value = copy.deepcopy(op.get("value"))
    if kind == "add":
        if path is None:
            raise _OpError("add operation failed to decode path: missing value")
        found = _find_container(doc, path)
        if found is None:
            raise _OpError(f'add operation does not apply: doc is missing path: "{path}": missing value')
        try:
            _add(found[0], found[1], value)
        except _OpError as exc:
            raise _OpError(f"error in add for path: '{path}': {exc}") from None
        return doc
    if kind == "remove":
        if path is None:
            raise _OpError("remove operation failed to decode path: missing value")
        found = _find_container(doc, path)
        if found is None:
            raise _OpError(f'remove operation does not apply: doc is missing path: "{path}": missing value')
        try:
            _remove(found[0], found[1])
        except _OpError as exc:
            raise _OpError(f"error in remove for path: '{path}': {exc}") from None
        return doc
    if kind == "replace":
        if path is None:
            raise _OpError("replace operation failed to decode path: operation missing path field: missing value")
        if path == "":
            if not isinstance(value, dict | list):
                # Go formats the nil error it wraps here as "%!w(<nil>)".
                raise _OpError("replace operation value must be object or array: %!w(<nil>)")
            return value
        found = _find_container(doc, path)
        if found is None:
            raise _OpError(f"replace operation does not apply: doc is missing path: {path}: missing value")
        container, key = found
        if isinstance(container, list):
            try:
                index = _array_index(container, key, size=len(container))
            except _OpError:
                raise _OpError(f"replace operation does not apply: doc is missing key: {path}: missing value") from None
            container[index] = value
        else:
            container[key] = value
        return doc
    if kind == "move":
        source = _string_field(op, "from")
        if source is None:
            raise _OpError("move operation failed to decode from: operation, missing from field: missing value")
        found = _find_container(doc, source)
        if found is None:
            raise _OpError(f"move operation does not apply: doc is missing from path: {source}: missing value")
        container, key = found
        try:
            moved = _get(container, key)
            _remove(container, key)
        except _OpError as exc:
            raise _OpError(f"error in move for path: '{key}': {exc}") from None
        if path is None:
            raise _OpError("move operation failed to decode path: operation missing path field: missing value")
        target = _find_container(doc, path)
        if target is None:
            raise _OpError(f"move operation does not apply: doc is missing destination path: {path}: missing value")
        try:
            _add(target[0], target[1], moved)
        except _OpError as exc:
            raise _OpError(f"error in move for path: '{path}': {exc}") from None
        return doc
    if kind == "copy":
        source = _string_field(op, "from")
        if source is None:
            raise _OpError("copy operation failed to decode from: operation, missing from field: missing value")
        found = _find_container(doc, source)
        if found is None:
            raise _OpError(f"copy operation does not apply: doc is missing from path: {source}: missing value")
        try:
            copied = copy.deepcopy(_get(found[0], found[1]))
        except _OpError as exc:
            raise _OpError(f"error in copy for from: '{source}': {exc}") from None
        if path is None:
            raise _OpError("copy operation failed to decode path: missing value")
        target = _find_container(doc, path)
        if target is None:
            raise _OpError(f"copy operation does not apply: doc is missing destination path: {path}: missing value")
        try:
            _add(target[0], target[1], copied)
        except _OpError as exc:
            raise _OpError(f"error while adding value during copy: {exc}") from None
        return doc
    if kind == "test":
        if path is None:
            raise _OpError("test operation failed to decode path: operation missing path field: missing value")
        if path == "":
            if _equal(doc, value):
                return doc
            raise _OpError(f"testing value {path} failed: test failed")
        found = _find_container(doc, path)
        if found is None:
            raise _OpError(f"test operation does not apply: is missing path: {path}: missing value")
        try:
            current = _get(found[0], found[1])
        except _OpError as exc:
            raise _OpError(f"error in test for path: '{path}': {exc}") from None
        if current is None and value is None:
            return doc
        if current is None or value is None or not _equal(current, value):
            raise _OpError(f"testing value {path} failed: test failed")
        return doc
    raise _OpError(f"Unexpected kind: {kind}")


def apply_json_patch(doc: Any, ops: Any) -> Any:
    """Apply the operations `ops` (the decoded patch body) to a copy of `doc`; `doc` is not modified.

    Raises PatchError: 400 when `ops` is not a list of objects, 413 above 10000 operations, 422 when an
    operation fails (its `detail` is the server library's text, e.g. "testing value /a failed: test failed").
    """
    if not isinstance(ops, list):
        raise PatchError(f"json: cannot unmarshal {_go_type(ops)} into Go value of type jsonpatch.Patch", code=400)
    for op in ops:
        if not isinstance(op, dict):
            raise PatchError(
                f"json: cannot unmarshal {_go_type(op)} into Go value of type jsonpatch.Operation", code=400
            )
    if len(ops) > MAX_OPERATIONS:
        raise PatchError(
            f"The allowed maximum operations in a JSON patch is {MAX_OPERATIONS}, got {len(ops)}", code=413
        )
    result = copy.deepcopy(doc)
    for op in ops:
        try:
            result = _apply_one(result, op)
        except _OpError as exc:
            raise PatchError(str(exc), code=422) from None
    return result
