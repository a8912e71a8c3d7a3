"""The summary copilot: documents of any length summarised by chat completions.

Text that doesn't fit one request is summarised in parts, and the partial summaries are
combined — in rounds, when even they don't fit — into one. The requested length is asked for
in the system message (the user message holds only the text and the request, which keeps the
request clear for models that answer the last user message) and enforced afterwards by
trimming at a sentence end.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from core.client import OpenAIClient
from core.copilots._common import (
    Copilot,
    ExportFormat,
    complete,
    output_format,
    report,
    write_atomically,
)
from core.copilots._errors import CopilotError, DocumentSourceError
from core.copilots._options import DEFAULT_OCR_PROMPT, OpenAISummaryCopilotOptions
from core.copilots._recognition import TextRecognizer, read_pages
from core.copilots._text import estimate_tokens, split_to_budget, trim_to_words
from core.documents import export_document

__all__ = ["SummaryCopilot"]

DEFAULT_CONTEXT_TOKENS = 6_000
LENGTH_WORDS = {"short": 100, "medium": 250, "long": 500}
SYSTEM = "You are a careful summarizer. Use only the given text."
COMBINE_HINT = "The text above is made of summaries of consecutive parts."
# Room left in each request for the model's own tokenisation being less kind than chars / 4.
_MARGIN_TOKENS = 200
_MIN_PART_TOKENS = 256
_MAX_ROUNDS = 12


class SummaryCopilot(Copilot[OpenAISummaryCopilotOptions]):
    """One summary of all the options' documents; computed once, then reused by the exports."""

    def __init__(
        self, client: OpenAIClient, options: OpenAISummaryCopilotOptions | None = None
    ) -> None:
        super().__init__(client, options or OpenAISummaryCopilotOptions())
        self._summary: str | None = None
        self.requests = 0  # chat completions made so far, for callers who report cost

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
        title = self.options.title or "Summary of " + ", ".join(
            d.name for d in self.options.documents
        )
        return export_document(title, self.get_summary(), fmt, **page_setup)

    # --- the work ----------------------------------------------------------------------------

    def _summarize(self) -> str:
        texts = self._read()
        budget = self._part_budget()
        parts = [part for text in texts for part in split_to_budget(text, budget)]
        if not parts:
            raise CopilotError("the documents hold no text to summarise")
        partials = []
        for done, part in enumerate(parts, start=1):
            partials.append(self._ask(part, combining=False))
            report(self.options.on_progress, done, len(parts), "summarising")
        rounds = 0
        while len(partials) > 1:
            rounds += 1
            if rounds > _MAX_ROUNDS:
                raise CopilotError("the partial summaries would not combine into one")
            groups = _pack(partials, budget)
            combined = []
            for done, group in enumerate(groups, start=1):
                combined.append(self._ask("\n\n".join(group), combining=True))
                report(self.options.on_progress, done, len(groups), "combining")
            partials = combined
        return trim_to_words(_tidy(partials[0]), self.target_words)

    def _read(self) -> list[str]:
        sources = self.options.documents
        if not sources:
            raise CopilotError("the summary copilot has no documents")
        recognizer = None
        if self.options.ocr_scanned_pages:
            recognizer = TextRecognizer(
                self._client,
                local=self.options.use_local_ocr,
                model=self.resolved_model,
                prompt=DEFAULT_OCR_PROMPT,
            )
        texts = []
        for done, source in enumerate(sources, start=1):
            if source.kind == "image" and recognizer is None:
                raise DocumentSourceError(
                    source.name, "an image has no text to summarise without OCR"
                )
            pages = read_pages(source, recognizer, min_chars=self.options.text_layer_min_chars)
            texts.append("\n\n".join(p.text.strip() for p in pages if p.text.strip()))
            report(self.options.on_progress, done, len(sources), "reading")
        return texts

    def _part_budget(self) -> int:
        """Tokens of source text per request: the context budget less the fixed prompt."""
        context = self.options.max_prompt_tokens or DEFAULT_CONTEXT_TOKENS
        fixed = estimate_tokens(self._system(combining=True) + self.options.summary_prompt)
        return max(context - fixed - _MARGIN_TOKENS, _MIN_PART_TOKENS)

    def _system(self, *, combining: bool) -> str:
        lines = [self.options.instructions or SYSTEM, f"Write at most {self.target_words} words."]
        if combining:
            lines.append(COMBINE_HINT)
        return "\n".join(lines)

    def _ask(self, text: str, *, combining: bool) -> str:
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": self._system(combining=combining)},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": text},
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
        answer = complete(
            self._client, model=self.resolved_model(), messages=messages, settings=settings
        )
        # Partial summaries may run a little long; the final one is trimmed to the target.
        return trim_to_words(_tidy(answer), self.target_words * 2)


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
