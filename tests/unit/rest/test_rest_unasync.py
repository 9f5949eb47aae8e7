"""The sync ResourceClient is derived from the asyncio one; this fails when someone edits one side only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_sync_resource_client_matches_its_async_source() -> None:
    spec = importlib.util.spec_from_file_location("unasync", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    unasync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(unasync)
    for source, target in unasync.FILES.items():
        assert target.read_text() == unasync.unasync(source.read_text()), f"run `make unasync`: {target} drifted"
