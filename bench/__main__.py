"""Run the benchmarks and write bench/results/<date>.json; print a table.

Usage: python -m bench [parse ingest api ...]   (default: all)
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from rich.console import Console

from bench.common import ROOT

BENCHES = {
    "parse": "bench.parse_bench",
    "ingest": "bench.ingest_bench",
    "api": "bench.api_bench",
}


def main(argv: list[str]) -> None:
    import importlib

    console = Console()
    names = argv or list(BENCHES)
    results: dict[str, object] = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    for name in names:
        console.print(f"[bold]{name}[/bold] …")
        results[name] = importlib.import_module(BENCHES[name]).run()
        console.print_json(json.dumps(results[name], ensure_ascii=False))
    out = ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%d}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(out.read_text()) if out.exists() else {}
    previous.update(results)
    out.write_text(json.dumps(previous, indent=2, ensure_ascii=False) + "\n")
    console.print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
