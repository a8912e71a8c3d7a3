"""Fixtures for the whole suite: the shared corpus and a real engine process on a loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_process import PROJECT_ROOT, EngineProcess, start_engine

# A git worktree elsewhere than beside ../shared names the corpus with PDF_COPILOT_CORPUS.
CORPUS_DIR = Path(os.environ.get("PDF_COPILOT_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
SEC10Q_DOCS = CORPUS_DIR / "docugami-sec10q" / "sec-10-q" / "data" / "v1" / "docs"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not found at {CORPUS_DIR} (it lives in shared/corpus)")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def sec10q_docs(corpus: Path) -> Path:
    if not SEC10Q_DOCS.is_dir():
        pytest.skip(f"SEC 10-Q filings not found at {SEC10Q_DOCS}")
    return SEC10Q_DOCS


@pytest.fixture(scope="session")
def blank_pdf() -> bytes:
    """A well-formed PDF with one empty page: it reads fine locally, the server finds no text."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def engine_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    with start_engine(tmp_path_factory.mktemp("engine")) as engine:
        yield engine


@pytest.fixture(scope="session")
def openai_client(engine_server: EngineProcess):
    import openai  # a dev dependency: only the end-to-end tests need it

    client = openai.OpenAI(
        base_url=engine_server.base_url, api_key=engine_server.api_key, max_retries=0
    )
    yield client
    client.close()
