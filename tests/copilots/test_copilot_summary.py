"""The summary copilot against the real engine: structured summaries of real filings (their
figures stated, their exhibits left out), focus prompts, batches with a bad file, exports, and
map-reduce with an upstream model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scripted_upstream import scripted_upstream

from core import OpenAIClient, OpenAISummaryCopilotOptions
from core.copilots import CopilotError, SummaryCopilot
from core.copilots._summary import markdown_sections
from core.copilots._text import split_to_budget, trim_to_words

AAPL = "2023 Q1 AAPL.pdf"
_BULLET = re.compile(r"^- (.+?) \(p\. (\d+)\)$", re.MULTILINE)


def words(text: str) -> int:
    return len(re.findall(r"\S*\w\S*", text))


def normalised(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def aapl_pages(sec10q_docs: Path) -> list[str]:
    from pypdf import PdfReader

    return [normalised(p.extract_text() or "") for p in PdfReader(sec10q_docs / AAPL).pages]


@pytest.fixture(scope="module")
def aapl_summary(client: OpenAIClient, sec10q_docs: Path) -> tuple[SummaryCopilot, list[tuple]]:
    progress: list[tuple] = []
    options = (OpenAISummaryCopilotOptions.create().with_document(sec10q_docs / AAPL)
               .with_length("medium").with_progress(lambda *step: progress.append(step)))
    copilot = client.get_summary_copilot(options)
    copilot.get_summary()
    return copilot, progress


def test_the_aapl_summary_states_its_figures_and_leaves_out_the_exhibit(aapl_summary, aapl_pages):
    copilot, progress = aapl_summary
    text = copilot.get_summary()

    assert 200 <= words(text) <= 300, "medium is about 250 words, within ±20%"
    # The income statement, read here with pypdf: total net sales and net income of the quarter.
    statement = next(p for p in aapl_pages if "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS" in p)
    sales = re.search(r"Total net sales ([\d,]+)", statement).group(1)
    income = re.search(r"Net income \$ ([\d,]+)", statement).group(1)
    assert f"${sales} million" in text and f"${income} million" in text
    assert "December 31, 2022" in text, "the period of the figures"

    # The RSU agreement attached as Exhibit 10.1 runs from its first page to the end.
    exhibit_start = next(i for i, p in enumerate(aapl_pages) if p.startswith("Exhibit 10.1"))
    exhibit = " ".join(aapl_pages[exhibit_start:])
    bullets = _BULLET.findall(text)
    assert len(bullets) >= 4
    for sentence, page in bullets:
        assert normalised(sentence) not in exhibit, sentence
        assert normalised(sentence)[:60] in aapl_pages[int(page) - 1], f"p. {page}: {sentence}"
    assert "Participant" not in text and "shall" not in text
    assert text.count("### ") >= 2, "a few headed sections"
    assert "Left out:" in text and "exhibits" in text
    assert copilot.requests == 1, "the built-in model reads the whole filing at once"
    assert {stage for _, _, stage in progress} == {"reading", "summarising"}
    assert copilot.get_summary() is text, "computed once"


def test_a_focus_prompt_changes_the_summary_towards_it(aapl_summary, client, sec10q_docs):
    plain, _ = aapl_summary
    options = (OpenAISummaryCopilotOptions.create().with_document(sec10q_docs / AAPL)
               .with_length("medium")
               .with_summary_prompt("Focus on share repurchases, dividends and cash."))
    focused = client.get_summary_copilot(options).get_summary()

    def mentions(text: str) -> int:
        return len(re.findall(r"repurchas|dividend|cash", text, re.IGNORECASE))

    assert focused != plain.get_summary()
    assert mentions(focused) >= mentions(plain.get_summary()) + 3
    assert 200 <= words(focused) <= 300


def test_short_and_long_lengths_hold(client, sec10q_docs):
    for length, target in (("short", 100), ("long", 500)):
        options = (OpenAISummaryCopilotOptions.create()
                   .with_document(sec10q_docs / "2023 Q1 NVDA.pdf").with_length(length))
        text = client.get_summary_copilot(options).get_summary()
        assert 0.8 * target <= words(text) <= 1.2 * target, (length, words(text))


def test_a_batch_with_a_bad_file_names_it_and_summarises_the_others(client, tmp_path: Path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")
    text = " ".join(
        f"In week {n} the harbour of Northcape handled {n * 3} cargo ships and {n} ferries, "
        f"while storms closed the pier for {n % 4} days." for n in range(1, 40))
    options = (OpenAISummaryCopilotOptions.create().with_document(broken)
               .with_text_document("harbour log.txt", text).with_length(60))
    copilot = client.get_summary_copilot(options)
    summary = copilot.get_summary()

    assert [name for name, _ in copilot.failed_documents] == ["broken.pdf"]
    assert "damaged" in copilot.failed_documents[0].reason.lower() or \
        "could not" in copilot.failed_documents[0].reason.lower()
    assert "harbour" in summary.lower() and "broken" not in summary
    assert list(copilot.summaries) == ["harbour log.txt"]

    only_bad = OpenAISummaryCopilotOptions.create().with_document(broken)
    with pytest.raises(CopilotError, match="broken.pdf"):
        client.get_summary_copilot(only_bad).get_summary()


def test_a_short_document_says_why_it_gives_less(client):
    options = (OpenAISummaryCopilotOptions.create().with_length("long").with_text_document(
        "note.txt", "The Northcape lighthouse was built in 1871 from granite quarried on the"
        " island. In 1994 the lamp was automated and the last keeper left the island."))
    text = client.get_summary_copilot(options).get_summary()
    assert "1871" in text and "short" in text and words(text) < 100


def test_exports_open_and_hold_the_summary(aapl_summary, tmp_path: Path):
    import docx
    from pypdf import PdfReader

    copilot, _ = aapl_summary
    sentence = _BULLET.findall(copilot.get_summary())[0][0]
    opening = " ".join(sentence.split()[:6])

    pdf = PdfReader(copilot.save_summary(tmp_path / "summary.pdf"))
    pdf_text = normalised(" ".join(p.extract_text() or "" for p in pdf.pages))
    assert opening in pdf_text and "###" not in pdf_text and "**" not in pdf_text

    landscape = PdfReader(_write(tmp_path / "wide.pdf", copilot.get_summary_document(
        page_size="A4", orientation="landscape", margins_mm=10)))
    box = landscape.pages[0].mediabox
    assert box.width > box.height

    word = docx.Document(str(copilot.save_summary(tmp_path / "summary.docx")))
    assert opening in normalised(" ".join(p.text for p in word.paragraphs))
    assert any(p.style.name.startswith("Heading") and "Quarterly" in p.text
               for p in word.paragraphs) or len([p for p in word.paragraphs
                                                 if p.style.name.startswith("Heading")]) >= 3

    for name in ("summary.md", "summary.txt"):
        written = copilot.save_summary(tmp_path / name)
        assert opening in normalised(written.read_text(encoding="utf-8"))

    with pytest.raises(CopilotError, match="format"):
        copilot.save_summary(tmp_path / "summary.xyz")


def test_markdown_becomes_export_sections():
    sections = markdown_sections("**a.pdf**: a report.\n\n### Results\n\n- One. (p. 2)\n- Two.")
    assert sections[0].heading is None and sections[0].text == "a.pdf: a report."
    assert sections[1].heading == "Results" and sections[1].text == "• One. (p. 2)\n• Two."


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


def test_a_set_budget_summarises_in_parts_and_combines_in_rounds(client: OpenAIClient):
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
    assert 0 < words(summary) <= 60


def test_an_upstream_model_map_reduces_the_whole_filing_and_keeps_pages(sec10q_docs):
    streamed: list[tuple[str, int, int, str]] = []
    options = (OpenAISummaryCopilotOptions.create().with_model("scripted")
               .with_document(sec10q_docs / AAPL).with_length(2000).with_max_prompt_tokens(6000)
               .with_text_stream(lambda *event: streamed.append(event)))
    with scripted_upstream() as (url, script), OpenAIClient(api_key="sk-s", base_url=url) as client:
        summary = client.get_summary_copilot(options).get_summary()

    partial = [r for r in script.requests if "is part" in str(r["messages"][1]["content"])]
    assert len(partial) >= 4, "a 46-page filing does not fit one 6,000-token request"
    assert all(r["stream"] for r in script.requests)
    system = script.requests[0]["messages"][0]["content"]
    assert "about 2000 words" in system and "(p. 4)" in system
    # Every page with text reached the model in some part, and the final summary cites them.
    cited = {int(n) for n in re.findall(r"\(p\. (\d+)\)", summary)}
    assert set(range(1, 47)) <= cited
    stages = {stage for stage, *_ in streamed}
    assert stages == {"summarising", "combining"}
    assert streamed[-1][0] == "combining" and streamed[-1][3].startswith("Summary.")
