"""read_pdf_pages on real filings, encrypted files and broken files."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from documents_corpus import SAMPLES, SEC10Q_DOCS, fpdf_document
from pypdf import PdfReader, PdfWriter

from core.documents import (
    DamagedDocumentError,
    DocumentError,
    EncryptedDocumentError,
    read_pdf_pages,
)


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"corpus file not found: {path}")
    return path


def test_reads_every_page_of_a_filing() -> None:
    path = _needs(SEC10Q_DOCS / "2022 Q3 AAPL.pdf")
    pages = read_pdf_pages(path)
    assert [page.number for page in pages] == list(range(1, len(PdfReader(path).pages) + 1))
    assert "SECURITIES AND EXCHANGE COMMISSION" in pages[0].text
    assert "Apple Inc." in " ".join(page.text for page in pages[:3])
    assert all("\x00" not in page.text for page in pages)


def test_reads_a_filing_whose_arrays_pass_pypdfs_default_limit() -> None:
    # Its structure tree's /IDTree is one /Names array of ~110,000 elements.
    path = _needs(SEC10Q_DOCS / "2023 Q1 MSFT.pdf")
    pages = read_pdf_pages(path.read_bytes())
    assert len(pages) > 50
    assert "microsoft" in " ".join(page.text for page in pages[:3]).lower()


def test_empty_password_encryption_opens(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(fpdf_document("Secret quarterly numbers"))))
    writer.encrypt(user_password="", owner_password="owner-only", algorithm="AES-256")
    encrypted = BytesIO()
    writer.write(encrypted)
    assert PdfReader(BytesIO(encrypted.getvalue())).is_encrypted
    (tmp_path / "locked.pdf").write_bytes(encrypted.getvalue())

    for source in (encrypted.getvalue(), tmp_path / "locked.pdf"):
        pages = read_pdf_pages(source)
        assert len(pages) == 1
        assert "Secret quarterly numbers" in pages[0].text


def test_a_real_password_is_a_clear_error() -> None:
    path = _needs(SAMPLES / "005-libreoffice-writer-password" / "libreoffice-writer-password.pdf")
    with pytest.raises(EncryptedDocumentError, match="password"):
        read_pdf_pages(path)


def test_a_broken_page_tree_is_damaged_with_a_message() -> None:
    path = _needs(SAMPLES / "017-unreadable-meta-data" / "unreadablemetadata.pdf")
    with pytest.raises(DamagedDocumentError) as caught:
        read_pdf_pages(path)
    message = str(caught.value)
    assert message.startswith("The PDF is damaged: the page tree could not be read")
    assert "Traceback" not in message and len(message) < 400


@pytest.mark.parametrize("data", [b"", b"this is not a PDF at all", b"%PDF-1.7\n%%EOF"],
                         ids=["empty", "text", "header-only"])
def test_files_that_are_not_pdfs_are_damaged(data: bytes) -> None:
    with pytest.raises(DamagedDocumentError, match="^The PDF is damaged: "):
        read_pdf_pages(data)


def test_a_truncated_pdf_gives_text_or_a_damaged_error() -> None:
    data = fpdf_document("Cut short")
    try:
        pages = read_pdf_pages(data[: len(data) // 2])
    except DamagedDocumentError as exc:
        assert str(exc).startswith("The PDF is damaged")
    else:
        assert len(pages) == 1


def test_a_missing_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="No PDF file at"):
        read_pdf_pages(tmp_path / "nowhere.pdf")
