"""Image descriptions state only what can be measured, plus OCR text when OCR is installed."""

from __future__ import annotations

import base64
import io
import time

import pytest
from PIL import Image, ImageDraw, ImageFont

from engine.llm import answer_chat, describe_image, ocr_available, ocr_image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def text_image(*lines: str) -> bytes:
    image = Image.new("RGB", (720, 90 * len(lines) + 40), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((24, 24 + 90 * row), line, fill="black", font=ImageFont.load_default(size=48))
    return png(image)


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


RED = png(Image.new("RGB", (64, 32), (255, 0, 0)))


def test_a_red_png_is_described_by_size_and_colour() -> None:
    description = describe_image(RED)

    assert description.startswith("PNG image, 64x32 pixels")
    assert "red #FF0000 (100%)" in description
    assert "looks blank" in description


def test_a_drawing_is_described_by_its_colours_not_its_objects() -> None:
    image = Image.new("RGB", (300, 200), (135, 206, 235))
    draw = ImageDraw.Draw(image)
    draw.ellipse((50, 50, 150, 150), fill=(255, 255, 0))

    description = describe_image(png(image))

    assert "yellow #FFFF00" in description
    assert "typical of a drawing" in description
    assert "circle" not in description and "sun" not in description


def test_transparency_is_measured() -> None:
    image = Image.new("RGBA", (40, 40), (0, 0, 255, 0))
    ImageDraw.Draw(image).rectangle((0, 0, 19, 39), fill=(0, 0, 255, 255))

    description = describe_image(png(image))

    assert "50% fully transparent" in description
    assert "blue #0000FF (50%)" in description


@pytest.mark.parametrize("data", [b"", b"not an image", RED[:40]])
def test_unreadable_bytes_get_a_plain_sentence(data: bytes) -> None:
    assert describe_image(data).startswith("The image could not be decoded")


def test_chat_describes_an_attached_image() -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": data_url(RED), "detail": "low"}},
            ],
        }
    ]

    reply = answer_chat(messages)

    assert "64x32 pixels" in reply and "red" in reply
    assert "no such text" not in reply


def test_chat_cannot_fetch_remote_images() -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                {"type": "image_url", "image_url": {"url": data_url(RED)}},
            ],
        }
    ]

    reply = answer_chat(messages)

    assert reply.startswith("Image 1: ")
    assert "cannot fetch it" in reply
    assert "Image 2: PNG image, 64x32 pixels" in reply


needs_ocr = pytest.mark.skipif(
    not ocr_available(), reason="rapidocr-onnxruntime is not installed or did not load"
)


@needs_ocr
def test_ocr_reads_rendered_text_back() -> None:
    started = time.perf_counter()
    lines = ocr_image(text_image("Net sales 2023", "Gross margin"))
    elapsed = time.perf_counter() - started

    assert [line.text for line in lines] == ["Net sales 2023", "Gross margin"]
    assert all(line.confidence > 0.8 and len(line.box) == 4 for line in lines)
    assert elapsed < 10


@needs_ocr
def test_description_includes_the_text_ocr_found() -> None:
    description = describe_image(text_image("Total revenue"))

    assert "Text found in the image (OCR): “Total revenue”" in description
    assert "typical of text" in description


@needs_ocr
def test_ocr_of_an_image_without_text_finds_none() -> None:
    assert ocr_image(RED) == []
    assert "No text was found in it by OCR." in describe_image(RED)
