"""The `kubegen` command: generate typed packages and take snapshots of API documents.

    kubegen generate --from-dir DIR | --from-cluster [--kubeconfig F --context C] | --from-crds FILE ...
                     --package NAME --out DIR [--group G ...] [--docstrings/--no-docstrings]
    kubegen snapshot --from-dir SRC | --from-cluster [...] --out DST [--strip-descriptions/--keep-descriptions]
    kubegen diff OLD_DIR NEW_DIR

Bad input ends with exit status 1 and one line naming the file and JSON pointer; never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    name="kubegen",
    help="Typed Python clients for Kubernetes APIs, generated from OpenAPI v3 and discovery documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True)
_out = Console()


class InputError(Exception):
    """Wrong combination of options."""


def _fail(message: str) -> typer.Exit:
    _err.print(f"[bold red]kubegen: error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code=1)


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Turn every expected failure into one line on stderr and exit status 1."""
    from kubeclient.apidocs import DocumentError
    from kubeclient.errors import StatusError
    from kubegen.ir import GenerationError
    from kubegen.render import RenderError

    try:
        yield
    except typer.Exit:
        raise
    except (DocumentError, GenerationError, RenderError, InputError, StatusError) as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None
    except ValueError as exc:  # model errors, config errors: all name their input
        raise _fail(f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:
        raise _fail(f"unexpected {type(exc).__name__}: {exc}") from None


def _load_config(kubeconfig: str | None, context: str | None) -> Any:
    from kubeclient.config import load_config

    return load_config(kubeconfig, context=context)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=False,
        # No refresh thread: rendering forks worker processes, and forking while a thread holds a lock is unsafe.
        auto_refresh=False,
    )


def _fetch_cluster(kubeconfig: str | None, context: str | None, groups: list[str] | None = None) -> Any:
    from kubegen.sources import fetch_cluster

    config = _load_config(kubeconfig, context)
    with _progress() as progress:
        task = progress.add_task("fetching documents", total=None)

        def tick(what: str) -> None:
            if what.startswith("waiting"):  # a CRD's document not published yet: say what we wait for
                progress.update(task, description=what)
                return
            progress.update(task, description="fetching documents")
            progress.advance(task)
            progress.refresh()

        docs = fetch_cluster(config, progress=tick, groups=groups)
        progress.update(task, total=progress.tasks[0].completed)
    return docs


@app.command()
def generate(
    *,
    package: Annotated[str, typer.Option("--package", help="Name of the Python package to write.")],
    out: Annotated[Path, typer.Option("--out", help="Directory the package goes into.")],
    from_dir: Annotated[
        Path | None, typer.Option("--from-dir", help="A directory of discovery + OpenAPI v3 documents.")
    ] = None,
    from_cluster: Annotated[
        bool, typer.Option("--from-cluster", help="Read the documents from the cluster of the kubeconfig.")
    ] = False,
    from_crds: Annotated[
        list[Path] | None,
        typer.Option("--from-crds", "--crd", help="CRD manifest file or directory (repeatable)."),
    ] = None,
    kubeconfig: Annotated[
        str | None, typer.Option("--kubeconfig", help="kubeconfig file (with --from-cluster).")
    ] = None,
    context: Annotated[str | None, typer.Option("--context", help="kubeconfig context (with --from-cluster).")] = None,
    group: Annotated[
        list[str] | None, typer.Option("--group", help="Only this API group (repeatable; core for the core group).")
    ] = None,
    docstrings: Annotated[
        bool, typer.Option("--docstrings/--no-docstrings", "--docs/--no-docs", help="Descriptions as docstrings.")
    ] = True,
) -> None:
    """Generate a typed package (models, apply configurations, clients, listers, informers, clientset)."""
    from kubegen.ir import build_ir
    from kubegen.render import render_package, write_package

    with _clean_errors():
        chosen = [
            name
            for name, on in (("--from-dir", from_dir), ("--from-cluster", from_cluster), ("--from-crds", from_crds))
            if on
        ]
        if len(chosen) != 1:
            raise InputError("give exactly one of --from-dir, --from-cluster, --from-crds")
        started = time.monotonic()
        if from_dir is not None:
            from kubegen.sources import load_directory

            docs = load_directory(from_dir)
        elif from_cluster:
            docs = _fetch_cluster(kubeconfig, context, group).api_documents()
        else:
            from kubegen.sources import load_crds

            docs = load_crds(from_crds or []).documents
        model = build_ir(docs, package=package, groups=group)
        tasks = len(model.model_modules) + len(model.group_versions)
        with _progress() as progress:
            task = progress.add_task(f"rendering {package}", total=tasks)

            def tick(kind: str, module: str) -> None:
                progress.update(task, advance=1, description=f"{kind} {module}")
                progress.refresh()

            files = render_package(model, docstrings=docstrings, progress=tick)
            progress.update(task, description=f"rendered {package}")
        result = write_package(out, package, files)
        _summary(model, result, time.monotonic() - started, out)


