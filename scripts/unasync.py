"""Derive the sync ResourceClient from the hand-written asyncio one (httpcore's unasync, for our files).

    python scripts/unasync.py          # rewrite the sync files
    python scripts/unasync.py --check  # exit 1 when a sync file differs from what the rules give

Only the async file is edited by hand; the rules below are the whole difference between the two.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {ROOT / "runtime/kubeclient/resource_async.py": ROOT / "runtime/kubeclient/resource_sync.py"}

TEXT_RULES = [
    (
        "AsyncResourceClient: the generic verbs of one resource on asyncio (client-go gentype, awaited).",
        "ResourceClient: the generic verbs of one resource (client-go gentype).",
    ),
    (
        "This file is the source of `resource_sync.py`, which scripts/unasync.py derives from it mechanically; "
        "a test fails\nwhen the two drift. ",
        "Derived from `resource_async.py` by scripts/unasync.py (`make unasync`); edit that file, not this one.\n",
    ),
]
WORD_RULES = [
    (r"\basync def\b", "def"),
    (r"\basync for\b", "for"),
    (r"\basync with\b", "with"),
    (r"\bawait ", ""),
    (r"\bAbstractAsyncContextManager\b", "AbstractContextManager"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\bAsyncResourceClient\b", "ResourceClient"),
    (r"\bAsyncRESTClient\b", "RESTClient"),
    (r"\bAsyncWatch\b", "Watch"),
    (r"\bAsyncStream\b", "Stream"),
    (r"\bkubeclient\.rest\.aio\b", "kubeclient.rest.client"),
    (r"\bkubeclient\.remotecommand\.aio\b", "kubeclient.remotecommand"),
    (r"\bkubeclient\.portforward\.aio\b", "kubeclient.portforward"),
    (r"\bAsyncExecSession\b", "ExecSession"),
    (r"\bAsyncPortForwarder\b", "PortForwarder"),
    (r"\bAsyncPortStream\b", "PortStream"),
]


def unasync(text: str) -> str:
    for old, new in TEXT_RULES:
        text = text.replace(old, new)
    for pattern, replacement in WORD_RULES:
        text = re.sub(pattern, replacement, text)
    return format_source(text)


def format_source(text: str) -> str:
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run(
        [str(ruff), "format", "--stdin-filename", "resource_sync.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return result.stdout


def main(argv: list[str]) -> int:
    check = "--check" in argv
    drifted = []
    for source, target in FILES.items():
        expected = unasync(source.read_text())
        if check:
            if not target.exists() or target.read_text() != expected:
                drifted.append(target.relative_to(ROOT))
        else:
            target.write_text(expected)
    if drifted:
        print(f"out of date (run `make unasync`): {', '.join(map(str, drifted))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
