"""Streamlit uploads as the copilots' document sources."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from streamlit.runtime.uploaded_file_manager import UploadedFile

from core.copilots import DocumentSource, DocumentSourceError

PDF_TYPES = ["pdf"]
TEXT_TYPES = ["txt", "md", "markdown"]
IMAGE_TYPES = ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff"]


def as_sources(uploads: Iterable[UploadedFile]) -> list[DocumentSource]:
    """PDFs by their header, images by their suffix, anything else as UTF-8 text."""
    sources = []
    for upload in uploads:
        data = upload.getvalue()
        if not data:
            raise DocumentSourceError(upload.name, "is an empty file (0 bytes)")
        if data.startswith(b"%PDF"):
            sources.append(DocumentSource.from_pdf_bytes(upload.name, data))
        elif Path(upload.name).suffix.lower().lstrip(".") in IMAGE_TYPES:
            sources.append(DocumentSource.from_image_bytes(upload.name, data))
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise DocumentSourceError(upload.name, "is neither a PDF, an image nor UTF-8"
                                          " text") from exc
            sources.append(DocumentSource.from_text(upload.name, text))
    return sources
