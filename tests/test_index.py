"""On-disk index: real FAISS files in tmp_path, FakeEmbedder, atomic and incremental builds."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import rag.index as index_mod
from rag import store
from rag.embed.fake import FakeEmbedder
from rag.errors import EmbedderMismatch, IndexCorrupt, IndexNotBuilt
from rag.index import Index, IndexDoc, build_index, current_build_id, remove_documents
from rag.settings import IndexSettings
from rag.types import HEADER, AgendaItem, Chunk, HeaderUnit, Meeting, Section

SETTINGS = IndexSettings()
TOPICS = {
    "a.pdf": ("Randersklyngen", "2017-06-22", "public",
              ["rygestop for borgere", "IV-behandling i eget hjem", "hjernerystelse og opfølgning"]),
    "b.pdf": ("Vestklyngen", "2019-03-05", "public",
              ["telemedicin til borgere med KOL", "genoptræning efter hoftebrud", "ventetider i psykiatri"]),
    "c.pdf": ("Horsensklyngen", "2021-11-30", "internal",
              ["ældremedicin og polyfarmaci", "diabetes hos børn og unge", "vaccination mod influenza"]),
}


def make_doc(file: str, topics: Sequence[str] | None = None, version: str = "1") -> IndexDoc:
    """A meeting with one item per topic and one chunk per item plus the header."""
    cluster, date, scope, default = TOPICS[file]
    topics = list(topics or default)
    mid = f"{file.removesuffix('.pdf')}-{date}"
    items = tuple(
        AgendaItem(
            number=str(n), title=t.capitalize(), text=f"Klyngen drøftede {t}. Beslutning: {t} godkendt.",
            sections=(Section("beslutning", "Beslutning", f"{t} godkendt."),), decision=f"{t} godkendt.",
            pages=(n,),
        )
        for n, t in enumerate(topics, start=1)
    )
    header = HeaderUnit(text=f"Referat {cluster} {date}", participants=("Hanne Mark",), pages=(1,))
    meeting = Meeting(
        id=mid, file=file, cluster=cluster, body="Klyngestyregruppen", date=date, place="Randers",
        title=f"Møde i {cluster}", participants=("Hanne Mark",), header=header, items=items,
    )
    units = [(HEADER, "Forside", header.text, None)]
    units += [(i.number, i.title, i.text, i.decision) for i in items]
    chunks = [
        Chunk(id=f"{mid}#{num}#0", meeting_id=mid, file=file, item=num, title=title, text=text,
              search_text=f"{cluster} · {date} · {title}\n{text}", cluster=cluster, body="Klyngestyregruppen",
              date=date, decision=decision, scope=scope)
        for num, title, text, decision in units
    ]
    sha = hashlib.sha256(f"{file}{topics}{version}".encode()).hexdigest()
    return IndexDoc(file=file, sha256=sha, meeting=meeting, chunks=chunks, scope=scope)


class CountingEmbedder(FakeEmbedder):
    """FakeEmbedder that records every text it embeds and can fail on the n-th batch."""

    def __init__(self, dim: int = 64, fail_on_batch: int | None = None) -> None:
        super().__init__(dim)
        self.embedded: list[str] = []
        self.batches = 0
        self.fail_on_batch = fail_on_batch

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.batches += 1
        if self.fail_on_batch is not None and self.batches >= self.fail_on_batch:
            raise RuntimeError("embedder crashed")
        self.embedded += list(texts)
        return super().embed_documents(texts)


@pytest.fixture
def docs() -> list[IndexDoc]:
    return [make_doc(f) for f in TOPICS]


@pytest.fixture
def built(tmp_path: Path, docs: list[IndexDoc]) -> Path:
    build_index(tmp_path, FakeEmbedder(64), docs, settings=SETTINGS)
    return tmp_path


def top_row(index: Index, query: str, dim: int = 64) -> Chunk:
    rows = index.dense_search(FakeEmbedder(dim).embed_query(query), 1)
    return index.chunks[rows[0][0]]


def test_build_load_and_search(built: Path, docs: list[IndexDoc]) -> None:
    index = Index.load(built, FakeEmbedder(64))
    assert len(index) == sum(len(d.chunks) for d in docs) == index.manifest["n_chunks"]
    assert (built / "current").is_symlink() and os.readlink(built / "current") == f"builds/{index.build_id}"
    assert current_build_id(built) == index.build_id
    m = index.manifest
    assert (m["embedder_id"], m["dim"], m["index_type"]) == ("fake-bow-64", 64, "flat_ip")
    assert m["documents"]["a.pdf"]["n_chunks"] == 4 and m["documents"]["a.pdf"]["n_items"] == 3
    assert m["documents"]["c.pdf"]["scope"] == "internal"
    assert top_row(index, "telemedicin til borgere med KOL").item == "1"
    assert top_row(index, "telemedicin til borgere med KOL").file == "b.pdf"
    lex = index.lexical_search("ivbehandling", 3)
    assert index.chunks[lex[0][0]].title == "Iv-behandling i eget hjem"
    assert index.meetings[docs[1].meeting.id] == docs[1].meeting
    assert {c.id for c in index.chunks} == {c.id for d in docs for c in d.chunks}
    vecs = index.vectors_for([0, 2])
    assert vecs.shape == (2, 64) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_no_index(tmp_path: Path) -> None:
    assert current_build_id(tmp_path) is None
    with pytest.raises(IndexNotBuilt):
        Index.load(tmp_path, FakeEmbedder(64))


def test_reingest_unchanged_embeds_nothing(tmp_path: Path, docs: list[IndexDoc]) -> None:
    emb = CountingEmbedder()
    first = build_index(tmp_path, emb, docs, settings=SETTINGS)
    assert first.files_added == 3 and first.chunks_embedded == first.n_chunks == 12
    emb.embedded.clear()
    again = build_index(tmp_path, emb, docs, settings=SETTINGS)
    assert emb.embedded == []
    assert (again.files_unchanged, again.chunks_reused, again.chunks_embedded) == (3, 12, 0)
    third = build_index(tmp_path, emb, docs, settings=SETTINGS)
    # the previous build is kept for rollback, older ones are deleted
    assert sorted(p.name for p in (tmp_path / "builds").iterdir()) == sorted(
        [again.build_dir.name, third.build_dir.name])
    assert Index.load(tmp_path, emb).build_id == third.build_dir.name


def test_another_analyzer_version_rebuilds_the_lexical_index(tmp_path: Path, docs: list[IndexDoc],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    """After an upgrade that changes the Danish analyzer, a re-ingest of unchanged files rebuilds BM25
    (its stems would no longer match the questions'); vectors are reused, nothing is embedded."""
    emb = CountingEmbedder()
    first = build_index(tmp_path, emb, docs, settings=SETTINGS)
    monkeypatch.setattr(index_mod, "ANALYZER_ID", "another-analyzer")
    with caplog.at_level("WARNING"):
        Index.load(tmp_path, emb)
    assert "another version of the Danish analyzer" in caplog.text
    emb.embedded.clear()
    caplog.clear()
    with caplog.at_level("INFO"):
        again = build_index(tmp_path, emb, docs, settings=SETTINGS)
    assert emb.embedded == [] and again.chunks_reused == first.n_chunks
    assert "reusing FAISS and BM25" not in caplog.text
    assert json.loads((again.build_dir / "manifest.json").read_text())["analyzer_id"] == "another-analyzer"
    with caplog.at_level("INFO"):
        build_index(tmp_path, emb, docs, settings=SETTINGS)
    assert "reusing FAISS and BM25" in caplog.text  # same analyzer again: reused


def test_changed_file_replaces_its_chunks(tmp_path: Path, docs: list[IndexDoc]) -> None:
    emb = CountingEmbedder()
    build_index(tmp_path, emb, docs, settings=SETTINGS)
    emb.embedded.clear()
    topics = ["telemedicin til borgere med KOL", "sårbehandling i hjemmeplejen"]
    changed = make_doc("b.pdf", topics, version="2")
    report = build_index(tmp_path, emb, [docs[0], changed, docs[2]], settings=SETTINGS)
    assert (report.files_updated, report.files_unchanged) == (1, 2)
    assert len(emb.embedded) == report.chunks_embedded == 1  # only the new item's text
    index = Index.load(tmp_path, emb)
    b_titles = {c.title for c in index.chunks if c.file == "b.pdf"}
    assert b_titles == {"Forside", "Telemedicin til borgere med kol", "Sårbehandling i hjemmeplejen"}
    assert index.manifest["documents"]["b.pdf"]["sha256"] == changed.sha256
    assert index.meetings[changed.meeting.id] == changed.meeting


def test_missing_files_kept_unless_pruned(tmp_path: Path, docs: list[IndexDoc]) -> None:
    emb = CountingEmbedder()
    build_index(tmp_path, emb, docs, settings=SETTINGS)
    kept = build_index(tmp_path, emb, docs[:2], settings=SETTINGS)
    assert kept.files_removed == 0 and kept.n_chunks == 12
    index = Index.load(tmp_path, emb)
    assert set(index.manifest["documents"]) == {"a.pdf", "b.pdf", "c.pdf"}
    assert index.meetings[docs[2].meeting.id] == docs[2].meeting
    pruned = build_index(tmp_path, emb, docs[:2], settings=SETTINGS, prune=True)
    assert pruned.files_removed == 1 and pruned.n_chunks == 8 and pruned.n_meetings == 2
    index = Index.load(tmp_path, emb)
    assert set(index.manifest["documents"]) == {"a.pdf", "b.pdf"}
    assert all(c.file != "c.pdf" for c in index.chunks) and docs[2].meeting.id not in index.meetings


def test_remove_documents(built: Path) -> None:
    report = remove_documents(built, FakeEmbedder(64), ["a.pdf", "nope.pdf"], SETTINGS)
    assert report.files_removed == 1 and report.chunks_embedded == 0 and report.n_chunks == 8
    assert set(Index.load(built, FakeEmbedder(64)).manifest["documents"]) == {"b.pdf", "c.pdf"}
    with pytest.raises(IndexNotBuilt):
        remove_documents(built / "elsewhere", FakeEmbedder(64), ["a.pdf"], SETTINGS)


def test_embedder_mismatch_refused_then_rebuild(built: Path, docs: list[IndexDoc]) -> None:
    other = FakeEmbedder(32)
    with pytest.raises(EmbedderMismatch, match=r"fake-bow-64.*fake-bow-32.*rag ingest --rebuild"):
        Index.load(built, other)
    with pytest.raises(EmbedderMismatch, match="rag ingest --rebuild"):
        build_index(built, other, docs, settings=SETTINGS)
    report = build_index(built, other, docs[:1], settings=SETTINGS, rebuild=True)
    # b.pdf and c.pdf are kept and re-embedded too: no vector of the old embedder is reused
    assert (report.chunks_embedded, report.chunks_reused, report.files_unchanged) == (12, 0, 1)
    index = Index.load(built, other)
    assert index.manifest["embedder_id"] == "fake-bow-32" and len(index.manifest["documents"]) == 3
    assert top_row(index, "genoptræning efter hoftebrud", dim=32).file == "b.pdf"
    report = build_index(built, FakeEmbedder(64), docs[:1], settings=SETTINGS, rebuild=True, prune=True)
    assert report.files_removed == 2
    assert set(Index.load(built, FakeEmbedder(64)).manifest["documents"]) == {"a.pdf"}


def test_rebuild_replaces_a_corrupt_index(built: Path, docs: list[IndexDoc]) -> None:
    (store.current_build_dir(built) / "chunks.json").write_text("garbage")
    with pytest.raises(IndexCorrupt, match="rag ingest --rebuild"):
        build_index(built, FakeEmbedder(64), docs, settings=SETTINGS)
    report = build_index(built, FakeEmbedder(64), docs[1:], settings=SETTINGS, rebuild=True)
    assert report.files_added == 2 and report.n_chunks == 8
    assert Index.load(built, FakeEmbedder(64)).manifest["n_chunks"] == 8


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("faiss.index", lambda p: p.write_bytes(b"not a faiss index")),
        ("faiss.index", lambda p: p.write_bytes(p.read_bytes()[:100])),
        ("chunks.text.txt", lambda p: p.write_bytes(p.read_bytes()[:-10])),
        ("chunks.json", lambda p: p.write_bytes(p.read_bytes()[:-10])),
        ("chunks.offsets.npy", lambda p: p.unlink()),
        ("meetings.idx.json", lambda p: p.write_text("{")),
        ("manifest.json", lambda p: p.write_text("{")),
        ("vectors.npy", lambda p: p.write_bytes(p.read_bytes()[:200])),
        ("lexical/lexical.json", lambda p: p.write_text('{"n_docs": 3}')),
    ],
)
def test_damaged_build_is_corrupt(built: Path, name: str, damage) -> None:
    damage(store.current_build_dir(built) / name)
    with pytest.raises(IndexCorrupt, match="rag ingest --rebuild"):
        Index.load(built, FakeEmbedder(64))


