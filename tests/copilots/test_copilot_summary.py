"""The summary copilot against the real engine: a long filing in parts, within the length asked,
and its exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import OpenAIClient, OpenAISummaryCopilotOptions
from core.copilots import CopilotError, SummaryCopilot
from core.copilots._text import split_to_budget, trim_to_words

LONG_FILING = "2023 Q1 AMZN.pdf"


@pytest.fixture(scope="module")
def summary(client: OpenAIClient, sec10q_docs: Path) -> tuple[SummaryCopilot, list[tuple]]:
    progress: list[tuple] = []
    options = (
        OpenAISummaryCopilotOptions.create()
        .with_document(sec10q_docs / LONG_FILING)
        .with_length("short")
        .with_max_prompt_tokens(8000)
        .with_progress(lambda *step: progress.append(step))
    )
    return client.get_summary_copilot(options), progress


def test_a_long_filing_is_summarised_in_parts_within_the_length(summary):
    copilot, progress = summary
    text = copilot.get_summary()

    assert 20 <= len(text.split()) <= 100, "short means at most 100 words"
    stages = {stage for _, _, stage in progress}
    assert stages == {"reading", "summarising", "combining"}
    parts = max(total for _, total, stage in progress if stage == "summarising")
    assert parts >= 4, "a 10-Q does not fit one 8,000-token request"
    assert copilot.requests > parts, "the partial summaries were combined"
    assert copilot.get_summary() is text, "computed once"


def test_exports_open_and_hold_the_summary(summary, tmp_path: Path):
    import docx
    from pypdf import PdfReader

    copilot, _ = summary
    opening = " ".join(copilot.get_summary().split()[:6]).strip('“”"')

    pdf = PdfReader(copilot.save_summary(tmp_path / "summary.pdf"))
    assert opening in " ".join(" ".join(p.extract_text() or "" for p in pdf.pages).split())

    landscape = PdfReader(
        _write(
            tmp_path / "wide.pdf",
            copilot.get_summary_document(page_size="A4", orientation="landscape", margins_mm=10),
        )
    )
    box = landscape.pages[0].mediabox
    assert box.width > box.height

    word = docx.Document(str(copilot.save_summary(tmp_path / "summary.docx")))
    assert opening in " ".join(" ".join(p.text for p in word.paragraphs).split())

    for name in ("summary.md", "summary.txt"):
        written = copilot.save_summary(tmp_path / name)
        assert opening in " ".join(written.read_text(encoding="utf-8").split())

    with pytest.raises(CopilotError, match="format"):
        copilot.save_summary(tmp_path / "summary.xyz")


def test_a_word_count_length_and_a_short_text(client: OpenAIClient):
    text = " ".join(
        f"Sentence number {n} says that the harbour saw {n} ships arrive in calm weather."
        for n in range(1, 60)
    )
    options = OpenAISummaryCopilotOptions.create().with_text_document("log", text).with_length(30)
    copilot = client.get_summary_copilot(options)
    summary = copilot.get_summary()
    assert 0 < len(summary.split()) <= 30 and copilot.requests == 1


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_text_is_split_to_fit_and_trimmed_at_sentence_ends():
    text = "\n\n".join(f"Paragraph {n}. " + "word " * 300 for n in range(10))
    parts = split_to_budget(text, 200)
    assert all(len(p) <= 800 for p in parts) and len(parts) >= 10
    assert " ".join(parts).split() == text.split(), "nothing is lost"

    assert (
        trim_to_words("One two three. Four five six. Seven.", 6) == "One two three. Four five six."
    )
    assert trim_to_words("A very long first sentence here.", 3) == "A very long…"


def test_partial_summaries_that_do_not_fit_are_combined_in_rounds(client: OpenAIClient):
    text = "\n\n".join(
        f"In week {n} the harbour of Northcape handled {n * 3} cargo ships and {n} ferries, "
        f"while storms closed the pier for {n % 4} days and the crane crews worked overtime."
        for n in range(1, 160)
    )
    progress: list[tuple[int, int, str]] = []
    options = (
        OpenAISummaryCopilotOptions.create()
        .with_text_document("harbour log", text)
        .with_max_prompt_tokens(700)
        .with_length(40)
        .with_progress(lambda *step: progress.append(step))
    )
    copilot = client.get_summary_copilot(options)
    summary = copilot.get_summary()

    rounds = [total for done, total, stage in progress if stage == "combining" and done == 1]
    assert len(rounds) >= 2 and rounds[-1] == 1, "combined in rounds down to one"
    assert 0 < len(summary.split()) <= 40
