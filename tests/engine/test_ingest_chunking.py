"""Token counting and OpenAI-style static chunking over page texts."""

from __future__ import annotations

import itertools
import string
import time

import pytest

from engine.ingest import (
    ExtractedDocument,
    PageText,
    chunk_document,
    count_tokens,
    token_spans,
    validate_static_strategy,
)


def words(count: int, start: int = 0) -> list[str]:
    """Distinct four-letter words, each exactly one token."""
    combos = itertools.product(string.ascii_lowercase, repeat=4)
    return ["".join(c) for c in itertools.islice(combos, start, start + count)]


def document(*pages: list[str]) -> ExtractedDocument:
    texts = [PageText(number=i, text=" ".join(page)) for i, page in enumerate(pages, start=1)]
    return ExtractedDocument(pages=texts, page_count=len(texts))


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("the cat", 2),
        ("revenue", 2),  # letter runs count one token per started 6 letters
        ("2023", 2),  # digit runs count one token per started 3 digits
        ("$1,234.5", 6),
        ("中文", 2),
        ("", 0),
        ("  \n\t ", 0),
    ],
)
def test_count_tokens_follows_the_documented_rule(text: str, tokens: int) -> None:
    assert count_tokens(text) == tokens


def test_token_spans_are_ordered_slices_without_whitespace() -> None:
    text = "Net income, 2023: $72,361 million."
    spans = list(token_spans(text))
    assert len(spans) == count_tokens(text)
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))
    assert all(text[a:b].strip() == text[a:b] for a, b in spans)


@pytest.mark.parametrize(("max_tokens", "overlap"), [(100, 0), (100, 50), (800, 400), (4096, 2048)])
def test_valid_static_strategies_pass(max_tokens: int, overlap: int) -> None:
    validate_static_strategy(max_tokens, overlap)


@pytest.mark.parametrize(
    ("max_tokens", "overlap", "message"),
    [
        (99, 0, "between 100 and 4096"),
        (4097, 0, "between 100 and 4096"),
        (800, -1, "negative"),
        (800, 401, "half"),
    ],
)
def test_invalid_static_strategies_say_why(max_tokens: int, overlap: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_static_strategy(max_tokens, overlap)


def test_chunk_document_rejects_invalid_sizes() -> None:
    with pytest.raises(ValueError):
        chunk_document(document(words(10)), max_tokens=50, overlap_tokens=0)


def test_windows_overlap_by_exactly_overlap_tokens() -> None:
    all_words = words(450)
    # One page of words with no sentence ends: chunks are exactly their token windows.
    doc = document(all_words)
    chunks = chunk_document(doc, max_tokens=100, overlap_tokens=40)
    # Windows start every 60 tokens; the one starting at 360 reaches the end.
    assert [c.index for c in chunks] == list(range(7))
    for chunk, first in zip(chunks, range(0, 450, 60), strict=False):
        expected = all_words[first : first + 100]
        assert chunk.text.split() == expected
        assert chunk.token_count == len(expected) == count_tokens(chunk.text)
    for before, after in itertools.pairwise(chunks[:-1]):
        assert before.text.split()[-40:] == after.text.split()[:40]
    assert chunks[-1].text.split()[-1] == all_words[-1]


def test_chunks_know_the_pages_they_touch() -> None:
    all_words = words(300)
    doc = document(all_words[:150], all_words[150:])
    chunks = chunk_document(doc, max_tokens=100, overlap_tokens=0)
    assert [(c.page_start, c.page_end) for c in chunks] == [(1, 1), (1, 2), (2, 2)]


def test_blank_pages_are_skipped_but_numbers_kept() -> None:
    doc = document(words(60), [], words(60, start=60))
    chunks = chunk_document(doc, max_tokens=100, overlap_tokens=0)
    assert [(c.page_start, c.page_end) for c in chunks] == [(1, 3), (3, 3)]
    assert "\n\n\n\n" not in chunks[0].text


def test_short_document_is_one_chunk_and_empty_is_none() -> None:
    (chunk,) = chunk_document(document(["Hello", "world."]))
    assert (chunk.text, chunk.token_count, chunk.page_start, chunk.page_end) == (
        "Hello world.",
        3,
        1,
        1,
    )
    assert chunk_document(document([], [])) == []


def test_two_thousand_pages_chunk_quickly() -> None:
    page = " ".join(words(400)) + ", 2023: $1,234."
    doc = document(*[page.split()] * 2000)
    started = time.perf_counter()
    chunks = chunk_document(doc)
    assert time.perf_counter() - started < 5.0  # ~0.5 s on a laptop; the bound is for slow CI
    assert chunks[-1].page_end == 2000


def test_chunks_start_and_end_on_whole_words():
    # "Decemberish" is two tokens: windows may fall inside it, chunk texts may not.
    doc = ExtractedDocument(pages=[PageText(1, "Decemberish " * 400)], page_count=1)
    for chunk in chunk_document(doc, max_tokens=101, overlap_tokens=50):
        assert chunk.text.startswith("Decemberish") and chunk.text.endswith("Decemberish")


def test_chunks_grow_to_whole_sentences_within_reach():
    sentences = [f"Sentence {i} is about the U.S. dollar and product {i}." for i in range(200)]
    doc = ExtractedDocument(pages=[PageText(1, " ".join(sentences))], page_count=1)
    for chunk in chunk_document(doc, max_tokens=100, overlap_tokens=50):
        assert chunk.text.startswith("Sentence ") and chunk.text.endswith(".")
        assert chunk.token_count == count_tokens(chunk.text)


def test_dropping_text_behind_the_windows_changes_no_chunk(monkeypatch: pytest.MonkeyPatch):
    from engine.ingest import chunking

    sentences = [f"Entry {i} of the ledger moved {i * 3} crates to the north quay." for i in range(3000)]
    pages = [PageText(n, " ".join(sentences[n * 30 : n * 30 + 30])) for n in range(100)]
    doc = ExtractedDocument(pages=pages, page_count=len(pages))
    whole = chunk_document(doc, max_tokens=120, overlap_tokens=40)
    monkeypatch.setattr(chunking, "KEEP_CHARS", 500)  # trim after nearly every page
    assert chunk_document(doc, max_tokens=120, overlap_tokens=40) == whole
    assert whole[-1].page_end == 99


def test_a_word_longer_than_a_chunk_is_split_and_output_stays_linear():
    for letters in (400_000, 4_000_000):
        doc = ExtractedDocument(pages=[PageText(1, "a" * letters)], page_count=1)
        started = time.perf_counter()
        chunks = chunk_document(doc)
        assert time.perf_counter() - started < 10.0
        stored = sum(len(c.text) for c in chunks)
        assert stored <= 2.1 * letters  # each letter in at most two overlapping windows
        assert max(len(c.text) for c in chunks) <= 800 * 6 + 2 * 32
