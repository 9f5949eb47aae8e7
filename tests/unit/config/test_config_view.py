"""`config view` (Python API and `python -m kubeclient config view`): kubectl's layout, minify, redaction, raw."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from config_helpers import WriteConfig, kubeconfig_doc

from kubeclient.__main__ import main
from kubeclient.config import ConfigError, view

CERT, KEY, CA = "Y2VydA==", "a2V5", "Y2E="


def full_doc() -> dict[str, object]:
    doc = kubeconfig_doc(
        user_body={"token": "tok-secret", "client-certificate-data": CERT, "client-key-data": KEY},
        cluster_body={"certificate-authority-data": CA},
    )
    doc["clusters"].insert(0, {"name": "zeta", "cluster": {"server": "https://z"}})
    doc["users"].append({"name": "basic", "user": {"username": "me", "password": "pw-secret"}})
    doc["contexts"].append({"name": "other", "context": {"cluster": "zeta", "user": "basic"}})
    return doc


def test_view_layout_sorting_and_redaction(write_config: WriteConfig) -> None:
    out = view(write_config("cfg", full_doc()))
    assert "tok-secret" not in out and "pw-secret" not in out and KEY not in out and CERT not in out
    doc = yaml.safe_load(out)
    assert list(doc) == ["apiVersion", "clusters", "contexts", "current-context", "kind", "preferences", "users"]
    assert (doc["apiVersion"], doc["kind"], doc["preferences"], doc["current-context"]) == ("v1", "Config", {}, "ctx")
    assert [c["name"] for c in doc["clusters"]] == ["c", "zeta"]
    assert [u["name"] for u in doc["users"]] == ["basic", "u"]
    assert doc["clusters"][0]["cluster"] == {"server": "https://k:6443", "certificate-authority-data": "DATA+OMITTED"}
    assert doc["users"][1]["user"] == {
        "token": "REDACTED",
        "client-certificate-data": "DATA+OMITTED",
        "client-key-data": "DATA+OMITTED",
    }
    assert doc["users"][0]["user"] == {"username": "me", "password": "REDACTED"}
    assert out.startswith("apiVersion: v1\nclusters:\n- cluster:\n")


def test_view_raw_shows_everything(write_config: WriteConfig) -> None:
    doc = yaml.safe_load(view(write_config("cfg", full_doc()), raw=True))
    assert doc["users"][1]["user"]["token"] == "tok-secret" and doc["users"][0]["user"]["password"] == "pw-secret"
    assert doc["clusters"][0]["cluster"]["certificate-authority-data"] == CA


def test_minify_keeps_only_the_current_context(write_config: WriteConfig) -> None:
    path = write_config("cfg", full_doc())
    mini = yaml.safe_load(view(path, minify=True))
    assert [c["name"] for c in mini["clusters"]] == ["c"] and [u["name"] for u in mini["users"]] == ["u"]
    assert [c["name"] for c in mini["contexts"]] == ["ctx"]
    other = yaml.safe_load(view(path, minify=True, context="other"))
    assert other["current-context"] == "other" and [c["name"] for c in other["clusters"]] == ["zeta"]
    # Without --minify a --context does not change what is shown.
    assert yaml.safe_load(view(path, context="other"))["current-context"] == "ctx"
    with pytest.raises(ConfigError, match="context 'nope' not found"):
        view(path, minify=True, context="nope")


def test_view_of_nothing_matches_kubectl(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("")
    assert view(tmp_path / "empty") == (
        "apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: ''\n"
        "kind: Config\npreferences: {}\nusers: null\n"
    )
    with pytest.raises(ConfigError, match="current-context must exist"):
        view(tmp_path / "empty", minify=True)


def test_view_merges_the_chain(tmp_path: Path, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_config("a", server="https://a", context="ctx-a")
    b = write_config("b", server="https://b", cluster="cb", context="ctx-b")
    monkeypatch.setenv("KUBECONFIG", os.pathsep.join([str(a), str(b)]))
    doc = yaml.safe_load(view())
    assert doc["current-context"] == "ctx-a"
    assert {c["name"]: c["cluster"]["server"] for c in doc["clusters"]} == {"c": "https://a", "cb": "https://b"}


def test_cli(write_config: WriteConfig, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config("cfg", full_doc())
    assert main(["config", "view", "--kubeconfig", str(path), "--minify", "--context", "other"]) == 0
    out = capsys.readouterr().out
    assert "current-context: other" in out and "REDACTED" in out and "pw-secret" not in out
    assert main(["config", "view", "--kubeconfig", str(path), "--raw"]) == 0
    assert "pw-secret" in capsys.readouterr().out
    assert main(["config", "view", "--kubeconfig", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_python_dash_m(write_config: WriteConfig) -> None:
    path = write_config()
    proc = subprocess.run(
        [sys.executable, "-m", "kubeclient", "config", "view", "--kubeconfig", str(path), "--minify"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert yaml.safe_load(proc.stdout)["users"] == [{"name": "u", "user": {"token": "REDACTED"}}]
