"""Fixtures of the end-to-end tests: a plain HTTP client next to the SDK client, and test PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


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


SMALL_PDF_PAGES = [
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "Its keepers logged the weather every four hours for over a century. " * 6,
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island. "
    "Today the keeper's cottage is a small museum about coastal navigation. " * 6,
]
