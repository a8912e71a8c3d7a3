"""The image description copilot: every figure that needs alt text, with its evidence, and alt
text written back into PDFs — only the text a person (or the calling code) accepted.

What it finds: the structure tree's /Figure elements first, whatever their size (an author said
they are figures), then the images drawn on the pages that no figure covers; images too small
to be more than decoration are listed as skipped unless the tree calls them a figure.

What it says about each: its page, size, thumbnail bytes, the alt text it already has, its
caption (a "Figure 3: …" label or the line next to it), and the text local OCR reads in it. A
draft description is offered only from that evidence — a figure label, else OCR text — or, with
a vision-capable model (`vision`, by default any model but the engine's built-in one, which
cannot see), the model's proposal. The built-in model is never asked to describe an image: its
measurements (size, colours) are no description for a screen-reader user.

Writing: `pdf_with_descriptions(source, accepted, decorative=...)` writes exactly the accepted
texts and marks the decorative images as artifacts; `add_pdf_image_descriptions` writes the
vision model's proposals (the caller accepts them by calling it). A file that can't be read is
named in `failed_documents` with the reason, and the others are still described.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.client import OpenAIClient
from core.copilots import _ocr
from core.copilots._common import (
    Copilot,
    complete,
    image_data_url,
    image_message,
    report,
    write_atomically,
)
from core.copilots._errors import (
    CopilotError,
    CopilotResponseError,
    DocumentSourceError,
    FailedDocument,
    OcrUnavailableError,
)
from core.copilots._options import OpenAIImageDescriptionCopilotOptions
from core.copilots._recognition import image_size
from core.copilots._sources import DocumentSource
from core.documents import DocumentError, PdfImage, Rect, extract_images, write_alt_texts
from core.documents._figures import FoundFigure, find_figures
from core.errors import APIConnectionError, AuthenticationError, PermissionDeniedError
from core.settings import LOCAL_MODEL

__all__ = ["ImageDescriptionCopilot", "ImageDescriptionResult"]

log = logging.getLogger("core.copilots")

ImageKey = tuple[int, str]
# Errors that would fail every other image the same way: stop instead of recording each.
_FATAL = (APIConnectionError, AuthenticationError, PermissionDeniedError)
_MAX_OCR_CHARS = 300


@dataclass(frozen=True)
class ImageDescriptionResult:
    """One figure: where it is, its size, the evidence about it, and a proposed description.

    `description` is a vision model's proposal (None without one); `draft` is what a person may
    start from: that proposal, else the figure's label, else the text OCR read in it, with
    `draft_source` saying which. `skipped_reason` is set for images left out (too small,
    unreadable, marked as artifacts by the author); `error` when the model was asked and failed.
    `key` addresses the figure for `pdf_with_descriptions`.
    """

    source: str
    page: int | None
    name: str
    rect: Rect | None
    width: int
    height: int
    description: str | None
    skipped_reason: str | None = None
    image: bytes = field(default=b"", repr=False)
    mime: str | None = None
    error: str | None = None
    figure: bool = False  # a /Figure element of the structure tree
    image_name: str | None = None  # the image XObject drawn for it, when known
    alt_before: str | None = None  # the alt text it carries already
    caption: str | None = None
    labelled: bool = False  # the caption is a figure label ("Figure 3: …")
    ocr_text: str | None = None
    draft: str | None = None
    draft_source: str | None = None  # "vision model", "figure label" or "text in the image"

    @property
    def key(self) -> ImageKey:
        """(page, name): how `pdf_with_descriptions` addresses the figure in its PDF."""
        return (self.page or 0, self.name)


class ImageDescriptionCopilot(Copilot[OpenAIImageDescriptionCopilotOptions]):
    """Finds and describes the figures of the options' PDFs and image files (computed once)."""

    def __init__(
        self, client: OpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> None:
        super().__init__(client, options or OpenAIImageDescriptionCopilotOptions())
        self._results: list[ImageDescriptionResult] | None = None
        self.failed_documents: list[FailedDocument] = []

    def get_image_descriptions(self) -> list[ImageDescriptionResult]:
        """A result per figure, in document and page order; small images come back skipped."""
        if self._results is None:
            self._results = self._describe_all()
        return list(self._results)

    @property
    def uses_vision(self) -> bool:
        """Whether a model is asked to look at the images (`options.vision`, by default any
        model but the built-in one, which never is: it measures images, it doesn't see them)."""
        if self.resolved_model() == LOCAL_MODEL:
            return False
        return self.options.vision if self.options.vision is not None else True

    def add_pdf_image_descriptions(self, output_dir: str | Path) -> list[Path]:
        """For each PDF with figures a vision model described, write `<stem>.alt.pdf` into
        `output_dir` whose figures carry those descriptions; returns the paths written.
        Drafts from captions or OCR are never written this way: a person accepts those."""
        directory = Path(output_dir)
        written: list[Path] = []
        for source in self._pdfs():
            proposals = self._descriptions(source.name)
            if not proposals:
                continue
            data = self.pdf_with_descriptions(source, proposals)
            path = directory / f"{source.stem}.alt.pdf"
            suffix = 2
            while path in written:
                path = directory / f"{source.stem}-{suffix}.alt.pdf"
                suffix += 1
            written.append(write_atomically(path, data))
        return written

    def pdf_with_descriptions(
        self,
        source: str | DocumentSource,
        descriptions_override: Mapping[ImageKey, str] | None = None,
        *,
        decorative: Iterable[ImageKey] = (),
    ) -> bytes:
        """A PDF's bytes with the accepted alt texts written ({result.key: text}) and the
        `decorative` figures marked as artifacts. Nothing else is written: without accepted
        texts, only the vision model's proposals are (none with the built-in model)."""
        pdf = self._pdf(source)
        if descriptions_override is None:
            descriptions_override = self._descriptions(pdf.name)
        accepted = {key: text.strip() for key, text in descriptions_override.items()
                    if text and text.strip()}
        try:
            return write_alt_texts(pdf.read_bytes(), accepted, decorative=list(decorative))
        except DocumentError as exc:
            raise DocumentSourceError(pdf.name, f"alt text could not be written ({exc})") from exc

    # --- the work ----------------------------------------------------------------------------

    def _describe_all(self) -> list[ImageDescriptionResult]:
        self.failed_documents = []
        found: list[ImageDescriptionResult] = []
        sources = self._sources()
        for source in sources:
            try:
                found += self._found(source)
            except DocumentSourceError as exc:
                log.info("images of %s could not be read: %s", source.name, exc.reason)
                self.failed_documents.append(FailedDocument(source.name, exc.reason))
        if not found and self.failed_documents and len(self.failed_documents) == len(sources):
            listed = "; ".join(f"{name}: {reason}" for name, reason in self.failed_documents)
            raise CopilotError(f"no document could be read ({listed})")
        wanted = [r for r in found if r.skipped_reason is None and r.image]
        vision = self.uses_vision if wanted else False
        by_content: dict[str, ImageDescriptionResult] = {}
        results = []
        done = 0
        for result in found:
            if result.skipped_reason is None and result.image:
                # One piece of work per distinct image: a logo on every page is read once.
                digest = hashlib.sha256(result.image).hexdigest()
                if digest not in by_content:
                    by_content[digest] = self._evidence(result, vision)
                seen = by_content[digest]
                result = replace(result, ocr_text=seen.ocr_text, description=seen.description,
                                 error=seen.error)
                done += 1
                report(self.options.on_progress, done, len(wanted), "describing")
            results.append(_with_draft(result))
        return results

    def _evidence(self, result: ImageDescriptionResult, vision: bool) -> ImageDescriptionResult:
        ocr_text = None
        if self.options.ocr_images:
            try:
                ocr_text = " / ".join(_ocr.recognize_text(result.image).split("\n")).strip()
            except OcrUnavailableError:
                raise
            except Exception as exc:  # an image Pillow or the OCR model refuses: no text
                log.info("OCR failed on %s: %s", result.name, exc)
            ocr_text = (ocr_text or "")[:_MAX_OCR_CHARS] or None
        description, error = self._describe(result) if vision else (None, None)
        return replace(result, ocr_text=ocr_text, description=description, error=error)

    def _describe(self, result: ImageDescriptionResult) -> tuple[str | None, str | None]:
        options = self.options
        try:
            url = image_data_url(result.image, result.mime)
        except Exception as exc:  # Pillow's many ways to refuse an image
            return None, f"the image could not be converted for the model ({exc})"
        messages = []
        if options.instructions:
            messages.append({"role": "system", "content": options.instructions})
        prompt = options.image_prompt
        if result.caption:
            prompt += f"\nThe text next to it in the document: “{result.caption}”."
        messages.append(image_message(prompt, url, options.detail))
        settings = {
            "temperature": options.temperature,
            "top_p": options.top_p,
            "max_completion_tokens": options.max_completion_tokens,
        }
        try:
            text = complete(
                self._client, model=self.resolved_model(), messages=messages, settings=settings
            )
        except CopilotResponseError as exc:
            if isinstance(exc.__cause__, _FATAL):
                raise
            return None, str(exc)
        return (text, None) if text else (None, "the model returned an empty description")

    def _found(self, source: DocumentSource) -> list[ImageDescriptionResult]:
        if source.kind == "image":
            data = source.read_bytes()
            size = image_size(data)
            mime = mimetypes.guess_type(source.name)[0]
            if size is None:
                raise DocumentSourceError(source.name, "it is not a readable image")
            return [self._screened(ImageDescriptionResult(
                source.name, None, source.name, None, size[0], size[1], None, None, data, mime))]
        data = source.read_bytes()
        try:
            figures = find_figures(data)
            images = {image.key: image for image in extract_images(data)}
        except DocumentError as exc:
            raise DocumentSourceError(source.name, f"its images could not be read ({exc})") from exc
        return [self._from_figure(source.name, figure, images) for figure in figures]

    def _from_figure(self, name: str, figure: FoundFigure,
                     images: dict[ImageKey, PdfImage]) -> ImageDescriptionResult:
        image = images.get((figure.page or 0, figure.image)) if figure.image else None
        result = ImageDescriptionResult(
            name, figure.page, figure.key[1], figure.rect or (image.rect if image else None),
            image.width if image else 0, image.height if image else 0, None, None,
            image.data if image else b"", image.mime if image else None,
            figure=figure.tagged, image_name=figure.image, alt_before=figure.alt,
            caption=figure.caption, labelled=figure.labelled)
        if figure.tagged:
            return result  # the tree calls it a figure: never skipped for its size
        if figure.artifact:
            return replace(result, skipped_reason="marked as decoration (an artifact) already")
        if image is None:
            return replace(result, skipped_reason="its image data could not be decoded")
        return self._screened(result)

    def _screened(self, result: ImageDescriptionResult) -> ImageDescriptionResult:
        """The result marked skipped when the image is too small to be more than decoration."""
        min_side, min_area = self.options.min_image_side, self.options.min_image_area
        width, height = result.width, result.height
        if min(width, height) < min_side:
            reason = f"too small: {width}×{height} px, under {min_side} px on a side"
        elif width * height < min_area:
            reason = f"too small: {width * height} px², under {min_area} px²"
        else:
            return result
        return replace(result, skipped_reason=reason)

    def _sources(self) -> list[DocumentSource]:
        sources = self.options.documents
        if not sources:
            raise CopilotError("the image description copilot has no documents")
        for source in sources:
            if source.kind == "text":
                raise DocumentSourceError(source.name, "a text document has no images")
        return sources

    def _pdfs(self) -> list[DocumentSource]:
        return [s for s in self._sources() if s.kind == "pdf"]

    def _pdf(self, source: str | DocumentSource) -> DocumentSource:
        if isinstance(source, DocumentSource):
            return source
        for candidate in self._pdfs():
            if candidate.name == source:
                return candidate
        raise CopilotError(f"no PDF named {source!r} among the copilot's documents")

    def _descriptions(self, name: str) -> dict[ImageKey, str]:
        return {
            r.key: r.description
            # The flat list of this class, whatever shape a subclass's method returns.
            for r in ImageDescriptionCopilot.get_image_descriptions(self)
            if r.source == name and r.description and r.page is not None
        }


def _with_draft(result: ImageDescriptionResult) -> ImageDescriptionResult:
    """The draft a person may start from, only from evidence, and where it came from."""
    if result.skipped_reason is not None:
        return result
    if result.description:
        return replace(result, draft=result.description, draft_source="vision model")
    if result.caption and result.labelled:
        return replace(result, draft=result.caption, draft_source="figure label")
    if result.ocr_text:
        return replace(result, draft=result.ocr_text, draft_source="text in the image")
    return result
