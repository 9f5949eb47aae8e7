"""Field selectors (k8s.io/apimachinery/pkg/fields): "metadata.name=x,status.phase!=Running".

Only =, == and != exist; values may escape `\\`, `,` and `=` with a backslash, as in Go's fields.ParseSelector.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "FieldSelectorError",
    "Selector",
    "Term",
    "escape_value",
    "everything",
    "parse",
    "selector_from_set",
    "selector_string",
]


class FieldSelectorError(ValueError):
    """A field selector string is not valid."""


def escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


@dataclass(frozen=True, order=True)
class Term:
    field: str
    operator: str  # "=", "==" or "!="
    value: str

    def matches(self, fields: Mapping[str, str]) -> bool:
        equal = fields.get(self.field) == self.value
        return not equal if self.operator == "!=" else equal

    def __str__(self) -> str:
        return f"{self.field}{self.operator}{escape_value(self.value)}"


@dataclass(frozen=True)
class Selector:
    """A conjunction of terms; empty matches everything."""

    terms: tuple[Term, ...] = ()

    def matches(self, fields: Mapping[str, str]) -> bool:
        return all(t.matches(fields) for t in self.terms)

    def requires(self, field: str) -> str | None:
        """The value an `=`/`==` term demands for `field`, if any (lets a server narrow a lookup)."""
        for t in self.terms:
            if t.field == field and t.operator != "!=":
                return t.value
        return None

    def empty(self) -> bool:
        return not self.terms

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def everything() -> Selector:
    return Selector()


def selector_from_set(fields: Mapping[str, str]) -> Selector:
    return Selector(tuple(sorted(Term(k, "=", v) for k, v in fields.items())))


def _split_unescaped(text: str) -> list[str]:
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if escaped:
        raise FieldSelectorError(f"invalid field selector {text!r}: ends with an unfinished escape")
    parts.append("".join(current))
    return parts


def _unescape(value: str, text: str) -> str:
    out, escaped = [], False
    for ch in value:
        if escaped:
            if ch not in "\\,=":
                raise FieldSelectorError(f"invalid field selector {text!r}: invalid escape sequence '\\{ch}'")
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "=":
            raise FieldSelectorError(f"invalid field selector {text!r}: unescaped '=' in value {value!r}")
        else:
            out.append(ch)
    return "".join(out)


def parse(text: str) -> Selector:
    """Parse a field selector ("" selects everything); errors quote the selector."""
    if not text.strip():
        return Selector()
    terms = []
    for part in _split_unescaped(text):
        for op in ("!=", "==", "="):
            idx = part.find(op)
            if idx > 0:
                field = part[:idx].strip()
                value = _unescape(part[idx + len(op) :], text)
                terms.append(Term(field, op, value))
                break
        else:
            raise FieldSelectorError(f"invalid field selector {text!r}: {part!r} is not of the form field=value")
    return Selector(tuple(sorted(terms)))


def selector_string(value: str | Mapping[str, str] | Selector | None) -> str | None:
    """The wire form of a field selector given as a string (as is), a dict (equality terms) or a Selector."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(selector_from_set(value))
    if isinstance(value, Selector):
        return str(value)
    raise TypeError(
        f"a field selector is a string ('metadata.name=x'), a dict or a fields.Selector, not {type(value).__name__}"
    )
