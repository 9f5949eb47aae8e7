"""The `kubegen` console script and `python -m kubegen`: the CLI, or one line naming the extra to install.

`kubeclient` installs without the generator's dependencies; the command then says what to do instead of ending in
`ModuleNotFoundError: No module named 'typer'`.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["GENERATE_MODULES", "main", "missing_modules"]

# The `generate` extra of pyproject.toml, by import name.
GENERATE_MODULES = ("typer", "rich", "jinja2", "black")


def missing_modules() -> list[str]:
    missing = []
    for name in GENERATE_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # ValueError: present in sys.modules without a spec (blocked)
            found = False
        if not found:
            missing.append(name)
    return missing


def main() -> None:
    missing = missing_modules()
    if missing:
        sys.stderr.write(
            f"kubegen: error: the kubegen command needs the 'generate' extra ({', '.join(missing)} not installed): "
            "pip install 'kubeclient[generate]'\n"
        )
        raise SystemExit(1)
    from kubegen.cli import main as cli_main

    cli_main()
