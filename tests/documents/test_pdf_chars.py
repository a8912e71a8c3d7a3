"""core.pdf: page counts from the page tree, character boxes, and finding a quote's rectangles."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from core.pdf import (
    DocumentError,
    EncryptedDocumentError,
    count_pages,
    find_quote,
    page_chars,
    read_pages,
)


def two_line_pdf() -> bytes:
    """Page 1: a heading at the top, then a sentence wrapped over two lines; page 2: other text."""
    pdf = FPDF(unit="pt", format=(612, 792))
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.set_xy(72, 72)
    pdf.cell(text="Quarterly report")
    pdf.set_xy(72, 144)
    pdf.multi_cell(200, 16, "Total net sales were 117,154 million dollars in the quarter.")
    pdf.add_page()
    pdf.cell(text="Second page")
    return bytes(pdf.output())


def test_count_pages_reads_the_page_tree() -> None:
    assert count_pages(two_line_pdf()) == 2


def test_page_chars_give_one_box_per_drawn_character() -> None:
    chars = page_chars(two_line_pdf(), 1)
    assert (chars.width, chars.height) == (612, 792)
    assert len(chars.text) == len(chars.boxes)
    assert chars.text.startswith("Quarterly report")
    q = chars.boxes[0]
    assert q is not None
    # "Q" sits about an inch from the left and from the top (PDF origin: bottom-left).
    assert 70 <= q.left < q.right <= 85 and 792 - 90 <= q.bottom < q.top <= 792 - 70


def test_find_quote_gives_a_box_per_line_it_spans() -> None:
    data = two_line_pdf()
    # Whitespace and case differ from the page's text, as a quote from a chunk may.
    boxes = find_quote(data, 1, "total NET sales were 117,154   million\ndollars")
    assert len(boxes) >= 2  # the sentence wraps within 200 pt
    first, second = boxes[0], boxes[1]
    assert first.top > second.top  # the second line is lower on the page
    assert all(b.left >= 72 - 1 and b.right <= 72 + 200 + 1 for b in boxes)
    assert all(792 - 200 < b.bottom < 792 - 130 for b in boxes)
    assert find_quote(data, 1, "Quarterly")[0].top > first.top
    assert find_quote(data, 1, "not on this page") == []
    assert find_quote(data, 2, "Second page")


def test_a_page_that_does_not_exist_is_a_document_error() -> None:
    with pytest.raises(DocumentError, match="no page 3"):
        page_chars(two_line_pdf(), 3)


def catalog_as_object_zero() -> bytes:
    """A PDF whose catalog is object 0 (as in qpdf's issue-99b.pdf): PDFium refuses it, pypdf
    reads it."""
    content = b"BT /F1 24 Tf 72 720 Td (Potato salad) Tj ET"
    objects = [
        (0, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        (3, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>"),
        (4, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)),
        (5, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
    ]
    out = bytearray(b"%PDF-1.3\n")
    offsets = {}
    for number, body in objects:
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 6\n"
    for number in range(6):
        out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets else (
            b"0000000000 65535 f \n")
    out += b"trailer\n<< /Size 6 /Root 0 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_read_pages_falls_back_to_pypdf_when_pdfium_refuses_the_file() -> None:
    import pypdfium2

    data = catalog_as_object_zero()
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(data)
    assert count_pages(data) == 1
    assert "Potato salad" in read_pages(data)[0].text


def test_a_password_is_reported_by_pdfium_too() -> None:
    from io import BytesIO

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(two_line_pdf())))
    writer.encrypt(user_password="pw", owner_password="owner", algorithm="AES-256")
    out = BytesIO()
    writer.write(out)
    with pytest.raises(EncryptedDocumentError, match="password"):
        count_pages(out.getvalue())


def test_find_quote_takes_an_open_document_and_leaves_it_open() -> None:
    from core.pdf import open_pdfium

    document = open_pdfium(two_line_pdf())
    try:
        assert find_quote(document, 1, "Quarterly report")
        assert len(document) == 2  # still open
    finally:
        document.close()
