"""Hybrid retrieval through the real engine (in-process): per-store ranking, titles, pages,
distinct results, dense vectors for other languages, stores made before embeddings existed."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fpdf import FPDF

from engine.app import create_app
from engine.retrieval import embedder
from engine.retrieval.embedder import MODEL_ID
from engine.runner.answering import answer_locally
from engine.search import search_stores
from engine.settings import EngineSettings

FILLER = (
    "The committee met in the spring to review the maintenance schedule of the harbour "
    "cranes, the state of the quay walls and the plans for the new ferry terminal. "
)


def pdf(pages: list[str]) -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=11)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 6, text)
    return bytes(document.output())


@contextmanager
def engine(data_dir: Path, **settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(EngineSettings(data_dir=data_dir, **settings))) as client:
        yield client


def store_with(client: TestClient, documents: dict[str, bytes], **chunking: int) -> str:
    ids = []
    for name, data in documents.items():
        ids.append(client.post("/v1/files", files={"file": (name, data)},
                               data={"purpose": "assistants"}).json()["id"])
    body: dict[str, Any] = {"name": "test", "file_ids": ids}
    if chunking:
        body["chunking_strategy"] = {"type": "static", "static": {
            "max_chunk_size_tokens": chunking["max"], "chunk_overlap_tokens": chunking["overlap"]}}
    store = client.post("/v1/vector_stores", json=body).json()
    deadline = time.monotonic() + 120
    while client.get(f"/v1/vector_stores/{store['id']}").json()["file_counts"]["in_progress"]:
        assert time.monotonic() < deadline, "indexing did not finish"
        time.sleep(0.2)
    return str(store["id"])


def search(client: TestClient, store_id: str, query: str, **extra: Any) -> list[dict]:
    response = client.post(f"/v1/vector_stores/{store_id}/search",
                           json={"query": query, **extra})
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def wait_embedded(client: TestClient, file_count: int, timeout: float = 300.0) -> None:
    db = client.app.state.engine.db  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while db.read().execute("SELECT count(*) FROM file_embeddings").fetchone()[0] < file_count:
        assert time.monotonic() < deadline, "embedding did not finish"
        time.sleep(0.5)


def ask(conn: sqlite3.Connection, store: str, question: str) -> Any:
    """The built-in model's answer from the store's top three results, as a run gives it."""
    hits = search_stores(conn, [store], [question], max_results=3)
    return answer_locally(conn, question, hits, max_completion_tokens=None,
                          on_delta=lambda _: None, cancelled=lambda: None)


def first_quotes(conn: sqlite3.Connection, store: str, questions: tuple[str, ...]
                 ) -> dict[str, str]:
    """Each question's first citation quote."""
    return {q: ask(conn, store, q).annotations[0]["file_citation"]["quote"] for q in questions}


REPORT = [
    "The inner basin was last dredged eleven years ago. Silt from the river has since raised "
    "the bottom by almost a metre near the grain quay. Dredging of the inner basin was "
    "postponed because the contractor withdrew from the tender in March. A new tender will be "
    "published once the environmental permit is renewed by the county.",
    "Staffing changed little during the year. The harbour employed 412 people at the end of "
    "the year, most of them on the night shifts of the container terminal. Eleven pilots "
    "retired and nine were trained. Overtime fell after the new rota was introduced.",
    "Fees for mooring rose by four per cent after the council approved the tariff. Visiting "
    "yachts pay by the night, fishing vessels by the season. The tariff for cruise ships, "
    "which call mostly in summer, was left unchanged for another year.",
]


def test_a_stores_results_do_not_depend_on_other_stores(tmp_path: Path) -> None:
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"harbour.pdf": pdf(REPORT)})
        questions = ["Why was the dredging postponed?", "How many people did the harbour employ?",
                     "What happened to mooring fees?"]
        before = [search(client, store, q) for q in questions]
        # Another store (another user) full of the same words changes every global statistic.
        store_with(client, {f"noise-{i}.pdf": pdf([("harbour people dredging mooring fees " * 40)
                                                   + FILLER] * 3) for i in range(3)})
        after = [search(client, store, q) for q in questions]
    assert after == before


