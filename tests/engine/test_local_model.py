"""The built-in extractive model answers only with sentences it was given, and cites them."""

from __future__ import annotations

import os
import subprocess
import sys

from engine.llm import (
    LOCAL_MODEL_ID,
    NO_ANSWER,
    Source,
    answer_chat,
    answer_from_sources,
    count_prompt_tokens,
)

FILENAME = "2023 Q1 AAPL.pdf"
# Excerpts of Apple's Q1 2023 10-Q as pypdf extracts them: wrapped lines, headings, table rows.
TERM_DEBT = """Term Debt
As of December 31, 2022 and September 24, 2022, the Company had outstanding fixed-rate notes with varying maturities for an aggregate carrying amount of
$109.4 billion and $110.1 billion, respectively (collectively the “Notes”). As of December 31, 2022 and September 24, 2022, the fair value of the Company’s
Notes, based on Level 2 inputs, was $98.0 billion and $98.8 billion, respectively."""
GROSS_MARGIN = """Gross Margin
Products and Services gross margin and gross margin percentage for the three months ended December 31, 2022 and December 25, 2021 were as follows (dollars in millions):
Three Months Ended
December 31,
2022
December 25,
2021
Gross margin:
Products $ 35,623 $ 40,120
Services 14,709 14,123
Total gross margin $ 50,332 $ 54,243"""
REPURCHASE = """Note 6 – Shareholders’ Equity
Share Repurchase Program
During the three months ended December 31, 2022, the Company repurchased 133 million shares of its common stock for $19.0 billion under a share
repurchase program authorized by the Board of Directors (the “Program”). The Program does not obligate the Company to acquire a minimum amount of shares.
Under the Program, shares may be repurchased in privately negotiated and/or open market transactions, including under plans complying with Rule 10b5-1
under the Securities Exchange Act of 1934, as amended."""
RSUS = """As of December 31, 2022, the total unrecognized compensation cost related to outstanding RSUs and stock options was $25.5 billion, which the Company
expects to recognize over a weighted-average period of 3.0 years."""
REPURCHASED_133 = (
    "During the three months ended December 31, 2022, the Company repurchased 133 million "
    "shares of its common stock for $19.0 billion under a share repurchase program authorized "
    "by the Board of Directors (the “Program”)."
)


def sources() -> list[Source]:
    texts = [TERM_DEBT, GROSS_MARGIN, REPURCHASE, RSUS]
    return [
        Source(text, f"file-{i}", FILENAME, page_start=12 + i, page_end=12 + i)
        for i, text in enumerate(texts)
    ]


def test_answer_quotes_the_sentence_from_source_two_and_cites_it() -> None:
    answer = answer_from_sources("How many shares did the Company repurchase?", sources())

    assert answer.found
    first = answer.citations[0]
    assert first.source_index == 2
    assert first.marker == "【0:2†source】"  # OpenAI's marker: turn 0, the third result
    assert answer.text[first.start_index : first.end_index] == first.marker
    # The quote is the PDF sentence with its line breaks joined, and stands right before its marker.
    assert first.quote == REPURCHASED_133
    assert answer.text[: first.start_index].endswith(f"“{REPURCHASED_133}”")
    assert first.page == 14


def test_every_marker_sits_where_its_citation_says() -> None:
    answer = answer_from_sources("What was the fair value of the Notes?", sources())

    assert answer.found and answer.citations
    for citation in answer.citations:
        assert answer.text[citation.start_index : citation.end_index] == citation.marker
        assert citation.marker == f"【0:{citation.source_index}†source】"
    assert answer.citations[0].source_index == 0
    assert "$98.0 billion and $98.8 billion" in answer.citations[0].quote


def test_quotes_are_only_text_from_the_sources() -> None:
    answer = answer_from_sources("What is the unrecognized compensation cost for RSUs?", sources())

    assert answer.found
    source_words = " ".join(" ".join(s.text for s in sources()).split())
    for citation in answer.citations:
        assert citation.quote in source_words
    assert answer.citations[0].source_index == 3
    assert "$25.5 billion" in answer.citations[0].quote


def test_a_table_row_answers_a_question_about_a_figure() -> None:
    answer = answer_from_sources("What was the total gross margin?", sources())

    assert answer.citations[0].quote == "Total gross margin $ 50,332 $ 54,243"
    assert answer.citations[0].source_index == 1


def test_an_unrelated_question_finds_nothing() -> None:
    answer = answer_from_sources("What is the recipe for chocolate cake?", sources())

    assert not answer.found
    assert answer.citations == []
    assert answer.text == NO_ANSWER


def test_no_sources_or_no_question_finds_nothing() -> None:
    assert not answer_from_sources("How many shares were repurchased?", []).found
    assert not answer_from_sources("What is it?", sources()).found