def _summary(model: Any, result: Any, seconds: float, out: Path) -> None:
    columns = ("group-version", "package", "resources", "classes")
    classes = {m.package: len(m.classes) for m in model.model_modules}
    rows = [
        (gv.api_version, gv.module, str(len(gv.resources)), str(classes.get(gv.module, 0)))
        for gv in model.group_versions
    ]
    for module in sorted(set(classes) - {gv.module for gv in model.group_versions}):
        rows.append(("(types only)", module, "0", str(classes[module])))
    title = f"{model.package} → {out}"
    if _out.is_terminal:
        # A narrow terminal folds long names onto a second line; rich's default would cut them with "…".
        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*row)
        _out.print(table)
    else:
        # No terminal (a pipe, a log): plain aligned text at its natural width, never cut at 80 columns.
        _out.print(title, highlight=False, markup=False, soft_wrap=True)
        for line in _plain_table(columns, rows):
            _out.print(line, highlight=False, markup=False, soft_wrap=True)
    _out.print(
        f"{len(result.written)} files written, {len(result.unchanged)} unchanged, {len(result.deleted)} deleted "
        f"in {seconds:.1f}s"
    )


def _plain_table(columns: tuple[str, ...], rows: list[tuple[str, str, str, str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [columns, *rows]]


@app.command()
def snapshot(
    *,
    out: Annotated[Path, typer.Option("--out", help="Directory to write (replaced as a whole).")],
    from_dir: Annotated[Path | None, typer.Option("--from-dir", help="A directory of documents to copy.")] = None,
    from_cluster: Annotated[bool, typer.Option("--from-cluster", help="Fetch the documents from a cluster.")] = False,
    kubeconfig: Annotated[str | None, typer.Option("--kubeconfig")] = None,
    context: Annotated[str | None, typer.Option("--context")] = None,
    strip_descriptions: Annotated[
        bool,
        typer.Option("--strip-descriptions/--keep-descriptions", help="Keep only facts (no description prose)."),
    ] = False,
) -> None:
    """Save discovery and OpenAPI v3 documents in the directory layout `generate --from-dir` reads."""
    from kubegen.snapshot import save_documents, snapshot_directory

    with _clean_errors():
        if (from_dir is None) == (not from_cluster):
            raise InputError("give exactly one of --from-dir, --from-cluster")
        if from_dir is not None:
            with _progress() as progress:
                task = progress.add_task("copying documents", total=None)
                files = snapshot_directory(from_dir, out, strip=strip_descriptions, progress=_advance(progress, task))
        else:
            docs = _fetch_cluster(kubeconfig, context)
            if out.exists():
                import shutil

                shutil.rmtree(out)
            files = save_documents(
                out,
                discovery=docs.discovery,
                openapi_v3=docs.openapi_v3,
                version=docs.version,
                strip=strip_descriptions,
            )
        _out.print(f"{len(files)} documents written to {out}")


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="Directory of the documents the package was generated from.")],
    new: Annotated[Path, typer.Argument(help="Directory of the documents to regenerate from.")],
) -> None:
    """Which group-versions, resources, verbs, subresources, schemas and fields appeared, changed or went away."""
    from kubegen.diff import diff_documents
    from kubegen.sources import load_directory

    with _clean_errors():
        changes = diff_documents(load_directory(old), load_directory(new))
        styles = {"added": "green", "removed": "red", "changed": "yellow"}
        for change in changes:
            _out.print(str(change), style=styles[change.change], highlight=False, markup=False, soft_wrap=True)
        counts = {kind: sum(1 for c in changes if c.change == kind) for kind in ("added", "removed", "changed")}
        _out.print(f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed")


def _advance(progress: Progress, task: Any) -> Callable[[str], None]:
    def tick(_: str) -> None:
        progress.advance(task)
        progress.refresh()

    return tick


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
