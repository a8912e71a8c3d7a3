"""PDFs built in the tests to attack ingestion: long words, huge lines, many pages, bombs."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from pdf_bytes import assemble


def pdf(pages: Iterable[bytes], *, compress: bool = True) -> bytes:
    """A valid PDF with one content stream per page (Helvetica as /F1), Flate-compressed."""
    contents = list(pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the kids are known
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for content in contents:
        page, stream = len(objects) + 1, len(objects) + 2
        kids.append(b"%d 0 R" % page)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
                       b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % stream)
        body = zlib.compress(content, 9) if compress else content
        flate = b" /Filter /FlateDecode" if compress else b""
        objects.append(b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(body), flate, body))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return assemble(objects)


def text_page(text: str) -> bytes:
    """A content stream showing `text` (ASCII, no parentheses) as one line."""
    return b"BT /F1 10 Tf 72 720 Td (%s) Tj ET" % text.encode("ascii")


def flate_bomb(expanded_bytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `expanded_bytes` of spaces."""
    squeeze = zlib.compressobj(9)
    block = b" " * (1 << 20)
    parts = [squeeze.compress(b"BT /F1 10 Tf 72 720 Td (bomb) Tj ET\n")]
    for _ in range(expanded_bytes >> 20):
        parts.append(squeeze.compress(block))
    parts.append(squeeze.flush())
    body = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(body), body),
    ]
    return assemble(objects)