def test_same_input_gives_the_same_answer_even_across_processes() -> None:
    question = "What did the Company repurchase under the Program?"
    first = answer_from_sources(question, sources())
    assert answer_from_sources(question, sources()) == first

    # Set iteration order changes with the hash seed; the answer must not.
    script = (
        "from engine.llm import Source, answer_from_sources\n"
        f"print(repr(answer_from_sources({question!r}, {sources()!r})))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {repr(first) + "\n"}


def test_page_offsets_give_the_page_of_the_quoted_sentence() -> None:
    page_7 = "Share Repurchase Program\n" + REPURCHASED_133
    page_8 = RSUS
    text = page_7 + "\n\n" + page_8
    offsets = ((0, 7), (len(page_7) + 2, 8))
    chunk = Source(text, "file-x", FILENAME, page_start=7, page_end=8, page_offsets=offsets)

    on_8 = answer_from_sources("What is the unrecognized compensation cost?", [chunk])
    on_7 = answer_from_sources("How many shares were repurchased?", [chunk])

    assert on_8.citations[0].page == 8
    assert on_7.citations[0].page == 7


def test_without_page_offsets_a_multi_page_chunk_cites_its_first_page() -> None:
    chunk = Source(REPURCHASE + "\n\n" + RSUS, "file-x", FILENAME, page_start=7, page_end=8)

    answer = answer_from_sources("What is the unrecognized compensation cost?", [chunk])

    assert answer.citations[0].page == 7


def test_a_sentence_repeated_by_overlapping_chunks_is_quoted_once() -> None:
    overlapping = [sources()[2], Source(REPURCHASE[200:], "file-2", FILENAME, 14, 14)]

    answer = answer_from_sources("How many shares did the Company repurchase?", overlapping)

    quotes = [c.quote for c in answer.citations]
    assert quotes.count(REPURCHASED_133) == 1
    assert len(set(quotes)) == len(quotes)


def test_max_chars_bounds_the_answer() -> None:
    question = "What did the Company repurchase under the Program?"
    full = answer_from_sources(question, sources())
    short = answer_from_sources(question, sources(), max_chars=120)

    assert len(full.text) > 120
    assert len(short.text) <= 120
    assert short.found and len(short.citations) == 1
    citation = short.citations[0]
    assert short.text[citation.start_index : citation.end_index] == citation.marker


def test_over_long_runs_are_quoted_in_pieces_of_at_most_400_characters() -> None:
    clauses = [f"segment {n} reported higher net sales of accessories" for n in range(40)]
    run_on = "; ".join(clauses) + "."

    answer = answer_from_sources(
        "Which segment reported higher net sales of accessories?",
        [Source(run_on, "file-y", "long.pdf")],
    )

    assert answer.found
    assert all(len(c.quote) <= 400 for c in answer.citations)


def test_count_prompt_tokens_counts_words_and_punctuation() -> None:
    assert count_prompt_tokens("Net sales were $117.2 billion.") == 9
    assert count_prompt_tokens("") == 0


def test_model_id() -> None:
    assert LOCAL_MODEL_ID == "pdf-copilot-local"


def test_chat_answers_from_earlier_messages() -> None:
    messages = [
        {"role": "system", "content": "You answer questions about filings."},
        {"role": "user", "content": REPURCHASE},
        {"role": "assistant", "content": "Thanks, I have the excerpt."},
        {"role": "user", "content": "How many shares did the Company repurchase?"},
    ]

    reply = answer_chat(messages)

    assert f"“{REPURCHASED_133}”" in reply


def test_chat_uses_earlier_text_parts_of_the_last_message_as_material() -> None:
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": RSUS},
                {"type": "text", "text": "Over what period will the cost be recognized?"},
            ],
        }
    ]

    assert "weighted-average period of 3.0 years" in answer_chat(messages)


def test_chat_summarises_pasted_text() -> None:
    reply = answer_chat([{"role": "user", "content": "Summarize this:\n\n" + REPURCHASE}])

    assert REPURCHASED_133 in reply
    assert "Summarize this" not in reply


def test_chat_without_material_says_it_only_answers_from_given_text() -> None:
    reply = answer_chat([{"role": "user", "content": "Who won the 1998 World Cup?"}])

    assert "only answer from text given to me" in reply
    assert "no such text" in reply


def test_chat_says_when_the_material_does_not_answer() -> None:
    messages = [
        {"role": "system", "content": TERM_DEBT},
        {"role": "user", "content": "What is the recipe for chocolate cake?"},
    ]

    assert "doesn't say" in answer_chat(messages)


def test_chat_answers_a_question_asked_after_pasted_text() -> None:
    reply = answer_chat([{"role": "user", "content": RSUS + "\n\nWhat is the unrecognized cost?"}])

    assert "$25.5 billion" in reply


def test_chat_small_talk_around_a_question_is_no_material() -> None:
    reply = answer_chat([{"role": "user", "content": "Thanks. What was net income?"}])

    assert "no such text" in reply


