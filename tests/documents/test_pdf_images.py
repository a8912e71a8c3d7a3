"""extract_images on the pypdf sample corpus and on PDFs whose geometry we know."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from documents_corpus import SAMPLES, pdf_with_form_image, png_bytes, sample_files
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from core.documents import PdfImage, Rect, extract_images

MM = 72 / 25.4  # points per millimetre
TOLERANCE = 0.5  # points


@pytest.mark.parametrize("row", sample_files(with_images=True))
def test_images_of_the_sample_files(row: dict[str, Any]) -> None:
    path = SAMPLES / row["path"]
    survey = row["pypdf_survey"]
    images = extract_images(path)
    reader = PdfReader(path)

    if survey["pages_scanned"] == survey["pages"]:
        assert len(images) == survey["image_xobjects"]
    else:  # the survey stopped early on long files
        assert len(images) >= survey["image_xobjects"]
    assert len({image.key for image in images}) == len(images)
    for image in images:
        assert 1 <= image.page <= survey["pages"]
        assert image.name.startswith("/")
        _assert_on_page(image, reader)
        _assert_decodable(image)


@pytest.mark.parametrize("row", sample_files(with_images=False))
def test_sample_files_without_image_xobjects(row: dict[str, Any]) -> None:
    images = extract_images(SAMPLES / row["path"])
    # Only reportlab's sample draws an inline image (BI … EI) instead of an XObject.
    assert [image.name for image in images] == (["inline-0"] if "inline-image" in row["path"]
                                                  else [])


def test_inline_images_decode_like_pypdf() -> None:
    path = SAMPLES / "008-reportlab-inline-image" / "inline-image.pdf"
    if not path.exists():
        pytest.skip(f"corpus file not found: {path}")
    (image,) = extract_images(path)
    assert image.key == (1, "inline-0")
    assert image.rect == Rect(x0=100.0, y0=100.0, x1=200.0, y1=200.0)  # `100 0 0 100 100 100 cm`
    reference = PdfReader(path).pages[0].images[0].image
    with Image.open(BytesIO(image.data)) as decoded:
        assert decoded.convert("RGB").tobytes() == reference.convert("RGB").tobytes()


def test_placement_of_a_known_image() -> None:
    path = SAMPLES / "003-pdflatex-image" / "pdflatex-image.pdf"
    if not path.exists():
        pytest.skip(f"corpus file not found: {path}")
    (image,) = extract_images(path)
    assert image.key == (1, "/Im1")
    assert (image.width, image.height, image.mime) == (300, 200, "image/jpeg")
    assert image.data.startswith(b"\xff\xd8")  # the JPEG as stored
    assert image.rect == Rect(x0=147.638, y0=412.576, x1=447.638, y1=612.576)


def test_placement_follows_the_ctm_fpdf2() -> None:
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.image(BytesIO(png_bytes((40, 20))), x=20, y=30, w=50, h=25)
    with pdf.rotation(90, x=150, y=150):
        pdf.image(BytesIO(png_bytes((10, 10), (0, 0, 255))), x=150, y=150, w=40, h=20)
    images = extract_images(bytes(pdf.output()))

    assert len(images) == 2
    plain, rotated = images
    page_height = 297 * MM
    _assert_rect(plain.rect, 20 * MM, page_height - 55 * MM, 70 * MM, page_height - 30 * MM)
    assert (plain.width, plain.height, plain.mime) == (40, 20, "image/png")
    # Turned 90° counter-clockwise about its top-left corner: 20 mm wide, 40 mm tall.
    assert rotated.rect is not None
    assert rotated.rect.width == pytest.approx(20 * MM, abs=TOLERANCE)
    assert rotated.rect.height == pytest.approx(40 * MM, abs=TOLERANCE)
    assert rotated.rect.x0 == pytest.approx(150 * MM, abs=TOLERANCE)


def test_images_inside_form_xobjects() -> None:
    (image,) = extract_images(pdf_with_form_image())
    assert image.key == (1, "/Fm0/Im0")
    _assert_rect(image.rect, 20, 20, 220, 120)
    assert (image.width, image.height) == (2, 2)
    with Image.open(BytesIO(image.data)) as decoded:
        assert decoded.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


def test_the_same_image_on_two_pages_is_listed_per_page() -> None:
    pdf = FPDF()
    logo = png_bytes((12, 12))
    for _ in range(2):
        pdf.add_page()
        pdf.image(BytesIO(logo), x=10, y=10, w=20)
    images = extract_images(bytes(pdf.output()))
    assert [image.page for image in images] == [1, 2]
    assert images[0].data == images[1].data


def _assert_rect(rect: Rect | None, x0: float, y0: float, x1: float, y1: float) -> None:
    assert rect is not None
    assert (rect.x0, rect.y0, rect.x1, rect.y1) == pytest.approx((x0, y0, x1, y1), abs=TOLERANCE)


def _assert_on_page(image: PdfImage, reader: PdfReader) -> None:
    assert image.rect is not None, image.key
    box = reader.pages[image.page - 1].mediabox
    assert image.rect.width > 0 and image.rect.height > 0
    assert float(box.left) - TOLERANCE <= image.rect.x0 <= image.rect.x1 <= float(box.right) + TOLERANCE
    assert float(box.bottom) - TOLERANCE <= image.rect.y0 <= image.rect.y1 <= float(box.top) + TOLERANCE


def _assert_decodable(image: PdfImage) -> None:
    with Image.open(BytesIO(image.data)) as decoded:
        decoded.load()
        assert decoded.size == (image.width, image.height)
        assert decoded.format == {"image/png": "PNG", "image/jpeg": "JPEG"}[image.mime]
