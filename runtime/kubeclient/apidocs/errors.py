"""Errors about API documents: they name the document and the JSON pointer that is wrong."""

from __future__ import annotations


def json_pointer(*parts: str | int) -> str:
    """RFC 6901 pointer for the given path segments ("/" and "~" escaped)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class DocumentError(ValueError):
    """A document is missing, unreadable or not what it should be.

    `document` names the file (or URL path) and `pointer` the JSON pointer inside it.
    """

    def __init__(self, document: str, pointer: str, problem: str) -> None:
        self.document = document
        self.pointer = pointer
        self.problem = problem
        where = f"{document}#{pointer}" if pointer else document
        super().__init__(f"{where}: {problem}")
