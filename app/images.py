"""The Image descriptions screen's work: describe, thumbnails, PDFs with the alt text written."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image

from core import OpenAIClient
from core.copilots import (
    DocumentSource,
    ImageDescriptionCopilot,
    ImageDescriptionResult,
    OpenAIImageDescriptionCopilotOptions,
    ProgressCallback,
)
from core.documents import FigureReport, read_figure_alt_text

THUMBNAIL_PX = 220


@dataclass
class SourceImages:
    """One uploaded document and what was found in it."""

    source: DocumentSource
    results: list[ImageDescriptionResult]
    thumbnails: list[bytes | None]
    before: FigureReport | None  # PDFs only
    after: FigureReport | None = None
    written: bytes | None = None  # the PDF with alt text, once written

    @property
    def described(self) -> list[tuple[int, ImageDescriptionResult]]:
        return [(i, r) for i, r in enumerate(self.results) if r.skipped_reason is None]

    @property
    def skipped(self) -> list[ImageDescriptionResult]:
        return [r for r in self.results if r.skipped_reason is not None]


@dataclass
class ImagesResult:
    copilot: ImageDescriptionCopilot
    sources: list[SourceImages] = field(default_factory=list)


def describe(
    client: OpenAIClient, sources: list[DocumentSource], *, model: str,
    on_progress: ProgressCallback,
) -> ImagesResult:
    """A description of every image of `sources` (small ones skipped, with the reason)."""
    options = (OpenAIImageDescriptionCopilotOptions.create().with_documents(sources)
               .with_model(model).with_progress(on_progress))
    copilot = ImageDescriptionCopilot(client, options)
    results = copilot.get_image_descriptions()
    found = ImagesResult(copilot)
    for source in sources:
        mine = [r for r in results if r.source == source.name]
        before = read_figure_alt_text(source.read_bytes()) if source.kind == "pdf" else None
        found.sources.append(SourceImages(source, mine, [thumbnail(r.image) for r in mine], before))
    return found


def write_alt_text(found: ImagesResult, index: int, descriptions: dict[int, str]) -> None:
    """Write the (edited) descriptions into the index-th PDF; `descriptions` by result index."""
    images = found.sources[index]
    overrides = {images.results[i].key: text for i, text in descriptions.items()}
    images.written = found.copilot.pdf_with_descriptions(images.source, overrides)
    images.after = read_figure_alt_text(images.written)


def thumbnail(data: bytes) -> bytes | None:
    """A small PNG of the image for the gallery; None when Pillow can't read it."""
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


def figures_line(report: FigureReport | None) -> str:
    if report is None:
        return "—"
    tagged = "" if report.tagged else " (not a tagged PDF)"
    return f"{report.with_alt} of {report.figures} figures have alt text{tagged}"
