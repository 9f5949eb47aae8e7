"""Where FakeAPIServer finds its default API documents: in the wheel beside it, else in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubeclient.testing import server

REPO = Path(__file__).resolve().parents[3]


def test_a_checkout_uses_the_committed_snapshot() -> None:
    assert not server.PACKAGED.exists()
    assert server.default_documents_dir() == REPO / "openapi" / "kubernetes-1.36"


def test_an_installed_wheel_uses_the_documents_it_ships(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packaged = tmp_path / "documents" / "kubernetes-1.36"
    (packaged / "discovery").mkdir(parents=True)
    monkeypatch.setattr(server, "PACKAGED", packaged)
    assert server.default_documents_dir() == packaged
