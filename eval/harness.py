"""``rag eval``: run the real pipeline over a gold JSONL and write results.

Writes ``eval/results/<timestamp>/`` with ``config.json``, ``rows.jsonl``,
``summary.json``, ``report.md`` and PNG plots, and prints the diff against a
committed baseline summary. The eval index lives in ``<index_dir>/eval`` and
holds exactly the gold corpus (ingested with prune), so it never mixes with
the service's own index.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from eval.metrics import (
    Key,
    fact_found,
    fact_found_strict,
    mean,
    percentile,
    precision,
    recall_at,
    reciprocal_rank,
)
from rag.answer.extractive import quote_is_verbatim
from rag.pipeline import Pipeline
from rag.prompt import load_prompts
from rag.query import parse_query
from rag.settings import Settings
from rag.types import HEADER, Answer, Meeting

logger = logging.getLogger(__name__)

HEADLINE = [
    "recall@1", "recall@5", "mrr", "key_fact_recall", "citation_recall", "citation_precision",
    "refusal_accuracy", "false_refusals", "wrong_cluster_citations", "quotes_verbatim",
    "answer_words_p50", "answer_words_p90", "latency_ms_p50", "latency_ms_p95", "fallback_rate",
]


def load_questions(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _gold(q: dict[str, Any]) -> set[Key]:
    return {(c["file"], str(c["item"])) for c in q.get("citations") or []}


def _item_text(meetings: Mapping[str, Meeting], meeting_id: str, item: str) -> str:
    m = meetings.get(meeting_id)
    if m is None:
        return ""
    if item == HEADER:
        return m.header.text
    return next((i.text for i in m.items if i.number == item), "")


def score_row(q: dict[str, Any], answer: Answer, meetings: Mapping[str, Meeting],
              aliases: dict[str, list[str]], latency_ms: float) -> dict[str, Any]:
    """Per-question metrics for one answer."""
    gold = _gold(q)
    ranked = list(dict.fromkeys((h.chunk.file, h.chunk.item) for h in answer.hits))
    cited = [(c.file, c.item) for c in answer.citations]
    asked = set(parse_query(q["question"], aliases).clusters)
    wrong = [
        f"{c.file}:{c.item}" for c in answer.citations
        if asked and c.cluster not in asked and (c.file, c.item) not in gold
    ]
    facts = q.get("key_facts") or []
    answerable = bool(gold)
    return {
        "id": q["id"], "type": q.get("type"), "question": q["question"], "answerable": answerable,
        "refused": answer.refused, "answer": answer.answer,
        "gold": sorted(f"{f}:{i}" for f, i in gold),
        "retrieved": [f"{f}:{i}" for f, i in ranked],
        "cited": [f"{f}:{i}" for f, i in cited],
        "recall@1": recall_at(gold, ranked, 1) if answerable else None,
        "recall@5": recall_at(gold, ranked, 5) if answerable else None,
        "rr": reciprocal_rank(gold, ranked) if answerable else None,
        "citation_recall": recall_at(gold, cited, len(cited)) if answerable else None,
        "citation_precision": precision(gold, cited) if answerable else None,
        "facts_found": [f for f in facts if fact_found(f, answer.answer)] if answerable else [],
        "facts_missing": [f for f in facts if not fact_found(f, answer.answer)] if answerable else [],
        "facts_strict": sum(fact_found_strict(f, answer.answer) for f in facts) if answerable else 0,
        "n_facts": len(facts) if answerable else 0,
        "wrong_cluster": wrong,
        "quotes_verbatim": [quote_is_verbatim(c.quote, _item_text(meetings, c.meeting_id, c.item))
                            for c in answer.citations],
        "words": len(answer.answer.split()),
        "latency_ms": latency_ms,
        "fallback": answer.fallback, "fallback_reason": answer.fallback_reason,
    }


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate metrics over rows (answerable and unanswerable questions separately)."""
    ans = [r for r in rows if r["answerable"]]
    unans = [r for r in rows if not r["answerable"]]
    n_facts = sum(r["n_facts"] for r in ans)
    quotes = [ok for r in rows for ok in r["quotes_verbatim"]]
    precisions = [r["citation_precision"] for r in ans if r["citation_precision"] is not None]
    by_type: dict[str, dict[str, float]] = {}
    for t in sorted({r["type"] for r in ans}):
        sub = [r for r in ans if r["type"] == t]
        by_type[t] = {"n": len(sub), "recall@5": mean([r["recall@5"] for r in sub]),
                      "key_fact_recall": sum(len(r["facts_found"]) for r in sub)
                      / max(1, sum(r["n_facts"] for r in sub))}
    words = [r["words"] for r in rows if not r["refused"]]
    return {
        "n_questions": len(rows), "n_answerable": len(ans), "n_unanswerable": len(unans),
        "recall@1": mean([r["recall@1"] for r in ans]),
        "recall@5": mean([r["recall@5"] for r in ans]),
        "mrr": mean([r["rr"] for r in ans]),
        "key_fact_recall": sum(len(r["facts_found"]) for r in ans) / max(1, n_facts),
        "key_fact_recall_strict": sum(r["facts_strict"] for r in ans) / max(1, n_facts),
        "citation_recall": mean([r["citation_recall"] for r in ans]),
        "citation_precision": mean(precisions),
        "refusal_accuracy": mean([1.0 if r["refused"] else 0.0 for r in unans]) if unans else None,
        "false_refusals": sum(1 for r in ans if r["refused"]),
        "wrong_cluster_citations": sum(len(r["wrong_cluster"]) for r in rows),
        "quotes_verbatim": mean([1.0 if ok else 0.0 for ok in quotes]) if quotes else None,
        "answer_words_p50": percentile(words, 50), "answer_words_p90": percentile(words, 90),
        "latency_ms_p50": percentile([r["latency_ms"] for r in rows], 50),
        "latency_ms_p95": percentile([r["latency_ms"] for r in rows], 95),
        "fallback_rate": mean([1.0 if r["fallback"] else 0.0 for r in rows]),
        "by_type": by_type,
    }