def test_summaries_have_no_lead_and_keep_fed_back_quotes_whole():
    quoted = ("“Net sales rose 8% to $94.8 billion in the quarter, driven by iPhone and Services.” "
              "“Operating expenses grew 3% as research and development spending increased.” "
              "“The Company repurchased $19 billion of its common stock during the quarter.”")
    answer = answer_chat([{"role": "user", "content": quoted},
                          {"role": "user", "content": "Summarize the text above."}])
    assert not answer.startswith("From the")
    bullets = [line[2:].strip("“” ") for line in answer.splitlines() if line.startswith("- ")]
    assert len(bullets) == 3
    for text in bullets:
        assert text in quoted, text


def test_a_sentence_about_the_asked_subject_comes_first():
    text = ("One distributor represented 17% of total revenue for the second quarter of fiscal"
            " year 2024 and was attributable to the networking segment. Revenue for the second"
            " quarter of fiscal year 2024 was $13.51 billion, up 101%.")
    result = answer_from_sources("What was the revenue for the second quarter of fiscal 2024?",
                                 [Source(text=text, file_id="f", filename="q.pdf")])
    assert result.citations[0].quote.startswith("Revenue for the second quarter")


def test_summaries_leave_out_table_captions():
    text = ("Net sales of iPhone, Mac and Services during the quarter were as follows due"
            " primarily to the lower and higher net sales (in millions):\n"
            "Services net sales increased during the quarter due primarily to higher advertising,"
            " cloud and AppleCare revenue. iPhone net sales decreased during the quarter due"
            " primarily to lower net sales of iPhone 14 models. Mac net sales decreased during"
            " the quarter due primarily to lower net sales of laptops.")
    answer = answer_chat([{"role": "user", "content": text},
                          {"role": "user", "content": "Summarize the text above."}])
    assert "as follows" not in answer and "net sales" in answer


# A manual's definition list: a type, what it is, its other name and its limit each on a line
# of their own, so no one line holds enough of what the question asks.
COLUMN_TYPES = """numeric(p, s)
exact decimal number.
Also known as decimal.
Precision is at most 38 digits.
binary varying(n)
variable-length binary string.
Also known as varbinary.
The limit is 8000 bytes per value.
timestamp
date and time of day, without a time zone."""


def test_an_answer_spread_over_neighbouring_lines_is_quoted_together():
    source = Source(text=COLUMN_TYPES, file_id="f", filename="sql-types.pdf")
    result = answer_from_sources("What is the varbinary string's size in bytes?", [source])
    assert result.found
    [citation] = result.citations
    assert "Also known as varbinary." in citation.quote and "8000 bytes" in citation.quote
    assert citation.quote in " ".join(COLUMN_TYPES.split())
    # Lines that answer nothing asked still make no answer.
    assert answer_from_sources("Which port does the server listen on?", [source]).text == NO_ANSWER


def test_a_table_of_contents_is_not_quoted():
    text = ("Contents 1 Introduction 1 2 Soldering example 3 2.1 Data . . . . . . . . . . . . 3"
            " 2.2 Linear model of the soldering data . . . . . . . . . . 4\n\n"
            "The soldering data come from an experiment on printed circuit boards.")
    answer = answer_from_sources("What does the linear model of the soldering data show?",
                                 [Source(text=text, file_id="f", filename="contrasts.pdf")])
    # The contents name the section asked about, but what it shows is not in these pages.
    assert answer.text == NO_ANSWER


def test_an_abbreviation_the_text_defines_meets_its_long_form():
    from engine.llm._abbreviations import defined
    assert defined(["We fit a vector autoregression (VAR) to the series; the return on invested"
                    " capital (ROIC) and the Bureau of Labor Statistics (BLS) data follow, as"
                    " in Figure 3 (left)."]) == {
        "var": frozenset({"vector", "autoregression"}),
        "roic": frozenset({"return", "invest", "capital"}),
        "bls": frozenset({"bureau", "labor", "statistic"})}
    text = ("We fit a vector autoregression (VAR) to the quarterly series of prices and wages."
            "\n\nAfter testing, the VAR has four lags and a constant.")
    answer = answer_from_sources("How many lags does the vector autoregression have?",
                                 [Source(text=text, file_id="f", filename="var.pdf")])
    assert answer.citations[0].quote.startswith("After testing, the VAR has four lags")


def test_how_much_of_it_is_asked_by_the_scale_or_extent_of_it() -> None:
    # "the extent of the planting" asks how much was planted, not for a sentence on some extent.
    text = ("Woodland Trust annual review\n"
            "The extent of the river flooding is mapped in Figure 2, drawn from the county's"
            " survey.\nVolunteers planted 12,400 trees along the river in 2024.\n")
    source = Source(text=text, file_id="f", filename="trust.pdf")
    for question in ("Did the trust plant any trees, and what was the extent of the planting?",
                     "Were trees planted, and what scale did the planting take?"):
        answer = answer_from_sources(question, [source])
        assert "12,400 trees" in answer.text, question
        assert "flooding" not in answer.text, question
