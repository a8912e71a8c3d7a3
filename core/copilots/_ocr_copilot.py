"""The OCR copilot: the text of scanned PDF pages and image files, page by page."""

from __future__ import annotations

from dataclasses import dataclass

from core.client import OpenAIClient
from core.copilots._common import Copilot, report
from core.copilots._errors import CopilotError, DocumentSourceError
from core.copilots._options import OpenAIOcrCopilotOptions
from core.copilots._recognition import TextMethod, TextRecognizer, read_pages

__all__ = ["OcrCopilot", "OcrPage", "OcrResult"]


@dataclass(frozen=True)
class OcrPage:
    """One page's text; `success` is False (and `error` says why) when it couldn't be read.

    `method` tells where the text came from: the PDF's text layer, local OCR or the model.
    """

    source: str
    page: int
    text: str
    success: bool
    error: str | None = None
    method: TextMethod = "text_layer"


@dataclass(frozen=True)
class OcrResult:
    pages: list[OcrPage]
    success: bool

    @property
    def text(self) -> str:
        """Every page's text, pages separated by blank lines."""
        return "\n\n".join(p.text for p in self.pages if p.text.strip())


class OcrCopilot(Copilot[OpenAIOcrCopilotOptions]):
    """Reads every page of the options' PDFs and image files.

    PDF pages with a text layer keep it (unless `force_ocr`); pages without one, and image
    files, are recognised: by RapidOCR on this machine when `use_local_ocr` (the default), else
    by the model with `ocr_prompt`. A page that fails is reported, and the others still read.
    """

    def __init__(self, client: OpenAIClient, options: OpenAIOcrCopilotOptions | None = None):
        super().__init__(client, options or OpenAIOcrCopilotOptions())

    def get_text_recognition_result(self) -> OcrResult:
        options = self.options
        if not options.documents:
            raise CopilotError("the OCR copilot has no documents")
        recognizer = TextRecognizer(
            self._client,
            local=options.use_local_ocr,
            model=self.resolved_model,
            prompt=options.ocr_prompt,
            detail=options.detail,
            max_completion_tokens=options.max_completion_tokens,
        )
        pages: list[OcrPage] = []
        for done, source in enumerate(options.documents, start=1):
            try:
                contents = read_pages(
                    source,
                    recognizer,
                    min_chars=options.text_layer_min_chars,
                    force=options.force_ocr,
                )
            except DocumentSourceError as exc:
                pages.append(OcrPage(source.name, 1, "", False, exc.reason))
            else:
                pages.extend(
                    OcrPage(source.name, c.number, c.text, c.error is None, c.error, c.method)
                    for c in contents
                )
            report(options.on_progress, done, len(options.documents), "recognising")
        return OcrResult(pages, all(p.success for p in pages))
