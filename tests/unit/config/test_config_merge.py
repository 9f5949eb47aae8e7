"""KUBECONFIG merging against a simple model: first file wins per entry name and for current-context."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from kubeclient.config import kubeconfig_chain, load_chain, load_config

NAMES = st.sampled_from(["a", "b", "c", "d"])
# One file: per section a set of names (each entry tagged with its file index), and maybe a current-context.
FILE = st.fixed_dictionaries(
    {
        "clusters": st.sets(NAMES, max_size=4),
        "users": st.sets(NAMES, max_size=4),
        "contexts": st.sets(NAMES, max_size=4),
        "current": st.one_of(st.none(), NAMES),
        "exists": st.booleans(),
    }
)


def document(index: int, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "clusters": [{"name": n, "cluster": {"server": f"https://f{index}-{n}"}} for n in sorted(spec["clusters"])],
        "users": [{"name": n, "user": {"token": f"f{index}-{n}"}} for n in sorted(spec["users"])],
        "contexts": [
            {"name": n, "context": {"cluster": n, "user": n, "namespace": f"f{index}"}} for n in spec["contexts"]
        ],
        **({"current-context": spec["current"]} if spec["current"] else {}),
    }


@given(st.lists(FILE, min_size=1, max_size=5), st.lists(st.integers(0, 4), max_size=8))
def test_merge_matches_first_file_wins_model(specs: list[dict[str, Any]], order: list[int]) -> None:
    # The chain may name a file twice and name files that do not exist; both are ignored.
    chain = [i for i in [*range(len(specs)), *order] if i < len(specs)]
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"f{i}" for i in range(len(specs))]
        for i, spec in enumerate(specs):
            if spec["exists"]:
                paths[i].write_text(yaml.safe_dump(document(i, spec)))
        env = os.pathsep.join(str(paths[i]) for i in chain)
        old = os.environ.get("KUBECONFIG")
        os.environ["KUBECONFIG"] = env
        try:
            files = kubeconfig_chain()
            merged = load_chain(files)
        finally:
            if old is None:
                del os.environ["KUBECONFIG"]
            else:
                os.environ["KUBECONFIG"] = old

    seen: list[int] = []
    for i in chain:
        if i not in seen and specs[i]["exists"]:
            seen.append(i)
    assert files == [str(paths[i]) for i in seen]
    for section, key in (("clusters", "server"), ("users", "token")):
        model: dict[str, str] = {}
        for i in seen:
            for name in specs[i][section]:
                model.setdefault(name, f"f{i}-{name}" if key == "token" else f"https://f{i}-{name}")
        assert {n: e.body[key] for n, e in merged.section(section).items()} == model
    contexts: dict[str, str] = {}
    for i in seen:
        for name in specs[i]["contexts"]:
            contexts.setdefault(name, f"f{i}")
    assert {n: e.body["namespace"] for n, e in merged.contexts.items()} == contexts
    assert merged.current_context == next((specs[i]["current"] for i in seen if specs[i]["current"]), "")


def test_whole_entry_wins_not_individual_fields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = {"clusters": [{"name": "c", "cluster": {"server": "https://first"}}]}
    second = {
        "clusters": [{"name": "c", "cluster": {"server": "https://second", "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x",
    }
    (tmp_path / "1").write_text(yaml.safe_dump(first))
    (tmp_path / "2").write_text(yaml.safe_dump(second))
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(tmp_path / "1"), str(tmp_path / "2")]))
    cfg = load_config()
    assert cfg.host == "https://first" and cfg.insecure_skip_tls_verify is False
