"""The informer convergence run at full size: 5000 random pod writes per seed under injected faults (closed, stalled
and refused watches, 429s, 500s, compaction → 410, server restarts), on threads and asyncio, printed as a table.

    .venv/bin/python bench/convergence.py [--seeds 8] [--first-seed 100] [--ops 5000] [--faults 18]
                                          [--modes threads,asyncio] [--real-backoff]

Each run checks what tests/integration/informers/test_informers_convergence.py checks (on fewer writes): the
informer's store equals the server's objects, every deleted pod the informer had seen was announced, and no handler
saw a resourceVersion go backwards. `--real-backoff` keeps client-go's 800 ms .. 30 s back-off (slow: faults come
faster than it resets). Exit status 1 when any run fails. Not a test: timings here are for reading, not asserting.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The harness is shared with the CI test.
sys.path.insert(0, str(ROOT / "tests" / "integration" / "informers"))

from informers_convergence import ConvergenceResult, run_convergence  # noqa: E402

COLUMNS = (
    ("seed", 6),
    ("mode", 10),
    ("creates", 8),
    ("updates", 8),
    ("deletes", 8),
    ("faults", 7),
    ("watches", 8),
    ("relists", 8),
    ("tombstones", 11),
    ("events", 8),
    ("write s", 8),
    ("converge s", 11),
    ("result", 0),
)


def row(result: ConvergenceResult) -> list[str]:
    problems = result.problems()
    return [
        str(result.seed),
        result.mode,
        str(result.creates),
        str(result.updates),
        str(result.deletes),
        str(len(result.faults)),
        str(result.watch_requests),
        str(result.relists),
        str(result.tombstones),
        str(result.notifications),
        f"{result.write_seconds:.1f}",
        f"{result.converge_seconds:.2f}",
        "ok" if not problems else "FAILED",
    ]


def print_row(cells: list[str]) -> None:
    print("  ".join(cell.ljust(width) if width else cell for cell, (_, width) in zip(cells, COLUMNS, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--faults", type=int, default=18)
    parser.add_argument("--modes", default="threads,asyncio")
    parser.add_argument("--real-backoff", action="store_true")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    # Every injected fault makes the reflector log a warning; the table is the report.
    logging.basicConfig(level=logging.ERROR)

    print_row([name for name, _ in COLUMNS])
    failures: list[tuple[ConvergenceResult, list[str]]] = []
    started = time.monotonic()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for mode in modes:
            result = run_convergence(seed, args.ops, mode=mode, faults=args.faults, fast_backoff=not args.real_backoff)
            print_row(row(result))
            sys.stdout.flush()
            if result.problems():
                failures.append((result, result.problems()))
    runs = args.seeds * len(modes)
    print(f"\n{runs - len(failures)}/{runs} runs converged in {time.monotonic() - started:.0f} s")
    for result, problems in failures:
        print(f"seed {result.seed} ({result.mode}), faults {result.faults}:")
        for problem in problems:
            print(f"  {problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