ACME = [
    "Acme Widgets Limited, Annual Report 2024.\n" + FILLER * 3,
    FILLER * 3 + "Revenue for the year was 310 million euros, from widgets sold to retailers.",
]
GLOBEX = [
    "Globex Shipping Group, Annual Report 2024.\n" + FILLER * 3,
    FILLER * 3 + "Revenue for the year was 975 million euros; revenue from freight rose again.",
]


def test_the_document_named_in_the_question_ranks_first(tmp_path: Path) -> None:
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"globex-2024.pdf": pdf(GLOBEX), "acme-2024.pdf": pdf(ACME)},
                           max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        question = "What was Acme's revenue for the year?"
        named = search_stores(conn, [store], [question], max_results=3)
        unweighted = search_stores(conn, [store], [question], max_results=3, title_weight=0.0)
    # The chunk never names Acme: only its document's title (name and opening page) does.
    assert "Acme" not in named[0].text
    assert named[0].filename == "acme-2024.pdf" and "310 million" in named[0].text
    # Without the title, Globex's chunk (which says "revenue" twice) wins: the weighting is
    # what picks the right document.
    assert unweighted[0].filename == "globex-2024.pdf"


def test_results_name_every_page_and_overlapping_neighbours_are_skipped(tmp_path: Path) -> None:
    pages = [FILLER * 2 + f"Berth {n} was inspected and repainted." for n in range(1, 9)]
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"berths.pdf": pdf(pages)}, max=200, overlap=100)
        results = search(client, store, "Which berths were inspected and repainted?",
                         max_num_results=6)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        chunks = {row["text"]: row["idx"] for row in conn.execute("SELECT text, idx FROM chunks")}
    for result in results:
        attributes = result["attributes"]
        expected = list(range(attributes["page_start"], attributes["page_end"] + 1))
        assert [int(p) for p in attributes["pages"].split(",")] == expected
    indexes = sorted(chunks[r["content"][0]["text"]] for r in results)
    # Chunks overlap by half: a result's neighbours repeat it, so none of them is returned.
    assert all(b - a >= 2 for a, b in zip(indexes, indexes[1:], strict=False)), indexes


def test_repeated_page_headers_cite_the_page_of_the_quote(tmp_path: Path) -> None:
    header = "NORTHERN PORTS AUTHORITY - QUARTERLY OPERATIONS REVIEW - INTERNAL\n"
    pages = [header + f"Section {n}. " + FILLER for n in range(1, 6)]
    pages[3] = header + "The pilot boat Skarv was sold to a museum in Bergen for one krone."
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"ports.pdf": pdf(pages)}, max=800, overlap=400)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        question = "What happened to the pilot boat Skarv?"
        hits = search_stores(conn, [store], [question], max_results=3)
        assert hits[0].page_start < 4 <= (hits[0].page_end or 0)  # one chunk spans the pages
        answer = answer_locally(conn, question, hits, max_completion_tokens=None,
                                on_delta=lambda _: None, cancelled=lambda: None)
    quoted = [a["file_citation"] for a in answer.annotations if "Skarv" in a["file_citation"]["quote"]]
    assert quoted and quoted[0]["pages"] == [4]


needs_model = pytest.mark.skipif(not embedder.available(), reason="embedding model unavailable")


@needs_model
def test_a_question_in_another_language_finds_the_english_page(tmp_path: Path) -> None:
    with engine(tmp_path) as client:
        store = store_with(client, {"harbour.pdf": pdf(REPORT)}, max=100, overlap=0)
        wait_embedded(client, 1)
        question = "¿Cuántos trabajadores tenía el puerto a final de año?"
        lexical = search(client, store, question, search_mode="lexical")
        hybrid = search(client, store, question, search_mode="hybrid")
    # No word of the question occurs in the report: only the vectors can find the page.
    assert lexical == []
    assert hybrid and "412 people" in hybrid[0]["content"][0]["text"]


@needs_model
def test_a_store_indexed_before_embeddings_answers_and_then_becomes_hybrid(tmp_path: Path) -> None:
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"harbour.pdf": pdf(REPORT)}, max=100, overlap=0)
        before = search(client, store, "How many people did the harbour employ?")
    with engine(tmp_path) as client:
        # Answers at once, lexically, while the file is embedded in the background.
        assert search(client, store, "How many people did the harbour employ?") == before
        wait_embedded(client, 1)
        semantic = search(client, store, "staff headcount at year end", search_mode="semantic")
    assert "412 people" in semantic[0]["content"][0]["text"]


