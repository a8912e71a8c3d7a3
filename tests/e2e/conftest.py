"""Fixtures of the end-to-end tests: a plain HTTP client next to the SDK client, and test PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

FILING_TICKERS = ("AAPL", "AMZN", "NVDA")
SMALL_PDF_PAGES = [
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "Its keepers logged the weather every four hours for over a century. " * 6,
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island. "
    "Today the keeper's cottage is a small museum about coastal navigation. " * 6,
]


@dataclass(frozen=True)
class FilingsStore:
    """A vector store holding three 2023 Q1 10-Qs, each tagged with company/year/quarter."""

    store_id: str
    batch_id: str
    file_ids: dict[str, str]  # ticker -> file id


@pytest.fixture(scope="session")
def http(engine_server) -> Iterator[httpx.Client]:
    """httpx with the bearer key, for what the SDK hides: raw streams, missing or wrong keys."""
    with httpx.Client(
        base_url=engine_server.base_url,
        headers={"Authorization": f"Bearer {engine_server.api_key}"},
        timeout=120.0,
        trust_env=False,
    ) as client:
        yield client


@pytest.fixture(scope="session")
def aapl_2023_q1(sec10q_docs: Path) -> Path:
    return sec10q_docs / "2023 Q1 AAPL.pdf"


@pytest.fixture(scope="session")
def small_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page PDF made here, so ingestion tests need no corpus."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for page_text in SMALL_PDF_PAGES:
        pdf.add_page()
        pdf.multi_cell(0, 8, page_text)
    path = tmp_path_factory.mktemp("pdfs") / "lighthouse-report.pdf"
    pdf.output(str(path))
    return path


@pytest.fixture(scope="session")
def filings_store(openai_client, sec10q_docs: Path) -> FilingsStore:
    # Set-up through the SDK alone: the tests check the bodies of what they look at.
    store_id = openai_client.vector_stores.create(name="2023 Q1 filings").id
    paths = [sec10q_docs / f"2023 Q1 {ticker}.pdf" for ticker in FILING_TICKERS]
    batch = openai_client.vector_stores.file_batches.upload_and_poll(
        store_id, files=paths, poll_interval_ms=200
    )
    file_ids = {}
    for vs_file in openai_client.vector_stores.file_batches.list_files(
        batch.id, vector_store_id=store_id
    ):
        ticker = openai_client.files.retrieve(vs_file.id).filename.split()[-1].removesuffix(".pdf")
        file_ids[ticker] = vs_file.id
        openai_client.vector_stores.files.update(
            vs_file.id,
            vector_store_id=store_id,
            attributes={"company": ticker, "year": 2023, "quarter": "Q1"},
        )
    return FilingsStore(store_id=store_id, batch_id=batch.id, file_ids=file_ids)
