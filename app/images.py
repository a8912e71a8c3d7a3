"""The Image descriptions screen's work: find the figures, thumbnails, and PDFs with the alt
text a person accepted written in."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app import uploads
from core import OpenAIClient
from core.copilots import (
    CopilotError,
    DocumentSource,
    DocumentSourceError,
    FailedDocument,
    ImageDescriptionCopilot,
    ImageDescriptionResult,
    OpenAIImageDescriptionCopilotOptions,
    ProgressCallback,
)
from core.documents import FigureReport, read_figure_alt_text

THUMBNAIL_PX = 220
# What a person decides for each figure.
LEAVE, WRITE, DECORATIVE = "Leave as it is", "Write this alt text", "Decorative (no alt text)"
CHOICES = (LEAVE, WRITE, DECORATIVE)
NO_VISION = ("The model in use cannot see images: for each figure you get what the document says "
             "about it (its label, the text next to it, the text OCR reads in it). Write or check "
             "each description, and choose what goes into the PDF.")


@dataclass
class SourceImages:
    """One uploaded document and what was found in it."""

    source: DocumentSource
    results: list[ImageDescriptionResult]
    thumbnails: list[bytes | None]
    before: FigureReport | None  # PDFs only
    after: FigureReport | None = None
    written: bytes | None = None  # the PDF with alt text, once written
    written_count: int = 0
    decorative_count: int = 0

    @property
    def described(self) -> list[tuple[int, ImageDescriptionResult]]:
        """The figures to decide on (every one not skipped), with their result index."""
        return [(i, r) for i, r in enumerate(self.results) if r.skipped_reason is None]

    @property
    def skipped(self) -> list[ImageDescriptionResult]:
        return [r for r in self.results if r.skipped_reason is not None]


@dataclass
class ImagesResult:
    copilot: ImageDescriptionCopilot
    sources: list[SourceImages] = field(default_factory=list)
    failed: list[FailedDocument] = field(default_factory=list)


def read_uploads(files: Iterable[UploadedFile]) -> tuple[list[DocumentSource], list[FailedDocument]]:
    """The uploads as sources; a text file or unreadable upload is named, not fatal."""
    sources: list[DocumentSource] = []
    failed: list[FailedDocument] = []
    for upload in files:
        try:
            found = uploads.as_sources([upload])
        except DocumentSourceError as exc:
            failed.append(FailedDocument(upload.name, exc.reason))
            continue
        for source in found:
            if source.kind == "text":
                failed.append(FailedDocument(source.name, "a text file has no images"))
            else:
                sources.append(source)
    return sources, failed


def describe(
    client: OpenAIClient, sources: list[DocumentSource], *, model: str,
    on_progress: ProgressCallback, failed: list[FailedDocument] | None = None,
) -> ImagesResult:
    """Every figure of `sources` with its evidence (small untagged images skipped, with the
    reason); files that can't be read are in `failed` with their reasons."""
    options = (OpenAIImageDescriptionCopilotOptions.create().with_documents(sources)
               .with_model(model).with_progress(on_progress))
    copilot = ImageDescriptionCopilot(client, options)
    try:
        results = copilot.get_image_descriptions() if sources else []
    except CopilotError:
        if not copilot.failed_documents:
            raise
        results = []
    found = ImagesResult(copilot, failed=[*(failed or []), *copilot.failed_documents])
    bad = {name for name, _ in copilot.failed_documents}
    for source in sources:
        if source.name in bad:
            continue
        mine = [r for r in results if r.source == source.name]
        before = read_figure_alt_text(source.read_bytes()) if source.kind == "pdf" else None
        found.sources.append(SourceImages(source, mine, [thumbnail(r.image) for r in mine], before))
    return found


def write_alt_text(found: ImagesResult, index: int, texts: dict[int, str],
                   choices: dict[int, str]) -> None:
    """Write into the index-th PDF what the person accepted: the texts of the figures they
    chose to write, and the decorative ones as artifacts (both by result index)."""
    images = found.sources[index]
    accepted = {images.results[i].key: texts.get(i, "").strip() for i, choice in choices.items()
                if choice == WRITE and texts.get(i, "").strip()}
    decorative = [images.results[i].key for i, choice in choices.items() if choice == DECORATIVE]
    images.written = found.copilot.pdf_with_descriptions(images.source, accepted,
                                                         decorative=decorative)
    images.written_count, images.decorative_count = len(accepted), len(decorative)
    images.after = read_figure_alt_text(images.written)


def thumbnail(data: bytes) -> bytes | None:
    """A small PNG of the image for the gallery; None when Pillow can't read it."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            image: Image.Image = opened
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue()
    except Exception:  # Pillow refuses images in many ways; the gallery shows a placeholder
        return None


def evidence_lines(result: ImageDescriptionResult) -> list[str]:
    """What is known about the figure, one short line each, for the person writing."""
    where = f"Page {result.page}" if result.page else "Image file"
    kind = "tagged figure" if result.figure else "untagged image"
    size = f" · {result.width}×{result.height} px" if result.width else " · no image data"
    lines = [f"{where} · {kind}{size}"]
    if result.alt_before:
        lines.append(f"Alt text now: “{result.alt_before}”")
    if result.caption:
        lines.append(f"{'Label' if result.labelled else 'Text next to it'}: “{result.caption}”")
    if result.ocr_text:
        lines.append(f"Text in the image (OCR): “{result.ocr_text}”")
    return lines


def choose_write(choice_key: str) -> None:
    """A person who edits a description means to write it."""
    import streamlit as st

    st.session_state[choice_key] = WRITE


def skipped_lines(images: SourceImages) -> list[str]:
    return [f"{f'page {r.page}, ' if r.page else ''}{r.name}: {r.skipped_reason}"
            for r in images.skipped]


def draft_label(result: ImageDescriptionResult) -> str:
    if result.draft_source:
        return f"Alt text (draft from the {result.draft_source}: check it)"
    return "Alt text (write what the figure shows)"


def figures_line(report: FigureReport | None) -> str:
    if report is None:
        return "—"
    tagged = "" if report.tagged else " (not a tagged PDF)"
    return f"{report.with_alt} of {report.figures} figures have alt text{tagged}"
