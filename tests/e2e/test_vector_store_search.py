"""Vector store search over three real 10-Q filings: ranking, pages, limits, thresholds, filters."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from wire import api_error, conforming

pytestmark = pytest.mark.corpus

# Apple's 2023 Q1 10-Q says on page 21 (1-based) why Services net sales grew; nowhere else in
# that filing does "cloud services" occur, which the fixture below checks with pypdf.
AAPL_PAGE = 21
AAPL_MARKER = "cloud services"
GENERIC_QUERY = "revenue and net sales for the quarter compared to the prior year"


def normalise(text: str) -> str:
    return " ".join(text.split())


def search(client, store_id: str, **params) -> dict:
    raw = client.vector_stores.with_raw_response.search(store_id, **params)
    return conforming(raw, "VectorStoreSearchResultsPage")


@pytest.fixture(scope="module")
def aapl_sentence(aapl_2023_q1) -> str:
    """The sentence of page 21 that holds the marker, as pypdf reads it."""
    pages = [normalise(page.extract_text()) for page in PdfReader(aapl_2023_q1).pages]
    assert [n for n, text in enumerate(pages, 1) if AAPL_MARKER in text] == [AAPL_PAGE]
    sentences = re.split(r"(?<=\.)\s+", pages[AAPL_PAGE - 1])
    return next(s for s in sentences if AAPL_MARKER in s)


def test_known_sentence_is_found_on_its_page(openai_client, filings_store, aapl_sentence):
    page = search(openai_client, filings_store.store_id, query=aapl_sentence)
    assert page["search_query"] == [aapl_sentence]
    assert page["data"], "no results"
    top = page["data"][0]
    assert top["file_id"] == filings_store.file_ids["AAPL"]
    assert top["filename"] == "2023 Q1 AAPL.pdf"
    attributes = top["attributes"]
    for key in ("page_start", "page_end"):
        assert type(attributes.get(key)) is int, f"{key} missing or not an integer: {attributes}"
    assert attributes["page_start"] <= AAPL_PAGE <= attributes["page_end"], attributes
    assert attributes["company"] == "AAPL"  # the file's own attributes come along
    assert AAPL_MARKER in normalise(" ".join(c["text"] for c in top["content"]))
    scores = [item["score"] for item in page["data"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("limit", [1, 2, 7])
def test_max_num_results_caps_the_page(openai_client, filings_store, limit):
    page = search(openai_client, filings_store.store_id, query=GENERIC_QUERY, max_num_results=limit)
    assert len(page["data"]) == limit  # the filings match this query in far more chunks


@pytest.mark.parametrize("limit", [0, 51])
def test_max_num_results_out_of_range_is_400(openai_client, filings_store, limit):
    error = api_error(
        lambda: openai_client.vector_stores.search(
            filings_store.store_id, query=GENERIC_QUERY, max_num_results=limit
        ),
        400,
    )
    assert error["param"] == "max_num_results"


def test_score_threshold_drops_weaker_results(openai_client, filings_store):
    everything = search(
        openai_client, filings_store.store_id, query=GENERIC_QUERY, max_num_results=20
    )
    scores = [item["score"] for item in everything["data"]]
    assert len(scores) >= 2 and scores[0] > scores[-1], f"scores do not spread: {scores}"
    threshold = (scores[0] + scores[-1]) / 2
    kept = search(
        openai_client,
        filings_store.store_id,
        query=GENERIC_QUERY,
        max_num_results=20,
        ranking_options={"score_threshold": threshold},
    )
    assert kept["data"], "the best result scored above the threshold and was dropped"
    assert all(item["score"] >= threshold for item in kept["data"])
    expected = [(i["file_id"], i["score"]) for i in everything["data"] if i["score"] >= threshold]
    assert [(i["file_id"], i["score"]) for i in kept["data"]] == expected


def test_a_list_query_searches_for_each(openai_client, filings_store, aapl_sentence):
    queries = [aapl_sentence, "NVIDIA GeForce RTX GPUs for gaming"]
    page = search(openai_client, filings_store.store_id, query=queries, max_num_results=10)
    assert page["search_query"] == queries
    found = {item["file_id"] for item in page["data"]}
    assert {filings_store.file_ids["AAPL"], filings_store.file_ids["NVDA"]} <= found


def eq(key: str, value: object) -> dict:
    return {"type": "eq", "key": key, "value": value}


@pytest.mark.parametrize(
    "filters, allowed",
    [
        (eq("company", "NVDA"), {"NVDA"}),
        ({"type": "ne", "key": "company", "value": "NVDA"}, {"AAPL", "AMZN"}),
        (
            {"type": "or", "filters": [eq("company", "AAPL"), eq("company", "AMZN")]},
            {"AAPL", "AMZN"},
        ),
        ({"type": "and", "filters": [eq("company", "AAPL"), eq("year", 2023)]}, {"AAPL"}),
        ({"type": "and", "filters": [eq("company", "AAPL"), eq("year", 2022)]}, set()),
        ({"type": "in", "key": "company", "value": ["AAPL", "NVDA"]}, {"AAPL", "NVDA"}),
        ({"type": "gte", "key": "year", "value": 2024}, set()),
    ],
    ids=["eq", "ne", "or", "and", "and-none", "in", "gte-none"],
)
def test_attribute_filters(openai_client, filings_store, filters, allowed):
    page = search(
        openai_client,
        filings_store.store_id,
        query=GENERIC_QUERY,
        filters=filters,
        max_num_results=50,
    )
    ticker_of = {file_id: ticker for ticker, file_id in filings_store.file_ids.items()}
    found = {ticker_of[item["file_id"]] for item in page["data"]}
    if len(allowed) <= 1:
        assert found == allowed
    else:  # every allowed filing matches the query somewhere, but 50 results need not show all
        assert found and found <= allowed, found


def test_search_in_unknown_store_is_404(openai_client):
    error = api_error(lambda: openai_client.vector_stores.search("vs_nope", query="x"), 404)
    assert "vs_nope" in error["message"]
