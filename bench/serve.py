"""Serve a bench index (fake passage vectors + real e5 query embedder) in its own process.

``python -m bench.serve INDEX_DIR [--port 8123] [--workers 1]`` — so the load generator
(``wrk``) and the server do not share a process, a GIL or a core budget they would fight over.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from api.app import create_app
from rag.pipeline import Pipeline
from rag.settings import AccessSettings, IndexSettings, Settings


def app_factory():  # uvicorn --factory entry point (one per worker process)
    from bench.scale_bench import WORK, BenchEmbedder

    index_dir = Path(os.environ["BENCH_INDEX_DIR"])
    access = AccessSettings(rate_limit_per_minute=10**9, feedback_db=WORK / "feedback.sqlite",
                            uploads_dir=WORK / "uploads")  # one client IP: lift the per-caller limit
    settings = Settings(_env_file=None, index=IndexSettings(dir=index_dir), access=access)
    pipeline = Pipeline(settings, embedder=BenchEmbedder())
    pipeline.retriever()  # load the index before the first request
    return create_app(settings, pipeline)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("--port", type=int, default=8123)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    os.environ["BENCH_INDEX_DIR"] = str(args.index_dir.resolve())
    uvicorn.run("bench.serve:app_factory", factory=True, host="127.0.0.1", port=args.port,
                workers=args.workers, log_level="warning")


if __name__ == "__main__":
    main()