@needs_model
def test_vectors_of_another_model_are_not_searched_and_are_replaced(tmp_path: Path) -> None:
    with engine(tmp_path) as client:
        store = store_with(client, {"harbour.pdf": pdf(REPORT)}, max=100, overlap=0)
        wait_embedded(client, 1)
    with sqlite3.connect(tmp_path / "engine.sqlite3") as conn:  # as an older engine left them
        conn.execute("UPDATE file_embeddings SET model = 'an-older-embedding-model'")
    question = "staff headcount at year end"
    with engine(tmp_path, embeddings=False) as client:
        # A question's vector would be of this model: the old vectors are not compared with it.
        hybrid = search(client, store, question, search_mode="hybrid")
        assert hybrid == search(client, store, question, search_mode="lexical")
    with engine(tmp_path) as client:
        db = client.app.state.engine.db  # type: ignore[attr-defined]
        deadline = time.monotonic() + 300
        while db.read().execute("SELECT model FROM file_embeddings").fetchone()[0] != MODEL_ID:
            assert time.monotonic() < deadline, "the file was not embedded again"
            time.sleep(0.5)
        semantic = search(client, store, question, search_mode="semantic")
    assert "412 people" in semantic[0]["content"][0]["text"]


def test_a_run_prompt_is_bounded_by_the_context_keeping_the_question() -> None:
    from engine.runner.context import RunContext

    conversation = [{"role": "user", "content": "word " * 5000},
                    {"role": "assistant", "content": "reply " * 5000},
                    {"role": "user", "content": "What was the harbour's headcount?"}]
    ctx = RunContext(question=conversation[-1]["content"], conversation=list(conversation),
                     instructions="Answer briefly.", store_ids=[], file_search=None)
    ctx.fit_prompt([], 4000)
    assert ctx.conversation == conversation[-1:]
    assert ctx.notes and "left out" in ctx.notes[0]


def edition(year: int, revenue: str) -> bytes:
    return pdf([f"Harbor Freight Lines Annual Report {year}\nFor the year ended December 31,"
                f" {year}", f"Results\nRevenue for the year was {revenue}, and the fleet grew."])


def test_a_question_about_the_latest_report_prefers_the_newest_edition(tmp_path: Path) -> None:
    with engine(tmp_path, embeddings=False) as client:
        # The newest edition comes last, so a tie would not favour it.
        store = store_with(client, {"harbor-b.pdf": edition(2022, "$380 million"),
                                    "harbor-c.pdf": edition(2023, "$395 million"),
                                    "harbor-a.pdf": edition(2024, "$410 million")},
                           max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        latest = search_stores(conn, [store], ["What was revenue in the latest report?"],
                               max_results=3)
        plain = search_stores(conn, [store], ["What was revenue in the report?"],
                              max_results=3)
    assert latest[0].filename == "harbor-a.pdf" and "$410 million" in latest[0].text
    # Without "latest" the editions tie on the words: no date preference is made up.
    assert {h.filename for h in plain} == {"harbor-a.pdf", "harbor-b.pdf", "harbor-c.pdf"}


def test_a_documents_date_is_the_newest_its_name_and_opening_page_state() -> None:
    from engine.retrieval.recency import document_date, newest

    assert document_date("2023 Q3 AAPL.pdf For the quarterly period ended July 1, 2023") == \
        (2023, 9, 31)
    assert document_date("Annual Report 2021, published March 3, 2022") == (2022, 3, 3)
    assert document_date("A manual without dates") is None
    assert newest(["Report 2021", "Report 2023", "Report 2022"]) == 1
    assert newest(["Report 2023", "Summary 2023"]) is None  # a tie: no preference


def test_who_wrote_a_document_is_answered_from_its_opening_page(tmp_path: Path) -> None:
    report = pdf(["Tidal Energy in Small Harbours\nMarit Solberg\nNorwegian Coastal Institute\n"
                  "Abstract\nThis report surveys tidal turbines for harbours of every size.",
                  "Results\nThe turbines produced power on most days, and the harbours kept"
                  " their boats moving while the turbines ran. This report on tidal turbines"
                  " is the second on the harbours of the coast."])
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"tidal.pdf": report}, max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        answer = ask(conn, store, "Who wrote the report on tidal turbines?")
    byline = answer.annotations[0]["file_citation"]
    assert "Marit Solberg" in byline["quote"] and byline["pages"] == [1], answer.text
    # The sentences that merely share "report" and "turbines" say nothing of who wrote it.
    assert len(answer.annotations) == 1, answer.text


