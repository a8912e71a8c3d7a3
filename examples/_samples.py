"""Sample documents for the examples when none is given: made on the spot, nothing downloaded."""

from __future__ import annotations

import io
import os
from pathlib import Path

from core import OpenAIClient

PARAGRAPHS = (
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "Its keepers logged the weather every four hours for over a century.",
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island. "
    "Today the keeper's cottage is a small museum about coastal navigation.",
)
SCAN_LINES = ("Harbour master report", "The ferry Aurora docked at pier 7", "Tide gauge 4.2 metres")


def client_from_env() -> OpenAIClient:
    """`OPENAI_API_KEY` and, for our engine or another server, `OPENAI_BASE_URL`."""
    builder = OpenAIClient.create_with_api_key(os.environ["OPENAI_API_KEY"])
    if base_url := os.environ.get("OPENAI_BASE_URL"):
        builder = builder.with_base_url(base_url)
    return builder.build()


def model_from_env() -> str | None:
    """`OPENAI_MODEL` (e.g. `OpenAIModels.gpt_4o` against OpenAI); None: the server's first."""
    return os.environ.get("OPENAI_MODEL") or None


def scan_png(lines: tuple[str, ...] = SCAN_LINES) -> bytes:
    """A page-sized scan with `lines` in large type (an image with text in it)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    for number, line in enumerate(lines):
        draw.text((120, 160 + 110 * number), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def sample_pdf(folder: Path, name: str = "SampleDocument.pdf") -> Path:
    """A two-page PDF with a text layer and, on page 2, a picture with a caption in it."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number, paragraph in enumerate(PARAGRAPHS):
        pdf.add_page()
        pdf.multi_cell(0, 8, paragraph)
        if number == 1:
            pdf.image(io.BytesIO(scan_png()), x=20, y=60, w=120)
    path = Path(folder) / name
    pdf.output(str(path))
    return path


def scanned_pdf(folder: Path, name: str = "ScannedDocument.pdf") -> Path:
    """A PDF without a text layer: one page that is an image of text."""
    from PIL import Image

    page = Image.open(io.BytesIO(scan_png())).convert("RGB")
    path = Path(folder) / name
    page.save(path, format="PDF", resolution=150)
    return path


def image_file(folder: Path, name: str = "ImageWithText.png") -> Path:
    path = Path(folder) / name
    path.write_bytes(scan_png())
    return path
