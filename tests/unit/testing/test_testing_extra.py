"""Without the `testing` extra (trustme, cryptography): `import kubeclient.testing` and the pytest plugin still load,
and using a server says which extra to install."""

from __future__ import annotations

import subprocess
import sys

INSTALL = "pip install 'kubeclient[testing]'"


def run(code: str) -> subprocess.CompletedProcess[str]:
    blocked = "import sys; sys.modules['trustme'] = None; sys.modules['cryptography'] = None\n"
    return subprocess.run(
        [sys.executable, "-c", blocked + code], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_package_and_the_plugin_load_without_the_extra() -> None:
    result = run("import kubeclient.testing, kubeclient.testing.pytest_plugin; print('ok')")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"


def test_using_a_server_names_the_extra() -> None:
    for name in ("FakeAPIServer", "ControlPlane"):
        result = run(f"from kubeclient.testing import {name}")
        assert result.returncode == 1, name
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("ModuleNotFoundError: kubeclient.testing needs the 'testing' extra ("), last
        assert last.endswith(f"is not installed): {INSTALL}"), last
