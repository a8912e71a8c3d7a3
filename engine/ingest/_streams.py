"""What a page's streams and a document's attachments say about text that could not be read.

Read with pypdf (inside `pdf_limits()`), for pages PDFium found no text on: a content stream or an
image whose filter PDFium has no decoder for reads as nothing, and a PDF whose content is an
attached file holds no text of its own. Both are reasons a person can act on.
"""

from __future__ import annotations

from typing import Any

from core.pdf import PDFIUM_FILTERS, attachments_locked

MAX_OBJECTS = 200  # streams looked at per page: content, images and forms, nested
MAX_DEPTH = 3  # form XObjects within form XObjects
MAX_NAMES = 3  # attachment names quoted in a reason


def undecodable_stream(reader: Any, index: int) -> tuple[str, str] | None:
    """("image" or "stream", filter name) of the first stream of page `index` PDFium can't decode."""
    page = reader.pages[index]
    budget = [MAX_OBJECTS]
    contents = page.get("/Contents")
    streams = contents.get_object() if contents is not None else []
    for stream in streams if isinstance(streams, list) else [streams]:
        if (name := _unknown_filter(stream.get_object())) is not None:
            return "stream", name
    return _in_resources(page.get("/Resources"), budget, MAX_DEPTH)


def attachments(reader: Any) -> tuple[list[str], bool]:
    """The names of the PDF's embedded files, and whether they are encrypted (need a password)."""
    return list(reader.attachments), attachments_locked(reader)


def attachment_reason(names: list[str], encrypted: bool) -> str:
    """Why a PDF whose pages hold no text yields none: its content is in attached files."""
    shown = ", ".join(names[:MAX_NAMES]) + (", …" if len(names) > MAX_NAMES else "")
    files = f"attached file{'s' if len(names) > 1 else ''} ({shown})"
    if encrypted:
        return (f"No extractable text: the PDF's pages hold none; its content is in {files}"
                " encrypted with a password, which this engine cannot open.")
    verb, them = ("are", "them") if len(names) > 1 else ("is", "it")
    return (f"No extractable text: the PDF's pages hold none; its content is in {files}, which"
            f" {verb} not indexed: upload {them} separately.")


def _in_resources(resources: Any, budget: list[int], depth: int) -> tuple[str, str] | None:
    if resources is None or depth <= 0:
        return None
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return None
    for ref in xobjects.get_object().values():
        budget[0] -= 1
        if budget[0] < 0:
            return None
        xobject = ref.get_object()
        if not hasattr(xobject, "get"):
            continue
        subtype = xobject.get("/Subtype")
        if subtype == "/Image" and (name := _unknown_filter(xobject)) is not None:
            return "image", name
        if subtype == "/Form":
            if (name := _unknown_filter(xobject)) is not None:
                return "stream", name
            if (found := _in_resources(xobject.get("/Resources"), budget, depth - 1)) is not None:
                return found
    return None


def _unknown_filter(stream: Any) -> str | None:
    """The first filter of `stream` PDFium can't decode, without its slash."""
    if not hasattr(stream, "get"):
        return None
    filters = stream.get("/Filter")
    if filters is None:
        return None
    filters = filters.get_object()
    for name in filters if isinstance(filters, list) else [filters]:
        name = str(name.get_object() if hasattr(name, "get_object") else name)
        if name not in PDFIUM_FILTERS:
            return name.lstrip("/")
    return None
