"""Measure one case in this interpreter and print one JSON line.

Run as: python measure.py decode CASE DATAFILE RUNS    decode/encode medians of a PodList
        python measure.py memory CASE DATAFILE         memory the decoded PodList holds
        python measure.py import CASE                  time and max RSS of the import a user types
        python measure.py watch CASE KUBECONFIG NAMESPACE RV COUNT
                                                       typed watch throughput (streams.py)
        python measure.py sync CASE KUBECONFIG NAMESPACE COUNT [RESOURCE [held]]
                                                       time and CPU of an informer's sync (streams.py) of pods
                                                       or configmaps; with `held`, the memory its cache holds
        python measure.py informer CASE HOW KUBECONFIG NAMESPACE COUNT
                                                       memory of a synced cache; HOW is tracemalloc or rss
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES, IMPORTS, PREPARE


def sample(data: bytes, items: int = 20) -> bytes:
    """A short list of the same pods, to warm a library up with: the whole list costs the slow ones a minute."""
    whole = json.loads(data)
    whole["items"] = whole["items"][:items]
    return json.dumps(whole).encode()


def decode_times(case: str, data: bytes, runs: int) -> dict[str, float]:
    decode, encode = CASES[case]()
    data = PREPARE.get(case, bytes)(data)
    decode(sample(data))  # warm: first use may build decoders lazily (and learn unknown fields)
    dec, enc = [], []
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        obj = decode(data)
        dec.append(time.perf_counter() - t)
        t = time.perf_counter()
        encode(obj)
        enc.append(time.perf_counter() - t)
        del obj
    return {"decode_s": statistics.median(dec), "encode_s": statistics.median(enc)}


def memory_held(case: str, data: bytes) -> dict[str, float]:
    decode, _ = CASES[case]()
    data = PREPARE.get(case, bytes)(data)
    decode(sample(data))
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    obj = decode(data)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del obj
    return {"held_mb": held / 1e6}


def import_cost(case: str) -> dict[str, float]:
    """Wall time of the import, and this interpreter's peak RSS after it (the bare interpreter included)."""
    t = time.perf_counter()
    exec(IMPORTS[case], {})
    elapsed = time.perf_counter() - t
    return {"import_s": elapsed, "import_rss_mb": peak_rss_kb() / 1024}


def peak_rss_kb() -> int:
    # VmHWM belongs to this program's address space, which exec made new; getrusage's ru_maxrss is carried over
    # from the parent across fork and exec, so a child of a big orchestrator would report the parent's peak.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no /proc: the nearest there is (bytes on macOS)


def main() -> None:
    what, case, *rest = sys.argv[1:]
    result: dict[str, Any]
    if what == "import":
        result = import_cost(case)
    elif what == "watch":
        from streams import watch_throughput

        kubeconfig, namespace, rv, count = rest
        result = watch_throughput(case, kubeconfig, namespace, rv, int(count))
    elif what == "sync":
        from streams import informer_sync

        kubeconfig, namespace, count, *more = rest
        resource = more[0] if more else "pods"
        result = informer_sync(case, kubeconfig, namespace, int(count), resource=resource, held=more[1:] == ["held"])
    elif what == "informer":
        from streams import informer_memory

        how, kubeconfig, namespace, count = rest
        result = informer_memory(case, how, kubeconfig, namespace, int(count))
    else:
        data = Path(rest[0]).read_bytes()
        result = decode_times(case, data, int(rest[1])) if what == "decode" else memory_held(case, data)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
