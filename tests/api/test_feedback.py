"""POST/GET /api/feedback over a real server, and the SQLite store."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3

import httpx
import pytest

from api.app import create_app
from rag.feedback import COLUMNS, FeedbackStore, question_hash
from rag.settings import AccessSettings, ApiKey
from tests.conftest import make_settings

QUESTION = "Hvad besluttede Randersklyngen om IV-behandling?"
ANSWER_HASH = hashlib.sha256(b"Randers Kommune opsiger IV-aftalen").hexdigest()
ADMIN = {"X-API-Key": "admin-key"}
READER = {"X-API-Key": "randers-key"}


@pytest.fixture
def server(fake_settings, tmp_path, live_server_factory):
    keys = {"admin-key": ApiKey(name="admin", admin=True),
            "randers-key": ApiKey(name="randers", scopes=["Randersklyngen"])}
    access = AccessSettings(keys=keys, feedback_db=tmp_path / "var" / "feedback.sqlite",
                            uploads_dir=tmp_path / "uploads", rate_limit_per_minute=10_000)
    settings = make_settings(fake_settings.index.dir, access=access)
    s = live_server_factory(create_app(settings))
    s.db = settings.access.feedback_db
    return s


def _post(server, body, headers=READER) -> httpx.Response:
    return httpx.post(f"{server.url}/api/feedback", json=body, headers=headers)


def test_feedback_is_stored_with_the_question_hash_only(server):
    r = _post(server, {"question": f"  {QUESTION} ", "answer_hash": ANSWER_HASH.upper(), "rating": "up",
                       "comment": "  Præcist svar, tak!  "})
    assert r.status_code == 201, r.text
    row = r.json()
    assert row["id"] == 1 and row["key_name"] == "randers" and row["rating"] == "up"
    assert row["question_hash"] == hashlib.sha256(QUESTION.encode()).hexdigest() == question_hash(QUESTION)
    assert row["answer_hash"] == ANSWER_HASH and row["comment"] == "Præcist svar, tak!"
    assert row["created_at"].endswith("+00:00")
    with sqlite3.connect(server.db) as con:
        columns = [c[1] for c in con.execute("PRAGMA table_info(feedback)")]
        assert tuple(columns) == COLUMNS
    assert QUESTION.encode() not in server.db.read_bytes()
    assert b"IV-behandling" not in server.db.read_bytes()


def test_question_id_instead_of_text(server):
    qid = question_hash(QUESTION)
    r = _post(server, {"question_id": qid.upper(), "answer_hash": ANSWER_HASH, "rating": "down"})
    assert r.status_code == 201 and r.json()["question_hash"] == qid and r.json()["comment"] is None


def test_anonymous_feedback_when_asking_is_open(server):
    r = _post(server, {"question": QUESTION, "answer_hash": ANSWER_HASH, "rating": "up"}, headers={})
    assert r.status_code == 201 and r.json()["key_name"] is None
    assert _post(server, {"question": QUESTION, "answer_hash": ANSWER_HASH, "rating": "up"},
                 headers={"X-API-Key": "forkert"}).status_code == 401


@pytest.mark.parametrize("body", [
    {"question": QUESTION, "answer_hash": ANSWER_HASH, "rating": "meh"},
    {"question": QUESTION, "answer_hash": ANSWER_HASH},
    {"question": QUESTION, "answer_hash": "abc", "rating": "up"},
    {"question": QUESTION, "answer_hash": "g" * 64, "rating": "up"},
    {"answer_hash": ANSWER_HASH, "rating": "up"},
    {"question": QUESTION, "question_id": question_hash(QUESTION), "answer_hash": ANSWER_HASH, "rating": "up"},
    {"question": "   ", "answer_hash": ANSWER_HASH, "rating": "up"},
    {"question": "x" * 2001, "answer_hash": ANSWER_HASH, "rating": "up"},
    {"question_id": "not-a-hash", "answer_hash": ANSWER_HASH, "rating": "up"},
    {"question": QUESTION, "answer_hash": ANSWER_HASH, "rating": "up", "comment": "x" * 2001},
])
def test_invalid_feedback_gets_422_in_danish(server, body):
    r = _post(server, body)
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Forespørgslen er ugyldig")
    assert not server.db.exists() or FeedbackStore(server.db).rows() == []


def test_export_as_json_and_csv_for_admins_only(server):
    _post(server, {"question": QUESTION, "answer_hash": ANSWER_HASH, "rating": "up"})
    _post(server, {"question": "Hvornår mødes Vestklyngen?", "answer_hash": ANSWER_HASH, "rating": "down",
                   "comment": "=HYPERLINK(\"http://x\";\"klik\"), æøå"}, headers=ADMIN)
    r = httpx.get(f"{server.url}/api/feedback", headers=ADMIN)
    assert r.status_code == 200
    rows = r.json()
    assert [row["rating"] for row in rows] == ["up", "down"]
    assert [row["key_name"] for row in rows] == ["randers", "admin"]
    assert set(rows[0]) == set(COLUMNS)

    r = httpx.get(f"{server.url}/api/feedback", params={"format": "csv"}, headers=ADMIN)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(r.text)))
    assert tuple(table[0]) == COLUMNS and len(table) == 3
    assert table[2][COLUMNS.index("comment")] == "'=HYPERLINK(\"http://x\";\"klik\"), æøå"  # not a formula

    assert httpx.get(f"{server.url}/api/feedback", headers=READER).status_code == 403
    assert httpx.get(f"{server.url}/api/feedback").status_code == 401
    r = httpx.get(f"{server.url}/api/feedback", params={"format": "xml"}, headers=ADMIN)
    assert r.status_code == 422 and "ugyldig" in r.json()["detail"]


def test_empty_export(server):
    assert httpx.get(f"{server.url}/api/feedback", headers=ADMIN).json() == []
    r = httpx.get(f"{server.url}/api/feedback", params={"format": "csv"}, headers=ADMIN)
    assert r.text.strip() == ",".join(COLUMNS)


def test_unwritable_database_gives_a_danish_error(fake_settings, tmp_path, live_server_factory):
    blocker = tmp_path / "fil"
    blocker.write_text("not a folder")
    access = AccessSettings(feedback_db=blocker / "feedback.sqlite", rate_limit_per_minute=10_000)
    server = live_server_factory(create_app(make_settings(fake_settings.index.dir, access=access)))
    r = _post(server, {"question": QUESTION, "answer_hash": ANSWER_HASH, "rating": "up"}, headers={})
    assert r.status_code == 500
    assert r.json() == {"detail": "Din feedback kunne ikke gemmes. Prøv igen senere.", "error": "FeedbackError"}


def test_store_round_trip(tmp_path):
    store = FeedbackStore(tmp_path / "a" / "b.sqlite")
    assert store.rows() == []
    row = store.add(key_name=None, question_hash="q" * 64, answer_hash="a" * 64, rating="down")
    assert store.rows() == [row]
    with pytest.raises(sqlite3.IntegrityError), sqlite3.connect(store.path) as con:
        con.execute("INSERT INTO feedback (created_at, question_hash, answer_hash, rating) VALUES (?,?,?,?)",
                    ("t", "q", "a", "sideways"))
