"""``kill -9`` in the middle of an ingest leaves the previous build current, loadable and answering.

A child process re-ingests a changed corpus into an index that already holds a good
build and stalls at a chosen stage (while embedding, with the temp build folder half
written, or with the new build renamed but not yet made current); the test SIGKILLs
it there. No ``finally`` or ``except`` runs in the child, exactly as after a crash or
an OOM kill. A later ingest must take the (flock) build lock, clean the leftovers up
and publish the new build.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag import store
from rag.embed.fake import FakeEmbedder
from rag.errors import IndexCorrupt
from rag.index import Index, current_build_id
from rag.pipeline import Pipeline
from tests.conftest import ROOT
from tests.reliability.conftest import FACT, FACT_QUESTION, Q, add_fact

# Runs in the child: ingest with a stall at STAGE; writes MARKER when it is stuck there.
CHILD = r"""
import sys, time
from pathlib import Path
from rag import store
from rag.embed.fake import FakeEmbedder
from rag.pipeline import Pipeline
from tests.conftest import make_settings

index_dir, corpus, stage, marker = sys.argv[1:]

def stall():
    Path(marker).write_text(stage)
    time.sleep(600)

embedder = FakeEmbedder()
if stage == "embed":
    class Stalling(FakeEmbedder):
        def embed_documents(self, texts):
            out = super().embed_documents(texts)
            stall()
            return out
    embedder = Stalling()
elif stage == "write":
    write_chunks = store.write_chunks
    def stalling_write_chunks(build_dir, *args):
        write_chunks(build_dir, *args)
        stall()
    store.write_chunks = stalling_write_chunks
elif stage == "swap":
    store.swap_current = lambda index_dir, build_id: stall()
else:
    raise SystemExit(f"unknown stage {stage}")
Pipeline(make_settings(Path(index_dir)), embedder=embedder).ingest([Path(corpus)], rebuild=True)
raise SystemExit("the ingest finished without stalling")
"""


def _ingest_and_kill(index_dir: Path, corpus: Path, stage: str, tmp_path: Path) -> None:
    marker = tmp_path / f"stalled-{stage}"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index_dir), str(corpus), stage, str(marker)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                _, err = child.communicate()
                pytest.fail(f"child exited with {child.returncode} before stalling:\n{err.decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"child never reached stage {stage!r}")
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["embed", "write", "swap"])
def test_sigkill_mid_ingest_keeps_previous_build(built, corpus, tmp_path, stage):
    index_dir = built.index.dir
    old = current_build_id(index_dir)
    assert old is not None
    add_fact(corpus)

    _ingest_and_kill(index_dir, corpus, stage, tmp_path)

    builds = index_dir / store.BUILDS
    leftovers = {p.name for p in builds.iterdir()} - {old}
    temp = [n for n in leftovers if n.startswith(store.TMP_PREFIX)]
    if stage == "embed":
        assert leftovers == set(), "nothing is written before the vectors are done"
    elif stage == "write":
        assert len(temp) == 1 and len(leftovers) == 1, leftovers
    else:
        assert len(leftovers) == 1 and not temp, "a complete build renamed into place, never made current"

    # The previous build is still the current one, loads, and answers.
    assert current_build_id(index_dir) == old
    assert os.readlink(index_dir / store.CURRENT) == f"{store.BUILDS}/{old}"
    assert Index.load(index_dir, FakeEmbedder()).build_id == old
    pipeline = Pipeline(built)
    answer = pipeline.ask(Q)
    assert not answer.refused and answer.citations
    assert pipeline.index().build_id == old
    assert FACT.split()[0] not in pipeline.ask(FACT_QUESTION).answer, "the killed build's text is not visible"

    # A half-written temp folder is not a loadable build.
    for name in temp:
        probe = tmp_path / "probe"
        probe.mkdir()
        os.symlink(builds / name, probe / store.CURRENT)
        with pytest.raises(IndexCorrupt):
            Index.load(probe, FakeEmbedder())

    # The next ingest is not blocked by the dead child's lock, cleans up and publishes.
    report = Pipeline(built).ingest([corpus])
    new = current_build_id(index_dir)
    assert new not in (None, old) and report.build is not None and report.build.build_dir.name == new
    assert {p.name for p in builds.iterdir()} == {old, new}, "leftovers of the killed build are removed"
    assert not list(index_dir.glob(f"{store.CURRENT}{store.TMP_PREFIX}*"))
    after = Pipeline(built).ask(FACT_QUESTION)
    assert not after.refused and any("Kvælstofpiloten" in c.quote for c in after.citations), after.answer
