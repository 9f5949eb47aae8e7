"""Warning headers (RFC 7234 `Warning: 299 - "text"`, several per header line) and the handler they go to.

The server sends deprecation and validation warnings this way; client-go hands them to a WarningHandler whose
default logs each distinct message once per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Warning", "WarningHandler", "log_once_handler", "parse_warning_headers"]

logger = logging.getLogger("kubeclient.warnings")


@dataclass(frozen=True)
class Warning:
    code: int
    agent: str
    text: str


WarningHandler = Callable[[Warning], None]


def _split_header(value: str) -> Iterable[str]:
    """Split a Warning header on commas that are outside quoted text."""
    start, quoted, escaped = 0, False, False
    for i, ch in enumerate(value):
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            yield value[start:i]
            start = i + 1
    yield value[start:]


def _parse_one(item: str) -> Warning | None:
    item = item.strip()
    parts = item.split(" ", 2)
    if len(parts) < 3 or not parts[0].isdigit() or len(parts[0]) != 3:
        return None
    code, agent, rest = int(parts[0]), parts[1], parts[2].strip()
    if not rest.startswith('"'):
        return None
    text, escaped, end = [], False, -1
    for i, ch in enumerate(rest[1:], start=1):
        if escaped:
            text.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            end = i
            break
        else:
            text.append(ch)
    if end < 0:
        return None
    return Warning(code=code, agent=agent, text="".join(text))


def parse_warning_headers(values: Iterable[str]) -> list[Warning]:
    """Every well-formed warning in the given Warning header values, in order; malformed ones are skipped."""
    found: list[Warning] = []
    for value in values:
        for item in _split_header(value):
            warning = _parse_one(item)
            if warning is not None:
                found.append(warning)
    return found


_seen: set[str] = set()
_seen_lock = threading.Lock()


def log_once_handler(warning: Warning) -> None:
    """client-go's default: log code-299 warnings, each distinct text once per process."""
    if warning.code != 299 or not warning.text:
        return
    with _seen_lock:
        if warning.text in _seen:
            return
        _seen.add(warning.text)
    logger.warning("%s", warning.text)
