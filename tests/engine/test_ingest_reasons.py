"""Reasons that match the cause: filters no library here decodes, attachments-only encryption.

The PDFs are written here byte by byte, so each carries exactly the feature under test.
"""

from __future__ import annotations

import importlib.util
import io
import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from pdf_bytes import assemble
from pypdf import PdfReader, PdfWriter

from engine.ingest import ExtractionError, OcrPolicy, extract_document

TEXT = b"BT /F1 12 Tf 20 60 Td (Quarterly revenue rose to 42 million euros) Tj ET"
PYPDF_ONLY = OcrPolicy(pdfium=False)  # how a file PDFium refuses (or crashed on) is read


def brotli_stored(data: bytes) -> bytes:
    """`data` as a valid Brotli stream of uncompressed meta-blocks (RFC 7932, no compressor)."""
    out, bits, used = bytearray(), 0, 0

    def put(value: int, width: int) -> None:
        nonlocal bits, used
        bits |= value << used
        used += width

    def flush() -> None:
        nonlocal bits, used
        while used > 0:
            out.append(bits & 0xFF)
            bits, used = bits >> 8, used - 8
        bits = used = 0

    put(0, 1)  # window of 16 bits
    for start in range(0, len(data), 65536):
        block = data[start : start + 65536]
        for value, width in ((0, 1), (0, 2), (len(block) - 1, 16), (1, 1)):
            put(value, width)  # not last; 4 nibbles of length; uncompressed
        flush()
        out += block
    put(1, 1)  # last
    put(1, 1)  # and empty
    flush()
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def pdf(pages: list[bytes], *, catalog: bytes = b"", objects: Sequence[bytes] = (),
        trailer: bytes = b"") -> bytes:
    """A PDF whose pages have the given content stream objects (see `stream`).

    Objects 1–3 are the catalog, the page tree and Helvetica; `objects` follow from 4 on, then
    each page and its content. A content of b"IMAGE" draws object 4 over the whole page.
    """
    first_page = 4 + len(objects)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog,
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *objects,
    ]
    for i, content in enumerate(pages):
        image = b" /XObject << /Im1 4 0 R >>" if content == b"IMAGE" else b""
        bodies.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Resources << /Font"
            b" << /F1 3 0 R >>%s >> /Contents %d 0 R >>" % (image, first_page + 2 * i + 1)
        )
        bodies.append(stream(b"q 300 0 0 100 0 0 cm /Im1 Do Q") if content == b"IMAGE"
                      else content)
    return assemble(bodies, trailer=trailer)