def test_who_wrote_something_the_document_tells_of_is_not_its_byline(tmp_path: Path) -> None:
    report = pdf(["Tidal Energy in Small Harbours\nMarit Solberg\nNorwegian Coastal Institute\n"
                  "Abstract\nThis report surveys tidal turbines for harbours of every size.",
                  "Methods\nThe logging program that recorded the turbines was written by Ola"
                  " Berg in 1998. The author prefers daily averages to hourly ones."])
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"tidal.pdf": report}, max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        quotes = first_quotes(conn, store, ("Who wrote the logging program?",
                                            "Which averages does the author prefer?"))
    assert "Ola Berg" in quotes["Who wrote the logging program?"]
    assert "Marit Solberg" not in quotes["Who wrote the logging program?"]
    assert quotes["Which averages does the author prefer?"].startswith("The author prefers")


def test_an_affiliation_and_a_venue_are_quoted_from_the_title_page(tmp_path: Path) -> None:
    authors = " ".join(f"Author{i} Name{i}{i}" for i in range(1, 9))
    affiliations = " ".join(f"{i}Institute of Place {i}" for i in range(1, 9))
    talk = pdf([f"Fast Partitioning of Haplotype Blocks\n{authors} Anna Lindqvist9\n"
                f"{affiliations} 9University of Uppsala, Sweden\n"
                "Workshop on Algorithms in Bioinformatics, 2006",
                "Results\nBlocks were partitioned in linear time on every data set we tried."])
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"talk.pdf": talk}, max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        quotes = first_quotes(conn, store, ("Which university is Anna Lindqvist from?",
                                            "At which workshop was this talk given?"))
    # The title page is longer than a quote: the part that answers is the part quoted.
    assert "9University of Uppsala" in quotes["Which university is Anna Lindqvist from?"]
    assert "Workshop on Algorithms in Bioinformatics" in quotes[
        "At which workshop was this talk given?"]



# A report whose cover states its share count; later pages speak of shares and of "the cover
# page" (a list of exhibits), never of the count on the cover.
COVERED = [
    "HARBOR INC. QUARTERLY REPORT\nFor the quarter ended June 30, 2024\n"
    "Indicate the number of shares outstanding of each class of common stock.\n"
    "48,210,377 shares of common stock were outstanding as of July 19, 2024.",
    FILLER * 2 + "The company repurchased shares of common stock during the quarter and paid a "
                 "dividend of $0.12 per share.",
    FILLER + "Weighted average shares outstanding rose as employees exercised options.",
    "Exhibits\n104 Inline XBRL for the cover page of this quarterly report, included in the "
    "exhibit set. The cover page share data is tagged in the exhibit.",
]


def test_a_question_about_the_cover_page_is_answered_from_the_opening_page(
        tmp_path: Path) -> None:
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"harbor-q2.pdf": pdf(COVERED)}, max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        [best] = search_stores(conn, [store], ["What was the share count on the cover page?"],
                               max_results=1)
        answer = ask(conn, store, "What was the share count on the cover page?")
    assert best.page_start == 1, best.text
    # Not the exhibit that names the cover page, nor the pages that speak of shares.
    cited = answer.annotations[0]["file_citation"]
    assert "48,210,377 shares" in cited["quote"] and cited["pages"] == [1], answer.text
    assert "Inline XBRL" not in answer.text, answer.text

CERTIFIED = [
    FILLER * 2 + "Gross margin was 41.2 percent of net sales, up from 39.8 percent a year ago.",
    FILLER * 3,
    "CERTIFICATION. I have reviewed this quarterly report on Form 10-Q of Harbor Inc. Based on "
    "my knowledge, this report does not contain any untrue statement of a material fact or "
    "omit to state a material fact necessary to make the statements made not misleading with "
    "respect to the period covered by this report. The report discloses any change that "
    "occurred during the most recent fiscal quarter, as stated in this quarterly report.",
]


def test_words_pointing_at_the_report_do_not_find_its_certification(tmp_path: Path) -> None:
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"harbor-q3.pdf": pdf(CERTIFIED)}, max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        [best] = search_stores(
            conn, [store], ["What was the gross margin as stated in the most recent quarterly "
                            "report?"], max_results=1)
    assert "41.2 percent" in best.text


