"""The summary copilot: documents of any length summarised by chat completions.

Each document is summarised on its own; one that can't be read is named in `failed_documents`
with the reason and the others are summarised (only when none can be read is that an error).
The text goes to the model page by page, each page after a line `[Page N]`, and the PDF's
bookmarks, where it has them, become Markdown headings, so that the model knows the pages and
the structure: the built-in model answers with a structured Markdown summary whose points carry
their page references, and an upstream model is asked for the same.

The built-in model reads a whole document in one request. For another model, text that doesn't
fit one request (`max_prompt_tokens`, default 6,000) is summarised in parts, and the partial
summaries are combined — in rounds, when even they don't fit — into one, page references kept.
Every request is streamed: `on_progress` hears each part as it starts and ends, and
`on_text(stage, done, total, text_so_far)` follows the text as it arrives. The requested length
is asked for in the system message and guarded afterwards by trimming at a sentence end.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from core.client import OpenAIClient
from core.copilots._common import (
    Copilot,
    ExportFormat,
    output_format,
    report,
    write_atomically,
)
from core.copilots._errors import (
    CopilotError,
    CopilotResponseError,
    DocumentSourceError,
    FailedDocument,
)
from core.copilots._options import DEFAULT_OCR_PROMPT, OpenAISummaryCopilotOptions
from core.copilots._recognition import PageContent, TextRecognizer, read_pages
from core.copilots._sources import DocumentSource
from core.copilots._text import estimate_tokens, split_to_budget, trim_to_words
from core.documents import DocumentError, Section, export_document, read_bookmarks
from core.errors import APIConnectionError, AuthenticationError, OpenAIError, PermissionDeniedError
from core.settings import LOCAL_MODEL

__all__ = ["SummaryCopilot"]

log = logging.getLogger("core.copilots")

DEFAULT_CONTEXT_TOKENS = 6_000
LENGTH_WORDS = {"short": 100, "medium": 250, "long": 500}
SYSTEM = "You are a careful summarizer. Use only the given text."
STRUCTURE = (
    "Write Markdown: a lead of one or two sentences, then a few short sections with ### "
    "headings or bullets. The text marks its pages with lines like [Page 4]; end each point "
    "with its page reference, like (p. 4). Keep to the parts that carry the document's "
    "substance (for a report its results, figures and explanations; for a financial statement "
    "its total revenue and net income with their period; for a paper its abstract, "
    "contributions and conclusions; for a manual what it covers) and leave out exhibits, "
    "certifications, signatures, tables of contents and boilerplate."
)
PART_HINT = "The text above is part {done} of {total} of the document {name}."
COMBINE_HINT = (
    "The text above is made of summaries of consecutive parts of the document {name}: combine "
    "them into one summary, keeping their page references."
)
# Room left in each request for the model's own tokenisation being less kind than chars / 4.
_MARGIN_TOKENS = 200
_MIN_PART_TOKENS = 256
_MAX_ROUNDS = 12
_GUARD_SHARE = 1.35  # upstream text longer than this share of the target is trimmed
_PAGE_LINE = re.compile(r"^\[Page \d+\]$", re.MULTILINE)
# Errors that would fail every other document the same way: stop instead of recording each.
_FATAL = (APIConnectionError, AuthenticationError, PermissionDeniedError)


class SummaryCopilot(Copilot[OpenAISummaryCopilotOptions]):
    """One summary of all the options' documents; computed once, then reused by the exports.

    With several documents the summary has a `## name` section per document. Documents that
    could not be summarised are listed in `failed_documents` (name, reason).
    """

    def __init__(
        self, client: OpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> None:
        super().__init__(client, options or OpenAISummaryCopilotOptions())
        self._summary: str | None = None
        self.requests = 0  # chat completions made so far, for callers who report cost
        self.failed_documents: list[FailedDocument] = []
        self.summaries: dict[str, str] = {}  # document name -> its summary

    @property
    def target_words(self) -> int:
        length = self.options.length
        return LENGTH_WORDS[length] if isinstance(length, str) else length

    def get_summary(self) -> str:
        if self._summary is None:
            self._summary = self._summarize()
        return self._summary

    def get_summary_document(
        self, *, page_size: str = "A4", orientation: str = "portrait", margins_mm: float = 20.0
    ) -> bytes:
        """The summary as a PDF with the given page setup."""
        return self._export(
            "pdf", page_size=page_size, orientation=orientation, margins_mm=margins_mm
        )

    def save_summary(
        self,
        path: str | Path,
        format: ExportFormat | None = None,
        *,
        page_size: str = "A4",
        orientation: str = "portrait",
        margins_mm: float = 20.0,
    ) -> Path:
        """Write the summary as pdf, docx, md or txt (by default the path's suffix decides)."""
        path = Path(path)
        fmt = output_format(path, format)
        data = self._export(
            fmt, page_size=page_size, orientation=orientation, margins_mm=margins_mm
        )
        return write_atomically(path, data)

    def _export(self, fmt: ExportFormat, **page_setup: Any) -> bytes:
        names = [d.name for d in self.options.documents
                 if d.name not in {f.name for f in self.failed_documents}]
        title = self.options.title or "Summary of " + ", ".join(names)
        summary = self.get_summary()
        body: str | list[Section] = summary if fmt == "md" else markdown_sections(summary)
        return export_document(title, body, fmt, **page_setup)

    # --- the work ----------------------------------------------------------------------------

    def _summarize(self) -> str:
        sources = self.options.documents
        if not sources:
            raise CopilotError("the summary copilot has no documents")
        recognizer = self._recognizer()
        self.failed_documents = []
        self.summaries = {}
        for done, source in enumerate(sources, start=1):
            try:
                text = self._document_text(source, recognizer)
                report(self.options.on_progress, done, len(sources), "reading")
                summary = self._summarize_document(source.name, text)
            except CopilotError as exc:
                if isinstance(exc.__cause__, _FATAL):
                    raise
                reason = exc.reason if isinstance(exc, DocumentSourceError) else str(exc)
                log.info("summary of %s failed: %s", source.name, reason)
                self.failed_documents.append(FailedDocument(source.name, reason))
                report(self.options.on_progress, done, len(sources), "reading")
                continue
            self.summaries[source.name] = summary
        if not self.summaries:
            listed = "; ".join(f"{name}: {reason}" for name, reason in self.failed_documents)
            raise CopilotError(f"no document could be summarised ({listed})")
        if len(sources) == 1:
            return next(iter(self.summaries.values()))
        return "\n\n".join(f"## {name}\n\n{text}" for name, text in self.summaries.items())

    def _recognizer(self) -> TextRecognizer | None:
        if not self.options.ocr_scanned_pages:
            return None
        return TextRecognizer(
            self._client,
            local=self.options.use_local_ocr,
            model=self.resolved_model,
            prompt=DEFAULT_OCR_PROMPT,
        )

    def _document_text(self, source: DocumentSource, recognizer: TextRecognizer | None) -> str:
        """The document's text with `[Page N]` lines and its bookmarks as headings."""
        if source.kind == "image" and recognizer is None:
            raise DocumentSourceError(source.name, "an image has no text to summarise without OCR")
        pages = read_pages(source, recognizer, min_chars=self.options.text_layer_min_chars)
        if not any(p.text.strip() for p in pages):
            raise DocumentSourceError(
                source.name, "it holds no text to summarise (a scan without a text layer?)")
        if source.kind == "text":
            return f"Document: {source.name}\n{pages[0].text.strip()}"
        bookmarks: dict[int, list[tuple[str, int]]] = {}
        if source.kind == "pdf":
            try:
                for mark in read_bookmarks(source.read_bytes()):
                    bookmarks.setdefault(mark.page, []).append((mark.title, mark.level))
            except DocumentError:
                pass  # the text was read; the bookmarks are only a help
        return f"Document: {source.name}\n" + "\n\n".join(
            _page_text(page, bookmarks.get(page.number, [])) for page in pages if page.text.strip())

    def _summarize_document(self, name: str, text: str) -> str:
        budget = self._part_budget()
        parts = _with_page_marks(split_to_budget(text, budget)) if budget else [text]
        if not parts:
            raise DocumentSourceError(name, "it holds no text to summarise")
        partials = []
        for done, part in enumerate(parts, start=1):
            hint = PART_HINT.format(done=done, total=len(parts), name=name) if len(parts) > 1 \
                else ""
            partials.append(self._ask(part, hint, stage="summarising", done=done,
                                      total=len(parts)))
            report(self.options.on_progress, done, len(parts), "summarising")
        rounds = 0
        while len(partials) > 1:
            rounds += 1
            if rounds > _MAX_ROUNDS:
                raise CopilotError("the partial summaries would not combine into one")
            groups = _pack(partials, budget or DEFAULT_CONTEXT_TOKENS)
            combined = []
            for done, group in enumerate(groups, start=1):
                combined.append(self._ask("\n\n".join(group), COMBINE_HINT.format(name=name),
                                          stage="combining", done=done, total=len(groups)))
                report(self.options.on_progress, done, len(groups), "combining")
            partials = combined
        summary = trim_to_words(_tidy(partials[0]), int(self.target_words * _GUARD_SHARE))
        if not summary:
            raise CopilotResponseError("the model returned an empty summary")
        return summary

    def _part_budget(self) -> int | None:
        """Tokens of source text per request: the context budget less the fixed prompt; None
        for the built-in model unless a budget is set (it reads any length at once)."""
        if self.options.max_prompt_tokens is None and self.resolved_model() == LOCAL_MODEL:
            return None
        context = self.options.max_prompt_tokens or DEFAULT_CONTEXT_TOKENS
        fixed = estimate_tokens(self._system() + COMBINE_HINT + self.options.summary_prompt)
        return max(context - fixed - _MARGIN_TOKENS, _MIN_PART_TOKENS)

    def _system(self) -> str:
        return "\n".join([self.options.instructions or SYSTEM,
                          f"Summarize in about {self.target_words} words, in whole sentences.",
                          STRUCTURE])

    def _ask(self, text: str, hint: str, *, stage: str, done: int, total: int) -> str:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": self._system()},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": text + (f"\n\n{hint}" if hint else "")},
                    {"type": "text", "text": self.options.summary_prompt},
                ],
            },
        ]
        settings = {
            "temperature": self.options.temperature,
            "top_p": self.options.top_p,
            "max_completion_tokens": self.options.max_completion_tokens,
        }
        self.requests += 1
        answer = self._stream(messages, settings, stage, done, total)
        # Partial summaries may run a little long; the final one is guarded by the caller.
        return trim_to_words(_tidy(answer), self.target_words * 2)

    def _stream(self, messages: list[dict[str, Any]], settings: dict[str, Any], stage: str,
                done: int, total: int) -> str:
        fields = {k: v for k, v in settings.items() if v is not None}
        pieces: list[str] = []
        on_text = self.options.on_text
        try:
            stream = self._client.create_completion(model=self.resolved_model(),
                                                    messages=messages, stream=True, **fields)
            try:
                for chunk in stream:
                    for choice in chunk.choices:
                        if choice.delta.content:
                            pieces.append(choice.delta.content)
                    if on_text is not None and pieces:
                        _tell(on_text, stage, done, total, "".join(pieces))
            finally:
                stream.close()
        except OpenAIError as exc:
            raise CopilotResponseError(f"the chat completion failed: {exc}") from exc
        return "".join(pieces).strip()