def test_failed_build_leaves_previous_serving(built: Path, docs: list[IndexDoc], monkeypatch) -> None:
    before = current_build_id(built)
    monkeypatch.setattr(index_mod, "EMBED_BATCH", 2)
    failing = CountingEmbedder(fail_on_batch=2)
    failing.id = "fake-bow-64"
    new = [make_doc(f, ["helt nyt emne", "endnu et emne", "tredje emne"], version="2") for f in TOPICS]
    with pytest.raises(RuntimeError, match="embedder crashed"):
        build_index(built, failing, new, settings=SETTINGS)
    assert current_build_id(built) == before
    assert [p.name for p in (built / "builds").iterdir()] == [before]
    assert top_row(Index.load(built, FakeEmbedder(64)), "rygestop for borgere").file == "a.pdf"


def test_failure_while_writing_and_stale_temp_dirs(built: Path, docs: list[IndexDoc], monkeypatch) -> None:
    before = current_build_id(built)
    stale = built / "builds" / ".tmp-killed-build"  # what a kill -9 during a build leaves behind
    stale.mkdir()
    (stale / "faiss.index").write_bytes(b"partial")

    def boom(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_meetings", boom)
    with pytest.raises(OSError, match="disk full"):
        build_index(built, FakeEmbedder(64), docs, settings=SETTINGS)
    assert current_build_id(built) == before
    assert Index.load(built, FakeEmbedder(64)).build_id == before
    monkeypatch.undo()
    report = build_index(built, FakeEmbedder(64), docs, settings=SETTINGS)
    assert sorted(p.name for p in (built / "builds").iterdir()) == sorted([before, report.build_dir.name])


def test_progress_reports_embedding(tmp_path: Path, docs: list[IndexDoc], monkeypatch) -> None:
    monkeypatch.setattr(index_mod, "EMBED_BATCH", 5)
    calls: list[tuple[int, int]] = []
    build_index(tmp_path, FakeEmbedder(64), docs, settings=SETTINGS,
                progress=lambda done, total: calls.append((done, total)))
    assert calls == [(5, 12), (10, 12), (12, 12)]


def test_allowed_rows_filter_inside_dense_and_lexical(built: Path) -> None:
    index = Index.load(built, FakeEmbedder(64))
    c_rows = index.rows(meeting_ids=[index.manifest["documents"]["c.pdf"]["meeting_id"]])
    assert c_rows is not None and len(c_rows) == 4
    q = FakeEmbedder(64).embed_query("rygestop for borgere")  # an a.pdf topic
    dense = index.dense_search(q, 3, allowed=c_rows)
    assert len(dense) == 3 and {r for r, _ in dense} <= set(c_rows.tolist())
    assert [s for _, s in dense] == sorted((s for _, s in dense), reverse=True)
    lex = index.lexical_search("klyngen drøftede rygestop", 10, allowed=c_rows)
    assert lex and {r for r, _ in lex} <= set(c_rows.tolist())
    assert index.dense_search(q, 3, allowed=np.array([], dtype=np.int64)) == []


def test_rows_filters(built: Path) -> None:
    index = Index.load(built, FakeEmbedder(64))
    assert index.rows() is None

    def files(rows: np.ndarray | None) -> set[str]:
        assert rows is not None
        return {index.chunks[r].file for r in rows}

    assert files(index.rows(cluster="randersklyngen")) == {"a.pdf"}
    assert len(index.rows(cluster="Ukendt klynge")) == 0
    assert files(index.rows(date_from="2019-03-05")) == {"b.pdf", "c.pdf"}
    assert files(index.rows(date_to="2019-03-05")) == {"a.pdf", "b.pdf"}
    assert files(index.rows(date_from="2018", date_to="2020")) == {"b.pdf"}
    assert files(index.rows(date_from="2021-11", date_to="2021-11")) == {"c.pdf"}
    assert files(index.rows(scopes=["internal"])) == {"c.pdf"}
    assert files(index.rows(scopes=["public"], date_from="2019")) == {"b.pdf"}
    assert len(index.rows(scopes=["public"], cluster="Horsensklyngen")) == 0
    with pytest.raises(ValueError, match="YYYY"):
        index.rows(date_from="juni")


def test_hnsw_path_matches_exact(tmp_path: Path, docs: list[IndexDoc], monkeypatch) -> None:
    build_index(tmp_path / "exact", FakeEmbedder(64), docs, settings=SETTINGS)
    build_index(tmp_path / "hnsw", FakeEmbedder(64), docs, settings=IndexSettings(hnsw_threshold=5))
    exact = Index.load(tmp_path / "exact", FakeEmbedder(64))
    hnsw = Index.load(tmp_path / "hnsw", FakeEmbedder(64))
    assert (exact.manifest["index_type"], hnsw.manifest["index_type"]) == ("flat_ip", "hnsw_flat_ip")
    for topic in ["telemedicin til borgere med KOL", "diabetes hos børn", "IV-behandling i eget hjem"]:
        q = FakeEmbedder(64).embed_query(topic)
        assert hnsw.dense_search(q, 1)[0][0] == exact.dense_search(q, 1)[0][0]
        assert hnsw.dense_search(q, 1)[0][1] == pytest.approx(exact.dense_search(q, 1)[0][1], abs=1e-5)
        allowed = exact.rows(scopes=["public"])
        want = exact.dense_search(q, 3, allowed)
        assert hnsw.dense_search(q, 3, allowed)[0][0] == want[0][0]  # exact over the subset
        monkeypatch.setattr(index_mod, "EXACT_FILTER_ROWS", 0)  # force the IDSelector path
        assert hnsw.dense_search(q, 3, allowed)[0][0] == want[0][0]
        monkeypatch.undo()


def test_chunk_and_meeting_store_round_trip(tmp_path: Path, docs: list[IndexDoc]) -> None:
    odd = Chunk(id="x", meeting_id="m", file="f", item="2", title="", text="ÆØÅ æøå \u2013 tekst",
                search_text="kontekst uden teksten", cluster=None, body=None, date=None, part=3,
                decision=None, scope=None)
    empty = Chunk(id="y", meeting_id="m", file="f", item="3", title="t", text="", search_text="",
                  cluster="K", body="B", date="2020-01-01")
    chunks = [*docs[0].chunks, odd, empty, *docs[1].chunks]
    store.write_chunks(tmp_path, chunks, ["f"] * len(chunks))
    loaded = store.ChunkStore(tmp_path)
    assert list(loaded) == chunks and loaded[-1] == chunks[-1] and loaded[1:3] == chunks[1:3]
    assert loaded.docs == ["f"] * len(chunks)
    meetings = [d.meeting for d in docs]
    warned = Meeting(id="w", file="w.txt", cluster=None, body=None, date=None, place=None, title=None,
                     participants=(), header=HeaderUnit(text=""), items=(), warnings=("no date",))
    store.write_meetings(tmp_path, [*meetings, warned])
    ms = store.MeetingStore.open(tmp_path)
    assert dict(ms) == {m.id: m for m in [*meetings, warned]}
    assert all(store.meeting_from_dict(store.meeting_to_dict(m)) == m for m in meetings)
    assert len(json.loads((tmp_path / "meetings.json").read_text())) == 4  # still one valid JSON file
