"""The benchmarks' scoring: figure extraction and normalisation, evidence pages, page recall."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from _common import (  # noqa: E402
    date_in_headings,
    duplicate_share,
    evidence_pages,
    extract_figures,
    key_figures,
    key_names,
    plain_terms,
    recall_at,
    result_pages,
    says_doesnt_say,
    states,
)


def stated(reference_figure: str, answer: str) -> bool:
    [figure] = extract_figures(reference_figure)
    return states(figure, extract_figures(answer))


@pytest.mark.parametrize("answer", [
    "iPhone net sales were $65,775 million",
    "iPhone $ 65,775 $ 71,628",  # a table cell in millions
    "65,775",
    "$65.775 billion",
])
def test_rounded_billions_match_millions_and_table_cells(answer):
    assert stated("$65.8 billion", answer)


@pytest.mark.parametrize("answer", ["$65.9 billion", "$65,655 million", "165,775", "6,577",
                                    "65.8%"])
def test_other_amounts_do_not_match(answer):
    assert not stated("$65.8 billion", answer)


def test_a_percentage_is_not_a_page_number_or_an_amount():
    assert stated("20%", "Net income 20% [1]")
    assert stated("20%", "net income rose 20 percent")
    assert not stated("20%", "Net income is discussed on page 20 [1].")
    assert not stated("20%", "Net income (p. 20) was $20 million")
    assert not stated("$20 million", "Net income grew 20%")
    assert extract_figures("See pages 12–15 and [3]") == []


def test_small_table_cells_match_scaled_amounts_only_at_equal_precision():
    assert stated("$66 million", "Interest expense (66) (68)")
    assert not stated("$20.3 billion", "20 of our segments")
    assert not stated("65.775", "65,775")  # two unscaled figures are compared as written


def test_a_percentage_table_cell_matches_its_percentage_but_a_bare_integer_does_not():
    assert stated("34.9%", "Total operating expenses 34.9 42.9")
    assert not stated("34.9%", "Total operating expenses $34.9")
    assert not stated("20%", "20 stores")


def test_rounded_percentages_match_within_their_precision():
    assert stated("36%", "gross margin percentage 35.8 %")
    assert not stated("36%", "gross margin percentage 34.2 %")


def test_years_file_names_forms_and_list_numbers_are_not_figures():
    text = ("1. According to 2023 Q1 AAPL.pdf, in fiscal 2023 (Q3) the Form 10-Q and the 10-Ks"
            " under Rule 10b5-1 cover 12 months")
    assert extract_figures(text) == []


def test_dates_are_normalised():
    assert stated("December 31, 2022", "as of Dec. 31, 2022")
    assert stated("December 31, 2022", "2022-12-31")
    assert not stated("December 31, 2022", "December 31, 2021")
    assert [f.kind for f in extract_figures("ended July 1, 2023: $81,797")] == ["date", "amount"]


def test_losses_in_parentheses_match_their_amount():
    assert stated("$(0.38)", "Diluted earnings per share $ (0.38) $ 0.31")
    assert stated("a loss of $3.8 billion", "Net income (loss) $ (3,844)")


def test_scale_words_are_applied():
    [shares] = extract_figures("2.47 billion shares")
    assert shares.value == pytest.approx(2.47e9)
    assert stated("2.47 billion", "2,470 million")
    assert not stated("2.47 billion", "2.4")  # a cell less precise than the figure


def test_key_figures_are_the_amounts_not_the_period_nor_the_source_note():
    reference = ("For the quarter ended December 31, 2022, iPhone net sales were $65,775 million."
                 "\n\nSOURCE(S): 2023 Q1 AAPL.pdf")
    assert [f.text for f in key_figures(reference)] == ["$65,775 million"]
    assert [f.kind for f in key_figures("It was signed on February 2, 2023.")] == ["date"]


def test_key_names_are_multiword_proper_names():
    names = key_names("Based on the provided documents, the CEO is Timothy D. Cook. In December"
                      " 2022, Greater China sales fell. SOURCE(S): 2023 Q1 AAPL.pdf")
    assert names == ["Timothy D. Cook", "Greater China"]


def test_declining_answers_are_recognised():
    assert says_doesnt_say("The documents don't say. I found nothing about that.")
    assert says_doesnt_say("The provided files do not mention iPhone sales.")
    assert not says_doesnt_say("iPhone net sales: $65,775 million [1]")


def test_evidence_pages_ignore_spacing_and_match_whole_figures():
    pages = ["iPhone $65,775 $71,628", "iPhone $ 165,775", "iPhone\n$ 65,775.5", "x iPhone $ 65,775"]
    assert evidence_pages("iPhone $ 65,775", pages) == [1, 4]
    cells = ["Research and development 6,628 5,599", "Research and development 6,6285"]
    assert evidence_pages("Research and\ndevelopment 6,628", cells) == [1]
    assert evidence_pages("Epic Games, Inc. (“Epic”) filed", ['Epic Games, Inc. ("Epic")  filed']) == [1]


def test_result_pages_prefer_the_pages_list_then_the_range():
    assert result_pages({"pages": [12, 14], "page_start": 12, "page_end": 15}) == {12, 14}
    assert result_pages({"page_start": 12, "page_end": 15}) == {12, 13, 14, 15}
    assert result_pages({"page_start": 7}) == {7}
    assert result_pages({}) == set()
    assert result_pages(None) == set()


@dataclass
class Ranked:
    pages: list[set[int]]
    files: list[str]


def test_page_recall_counts_a_question_found_within_k_results():
    questions = [{"file": "a.pdf", "pages": [20]}, {"file": "a.pdf", "pages": [6, 7]}]
    ranked = [Ranked([{3}, {19, 20}], ["a.pdf", "a.pdf"]), Ranked([{1}, {2}], ["a.pdf", "a.pdf"])]
    assert recall_at(questions, ranked, 1) == 0.0
    assert recall_at(questions, ranked, 5) == 0.5
    # In a store of several files, page 20 of another file is not the answer.
    elsewhere = [Ranked([{20}], ["b.pdf"]), Ranked([{6}], ["a.pdf"])]
    assert recall_at(questions, elsewhere, 1, need_file=False) == 1.0
    assert recall_at(questions, elsewhere, 1, need_file=True) == 0.5


def test_plain_terms_drop_stopwords_once_each():
    assert plain_terms("What were the iPhone net sales, the iPhone?") == ["iphone", "net", "sales"]
    assert plain_terms("What was it?") == ["what", "was", "it"]


def test_duplicate_share_counts_results_that_show_no_new_page():
    ranked = [Ranked([{12, 13}, {13}, {14}, {12, 13, 14}, set()], ["a.pdf"] * 5)]
    assert duplicate_share(ranked) == pytest.approx(2 / 5)
    assert duplicate_share([Ranked([{1}, {2}, {3}], ["a.pdf"] * 3)]) == 0.0


def test_an_answer_figure_missing_from_its_cited_passages_is_unsupported():
    from answer_quality import Item, Scored, score

    item = Item("What were iPhone net sales?", "iPhone net sales were $65,775 million.",
                ["2023 Q1 AAPL.pdf"], "Single-Doc")
    scored = Scored("iPhone net sales: $65,775 million (vs $71,628 million); up 12% [1]", 0.1,
                    "completed", ["2023 Q1 AAPL.pdf"])
    score(scored, item, ["(In millions) iPhone $ 65,775 $ 71,628 (8)%"])
    assert scored.first_stated is True
    assert scored.right_file is True
    assert scored.figures_checked == 3
    assert scored.unsupported == ["12%"]
    declined = Scored("The documents don't say.", 0.1, "completed", [])
    score(declined, item, [])
    assert (declined.first_stated, declined.declined, declined.unsupported) == (False, True, [])


def test_a_date_made_of_a_tables_headings_is_in_its_passage() -> None:
    headings = "Three Months Ended\nMarch 31,\n2022 2023\nTotal operating expenses $ 112,775 $ 122,584"
    [stated] = [f for f in extract_figures("$122,584 million for the three months ended"
                                           " March 31, 2023") if f.kind == "date"]
    assert date_in_headings(stated, headings)
    [other] = [f for f in extract_figures("on April 30, 2023") if f.kind == "date"]
    assert not date_in_headings(other, headings)
