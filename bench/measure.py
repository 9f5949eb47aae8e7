"""Measure one case in this interpreter and print one JSON line: decode/encode medians and memory held.

Run as: python measure.py decode CASE DATAFILE RUNS   |   python measure.py memory CASE DATAFILE
        python measure.py import CASE
"""

from __future__ import annotations

import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES, IMPORTS


def decode_times(case: str, data: bytes, runs: int) -> dict[str, float]:
    decode, encode = CASES[case]()
    decode(data)  # warm: first use may build decoders lazily
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
    decode(data)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    obj = decode(data)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del obj
    return {"held_mb": held / 1e6}


def import_time(case: str) -> dict[str, float]:
    import resource

    t = time.perf_counter()
    exec(IMPORTS[case], {})
    elapsed = time.perf_counter() - t
    return {"import_s": elapsed, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    what, case = sys.argv[1], sys.argv[2]
    if what == "import":
        result = import_time(case)
    else:
        data = Path(sys.argv[3]).read_bytes()
        result = decode_times(case, data, int(sys.argv[4])) if what == "decode" else memory_held(case, data)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
