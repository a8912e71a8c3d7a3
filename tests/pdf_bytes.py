"""PDFs written byte by byte for tests: numbered objects, a cross-reference table, a trailer."""

from __future__ import annotations


def assemble(objects: list[bytes], *, trailer: bytes = b"", version: bytes = b"1.7") -> bytes:
    """A PDF of `objects` (object 1 is the catalog); `trailer` adds entries to the trailer."""
    out = bytearray(b"%PDF-" + version + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)
