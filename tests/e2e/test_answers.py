"""The built-in model's answers to an analyst's questions about real filings, through runs.

Each filing is in its own vector store, as when a person uploads one PDF; the run goes through
the official SDK against a real engine process, and the answer must state the figure asked
for, on the page that holds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def ask(openai_client, sec10q_docs: Path):
    stores: dict[str, str] = {}

    def store_for(filename: str) -> str:
        if filename not in stores:
            with (sec10q_docs / filename).open("rb") as handle:
                store = openai_client.vector_stores.create(name=filename)
                openai_client.vector_stores.files.upload_and_poll(
                    vector_store_id=store.id, file=handle, poll_interval_ms=200)
            stores[filename] = store.id
        return stores[filename]

    def ask(filename: str, *questions: str):
        store_id = store_for(filename)
        assistant = openai_client.beta.assistants.create(
            model="pdf-copilot-local", tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_store_ids": [store_id]}})
        thread = openai_client.beta.threads.create()
        answers = []
        for question in questions:
            openai_client.beta.threads.messages.create(thread.id, role="user", content=question)
            run = openai_client.beta.threads.runs.create_and_poll(
                thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=100)
            assert run.status == "completed", run.last_error
            message = openai_client.beta.threads.messages.list(thread.id, order="desc",
                                                                limit=1).data[0]
            answers.append(message.content[0].text)
        return answers

    return ask


def pages_holding(path: Path, text: str) -> list[int]:
    return [n for n, page in enumerate(PdfReader(path).pages, start=1)
            if text in " ".join((page.extract_text() or "").split())]


def cited_pages(answer) -> set[int]:
    pages: set[int] = set()
    for annotation in answer.annotations:
        pages.update((annotation.model_extra or {}).get("file_citation", {}).get("pages") or [])
        citation = annotation.file_citation.model_extra or {}
        pages.update(citation.get("pages") or [])
    return pages


def first_line(answer) -> str:
    return answer.value.split("\n", 1)[0]


@pytest.mark.parametrize(("filename", "question", "figure", "row"), [
    ("2023 Q1 AAPL.pdf", "What were iPhone net sales?", "$65,775 million", "iPhone $ 65,775"),
    ("2023 Q1 AAPL.pdf", "How much cash and cash equivalents did Apple have?", "$20,535 million",
     "Cash and cash equivalents $ 20,535"),
    ("2023 Q3 MSFT.pdf", "What was Microsoft's total revenue?", "56,517 million",
     "Total revenue 56,517"),
])
def test_the_answer_begins_with_the_figure_and_cites_its_page(
    ask, sec10q_docs: Path, filename: str, question: str, figure: str, row: str
) -> None:
    (answer,) = ask(filename, question)
    assert figure in first_line(answer), answer.value
    assert cited_pages(answer) & set(pages_holding(sec10q_docs / filename, row)), answer.value


def test_a_follow_up_is_answered_about_the_previous_question(ask) -> None:
    _, follow_up = ask("2023 Q1 AAPL.pdf", "What were iPhone net sales?",
                       "How did that compare with the same quarter a year earlier?")
    # The year-earlier iPhone figure, from the same row: the follow-up was searched and
    # answered with what the conversation is about.
    assert "71,628" in follow_up.value, follow_up.value


def test_a_comparison_after_another_question_is_about_its_own_subjects(ask) -> None:
    _, comparison = ask("2023 Q1 AAPL.pdf", "What were iPhone net sales?",
                        "How did operating expenses compare with revenue?")
    facts = comparison.value.split("\n\n")[0]
    # Both sides get their figure; the earlier question's iPhone row is not the answer.
    assert "14,316" in facts and "117,154" in facts and "iPhone" not in facts, comparison.value


def test_a_question_in_spanish_about_a_figure_finds_it(ask) -> None:
    (answer,) = ask("2023 Q1 AAPL.pdf", "¿Cuáles fueron las ventas netas del iPhone?")
    assert "65,775" in first_line(answer), answer.value


def test_why_questions_are_answered_with_prose_not_table_rows(ask) -> None:
    (answer,) = ask("2023 Q1 AAPL.pdf", "What risks does Apple mention about foreign exchange?")
    assert "foreign" in answer.value.lower()
    quotes = [a.file_citation.model_extra.get("quote", "") for a in answer.annotations]
    assert quotes and all(sum(c.isalpha() for c in q) > sum(c.isdigit() for c in q)
                          for q in quotes), quotes


def test_a_company_the_filing_is_not_about_gets_no_figure(ask) -> None:
    (answer,) = ask("2023 Q1 AAPL.pdf", "What was Tesla's revenue?")
    assert "don't say" in answer.value and not answer.annotations
