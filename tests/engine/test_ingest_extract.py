"""In-process extraction: PDFs made here, real filings and broken files from the shared corpus."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pdf_bytes import assemble
from pypdf import PdfWriter

from engine.ingest import ExtractionError, OcrPolicy, extract_document

QPDF_FIXTURES = Path("qpdf-qtest", "qpdf", "qtest", "qpdf")


def pdf_bytes(pages: list[str | None]) -> bytes:
    """A minimal valid PDF with one Helvetica line per page; None makes a page without text."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        content = b"" if text is None else f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    return assemble(objects, version=b"1.4")


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_pages_keep_their_numbers_and_blank_pages(tmp_path: Path) -> None:
    path = write(tmp_path, "a.pdf", pdf_bytes(["Hello one", None, "Page three"]))
    doc = extract_document(path, "a.pdf")
    assert doc.page_count == 3
    assert [(p.number, p.text) for p in doc.pages] == [(1, "Hello one"), (2, ""), (3, "Page three")]
    assert doc.char_count == len("Hello one") + len("Page three")


def test_pdf_is_sniffed_by_content_not_name(tmp_path: Path) -> None:
    path = write(tmp_path, "upload.bin", pdf_bytes(["Sniffed"]))
    assert extract_document(path, "notes.txt").pages[0].text == "Sniffed"


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path: Path) -> None:
    path = write(tmp_path, "e.pdf", encrypted(pdf_bytes(["Open to all"]), user_password=""))
    assert extract_document(path, "e.pdf").pages[0].text == "Open to all"


def test_password_protected_pdf_asks_for_a_copy_without_password(tmp_path: Path) -> None:
    path = write(tmp_path, "p.pdf", encrypted(pdf_bytes(["Secret"]), user_password="s3cret"))
    with pytest.raises(ExtractionError) as caught:
        extract_document(path, "p.pdf")
    assert caught.value.code == "invalid_file"
    assert "password-protected" in caught.value.message


def test_pdf_of_blank_pages_says_it_holds_neither_text_nor_images(tmp_path: Path) -> None:
    path = write(tmp_path, "s.pdf", pdf_bytes([None, None]))
    with pytest.raises(ExtractionError) as caught:
        extract_document(path, "s.pdf")
    assert caught.value.code == "invalid_file"
    assert caught.value.message == "No extractable text: the PDF's pages hold no text and no images."


@pytest.mark.parametrize("cut", [10, 200, 400])
def test_truncated_pdf_is_invalid(tmp_path: Path, cut: int) -> None:
    path = write(tmp_path, "t.pdf", pdf_bytes(["Hello", "World"])[:cut])
    with pytest.raises(ExtractionError) as caught:
        extract_document(path, "t.pdf")
    assert caught.value.code == "invalid_file"
    assert caught.value.message.endswith(".")


def test_garbage_named_pdf_is_invalid(tmp_path: Path) -> None:
    path = write(tmp_path, "g.pdf", bytes(range(256)) * 40)
    with pytest.raises(ExtractionError) as caught:
        extract_document(path, "g.pdf")
    assert caught.value.code == "invalid_file"


def test_garbage_after_pdf_header_is_damaged(tmp_path: Path) -> None:
    path = write(tmp_path, "g.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(ExtractionError) as caught:
        extract_document(path, "g.pdf")
    assert caught.value.code == "invalid_file"
    assert caught.value.message.startswith("The PDF is damaged:")


def test_empty_file_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="empty") as caught:
        extract_document(write(tmp_path, "e.txt", b""), "e.txt")
    assert caught.value.code == "invalid_file"


def test_text_file_splits_pages_on_form_feed(tmp_path: Path) -> None:
    path = write(tmp_path, "n.txt", "première page\n\fsecond page".encode())
    doc = extract_document(path, "n.txt")
    assert [(p.number, p.text) for p in doc.pages] == [(1, "première page\n"), (2, "second page")]


def test_text_file_falls_back_to_latin1(tmp_path: Path) -> None:
    path = write(tmp_path, "l.md", "café crème".encode("latin-1"))
    assert extract_document(path, "l.md").pages[0].text == "café crème"


