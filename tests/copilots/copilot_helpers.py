"""Helpers shared by the copilot tests: the engine's key, a client factory, test documents."""

from __future__ import annotations

import io

import httpx

from core import OpenAIClient

KEY = "sk-copilot-test-key-0123456789"
AAPL = "2023 Q1 AAPL.pdf"
# The sentence the chat test asks about; its page is found with pypdf.
AMERICAS = (
    "Americas net sales decreased during the first quarter of 2023 compared to the same "
    "quarter in 2022 due primarily to lower net sales of iPhone and Mac"
)
LIGHTHOUSE = (
    "The Northcape lighthouse was built in 1871 from granite quarried on the island. "
    "Its keepers logged the weather every four hours for over a century.\n\n"
    "In 1994 the lamp was automated and the last keeper, Ingrid Solberg, left the island."
)
SCAN_LINES = ("Harbour master report", "The ferry Aurora docked at pier 7", "Tide gauge 4.2 metres")


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


def inventory(client: OpenAIClient) -> tuple[set[str], set[str], set[str]]:
    """Every file, vector store and assistant on the server."""
    return (
        {f.id for f in client.get_files()},
        {v.id for v in client.get_vector_stores()},
        {a.id for a in client.get_assistants()},
    )


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