HARBOUR_ACCOUNTS = [
    "Dredging plans\nThe dredging of the inner basin was discussed at length. Dredging costs are"
    " shared between the port and the city, and the dredging itself is planned for the spring.",
    "Table 3. Harbour accounts\n(in thousands of euros)\nYear ended December 31,\n2023 2024\n"
    "Port dues 4,210 4,480\nCrane hire 1,902 2,010\nBerth rentals 2,305 2,390\n"
    "Pilotage fees 1,118 1,164\nWarehouse leases 3,307 3,415\nDredging costs 3,120 2,870\n"
    "Staff 5,400 5,610\nEnergy 1,240 1,180\nInsurance 610 655\nDepreciation 2,480 2,530\n"
    "Operating result 2,112 2,344",
    "Ferry terminal\nThe new ferry terminal opened in June. Ferry traffic grew through the summer"
    " and the terminal's shops stayed open late.",
]


def test_a_table_row_named_by_the_question_finds_its_page(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import search as search_module
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"harbour-accounts.pdf": pdf(HARBOUR_ACCOUNTS)},
                           max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        question = "What were the dredging costs in 2024?"
        [best] = search_stores(conn, [store], [question], max_results=1)
        monkeypatch.setattr(search_module, "ROW_LABEL_WEIGHT", 0.0)
        [unlabelled] = search_stores(conn, [store], [question], max_results=1)
    # The table's page says "dredging" and "costs" once among forty figures; the prose page
    # says them four times and states no cost. The row's label is what finds the table.
    assert best.page_start == 2 and "Dredging costs 3,120 2,870" in best.text
    assert unlabelled.page_start == 1


def test_row_labels_are_those_of_tables_not_of_lines_ending_in_figures() -> None:
    from engine.retrieval.index import row_labels
    text = ("The model was fitted in 2019 and refitted with 4 more terms in\n"
            "Staff 5,400 5,610\nEnergy 1,240 1,180\nInsurance 610 655\n\n"
            "Only one line of figures 12,400 follows here.\n"
            "Year ended December 31,\n2023 2024\nPort dues 4,210 4,480\n")
    assert row_labels(text) == "Staff Energy Insurance Port dues"


def test_a_breakdowns_citation_quotes_its_whole_block(tmp_path: Path) -> None:
    sectors = ["Households", "Road and rail transport", "Manufacturing industry",
               "Public and private services", "Agriculture and forestry", "Fisheries",
               "Construction of buildings", "Mining and quarrying", "Water supply"]
    table = ("Table 4. Final energy use by sector\n(in thousands of tonnes)\n"
             "Year ended December 31,\n2022 2023 2024\nEnergy use\n"
             + "".join(f"{name} {3000 + 17 * i:,} {3100 + 13 * i:,} {3200 + 11 * i:,}\n"
                       for i, name in enumerate(sectors))
             + "Total 27,612 28,268 28,996\n")
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"energy.pdf": pdf([table])}, max=400, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        answer = ask(conn, store, "What was the breakdown of energy use by sector?")
    quote = answer.annotations[0]["file_citation"]["quote"]
    assert answer.text.startswith("Energy use, year ended December 31, 2024: Households 3,200")
    # The quote is the block, whole: every row, the total last (it was cut mid-word at 300).
    assert quote.startswith("Households 3,000") and quote.endswith("Total 27,612 28,268 28,996")


def test_a_files_search_parts_are_built_when_it_is_indexed(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.retrieval import index
    index.CACHE.clear()
    with engine(tmp_path, embeddings=False) as client:
        store = store_with(client, {"harbour-accounts.pdf": pdf(HARBOUR_ACCOUNTS)},
                           max=100, overlap=0)
        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        [key] = index.file_keys(conn, [store])
        deadline = time.monotonic() + 30
        while index.chunk_key(key) not in index.CACHE:  # built beside the indexing
            assert time.monotonic() < deadline, "the file's search parts were never built"
            time.sleep(0.05)
        built: list[str] = []
        monkeypatch.setattr(index, "row_labels", lambda text: built.append(text) or "")
        assert search_stores(conn, [store], ["What were the dredging costs?"], max_results=1)
    # The first question found the parts built: indexing built them, not the search.
    assert built == []
