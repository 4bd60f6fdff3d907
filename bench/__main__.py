"""Run the benchmarks and write bench/results/<date>.json; print a table.

Usage: python -m bench [parse ingest api scale ...] [--scale 1k,10k,100k]   (default: all, scale 10k)

``scale`` builds synthetic corpora (bench.synth) under /tmp/rag-bench; 10k takes a few minutes,
100k ~15-25 min on 2 cores (cold ingest incl. the HNSW build dominates).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

from rich.console import Console

from bench.common import ROOT

BENCHES = {
    "parse": "bench.parse_bench",
    "ingest": "bench.ingest_bench",
    "api": "bench.api_bench",
    "scale": "bench.scale_bench",
}


def _scales(arg: str) -> tuple[int, ...]:
    return tuple(int(float(s.lower().rstrip("k")) * 1000) if s.lower().endswith("k") else int(s)
                 for s in arg.split(",") if s)


def main(argv: list[str]) -> None:
    import importlib

    scales = (10_000,)
    if "--scale" in argv:
        i = argv.index("--scale")
        scales = _scales(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return
    unknown = [a for a in argv if a not in BENCHES]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHES)} (see --help)")
    console = Console()
    names = argv or list(BENCHES)
    results: dict[str, object] = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                                  "cpus": os.cpu_count(), "loadavg_start": os.getloadavg()}
    for name in names:
        console.print(f"[bold]{name}[/bold] …")
        module = importlib.import_module(BENCHES[name])
        results[name] = module.run(scales) if name == "scale" else module.run()
        console.print_json(json.dumps(results[name], ensure_ascii=False))
    results["loadavg_end"] = os.getloadavg()
    out = ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%d}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous.update(results)
    out.write_text(json.dumps(previous, indent=2, ensure_ascii=False) + "\n")
    console.print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
