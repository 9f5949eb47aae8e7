"""Label selectors (k8s.io/apimachinery/pkg/labels): parse, build, match, print in canonical form.

    sel = labels.parse("app in (a,b),!beta, tier=web")
    sel.matches({"app": "a", "tier": "web"})     # True
    str(sel)                                     # "!beta,app in (a,b),tier=web" (sorted by key, like Go)

Operators: =, ==, != ; in, notin ; exists (bare key), !key ; gt/lt (key>1, key<3, integer values).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "LabelSelectorError",
    "Operator",
    "Requirement",
    "Selector",
    "SelectorLike",
    "everything",
    "from_label_selector",
    "nothing",
    "parse",
    "selector_from_set",
    "selector_string",
    "to_selector",
]


class LabelSelectorError(ValueError):
    """A selector string or requirement is not valid; the message says where and why."""


class Operator(StrEnum):
    EQUALS = "="
    DOUBLE_EQUALS = "=="
    NOT_EQUALS = "!="
    IN = "in"
    NOT_IN = "notin"
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GREATER_THAN = "gt"
    LESS_THAN = "lt"


_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_SET_OPS = (Operator.IN, Operator.NOT_IN)
_EQ_OPS = (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.NOT_EQUALS)


def validate_key(key: str) -> None:
    """A qualified name: optional DNS-subdomain prefix (≤253) and "/", then a name (≤63)."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        raise LabelSelectorError(f"invalid label key {key!r}: prefix part must be a DNS-1123 subdomain")
    if not name or len(name) > 63 or not _NAME.match(name):
        raise LabelSelectorError(
            f"invalid label key {key!r}: name part must be 63 characters or less, consist of alphanumerics, "
            "'-', '_' or '.', and start and end with an alphanumeric"
        )


def validate_value(value: str) -> None:
    if value and (len(value) > 63 or not _NAME.match(value)):
        raise LabelSelectorError(
            f"invalid label value {value!r}: must be 63 characters or less, empty or consist of alphanumerics, "
            "'-', '_' or '.', and start and end with an alphanumeric"
        )


@dataclass(frozen=True, order=True)
class Requirement:
    """One `key op values` term; values are kept sorted so equal requirements compare equal."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        validate_key(self.key)
        op = self.operator
        if op in _SET_OPS and not self.values:
            raise LabelSelectorError(f"{self.key}: for 'in', 'notin' operators, values set can't be empty")
        if op in _EQ_OPS and len(self.values) != 1:
            raise LabelSelectorError(f"{self.key}: exact-match compatibility requires one single value")
        if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST) and self.values:
            raise LabelSelectorError(f"{self.key}: values set must be empty for exists and does not exist")
        if op in (Operator.GREATER_THAN, Operator.LESS_THAN):
            if len(self.values) != 1:
                raise LabelSelectorError(f"{self.key}: for 'Gt', 'Lt' operators, exactly one value is required")
            try:
                int(self.values[0])
            except ValueError:
                raise LabelSelectorError(
                    f"{self.key}: for 'Gt', 'Lt' operators, the value must be an integer, got {self.values[0]!r}"
                ) from None
        else:
            for value in self.values:
                validate_value(value)
        object.__setattr__(self, "values", tuple(sorted(set(self.values))))

    def matches(self, labels: Mapping[str, str]) -> bool:
        op = self.operator
        present = self.key in labels
        if op in (Operator.IN, Operator.EQUALS, Operator.DOUBLE_EQUALS):
            return present and labels[self.key] in self.values
        if op in (Operator.NOT_IN, Operator.NOT_EQUALS):
            return not present or labels[self.key] not in self.values
        if op is Operator.EXISTS:
            return present
        if op is Operator.DOES_NOT_EXIST:
            return not present
        if not present:
            return False
        try:
            actual = int(labels[self.key])
        except ValueError:
            return False
        limit = int(self.values[0])
        return actual > limit if op is Operator.GREATER_THAN else actual < limit

    def __str__(self) -> str:
        op = self.operator
        if op is Operator.EXISTS:
            return self.key
        if op is Operator.DOES_NOT_EXIST:
            return f"!{self.key}"
        if op in _SET_OPS:
            return f"{self.key} {op.value} ({','.join(self.values)})"
        symbol = {Operator.GREATER_THAN: ">", Operator.LESS_THAN: "<"}.get(op, op.value)
        return f"{self.key}{symbol}{self.values[0]}"


@dataclass(frozen=True)
class Selector:
    """A conjunction of requirements; empty matches everything. `nothing()` matches nothing."""

    requirements: tuple[Requirement, ...] = ()
    _matches_nothing: bool = field(default=False, repr=False)

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        if self._matches_nothing:
            return False
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    def add(self, *requirements: Requirement) -> Selector:
        """A new selector with more requirements (the builder form)."""
        return Selector(tuple(sorted((*self.requirements, *requirements), key=lambda r: r.key)))

    def empty(self) -> bool:
        return not self.requirements and not self._matches_nothing

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def everything() -> Selector:
    return Selector()


def nothing() -> Selector:
    return Selector(_matches_nothing=True)


def selector_from_set(labels: Mapping[str, str]) -> Selector:
    """key=value for every entry (what client-go's labels.SelectorFromSet gives)."""
    return Selector().add(*(Requirement(k, Operator.EQUALS, (v,)) for k, v in labels.items()))


def from_label_selector(selector: Mapping[str, Any] | None) -> Selector:
    """A metav1.LabelSelector in wire form ({"matchLabels": ..., "matchExpressions": [...]}) → Selector.

    None matches nothing and {} matches everything, as in client-go's LabelSelectorAsSelector.
    """
    if selector is None:
        return nothing()
    reqs = [Requirement(k, Operator.EQUALS, (v,)) for k, v in (selector.get("matchLabels") or {}).items()]
    ops = {
        "In": Operator.IN,
        "NotIn": Operator.NOT_IN,
        "Exists": Operator.EXISTS,
        "DoesNotExist": Operator.DOES_NOT_EXIST,
    }
    for i, expr in enumerate(selector.get("matchExpressions") or []):
        op = ops.get(expr.get("operator"))
        if op is None:
            raise LabelSelectorError(
                f"matchExpressions[{i}].operator: {expr.get('operator')!r} is not a valid operator"
            )
        reqs.append(Requirement(expr["key"], op, tuple(expr.get("values") or ())))
    return Selector().add(*reqs)


_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|>|<|[^\s!=,()<>]+)")


