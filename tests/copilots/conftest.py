"""Fixtures of the copilot tests: a real engine in process, a client on it, test documents."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from core import OpenAIClient
from engine.app import create_app
from engine.settings import EngineSettings

KEY = "sk-copilot-test-key-0123456789"
AAPL = "2023 Q1 AAPL.pdf"
# The sentence the chat test asks about, and a question it answers.
AMERICAS = (
    "Americas net sales decreased during the first quarter of 2023 compared to the same "
    "quarter in 2022 due primarily to lower net sales of iPhone and Mac"
)
SCAN_LINES = ("Harbour master report", "The ferry Aurora docked at pier 7", "Tide gauge 4.2 metres")


@pytest.fixture(scope="session")
def engine_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(EngineSettings(data_dir=tmp_path_factory.mktemp("engine"), api_key=KEY))
    with TestClient(app) as http:
        yield http


def make_client(
    *, http_client: httpx.Client | None = None, transport: httpx.BaseTransport | None = None
) -> OpenAIClient:
    return OpenAIClient(
        api_key=KEY,
        base_url="http://testserver/v1",
        http_client=http_client,
        transport=transport,
        polling_interval_seconds=0.05,
        polling_timeout_seconds=180,
    )


@pytest.fixture(scope="session")
def client(engine_http: TestClient) -> Iterator[OpenAIClient]:
    with make_client(http_client=engine_http) as client:
        yield client


@pytest.fixture(scope="session")
def aapl(sec10q_docs: Path) -> Path:
    return sec10q_docs / AAPL


def render_scan(lines: tuple[str, ...] = SCAN_LINES) -> bytes:
    """A PNG of a page-sized scan with `lines` in large type."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for number, line in enumerate(lines):
        draw.text((120, 160 + 110 * number), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


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
