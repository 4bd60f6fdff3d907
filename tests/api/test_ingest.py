"""POST /api/ingest over a real server on a fresh copy of the sample index (fake embedder).

Every refused upload must leave the index exactly as it was: the same ``current``
build and the same answer to a question. An accepted upload is answerable at once.
"""

from __future__ import annotations

import io
import socket
import threading
import zipfile
from pathlib import Path

import docx
import httpx
import pytest

from api.app import create_app
from api.routes.ingest import UnsupportedUpload, safe_name
from rag.index import current_build_id
from rag.pipeline import Pipeline
from rag.settings import AccessSettings, ApiKey
from tests.conftest import MINUTES, make_settings

ADMIN = {"X-API-Key": "admin-key"}
READER = {"X-API-Key": "randers-key"}
Q = "Hvad besluttede Randersklyngen om IV-behandling?"
MAX_MB = 0.1  # 104,857 bytes: small enough that the size tests stay fast

HORSENS_LINES = [
    "Referat fra Klyngestyregruppemøde i Horsensklyngen 14.03.2024 på Regionshospitalet Horsens",
    "",
    "Mødeleder: Karen Holm",
    "Referent: Peter Lund",
    "",
    "Dagsorden:",
    "1. Godkendelse af dagsorden",
    "2. Fælles akutteam for Horsens Kommune og Hedensted Kommune",
    "3. Eventuelt",
    "",
    "1. Godkendelse af dagsorden",
    "Dagsordenen blev godkendt uden bemærkninger.",
    "",
    "2. Fælles akutteam for Horsens Kommune og Hedensted Kommune",
    "Sagsfremstilling: Kommunerne og hospitalet har undersøgt et fælles akutteam til ældre medicinske patienter.",
    "Beslutning: Klyngestyregruppen besluttede at etablere et fælles akutteam fra 1. maj 2024 "
    "med base på Regionshospitalet Horsens.",
    "",
    "3. Eventuelt",
    "Intet.",
]
HORSENS_Q = "Hvad besluttede Horsensklyngen om fælles akutteam?"


@pytest.fixture
def env(tmp_path, live_server_factory):
    """A fresh index of the sample minutes, served with an admin and a Randers reader key."""
    keys = {
        "admin-key": ApiKey(name="admin", admin=True),
        "randers-key": ApiKey(name="randers", scopes=["Randersklyngen"]),
        "randers-admin": ApiKey(name="randers-admin", scopes=["Randersklyngen"], admin=True),
    }
    access = AccessSettings(keys=keys, max_upload_mb=MAX_MB, uploads_dir=tmp_path / "uploads",
                            feedback_db=tmp_path / "feedback.sqlite", rate_limit_per_minute=10_000)
    settings = make_settings(tmp_path / "index", access=access)
    Pipeline(settings).ingest([MINUTES])
    app = create_app(settings)
    server = live_server_factory(app)
    server.settings, server.app = settings, app
    return server