def _tokens(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos:].strip() == "":
                break
            raise LabelSelectorError(f"unable to parse requirement at position {pos}: {text!r}")
        out.append((m.group(1), m.start(1)))
        pos = m.end()
    return out


def parse(text: str) -> Selector:
    """Parse a selector string ("" selects everything); errors name the position."""
    toks = _tokens(text)
    reqs: list[Requirement] = []
    i = 0

    def peek() -> tuple[str, int]:
        return toks[i] if i < len(toks) else ("", len(text))

    def fail(msg: str) -> LabelSelectorError:
        tok, at = peek()
        return LabelSelectorError(f"{msg} at position {at} in {text!r}" + (f" (found {tok!r})" if tok else ""))

    while i < len(toks):
        tok, _ = peek()
        if tok == "!":
            i += 1
            key, _ = peek()
            if not key or key in "!=,()<>":
                raise fail("expected a label key after '!'")
            i += 1
            reqs.append(Requirement(key, Operator.DOES_NOT_EXIST))
        else:
            if tok in ("=", "==", "!=", ",", "(", ")", "<", ">"):
                raise fail("expected a label key")
            key = tok
            i += 1
            op_tok, _ = peek()
            if op_tok in ("", ","):
                reqs.append(Requirement(key, Operator.EXISTS))
            elif op_tok in ("=", "==", "!="):
                i += 1
                value, _ = peek()
                if value in ("", ","):
                    value = ""  # "key=" selects an empty value
                elif value in ("=", "==", "!=", "(", ")", "!", "<", ">"):
                    raise fail("expected a label value")
                else:
                    i += 1
                reqs.append(Requirement(key, Operator(op_tok), (value,)))
            elif op_tok in (">", "<"):
                i += 1
                value, _ = peek()
                if value in ("", ",", "(", ")"):
                    raise fail("expected an integer value")
                i += 1
                reqs.append(Requirement(key, Operator.GREATER_THAN if op_tok == ">" else Operator.LESS_THAN, (value,)))
            elif op_tok in ("in", "notin"):
                i += 1
                if peek()[0] != "(":
                    raise fail("expected '(' after 'in'/'notin'")
                i += 1
                values: list[str] = []
                expect_value = True  # Go's parser: "in ()" and "in (a,)" carry the empty value
                while True:
                    value, _ = peek()
                    if value == ")":
                        if expect_value:
                            values.append("")
                        i += 1
                        break
                    if value == ",":
                        if expect_value:
                            values.append("")
                        expect_value = True
                        i += 1
                        continue
                    if not expect_value or value in ("", "(", "=", "==", "!=", "!", "<", ">"):
                        raise fail("expected a value, ',' or ')'")
                    values.append(value)
                    expect_value = False
                    i += 1
                reqs.append(Requirement(key, Operator(op_tok), tuple(values)))
            else:
                raise fail("expected an operator ('=', '==', '!=', 'in', 'notin', '>', '<') or ','")
        tok, _ = peek()
        if tok == ",":
            i += 1
            if i >= len(toks):
                raise fail("expected a requirement after ','")
        elif tok:
            raise fail("expected ',' between requirements")
    return Selector().add(*reqs)


def requirements_of(selector: Selector) -> Iterable[Requirement]:
    return iter(selector.requirements)


# What a caller may pass wherever a label selector is taken: "app=web,tier!=db", {"app": "web"} (equality), a
# metav1.LabelSelector (wire dict or typed model), a parsed Selector, or any object with `.matches(labels)`.
SelectorLike = str | Mapping[str, Any] | Selector | Any


def to_selector(value: SelectorLike) -> Any:
    """A matcher (an object with `.matches(labels)`) for any `SelectorLike`; "" and {} match everything."""
    if isinstance(value, str):
        return parse(value)
    if isinstance(value, Mapping):
        if isinstance(value.get("matchLabels"), Mapping) or isinstance(value.get("matchExpressions"), list):
            return from_label_selector(value)
        return selector_from_set(value)
    if callable(getattr(value, "matches", None)):
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):  # a typed meta/v1 LabelSelector
        return from_label_selector(to_dict())
    raise TypeError(
        "a label selector is a string ('app=web'), a dict of labels ({'app': 'web'}), a LabelSelector or a "
        f"parsed Selector, not {type(value).__name__}"
    )


def selector_string(value: SelectorLike | None) -> str | None:
    """The wire form (labelSelector=...) of any `SelectorLike`; a string goes as given (the server validates it)."""
    if value is None or isinstance(value, str):
        return value
    selector = to_selector(value)
    if not isinstance(selector, Selector):
        raise TypeError(f"{type(value).__name__} has no wire form: give a string, a dict or a Selector")
    if selector._matches_nothing:
        raise ValueError("a selector that matches nothing has no wire form")
    return str(selector)