def run_questions(pipeline: Pipeline, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ask every question through the pipeline and score it."""
    meetings = pipeline.meetings()
    aliases = pipeline.settings.parse.cluster_aliases
    rows = []
    for q in questions:
        t0 = time.perf_counter()
        answer = pipeline.ask(q["question"])
        ms = (time.perf_counter() - t0) * 1000
        rows.append(score_row(q, answer, meetings, aliases, ms))
    return rows


def run_naive(pipeline: Pipeline, questions: list[dict[str, Any]], minutes: Path) -> dict[str, Any]:
    """Retrieval metrics of the naive LangChain pipeline on the same questions."""
    from eval.naive import NaivePipeline
    from rag.ingest import iter_files, load_document

    meetings_by_file = {m.file: m for m in pipeline.meetings().values()}
    texts = {}
    for path in iter_files([minutes]):
        doc = load_document(path)
        if Path(doc.path).name in meetings_by_file:
            texts[Path(doc.path).name] = doc.text
    naive = NaivePipeline.build(texts, meetings_by_file, pipeline.embedder)
    ans = [q for q in questions if _gold(q)]
    r1, r5, rr, facts, n_facts = [], [], [], 0, 0
    for q in ans:
        ranked, context = naive.retrieve(q["question"], 5)
        gold = _gold(q)
        r1.append(recall_at(gold, ranked, 1))
        r5.append(recall_at(gold, ranked, 5))
        rr.append(reciprocal_rank(gold, ranked))
        facts += sum(fact_found(f, context) for f in q.get("key_facts") or [])
        n_facts += len(q.get("key_facts") or [])
    return {"recall@1": mean(r1), "recall@5": mean(r5), "mrr": mean(rr),
            "key_fact_recall_in_context": facts / max(1, n_facts), "n_chunks": len(naive.chunks)}


def _plots(rows: list[dict[str, Any]], summary: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = list(summary["by_type"])
    fig, ax = plt.subplots(figsize=(8, 4))
    xs = range(len(types))
    ax.bar([x - 0.2 for x in xs], [summary["by_type"][t]["recall@5"] for t in types], 0.4, label="recall@5")
    ax.bar([x + 0.2 for x in xs], [summary["by_type"][t]["key_fact_recall"] for t in types], 0.4,
           label="key-fact recall")
    ax.set_xticks(list(xs), types, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.legend()
    ax.set_title("Per question type")
    fig.tight_layout()
    fig.savefig(out / "by_type.png", dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist([r["latency_ms"] for r in rows], bins=20)
    ax.set_xlabel("ms per question")
    ax.set_title("Latency")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "-" if v is None else str(v)


def diff_table(summary: dict[str, Any], baseline: dict[str, Any] | None, naive: dict[str, Any] | None) -> Table:
    table = Table(title="Dev eval")
    table.add_column("metric")
    table.add_column("now", justify="right")
    table.add_column("baseline", justify="right")
    table.add_column("Δ", justify="right")
    if naive:
        table.add_column("naive", justify="right")
    for key in HEADLINE:
        now, base = summary.get(key), (baseline or {}).get(key)
        delta = f"{now - base:+.3f}" if isinstance(now, int | float) and isinstance(base, int | float) else ""
        cells = [key, _fmt(now), _fmt(base), delta]
        if naive:
            cells.append(_fmt(naive.get(key, naive.get(f"{key}_in_context"))))
        table.add_row(*cells)
    return table


def _report(summary: dict[str, Any], rows: list[dict[str, Any]], naive: dict[str, Any] | None) -> str:
    lines = ["# Eval report", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {_fmt(summary.get(k))} |" for k in HEADLINE]
    if naive:
        lines += ["", "## Naive pipeline (RecursiveCharacterTextSplitter 1000/200 + FAISS top-5)", "",
                  "| metric | value |", "|---|---|"] + [f"| {k} | {_fmt(v)} |" for k, v in naive.items()]
    lines += ["", "## Misses", ""]
    for r in rows:
        miss = (r["answerable"] and (r["refused"] or r["recall@5"] < 1 or r["facts_missing"])) or (
            not r["answerable"] and not r["refused"])
        if miss:
            lines.append(f"- **{r['id']}** ({r['type']}) {r['question']} — gold {r['gold']}, "
                         f"retrieved {r['retrieved'][:5]}, cited {r['cited']}, refused={r['refused']}, "
                         f"missing facts {r['facts_missing']}")
    lines += ["", "![by type](by_type.png)", "", "![latency](latency.png)", ""]
    return "\n".join(lines)


def _read_baseline(path: Path, console: Console) -> dict[str, Any] | None:
    """The committed summary to diff against; a missing or unreadable one means no diff."""
    if not path.exists():
        return None
    try:
        base = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        console.print(f"[yellow]baseline {path} is not a summary JSON ({exc}); no diff shown[/yellow]")
        return None
    return base if isinstance(base, dict) else None


def run_eval(settings: Settings, *, questions: Path, minutes: Path, out_dir: Path, baseline: Path,
             compare: str | None, console: Console) -> dict[str, Any]:
    """Build the eval index, ask every gold question, write results; returns the summary."""
    eval_settings = settings.model_copy(
        update={"index": settings.index.model_copy(update={"dir": settings.index.dir / "eval"})})
    pipeline = Pipeline(eval_settings)
    report = pipeline.ingest([minutes], prune=True)
    console.print(f"eval index: {report.meetings} meetings, {report.items} items")
    qs = load_questions(questions)
    rows = run_questions(pipeline, qs)
    summary = summarize(rows)
    summary["embedder"] = pipeline.embedder.id
    summary["generator"] = settings.generator.backend
    summary["generator_model"] = settings.generator.model
    summary["prompts_version"] = load_prompts(settings.generator.prompts_dir).version
    naive = run_naive(pipeline, qs, minutes) if compare == "naive" else None
    if naive:
        summary["naive"] = naive
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = out_dir / stamp
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(eval_settings.model_dump_json(indent=2), encoding="utf-8")
    with (out / "rows.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    _plots(rows, summary, out)
    (out / "report.md").write_text(_report(summary, rows, naive), encoding="utf-8")
    base = _read_baseline(baseline, console)
    console.print(diff_table(summary, base, naive))
    if naive:
        console.print("naive key_fact_recall = facts anywhere in its top-5 chunks (the ~800 words an LLM would "
                      "get), not in an answer; its recall@k credits each chunk to its best-overlapping item.")
    console.print(f"results: {out}")
    return summary