def undecodable_image(filter_name: bytes = b"/FooDecode") -> bytes:
    pixels = zlib.compress(b"\x00" * 300 * 100)
    return stream(pixels, b"/Type /XObject /Subtype /Image /Width 300 /Height 100"
                          b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter %s " % filter_name)


def extract(tmp_path: Path, data: bytes, policy: OcrPolicy | None = None):
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    return extract_document(path, "file.pdf", policy)


def failure(tmp_path: Path, data: bytes, policy: OcrPolicy | None = None) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract(tmp_path, data, policy)
    return caught.value


# -- filters ------------------------------------------------------------------------------------


def test_an_image_in_a_filter_nobody_decodes_is_named_and_the_text_pages_complete(tmp_path):
    document = extract(tmp_path, pdf([stream(TEXT), b"IMAGE"], objects=[undecodable_image()]))
    assert "42 million euros" in document.pages[0].text
    assert document.warnings == [
        "page 2 uses the FooDecode image filter, which this engine cannot decode"]


def test_a_document_of_such_images_fails_naming_the_filter_not_damage_or_ocr(tmp_path):
    error = failure(tmp_path, pdf([b"IMAGE"], objects=[undecodable_image()]))
    assert error.code == "unsupported_file"
    assert error.message == ("No extractable text: page 1 uses the FooDecode image filter, which"
                             " this engine cannot decode.")


def test_a_content_stream_in_a_filter_nobody_decodes_is_named(tmp_path):
    content = stream(zlib.compress(TEXT), b"/Filter /FooDecode ")
    error = failure(tmp_path, pdf([content]))
    assert error.code == "unsupported_file"
    assert "page 1 uses the FooDecode stream filter, which this engine cannot decode" in error.message


def test_brotli_content_reads_through_pdfium(tmp_path):
    document = extract(tmp_path, pdf([stream(brotli_stored(TEXT), b"/Filter /BrotliDecode ")]))
    assert "42 million euros" in document.pages[0].text
    assert document.warnings == []


@pytest.mark.parametrize("filter_name", ["FooDecode", "BrotliDecode"])
def test_read_by_pypdf_a_page_it_cannot_decode_is_named_not_damaged(tmp_path, filter_name):
    if filter_name == "BrotliDecode" and importlib.util.find_spec("brotli") is not None:
        pytest.skip("the brotli package is installed, so pypdf decodes BrotliDecode")
    data = brotli_stored(TEXT) if filter_name == "BrotliDecode" else zlib.compress(TEXT)
    odd = stream(data, b"/Filter /%s " % filter_name.encode())
    document = extract(tmp_path, pdf([stream(TEXT), odd]), PYPDF_ONLY)
    assert document.warnings == [
        f"page 2 uses the {filter_name} stream filter, which this engine cannot decode"]
    error = failure(tmp_path, pdf([odd]), PYPDF_ONLY)
    assert error.code == "unsupported_file"
    assert f"uses the {filter_name} stream filter, which this engine cannot decode" in error.message
    assert "damaged" not in error.message


# -- attachments --------------------------------------------------------------------------------


def attachment_encrypted(content: bytes, password: str = "secret") -> bytes:
    """A PDF whose only encrypted part is its attachment (/EFF, crypt filter /AuthEvent /EFOpen),
    its pages in the clear, as Acrobat writes "encrypt only file attachments"."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    reader = PdfReader(out)
    keys = reader.trailer["/Encrypt"].get_object()
    file_id = b"<%s>" % reader.trailer["/ID"][0].original_bytes.hex().encode()

    def hexed(name: str) -> bytes:
        return b"<%s>" % keys[name].original_bytes.hex().encode()

    encrypt = (b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P %d /O %s /U %s /OE %s /UE %s"
               b" /Perms %s /CF << /StdCF << /AuthEvent /EFOpen /CFM /AESV3 /Length 32 >> >>"
               b" /StmF /Identity /StrF /Identity /EFF /StdCF >>") % (
        int(keys["/P"]), hexed("/O"), hexed("/U"), hexed("/OE"), hexed("/UE"), hexed("/Perms"))
    return pdf(
        [stream(content)],
        catalog=b"/Names << /EmbeddedFiles << /Names [(report.pdf) 5 0 R] >> >> ",
        objects=[encrypt, b"<< /Type /Filespec /F (report.pdf) /UF (report.pdf) /EF << /F 6 0 R >> >>",
                 stream(b"\x8f\x13" * 64, b"/Type /EmbeddedFile ")],
        trailer=b"/Encrypt 4 0 R /ID [%s %s] " % (file_id, file_id),
    )


@pytest.mark.parametrize("policy", [None, PYPDF_ONLY], ids=["pdfium", "pypdf"])
def test_encrypted_attachments_alone_do_not_make_the_document_password_protected(tmp_path, policy):
    document = extract(tmp_path, attachment_encrypted(TEXT), policy)
    assert "42 million euros" in document.pages[0].text


def test_a_document_whose_content_is_only_in_an_encrypted_attachment_says_so(tmp_path):
    error = failure(tmp_path, attachment_encrypted(b""))
    assert error.message == (
        "No extractable text: the PDF's pages hold none; its content is in attached file"
        " (report.pdf) encrypted with a password, which this engine cannot open.")


def test_a_document_whose_content_is_only_in_a_plain_attachment_says_so(tmp_path):
    data = pdf(
        [stream(b"")],
        catalog=b"/Names << /EmbeddedFiles << /Names [(data.csv) 4 0 R] >> >> ",
        objects=[b"<< /Type /Filespec /F (data.csv) /EF << /F 5 0 R >> >>",
                 stream(b"a,b\n1,2\n", b"/Type /EmbeddedFile ")],
    )
    error = failure(tmp_path, data)
    assert "its content is in attached file (data.csv), which is not indexed" in error.message


# -- PDFium's stale errors ----------------------------------------------------------------------


def test_a_pdf_of_no_pages_after_an_encrypted_one_is_not_called_password_protected(tmp_path):
    locked = tmp_path / "locked.pdf"
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    writer.write(locked)
    assert failure(tmp_path, locked.read_bytes()).message.startswith("The PDF is password-protected")
    # PDFium fails to load a PDF without pages but sets no error of its own for it.
    error = failure(tmp_path, pdf([]))
    assert "password" not in error.message
    assert "no pages" in error.message


# -- headers ------------------------------------------------------------------------------------


def test_a_readable_pdf_without_its_header_is_read(tmp_path):
    headerless = pdf([stream(TEXT)]).replace(b"%PDF-1.7\n", b"", 1)
    assert "42 million euros" in extract(tmp_path, headerless).pages[0].text


def test_a_broken_pdf_without_its_header_is_called_damaged_not_a_non_pdf(tmp_path):
    broken = b"1 0 obj\n<< /Type /ObjStm /N 5 /First 31 >>\nstream\n000\nendstream\nendobj\n"
    assert failure(tmp_path, broken).message == (
        "The PDF is damaged: it has no %PDF header and its objects could not be read.")
    assert failure(tmp_path, b"oops\n").message == "The file is named .pdf but is not a PDF."


# -- encryption settings ------------------------------------------------------------------------


def rc4_with_key_length(bits: int) -> bytes:
    """An RC4 PDF (empty user password) whose /Length no longer matches the key it was made with."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf([stream(TEXT)])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue().replace(b"/Length 128", b"/Length %d" % bits, 1)


@pytest.mark.parametrize("policy", [None, PYPDF_ONLY], ids=["pdfium", "pypdf"])
def test_an_rc4_key_size_the_cipher_refuses_is_invalid_encryption_not_a_password(tmp_path, policy):
    error = failure(tmp_path, rc4_with_key_length(48), policy)
    assert error.message.startswith(
        "The PDF is damaged: its encryption settings are invalid, so it cannot be decrypted"), error
    assert "Invalid key size (48) for RC4" in error.message
    assert "password" not in error.message


def test_a_pdf_pdfium_calls_password_protected_that_pypdf_opens_is_read(tmp_path):
    # A /Length beyond RC4-128: PDFium refuses the empty password, pypdf opens the file.
    document = extract(tmp_path, rc4_with_key_length(256))
    assert "42 million euros" in document.pages[0].text