def _tell(on_text: Any, stage: str, done: int, total: int, text: str) -> None:
    try:
        on_text(stage, done, total, text)
    except Exception:
        log.warning("the on_text callback failed at %s %d/%d", stage, done, total, exc_info=True)


def _page_text(page: PageContent, bookmarks: list[tuple[str, int]]) -> str:
    """`[Page N]`, then the page's text with its bookmarks' titles as Markdown headings."""
    lines = page.text.strip().split("\n")
    on_top: list[str] = []
    for title, level in bookmarks:
        hashes = "#" * min(level + 1, 4)
        wanted = " ".join(title.split()).lower()
        for index, line in enumerate(lines):
            if " ".join(line.split()).lower() == wanted:
                lines[index] = f"{hashes} {line.strip()}"
                break
        else:
            on_top.append(f"{hashes} {title}")
    return "\n".join([f"[Page {page.number}]", *on_top, *lines])


def _with_page_marks(parts: list[str]) -> list[str]:
    """Each part starting with the `[Page N]` line in effect where it starts."""
    result: list[str] = []
    current: str | None = None
    for part in parts:
        if current and not part.lstrip().startswith("[Page "):
            part = f"{current}\n{part}"
        marks = _PAGE_LINE.findall(part)
        if marks:
            current = marks[-1]
        result.append(part)
    return result


