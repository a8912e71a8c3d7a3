"""The image description copilot: a description per image, written back into PDFs as alt text."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.client import OpenAIClient
from core.copilots._common import (
    Copilot,
    complete,
    image_data_url,
    image_message,
    report,
    write_atomically,
)
from core.copilots._errors import CopilotError, CopilotResponseError, DocumentSourceError
from core.copilots._options import OpenAIImageDescriptionCopilotOptions
from core.copilots._recognition import image_size
from core.copilots._sources import DocumentSource
from core.documents import DocumentError, Rect, extract_images, write_alt_texts
from core.errors import APIConnectionError, AuthenticationError, PermissionDeniedError

__all__ = ["ImageDescriptionCopilot", "ImageDescriptionResult"]

ImageKey = tuple[int, str]
# Errors that would fail every other image the same way: stop instead of recording each.
_FATAL = (APIConnectionError, AuthenticationError, PermissionDeniedError)


@dataclass(frozen=True)
class ImageDescriptionResult:
    """One image: where it is, its size, and its description — or why it has none.

    `skipped_reason` is set for images not sent to the model (too small, unreadable);
    `error` when the model was asked and failed.
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

    @property
    def key(self) -> ImageKey:
        """(page, name): how `write_alt_texts` addresses the image in its PDF."""
        return (self.page or 0, self.name)


class ImageDescriptionCopilot(Copilot[OpenAIImageDescriptionCopilotOptions]):
    """Describes every image of the options' PDFs and image files (computed once, then reused)."""

    def __init__(
        self, client: OpenAIClient, options: OpenAIImageDescriptionCopilotOptions | None = None
    ) -> None:
        super().__init__(client, options or OpenAIImageDescriptionCopilotOptions())
        self._results: list[ImageDescriptionResult] | None = None

    def get_image_descriptions(self) -> list[ImageDescriptionResult]:
        """A result per image, in document and page order; small images come back skipped."""
        if self._results is None:
            self._results = self._describe_all()
        return list(self._results)

    def add_pdf_image_descriptions(self, output_dir: str | Path) -> list[Path]:
        """For each PDF with described images, write `<stem>.alt.pdf` into `output_dir` whose
        figures carry the descriptions as alternate text; returns the paths written."""
        directory = Path(output_dir)
        written: list[Path] = []
        for source in self._pdfs():
            if not self._descriptions(source.name):
                continue
            data = self.pdf_with_descriptions(source)
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
    ) -> bytes:
        """A PDF's bytes with alt text written for its described images.

        `descriptions_override` ({(page, name): text}) replaces descriptions, e.g. after a
        person edited them; an empty text removes that image's alt text from the request. With
        an override and no descriptions computed yet, only the override is written.
        """
        pdf = self._pdf(source)
        descriptions: dict[ImageKey, str] = {}
        if descriptions_override is None or self._results is not None:
            descriptions.update(self._descriptions(pdf.name))
        descriptions.update(descriptions_override or {})
        descriptions = {key: text.strip() for key, text in descriptions.items() if text.strip()}
        try:
            return write_alt_texts(pdf.read_bytes(), descriptions)
        except DocumentError as exc:
            raise DocumentSourceError(pdf.name, f"alt text could not be written ({exc})") from exc

    # --- the work ----------------------------------------------------------------------------

    def _describe_all(self) -> list[ImageDescriptionResult]:
        found = [result for source in self._sources() for result in self._found(source)]
        wanted = [r for r in found if r.skipped_reason is None]
        by_content: dict[str, tuple[str | None, str | None]] = {}
        results = []
        done = 0
        for result in found:
            if result.skipped_reason is None:
                # One request per distinct image: a logo on every page is described once.
                digest = hashlib.sha256(result.image).hexdigest()
                if digest not in by_content:
                    by_content[digest] = self._describe(result)
                description, error = by_content[digest]
                result = replace(result, description=description, error=error)
                done += 1
                report(self.options.on_progress, done, len(wanted), "describing")
            results.append(result)
        return results

    def _describe(self, result: ImageDescriptionResult) -> tuple[str | None, str | None]:
        options = self.options
        try:
            url = image_data_url(result.image, result.mime)
        except Exception as exc:  # Pillow's many ways to refuse an image
            return None, f"the image could not be converted for the model ({exc})"
        messages = []
        if options.instructions:
            messages.append({"role": "system", "content": options.instructions})
        messages.append(image_message(options.image_prompt, url, options.detail))
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
                return [
                    ImageDescriptionResult(
                        source.name,
                        None,
                        source.name,
                        None,
                        0,
                        0,
                        None,
                        "not a readable image",
                        data,
                        mime,
                    )
                ]
            return [
                self._screened(
                    ImageDescriptionResult(
                        source.name,
                        None,
                        source.name,
                        None,
                        size[0],
                        size[1],
                        None,
                        None,
                        data,
                        mime,
                    )
                )
            ]
        try:
            images = extract_images(source.read_bytes())
        except DocumentError as exc:
            raise DocumentSourceError(source.name, f"its images could not be read ({exc})") from exc
        return [
            self._screened(
                ImageDescriptionResult(
                    source.name,
                    image.page,
                    image.name,
                    image.rect,
                    image.width,
                    image.height,
                    None,
                    None,
                    image.data,
                    image.mime,
                )
            )
            for image in images
        ]

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