def _snapshot(server) -> tuple:
    r = httpx.post(f"{server.url}/api/ask", json={"question": Q}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    cites = [(c["file"], c["item"]) for c in body["citations"]]
    assert cites, body
    return current_build_id(server.settings.index.dir), body["answer"], cites


def _upload(server, name: str, data: bytes, *, headers=ADMIN, scope: str | None = None) -> httpx.Response:
    form = {"scope": scope} if scope is not None else None
    return httpx.post(f"{server.url}/api/ingest", files={"file": (name, data)}, data=form, headers=headers,
                      timeout=60)


def _assert_refused(server, response: httpx.Response, status: int | tuple[int, ...], before: tuple) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    body = response.json()
    assert body["detail"] and body["error"]
    assert _snapshot(server) == before, "a refused upload changed the index"
    uploads = Path(server.settings.access.uploads_dir)
    assert not uploads.exists() or not any(uploads.iterdir()), "a refused upload was kept (or its staging folder)"
    return body


def _docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    y = 800
    for line in lines:
        c.drawString(40, y, line)
        y -= 16
    c.save()
    return out.getvalue()


# -- refused uploads ----------------------------------------------------------


def test_oversize_upload_gets_413_and_changes_nothing(env):
    before = _snapshot(env)
    r = _upload(env, "stor.txt", "\n".join(HORSENS_LINES).encode() + b"x" * 200_000)
    body = _assert_refused(env, r, 413, before)
    assert "for stor" in body["detail"]


def test_declared_content_length_is_refused_before_the_body_is_read(env):
    before = _snapshot(env)
    request = (
        b"POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: admin-key\r\n"
        b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 10000000000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", env.port), timeout=10) as s:
        s.sendall(request)  # and no body at all: the server must answer without waiting for it
        reply = s.recv(65536).decode("utf-8", "replace")
    assert reply.startswith("HTTP/1.1 413"), reply
    assert _snapshot(env) == before


def test_chunked_upload_without_length_is_cut_off_at_the_cap(env):
    before = _snapshot(env)
    boundary = "graense-7d3f"

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stor.txt\"\r\n"
               "Content-Type: text/plain\r\n\r\n").encode()
        for _ in range(40):  # 40 x 8 KiB = 320 KiB > 100 KiB cap
            yield b"Beslutning: " + b"x" * 8180 + b"\n"
        yield f"\r\n--{boundary}--\r\n".encode()

    r = httpx.post(f"{env.url}/api/ingest", content=body(), timeout=30,
                   headers={**ADMIN, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    _assert_refused(env, r, 413, before)


@pytest.mark.parametrize(("name", "data"), [
    ("budget.xlsx", _zip({"xl/workbook.xml": b"<workbook/>"})),
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 2000),
    ("uden-endelse", "Referat fra mødet\n1. Punkt\nBeslutning: ja\n".encode()),
])
def test_unsupported_file_name_gets_415(env, name, data):
    before = _snapshot(env)
    body = _assert_refused(env, _upload(env, name, data), 415, before)
    assert body["detail"].startswith("Filtypen understøttes ikke")


@pytest.mark.parametrize(("name", "data"), [
    ("referat.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 4000),   # Linux executable renamed .pdf
    ("referat.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000),  # Windows executable renamed .pdf
    ("referat.txt", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 4000),
    ("referat.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000),  # legacy .doc / encrypted
])
def test_binary_renamed_to_a_supported_type_gets_415(env, name, data):
    before = _snapshot(env)
    body = _assert_refused(env, _upload(env, name, data), 415, before)
    assert body["error"] == "UnsupportedUpload"


def test_corrupt_pdf_is_refused_with_the_loaders_reason(env):
    before = _snapshot(env)
    good = _pdf(HORSENS_LINES)
    truncated = good[: len(good) // 3]
    body = _assert_refused(env, _upload(env, "afkortet.pdf", truncated), (400, 422), before)
    assert "PDF" in body["detail"]


def test_corrupt_docx_not_a_zip_is_refused(env):
    before = _snapshot(env)
    body = _assert_refused(env, _upload(env, "referat.docx", "\n".join(HORSENS_LINES).encode()), (415, 422),
                           before)
    assert "Word-filen er beskadiget" in body["detail"]


def test_truncated_docx_is_refused(env):
    before = _snapshot(env)
    good = _docx(HORSENS_LINES)
    body = _assert_refused(env, _upload(env, "afkortet.docx", good[: len(good) // 2]), 422, before)
    assert "Word-filen" in body["detail"]


def test_zip_bomb_disguised_as_docx_is_refused(env):
    before = _snapshot(env)
    # 20 MB of zeros deflates to ~20 KB: far over the ratio limit, well under the upload limit.
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < MAX_MB * 1024 * 1024
    body = _assert_refused(env, _upload(env, "referat.docx", bomb), 422, before)
    assert "mistænkelig" in body["detail"]


def test_zip_bomb_by_total_size_is_refused(env, monkeypatch):
    from rag.ingest import docx as docx_loader

    monkeypatch.setattr(docx_loader, "MAX_TOTAL_UNCOMPRESSED", 512 * 1024)  # keep the test small
    before = _snapshot(env)
    entries = {f"word/media/part{i}.bin": bytes(range(256)) * 1024 for i in range(4)}  # 4 x 256 KiB
    bomb = _zip({"word/document.xml": b"<w:document/>", **entries})
    body = _assert_refused(env, _upload(env, "referat.docx", bomb), 422, before)
    assert "mistænkelig" in body["detail"]


def test_text_without_agenda_items_gets_422(env):
    before = _snapshot(env)
    text = "Indkøbsliste\n\nMælk, brød og ost. Husk kaffe til mødet.\n".encode()
    body = _assert_refused(env, _upload(env, "noter.txt", text), 422, before)
    assert "mødereferat" in body["detail"]


def test_empty_file_gets_422(env):
    before = _snapshot(env)
    _assert_refused(env, _upload(env, "tom.txt", b""), 422, before)


def test_missing_file_field_and_non_multipart_are_refused(env):
    before = _snapshot(env)
    r = httpx.post(f"{env.url}/api/ingest", files={"fil": ("horsens.txt", b"x")}, headers=ADMIN)
    assert r.status_code == 400 and "'file'" in r.json()["detail"]
    two = [("file", ("a.txt", b"a")), ("file", ("b.txt", b"b"))]
    assert httpx.post(f"{env.url}/api/ingest", files=two, headers=ADMIN).status_code == 400
    r = httpx.post(f"{env.url}/api/ingest", json={"file": "referat.txt"}, headers=ADMIN)
    assert r.status_code == 415
    assert _snapshot(env) == before


def test_keys_without_admin_right_are_refused(env):
    before = _snapshot(env)
    data = "\n".join(HORSENS_LINES).encode()
    assert _upload(env, "horsens.txt", data, headers={}).status_code == 401
    assert _upload(env, "horsens.txt", data, headers={"X-API-Key": "forkert"}).status_code == 401
    r = _upload(env, "horsens.txt", data, headers=READER)
    assert r.status_code == 403 and r.json()["detail"] == "Din API-nøgle giver ikke adgang til dette."
    # A scoped admin key may only ingest into its own scopes, and must say which.
    assert _upload(env, "horsens.txt", data, headers={"X-API-Key": "randers-admin"}).status_code == 403
    r = _upload(env, "horsens.txt", data, headers={"X-API-Key": "randers-admin"}, scope="Vestklyngen")
    assert r.status_code == 403
    assert _snapshot(env) == before


def test_second_upload_while_one_is_ingesting_gets_409(env):
    before = _snapshot(env)
    lock = threading.Lock()
    env.app.state.ingest_lock = lock
    with lock:  # as if another upload were being ingested right now
        r = _upload(env, "horsens.txt", "\n".join(HORSENS_LINES).encode())
    assert r.status_code == 409 and "Prøv igen" in r.json()["detail"]
    assert _snapshot(env) == before
    assert _upload(env, "horsens.txt", "\n".join(HORSENS_LINES).encode()).status_code == 201


def test_upload_may_not_take_over_another_files_meeting(env):
    before = _snapshot(env)
    # Same stem as a sample file, other suffix: it would replace that meeting under another file.
    r = _upload(env, "000_027e0e0cb2de1631.html", "\n".join(HORSENS_LINES).encode())
    assert r.status_code == 409
    assert _snapshot(env) == before


# -- accepted uploads ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "txt", "pdf"])
def test_good_upload_is_answerable_with_a_citation_to_the_new_file(env, fmt):
    data = {"docx": _docx, "pdf": _pdf, "txt": lambda lines: "\n".join(lines).encode()}[fmt](HORSENS_LINES)
    build_before = current_build_id(env.settings.index.dir)
    refused = httpx.post(f"{env.url}/api/ask", json={"question": HORSENS_Q}, timeout=30).json()
    assert refused["refused"] is True

    r = _upload(env, f"Horsens referat 14.03.2024.{fmt}", data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body == {"file": f"Horsens referat 14.03.2024.{fmt}", "meeting_id": "horsens-referat-14-03-2024",
                    "cluster": "Horsensklyngen", "date": "2024-03-14", "scope": "Horsensklyngen", "items": 3,
                    "build": current_build_id(env.settings.index.dir)}
    assert body["build"] != build_before
    assert (Path(env.settings.access.uploads_dir) / body["file"]).read_bytes() == data

    answer = httpx.post(f"{env.url}/api/ask", json={"question": HORSENS_Q}, timeout=30).json()
    assert answer["refused"] is False, answer
    assert answer["citations"][0]["file"] == body["file"] and answer["citations"][0]["item"] == "2"
    assert "akutteam" in answer["answer"]
    # The sample minutes still answer as before.
    assert _snapshot(env)[2] and len(httpx.get(f"{env.url}/api/meetings").json()) == 6


def test_upload_with_scope_is_only_readable_in_that_scope(env):
    r = _upload(env, "../../../tmp/fortroligt.txt", "\n".join(HORSENS_LINES).encode(), scope="Fortroligt")
    assert r.status_code == 201, r.text
    assert r.json()["file"] == "fortroligt.txt" and r.json()["scope"] == "Fortroligt"
    uploads = Path(env.settings.access.uploads_dir)
    assert sorted(p.name for p in uploads.iterdir()) == ["fortroligt.txt"]  # staging folder cleaned up
    admin = httpx.post(f"{env.url}/api/ask", json={"question": HORSENS_Q}, headers=ADMIN, timeout=30).json()
    assert admin["citations"] and admin["citations"][0]["file"] == "fortroligt.txt"
    reader = httpx.post(f"{env.url}/api/ask", json={"question": HORSENS_Q}, headers=READER, timeout=30).json()
    assert all(c["cluster"] == "Randersklyngen" for c in reader["citations"] + reader["retrieved"])
    meeting = r.json()["meeting_id"]
    assert httpx.get(f"{env.url}/api/meetings/{meeting}/items/2", headers=READER).status_code == 404
    assert httpx.get(f"{env.url}/api/meetings/{meeting}/items/2", headers=ADMIN).status_code == 200


def test_first_upload_builds_the_index(tmp_path, live_server_factory):
    access = AccessSettings(keys={"admin-key": ApiKey(name="admin", admin=True)}, uploads_dir=tmp_path / "uploads",
                            rate_limit_per_minute=10_000)
    settings = make_settings(tmp_path / "index", access=access)
    server = live_server_factory(create_app(settings))
    assert httpx.post(f"{server.url}/api/ask", json={"question": HORSENS_Q}).status_code == 503
    r = _upload(server, "horsens.txt", "\n".join(HORSENS_LINES).encode())
    assert r.status_code == 201 and r.json()["build"] == current_build_id(settings.index.dir)
    answer = httpx.post(f"{server.url}/api/ask", json={"question": HORSENS_Q}, timeout=30).json()
    assert answer["citations"][0]["file"] == "horsens.txt"


def test_reupload_of_the_same_file_replaces_it(env):
    data = "\n".join(HORSENS_LINES).encode()
    assert _upload(env, "horsens.txt", data).status_code == 201
    changed = data.replace(b"1. maj 2024", b"1. juni 2024")
    r = _upload(env, "horsens.txt", changed)
    assert r.status_code == 201
    answer = httpx.post(f"{env.url}/api/ask", json={"question": HORSENS_Q}, timeout=30).json()
    assert "1. juni 2024" in answer["answer"] and "1. maj 2024" not in answer["answer"]
    assert len(httpx.get(f"{env.url}/api/meetings").json()) == 6


@pytest.mark.parametrize(("raw", "expected"), [
    ("referat.pdf", "referat.pdf"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\Windows\\referat.DOCX", "referat.docx"),
    ("C:referat.htm", "referat.htm"),
    ("Møde i Århus; rm -rf $HOME.html", "Møde i Århus_ rm -rf _HOME.html"),
    ("...skjult.txt", "skjult.txt"),
    ("_.txt", "_.txt"),
    ("a" * 300 + ".txt", "a" * 100 + ".txt"),
])
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "..", "  .txt", "referat.pdf.exe", "referat", "../"])
def test_safe_name_refuses_unsupported(raw):
    with pytest.raises(UnsupportedUpload):
        safe_name(raw)
