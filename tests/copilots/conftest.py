"""Fixtures of the copilot tests: a real engine in process, a client on it, test documents."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from copilot_helpers import AAPL, KEY, make_client, render_scan
from engine_process import in_process_engine
from starlette.testclient import TestClient

from core import OpenAIClient


@pytest.fixture(scope="session")
def engine_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with in_process_engine(tmp_path_factory.mktemp("engine"), KEY) as http:
        yield http


@pytest.fixture(scope="session")
def client(engine_http: TestClient) -> Iterator[OpenAIClient]:
    with make_client(http_client=engine_http) as client:
        yield client


@pytest.fixture(scope="session")
def aapl(sec10q_docs: Path) -> Path:
    return sec10q_docs / AAPL


@pytest.fixture(scope="session")
def scanned_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page PDF with no text layer: each page is one image of rendered text."""
    from PIL import Image

    first = Image.open(io.BytesIO(render_scan())).convert("RGB")
    second = Image.open(
        io.BytesIO(render_scan(("Second page", "Nothing else happened today.")))
    ).convert("RGB")
    path = tmp_path_factory.mktemp("scans") / "harbour-scan.pdf"
    first.save(path, format="PDF", resolution=150, save_all=True, append_images=[second])
    return path