def _pack(texts: list[str], budget: int) -> list[list[str]]:
    """Consecutive texts grouped so each group fits the budget; at least two per group when
    any two fit, so every round shrinks the list."""
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0
    for text in texts:
        cost = estimate_tokens(text) + 1
        if current and used + cost > budget:
            groups.append(current)
            current, used = [], 0
        current.append(text)
        used += cost
    if current:
        groups.append(current)
    if len(groups) == len(texts) and len(texts) > 1:
        # No two fit together: pair them anyway, trimmed to share the budget.
        share = max(budget // 2, 1) * 4 // 6  # ~words in half the budget's characters
        trimmed = [trim_to_words(t, share) for t in texts]
        groups = [trimmed[i : i + 2] for i in range(0, len(trimmed), 2)]
    return groups


def _tidy(text: str) -> str:
    """Quotes of quotes collapsed: combining quoted partial summaries nests them (““…””)."""
    return re.sub(r"([“”\"])\1+", r"\1", text).strip()


_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|(?<!\w)_(.+?)_(?!\w)")


def markdown_sections(markdown: str) -> list[Section]:
    """The summary's Markdown as export sections: headings, paragraphs, bullets as "• "."""
    sections = [Section(heading=None, text="")]
    for block in re.split(r"\n\s*\n", markdown.strip()):
        heading = _HEADING.match(block.strip())
        if heading and "\n" not in block.strip():
            sections.append(Section(heading=_plain(heading.group(1)), text=""))
            continue
        lines = [re.sub(r"^\s*[-*]\s+", "• ", _plain(line)) for line in block.split("\n")]
        current = sections[-1]
        text = "\n".join(line for line in lines if line.strip())
        sections[-1] = Section(current.heading,
                               f"{current.text}\n\n{text}" if current.text else text)
    return [s for s in sections if s.heading or s.text]


def _plain(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text).strip()
