"""Exec credential plugins: KUBERNETES_EXEC_INFO, caching until expiry, refresh once on 401, clear failures."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from config_helpers import WriteConfig, kubeconfig_doc

from kubeclient.config import Config, ConfigError, ExecConfig, ExecProvider, load_config
from kubeclient.config.exec_plugin import ClusterInfo

V1 = "client.authentication.k8s.io/v1"
V1BETA1 = "client.authentication.k8s.io/v1beta1"

# Counts its runs in a file, records the ExecCredential it was given, and returns token tok-<run>.
PLUGIN = """
import json, os, pathlib, sys
info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
here = pathlib.Path(sys.argv[0]).parent
count = here / "count"
n = int(count.read_text()) + 1 if count.exists() else 1
count.write_text(str(n))
(here / f"info-{n}.json").write_text(json.dumps({"info": info, "extra": os.environ.get("EXTRA")}))
status = {"token": f"tok-{n}"}
if len(sys.argv) > 1:
    status["expirationTimestamp"] = sys.argv[1]
print(json.dumps({"apiVersion": info["apiVersion"], "kind": "ExecCredential", "status": status}))
"""


def plugin(tmp_path: Path, source: str = PLUGIN) -> Path:
    script = tmp_path / "plugin.py"
    script.write_text(source)
    return script


def info(tmp_path: Path, run: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((tmp_path / f"info-{run}.json").read_text())
    return data


def test_cached_until_expiry(tmp_path: Path) -> None:
    expiry = datetime(2030, 1, 1, tzinfo=UTC)
    now = [expiry - timedelta(hours=1)]
    cfg = ExecConfig(
        command=sys.executable, args=[str(plugin(tmp_path)), "2030-01-01T00:00:00Z"], interactive_mode="Never"
    )
    provider = ExecProvider(cfg, now=lambda: now[0])
    assert provider.credential().token == "tok-1"
    now[0] = expiry - timedelta(seconds=1)
    assert provider.credential().token == "tok-1"
    now[0] = expiry
    assert provider.credential().token == "tok-2"
    assert provider.runs == 2
    assert provider.credential().expiration == expiry
    assert "tok-" not in repr(provider.credential()) and "tok-" not in repr(provider)


def test_no_expiry_means_cached_until_refused(tmp_path: Path) -> None:
    cfg = Config(host="https://k", exec_provider=ExecConfig(command=sys.executable, args=[str(plugin(tmp_path))]))
    seen: list[str] = []
    statuses = [200, 200, 401]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(statuses.pop(0) if statuses else 200)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=cfg.auth()) as client:
        client.get("https://k/")
        client.get("https://k/")
        assert client.get("https://k/").status_code == 200  # 401, plugin re-run, retried
    with httpx.Client(transport=httpx.MockTransport(handler), auth=cfg.auth()) as other:
        other.get("https://k/")  # a second client of the same Config shares the credential
    assert seen == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-1", "Bearer tok-2", "Bearer tok-2"]


def test_refresh_once_on_401_then_give_up(tmp_path: Path) -> None:
    cfg = Config(host="https://k", exec_provider=ExecConfig(command=sys.executable, args=[str(plugin(tmp_path))]))
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(401)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=cfg.auth()) as client:
        assert client.get("https://k/").status_code == 401
    assert seen == ["Bearer tok-1", "Bearer tok-2"]


def test_kubeconfig_exec_entry_end_to_end(tmp_path: Path, write_config: WriteConfig) -> None:
    (tmp_path / "bin").mkdir()
    script = plugin(tmp_path / "bin")
    doc = kubeconfig_doc(
        server="https://k:6443",
        cluster_body={
            "tls-server-name": "kubernetes.default",
            "extensions": [{"name": "client.authentication.k8s.io/exec", "extension": {"audience": "kube"}}],
        },
        user_body={
            "exec": {
                "apiVersion": V1,
                "command": sys.executable,
                "args": [str(script)],
                "env": [{"name": "EXTRA", "value": "from-kubeconfig"}],
                "provideClusterInfo": True,
                "interactiveMode": "IfAvailable",
            }
        },
    )
    cfg = load_config(write_config("config", doc))
    assert cfg.auth_kind == "exec"
    provider = cfg.exec_credentials()
    assert provider is not None
    assert provider.credential().token == "tok-1"
    sent = info(tmp_path / "bin", 1)
    assert sent["extra"] == "from-kubeconfig"
    assert sent["info"] == {
        "apiVersion": V1,
        "kind": "ExecCredential",
        "spec": {
            "interactive": False,  # stdin is not a terminal under pytest
            "cluster": {
                "server": "https://k:6443",
                "tls-server-name": "kubernetes.default",
                "config": {"audience": "kube"},
            },
        },
    }


def test_relative_command_runs_from_the_kubeconfig_directory(tmp_path: Path, write_config: WriteConfig) -> None:
    conf = tmp_path / "conf"
    (conf / "bin").mkdir(parents=True)
    script = conf / "bin" / "plugin"
    script.write_text(f"#!{sys.executable}\n{PLUGIN}")
    script.chmod(0o755)
    path = write_config("conf/config", user_body={"exec": {"apiVersion": V1BETA1, "command": "./bin/plugin"}})
    cfg = load_config(path)
    provider = cfg.exec_credentials()
    assert provider is not None and provider.credential().token == "tok-1"
    # v1beta1 defaults interactiveMode to IfAvailable; without provideClusterInfo there is no spec.cluster.
    assert info(conf / "bin", 1)["info"] == {
        "apiVersion": V1BETA1,
        "kind": "ExecCredential",
        "spec": {"interactive": False},
    }


@pytest.mark.parametrize(
    ("mode", "tty", "interactive"),
    [("Never", True, False), ("IfAvailable", False, False), ("IfAvailable", True, True), ("Always", True, True)],
)
def test_interactive_mode(tmp_path: Path, mode: str, tty: bool, interactive: bool) -> None:
    cfg = ExecConfig(command=sys.executable, args=[str(plugin(tmp_path))], interactive_mode=mode)
    ExecProvider(cfg, stdin_is_tty=lambda: tty).credential()
    assert info(tmp_path, 1)["info"]["spec"]["interactive"] is interactive


def test_always_without_a_terminal_is_an_error() -> None:
    always = ExecProvider(ExecConfig(command="x", interactive_mode="Always"), stdin_is_tty=lambda: False)
    with pytest.raises(ConfigError, match="interactive terminal"):
        always.credential()


def test_missing_command_shows_install_hint() -> None:
    missing = ExecProvider(ExecConfig(command="/nonexistent/plugin", install_hint="brew install it", source="/kc"))
    with pytest.raises(ConfigError, match="executable /nonexistent/plugin not found\nbrew install it") as info:
        missing.credential()
    assert str(info.value).startswith("/kc: ")


def test_failure_quotes_exit_code_and_stderr_not_stdout(tmp_path: Path) -> None:
    failing = tmp_path / "fail.py"
    failing.write_text("import sys; print('secret-on-stdout'); sys.stderr.write('denied'); sys.exit(3)")
    provider = ExecProvider(ExecConfig(command=sys.executable, args=[str(failing)], interactive_mode="Never"))
    with pytest.raises(ConfigError, match="exited with code 3: denied") as info:
        provider.credential()
    assert "secret-on-stdout" not in str(info.value)


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("not json", "did not print an ExecCredential"),
        ('{"apiVersion": "%s", "kind": "Other"}', "did not print an ExecCredential"),
        ('{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential"}', "plugin returned version"),
        ('{"apiVersion": "%s", "kind": "ExecCredential", "status": {}}', "returned no token"),
        ('{"apiVersion": "%s", "kind": "ExecCredential", "status": {"clientCertificateData": "C"}}', "returned no"),
        (
            '{"apiVersion": "%s", "kind": "ExecCredential", "status": {"token": "secret-x", "clientKeyData": "K"}}',
            "without its",
        ),
        (
            '{"apiVersion": "%s", "kind": "ExecCredential", "status": {"token": "secret-x", '
            '"expirationTimestamp": "soon"}}',
            "invalid status.expirationTimestamp",
        ),
    ],
)
def test_bad_plugin_output(tmp_path: Path, output: str, message: str) -> None:
    script = tmp_path / "bad.py"
    text = output % V1 if "%s" in output else output
    script.write_text(f"print({text!r})")
    provider = ExecProvider(ExecConfig(command=sys.executable, args=[str(script)], interactive_mode="Never"))
    with pytest.raises(ConfigError, match=message) as info:
        provider.credential()
    assert "secret-x" not in str(info.value)


def test_cluster_info_only_with_provide_cluster_info(tmp_path: Path) -> None:
    cfg = ExecConfig(command=sys.executable, args=[str(plugin(tmp_path))], interactive_mode="Never")
    cfg.cluster = ClusterInfo(server="https://k", certificate_authority_data=b"PEM", insecure_skip_tls_verify=False)
    ExecProvider(cfg).credential()
    assert "cluster" not in info(tmp_path, 1)["info"]["spec"]
    cfg.provide_cluster_info = True
    ExecProvider(cfg).credential()
    assert info(tmp_path, 2)["info"]["spec"]["cluster"] == {"server": "https://k", "certificate-authority-data": "UEVN"}


def test_exec_env_values_stay_out_of_repr() -> None:
    cfg = ExecConfig(command="plugin", env={"API_KEY": "secret-value"}, interactive_mode="Never")
    assert "secret-value" not in repr(cfg) and "secret-value" not in repr(Config(host="https://k", exec_provider=cfg))


def test_cluster_info_carries_the_ca_file_contents(tmp_path: Path, write_config: WriteConfig) -> None:
    (tmp_path / "ca.crt").write_bytes(b"PEM")
    exec_entry = {
        "apiVersion": V1,
        "command": sys.executable,
        "args": [str(plugin(tmp_path))],
        "provideClusterInfo": True,
        "interactiveMode": "Never",
    }
    cfg = load_config(write_config(cluster_body={"certificate-authority": "ca.crt"}, user_body={"exec": exec_entry}))
    provider = cfg.exec_credentials()
    assert provider is not None and provider.credential().token == "tok-1"
    assert info(tmp_path, 1)["info"]["spec"]["cluster"] == {
        "server": "https://k:6443",
        "certificate-authority-data": "UEVN",
    }


def test_async_client_runs_the_plugin_off_the_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import threading

    cfg = Config(host="https://k", exec_provider=ExecConfig(command=sys.executable, args=[str(plugin(tmp_path))]))
    provider = cfg.exec_credentials()
    assert provider is not None
    loop_thread: list[int] = []
    plugin_threads: list[int] = []
    original = provider._run

    def recording_run() -> Any:
        plugin_threads.append(threading.get_ident())
        return original()

    monkeypatch.setattr(provider, "_run", recording_run)  # observe which thread runs the plugin
    seen: list[str] = []
    statuses = [401]

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(statuses.pop(0) if statuses else 200)

    async def run() -> int:
        loop_thread.append(threading.get_ident())
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=cfg.auth()) as client:
            return (await client.get("https://k/")).status_code

    assert asyncio.run(run()) == 200
    assert seen == ["Bearer tok-1", "Bearer tok-2"]
    assert len(plugin_threads) == 2 and loop_thread[0] not in plugin_threads