def test_unknown_type_is_unsupported(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_document(write(tmp_path, "x.docx", b"PK\x03\x04 zip"), "x.docx")
    assert caught.value.code == "unsupported_file"
    assert ".docx" in caught.value.message


def test_binary_file_named_txt_is_invalid(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_document(write(tmp_path, "b.txt", b"\x00\x01\x02binary"), "b.txt")
    assert caught.value.code == "invalid_file"


@pytest.mark.parametrize("name", ["2023 Q1 MSFT.pdf", "2023 Q2 MSFT.pdf"])
def test_filings_beyond_pypdf_default_array_limit_extract(sec10q_docs: Path, name: str) -> None:
    doc = extract_document(sec10q_docs / name, name)
    assert doc.page_count > 50
    assert doc.char_count > 100_000
    assert "microsoft" in doc.pages[0].text.lower()


def test_one_bad_page_does_not_fail_the_document(corpus: Path) -> None:
    # qpdf's fixture: page 3's content stream ends mid-token; PDFium keeps the text before it.
    doc = extract_document(corpus / QPDF_FIXTURES / "content-stream-errors.pdf", "c.pdf")
    assert doc.page_count == 4
    assert doc.pages[2].text == "Potato"
    assert all(p.text.strip() for p in doc.pages)


def test_document_whose_only_page_fails_names_the_page(corpus: Path) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_document(corpus / QPDF_FIXTURES / "deep-pages.pdf", "deep-pages.pdf")
    assert caught.value.code == "invalid_file"
    assert caught.value.message.startswith("The PDF is damaged: no page could be read; page 1")


@pytest.mark.parametrize("name", ["issue-100.pdf", "bad35.pdf", "deep-pages.pdf"])
def test_broken_structure_is_reported_as_damaged(corpus: Path, name: str) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_document(corpus / QPDF_FIXTURES / name, name)
    assert caught.value.code == "invalid_file"
    assert caught.value.message.startswith("The PDF is damaged:")


@pytest.mark.parametrize("name", ["bad24.pdf", "pages-loop.pdf", "bad40.pdf"])
def test_pdfium_repairs_files_pypdf_called_damaged(corpus: Path, name: str) -> None:
    doc = extract_document(corpus / QPDF_FIXTURES / name, name)
    assert [p.text for p in doc.pages] == ["Potato"]


def test_corpus_pdf_with_a_real_password_fails_with_password_message(corpus: Path) -> None:
    folder = corpus / "pypdf-sample-files" / "005-libreoffice-writer-password"
    pdf = next(folder.glob("*.pdf"))
    with pytest.raises(ExtractionError, match="password-protected"):
        extract_document(pdf, pdf.name)


def catalog_as_object_zero() -> bytes:
    """A PDF whose catalog is object 0 (as qpdf's issue-99b.pdf): PDFium refuses it, pypdf reads."""
    content = b"BT /F1 24 Tf 72 720 Td (Potato salad for everyone) Tj ET"
    objects = {
        0: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
           b" /Resources << /Font << /F1 5 0 R >> >> >>",
        4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    out, offsets = bytearray(b"%PDF-1.3\n"), {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 6\n" + b"".join(
        b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n"
        for n in range(6))
    out += b"trailer\n<< /Size 6 /Root 0 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_pdf_pdfium_refuses_is_read_by_pypdf(tmp_path: Path) -> None:
    import pypdfium2

    data = catalog_as_object_zero()
    with pytest.raises(pypdfium2.PdfiumError):
        pypdfium2.PdfDocument(data)
    doc = extract_document(write(tmp_path, "z.pdf", data), "z.pdf")
    assert [p.text for p in doc.pages] == ["Potato salad for everyone"]


def shifted(text: str) -> str:
    """Text as a font with a shifted encoding shows it: "Computer" becomes "$PNQVUFS"-like."""
    return "".join(chr(ord(c) + 1) if c.isalpha() else c for c in text)


PROSE = ("The department of computer science offers courses on operating systems, networks and"
         " the theory of computation to students in their second year")


def test_mojibake_pages_are_not_indexed_and_a_document_of_them_fails_saying_why(
    tmp_path: Path,
) -> None:
    garbled = shifted(PROSE)
    assert "Uif" in garbled
    path = write(tmp_path, "m.pdf", pdf_bytes([garbled, garbled]))
    with pytest.raises(ExtractionError) as caught:
        extract_document(path, "m.pdf", OcrPolicy(enabled=False))
    assert caught.value.message == (
        "The PDF's fonts map to no readable text; OCR needed (it is off here).")


def test_one_mojibake_page_among_good_ones_is_left_out_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "m.pdf", pdf_bytes([PROSE, shifted(PROSE)]))
    doc = extract_document(path, "m.pdf", OcrPolicy(enabled=False))
    assert doc.pages[0].text == PROSE and doc.pages[1].text == ""
    assert doc.warnings == ["page 2: the fonts map to no readable text; left out"]


def with_form_field(data: bytes, value: str) -> bytes:
    """The PDF with a filled text field (a widget annotation) on page 1."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(data))
    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("name"),
        NameObject("/V"): TextStringObject(value),
        NameObject("/Rect"): ArrayObject([NameObject("0")] * 0),
    })
    ref = writer._add_object(field)
    writer.pages[0][NameObject("/Annots")] = ArrayObject([ref])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_page_whose_only_text_is_a_form_field_is_indexed_with_it(tmp_path: Path) -> None:
    data = with_form_field(pdf_bytes([None]), "Applicant: Ingrid Solberg, harbour pilot")
    doc = extract_document(write(tmp_path, "f.pdf", data), "f.pdf", OcrPolicy(enabled=False))
    assert doc.pages[0].text == "Applicant: Ingrid Solberg, harbour pilot"
