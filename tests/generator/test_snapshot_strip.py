from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kubeclient.testing.protobuf import snapshot as protobuf_snapshot
from kubegen.snapshot import snapshot_directory, strip_descriptions


def test_strip_keeps_properties_named_description() -> None:
    schema = {
        "description": "prose",
        "type": "object",
        "properties": {
            "description": {"type": "string", "description": "a field called description"},
            "spec": {"allOf": [{"$ref": "#/x"}], "description": "more prose"},
        },
    }
    assert strip_descriptions(schema) == {
        "type": "object",
        "properties": {"description": {"type": "string"}, "spec": {"allOf": [{"$ref": "#/x"}]}},
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=20,
)


@given(json_values)
def test_strip_is_idempotent_and_never_adds(value: object) -> None:
    once = strip_descriptions(value)
    assert strip_descriptions(once) == once
    assert "description" not in json.dumps(once) or "description" in json.dumps(value)


def test_committed_snapshot_matches_upstream(shared_fixtures: Path, snapshot_dir: Path, tmp_path: Path) -> None:
    """The committed openapi/ snapshot is exactly what `make snapshot` produces from the upstream documents."""
    out = tmp_path / "snap"
    snapshot_directory(shared_fixtures / "kubernetes-1.36", out)
    protobuf_snapshot(shared_fixtures / "kubernetes-1.36" / "proto", out / "protobuf.json")  # as `make snapshot`
    produced = sorted(p.relative_to(out) for p in out.rglob("*.json"))
    committed = sorted(p.relative_to(snapshot_dir) for p in snapshot_dir.rglob("*.json"))
    assert produced == committed
    for rel in produced:
        assert (out / rel).read_bytes() == (snapshot_dir / rel).read_bytes(), rel
