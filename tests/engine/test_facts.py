"""The built-in answerer's facts: table rows read back with their label, unit and periods."""

from __future__ import annotations

import re

from engine.llm._tables import rows
from engine.llm.local import NO_ANSWER, Source, answer_from_sources, split_question

STATEMENT = """CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (Unaudited)
(In millions, except per share amounts)
Three Months Ended
March 30,
2024
April 1,
2023
Net sales:
Products $ 4,210 $ 3,902
Services 1,177 1,020
Total net sales 5,387 4,922
Operating expenses:
Research and development 811 745
Total operating expenses 1,301 1,188
Net income $ 1,044 $ 872
Northwind Inc. | Q1 2024 Form 10-Q | 4
"""

PROSE = """Liquidity and Capital Resources
The Company believes its cash will be sufficient to meet its needs for the next twelve months.
Foreign Exchange Risk
The Company's exposure to exchange rates stems from sales in euros and yen, which it hedges
with forward contracts for up to twelve months.
Northwind Inc. | Q1 2024 Form 10-Q | 12
"""


def test_a_statements_rows_carry_their_unit_section_and_periods() -> None:
    found = {row.label: row for row in rows(STATEMENT)}
    products = found["Products"]
    assert products.figures == ["$4,210", "$3,902"]
    assert products.section == "Net sales" and products.unit == "millions"
    assert products.columns == ["three months ended March 30, 2024",
                                "three months ended April 1, 2023"]
    # "Total operating expenses" closes its block: net income belongs to no section.
    assert found["Net income"].section == ""


def test_a_table_extracted_one_value_per_line_still_yields_its_rows() -> None:
    text = "Revenue by region:\nEurope\n$\n1,250\n$\n1,100\nAsia\n980\n1,030\n"
    assert [(r.label, r.figures) for r in rows(text)] == [
        ("Europe", ["$1,250", "$1,100"]), ("Asia", ["980", "1,030"])]


def source(text: str, context: str = "Northwind Inc. Quarterly Report Q1 2024") -> Source:
    return Source(text=text, file_id="file-1", filename="northwind.pdf", page_start=4,
                  page_end=4, context=context)


def stated(question: str, text: str) -> str:
    """The figures an answer from `text` alone states first (its first paragraph)."""
    return answer_from_sources(question, [Source(text=text, file_id="f", filename="doc.pdf")]
                               ).text.split("\n\n")[0]


def test_the_answer_starts_with_the_figure_its_label_and_period() -> None:
    answer = answer_from_sources("What were Northwind's total net sales?", [source(STATEMENT)])
    first = answer.text.split("\n")[0]
    assert first.startswith("Total net sales: 5,387 million for the three months ended March 30,"
                            " 2024; 4,922 million for the three months ended April 1, 2023")
    assert answer.citations[0].quote == "Total net sales 5,387 4,922"


def test_every_figure_stated_is_in_the_cited_source() -> None:
    sources = [source(STATEMENT), source(PROSE)]
    for question in ("What was net income?", "How much did Northwind spend on research and"
                     " development?", "What were product sales?", "What were services sales?"):
        answer = answer_from_sources(question, sources)
        cited = " ".join(sources[c.source_index].text for c in answer.citations)
        stated = re.findall(r"\d[\d,.]*\d|\d", re.sub(r"【[^】]*】", "", answer.text))
        assert stated and all(n in cited for n in stated), (question, answer.text)


def test_why_and_risk_questions_are_answered_with_prose() -> None:
    answer = answer_from_sources("What foreign exchange risks does Northwind face?",
                                 [source(STATEMENT), source(PROSE)])
    assert "forward contracts" in answer.text
    assert all(not re.search(r"\d{3}", c.quote) for c in answer.citations)


def test_a_question_about_what_drove_a_figure_gets_no_row() -> None:
    drivers = ("Net income rose because services sales grew and the cost of components fell "
               "during the quarter.\n")
    for question in ("What was the primary driver behind the change in Northwind's net income?",
                     "What were the main contributors to Northwind's net income?"):
        answer = answer_from_sources(question, [source(STATEMENT), source(drivers)])
        assert "services sales grew" in answer.text
        assert "1,044" not in answer.text, question


def test_a_long_question_is_answered_from_its_key_terms() -> None:
    question = ("Using the condensed statement of operations, and considering that analysts "
                "usually compare quarters year over year when they build their models, what "
                "was the research and development expense in the most recent quarter?")
    answer = answer_from_sources(question, [source(STATEMENT)])
    assert answer.found and "811" in answer.text.split("\n")[0]


def test_where_a_question_points_is_not_what_it_asks() -> None:
    # "in the financial statements" says where to look; the sentence about the statements
    # themselves answers nothing of the tax rate.
    text = ("Basis of Presentation\nThe condensed consolidated financial statements are unaudited"
            " and include all normal recurring adjustments the Company considers necessary.\n\n"
            "Income Taxes\nOur effective tax rate was 18% and 19% for the three months ended"
            " March 30, 2024 and April 1, 2023, respectively.")
    answer = answer_from_sources(
        "What was Northwind's tax rate in the condensed consolidated financial statements?",
        [source(text)])
    assert "18%" in answer.text and "unaudited" not in answer.text


def test_the_controls_formula_of_a_filing_answers_no_question_of_change() -> None:
    text = ("Controls and Procedures\nThere were no changes in the Company's internal control over"
            " financial reporting during the quarter that have materially affected it.\n\n"
            "Supply Chain\nDuring the quarter the Company changed two suppliers of memory chips"
            " and moved final assembly closer to its customers.")
    answer = answer_from_sources("What changes did Northwind report during the quarter?",
                                 [source(text)])
    assert "suppliers" in answer.text and "internal control" not in answer.text


def test_a_question_whose_hedges_outweigh_its_subject_is_still_answered() -> None:
    text = ("Gross margin fell to 39.1% on lower revenue and higher unit cost, partly offset by"
            " lower period charges.\n\nThe significant accounting policies are unchanged.\n"
            "This 10-Q covers the latest quarter.\nRelative to plan, headcount was stable.\n"
            "Past results do not predict future ones.\nWe lease our offices in Lyon.\n")
    question = ("What are the significant factors that have led to changes in Northwind's gross"
                " margin in the latest 10-Q relative to past quarters?")
    answer = answer_from_sources(question, [source(text)])
    assert answer.found and "Gross margin fell to 39.1%" in answer.text
    # What it asks about must still be there: hedges alone answer nothing.
    assert answer_from_sources(question.replace("gross margin", "warranty reserve"),
                               [source(text)]).text == NO_ANSWER


def test_a_line_of_capitalised_names_is_a_heading_not_an_answer() -> None:
    text = ("Gross margin rose because of a richer product mix.\n"
            "Revenue Gross Margin Diluted EPS attributable to Northwind Cash Flows\n\n"
            "NORTHWIND TRADERS, INC.\n")
    answer = answer_from_sources("What drove Northwind's gross margin?", [source(text)])
    assert "Diluted EPS" not in answer.text and "richer product mix" in answer.text
    assert "TRADERS" not in answer.text


def test_running_footers_are_never_quoted() -> None:
    answer = answer_from_sources("Which Northwind Form 10-Q is this?",
                                 [source(STATEMENT), source(PROSE)])
    assert all("| Q1 2024 Form 10-Q |" not in c.quote for c in answer.citations)


def test_a_name_the_sources_never_mention_gets_no_answer() -> None:
    answer = answer_from_sources("What were Contoso's total net sales?", [source(STATEMENT)])
    assert answer.text == NO_ANSWER and not answer.citations


def test_wrapped_prose_ending_in_a_year_is_no_table_row() -> None:
    text = ("Other income included a benefit related to transfer of intangible properties in\n"
            "the first quarter of fiscal year 2022\n"
            "iPhone net sales decreased due to lower sales of iPhone models launched in the\n"
            "fourth quarter of 2022\n")
    assert rows(text) == []


def test_a_figure_from_another_companys_passage_is_not_stated() -> None:
    other = Source(text=STATEMENT.replace("Northwind", "Contoso"), file_id="file-2",
                   filename="contoso.pdf", page_start=4, page_end=4,
                   context="Contoso Ltd. Quarterly Report Q1 2024")
    answer = answer_from_sources("What were Northwind's total net sales?", [other, source(PROSE)])
    assert "5,387" not in answer.text


INVENTORY = """CONDENSED CONSOLIDATED BALANCE SHEETS
(In millions)
March 30,
2024
December 30,
2023
Current assets:
Cash and cash equivalents $ 2,114 $ 1,980
Inventories 1,433 1,580
Total current assets 6,201 5,940
"""


def test_each_side_of_a_comparison_gets_its_figure() -> None:
    answer = answer_from_sources(
        "How did Northwind's operating expenses compare with its revenue in Q1 2024?",
        [source(STATEMENT)])
    facts = answer.text.split("\n\n")[0].split("\n")
    assert facts[0].startswith("Total operating expenses: 1,301 million")
    assert facts[1].startswith("Total net sales: 5,387 million")
    assert len(answer.citations) >= 2 and answer.citations[1].quote == "Total net sales 5,387 4,922"


def test_a_figure_answers_the_part_of_a_question_tables_can() -> None:
    # "reflect on the efficiency of its supply chain" is for the quotes: no table holds those
    # words, though the prose does.
    prose = ("Supply chain efficiency improved as suppliers shortened lead times, which reflects"
             " the company's investments in logistics and in planning.")
    answer = answer_from_sources(
        "How did Northwind's inventory levels in the latest quarterly report reflect on the"
        " efficiency of its supply chain?", [source(INVENTORY), source(prose)])
    assert answer.text.startswith("Inventories (current assets): 1,433 million as of March 30,"
                                  " 2024; 1,580 million as of December 30, 2023")
    assert "lead times" in answer.text


SUPPLY_CHAIN = ("Supply Chain\nTo secure capacity, our supply chain strategy is to hold more"
                " components ahead of demand and to sign longer agreements with contract"
                " manufacturers.")


def test_a_thing_related_to_its_discussion_gets_its_figure_then_the_discussion() -> None:
    # "Compare A with the strategies discussed": A is a figure, the strategies are prose. Asked
    # as one question, "strategies" would make all of it a request for an explanation.
    for question in (
            "In Northwind's Q1 2024 report, compare the inventory levels with the supply chain"
            " strategies discussed in the report.",
            "How do Northwind's inventory levels correspond with the supply chain strategy"
            " outlined in the report?",
            "Examine the relationship between Northwind's inventory levels and the discussion"
            " of its supply chain strategy.",
            "What do Northwind's inventory levels suggest about its supply chain strategy?",
            "What insights into supply chain strategy could be gleaned from Northwind's"
            " inventory levels?"):
        answer = answer_from_sources(question, [source(INVENTORY), source(SUPPLY_CHAIN)])
        assert answer.text.startswith("Inventories (current assets): 1,433 million"), question
        assert "contract manufacturers" in answer.text, question


def test_two_figures_compared_stay_one_question_of_two_figures() -> None:
    assert split_question("How did Northwind's operating expenses compare with its revenue?") \
        == ("How did Northwind's operating expenses compare with its revenue?", "")


def test_a_row_sharing_only_a_few_words_of_its_label_is_no_answer() -> None:
    leases = ("Supplemental cash flow information (in millions):\nNine Months Ended\n"
              "March 30,\n2024\nApril 1,\n2023\n"
              "Operating lease assets obtained in exchange for lease obligations $ 213 $ 230\n")
    answer = answer_from_sources("How did exchange rates affect Northwind's results?",
                                 [source(leases), source(PROSE)])
    assert "213" not in answer.text


def test_a_row_naming_only_the_company_is_no_answer() -> None:
    text = "Earnings per share\nNorthwind up $ 0.04\nPeers down $ 0.02\n"
    answer = answer_from_sources("What were Northwind's sales in the latest quarter?",
                                 [source(text)])
    assert "0.04" not in answer.text


def test_a_certification_is_not_quoted_when_substance_matches() -> None:
    certification = ("Disclosed in this report any change in the registrant's internal control"
                     " over financial reporting that occurred during the registrant's most recent"
                     " fiscal quarter that has materially affected its reporting.")
    prose = "Revenue was $1.2 billion for the quarter, down 3% from a year earlier."
    answer = answer_from_sources("What revenue did Northwind report in the most recent"
                                 " fiscal quarter?", [source(certification), source(prose)])
    assert "$1.2 billion" in answer.text and "registrant" not in answer.text


def test_figures_are_not_given_columns_they_may_not_belong_to() -> None:
    # Two periods of two years each, and a row cut short by the end of a chunk.
    text = ("(in millions)\nThree Months Ended\nSeptember 30,\nNine Months Ended\nSeptember 30,\n"
            "2022 2023 2022 2023\nFulfillment 20,583 22,314 61,196 64,524\n"
            "Total operating expenses $ 124,576 $ 131,895 $ 355,268\n")
    found = {row.label: row for row in rows(text)}
    assert found["Fulfillment"].columns == [
        "three months ended September 30, 2022", "three months ended September 30, 2023",
        "nine months ended September 30, 2022", "nine months ended September 30, 2023"]
    assert found["Total operating expenses"].columns == []


def test_the_latest_period_is_stated_first_whatever_the_tables_order() -> None:
    text = ("Segment Information (in millions)\nThree Months Ended\nSeptember 30,\n"
            "Nine Months Ended\nSeptember 30,\n2022 2023 2022 2023\n"
            "AWS net sales $ 20,538 $ 23,059 $ 58,718 $ 66,553\n")
    answer = answer_from_sources("What were AWS net sales?", [source(text)])
    stated = answer.text.splitlines()[0]
    assert re.findall(r"\d[\d,]+(?= million)", stated) == ["23,059", "20,538", "66,553", "58,718"]
    assert "$23,059 million for the three months ended September 30, 2023" in stated


def test_a_product_name_ending_in_a_number_is_no_row() -> None:
    assert rows("Revenue from Office Consumer products and cloud services, including Microsoft"
                " 365\n") == []


def test_of_the_same_line_in_two_tables_the_whole_is_stated_not_its_part() -> None:
    note = ("Note 4 - Stock-Based Compensation\nOur stock-based compensation expense is as follows"
            " (in millions):\nThree Months Ended\nMarch 30,\n2024\nApril 1,\n2023\n"
            "Cost of revenue $ 27 $ 25\nResearch and development 96 88\n")
    answer = answer_from_sources("How much did Northwind spend on research and development?",
                                 [source(note), source(STATEMENT)])
    assert answer.text.startswith("Research and development (operating expenses): 811 million")


def test_how_a_question_asks_is_not_what_it_asks_about() -> None:
    signpost = ("Our discussion of results in this section relates the notes and their details"
                " to each quarter.")
    answer = answer_from_sources(
        "Analyze how Northwind's tax rate relates to the discussion on tax issues in the notes"
        " section, with details.", [source(signpost), source(
            "Northwind's tax rate was 18%, lower than the statutory rate because of foreign"
            " earnings.")])
    assert "18%" in answer.text and "relates the notes" not in answer.text


def test_each_periods_dates_and_changes_name_their_own_figures() -> None:
    text = ("Net sales by category (in millions):\nThree Months Ended\nNine Months Ended\n"
            "July 1,\n2023\nJune 25,\n2022\nChange\nJuly 1,\n2023\nJune 25,\n2022\nChange\n"
            "iPhone $ 39,669 $ 40,665 (2)% $ 156,778 $ 162,863 (4)%\n")
    [row] = rows(text)
    assert row.columns == [
        "three months ended July 1, 2023", "three months ended June 25, 2022", "change",
        "nine months ended July 1, 2023", "nine months ended June 25, 2022", "change"]


def test_the_headings_nearest_a_row_name_its_columns() -> None:
    text = ("A reconciliation of segment income for the three months ended December\n"
            "31, 2022 and December 25, 2021 is as follows (in millions):\nThree Months Ended\n"
            "December 25,\n2021\nDecember 31,\n2022\nSegment operating income $ 45,405 $ 49,657\n")
    [row] = rows(text)
    assert row.columns == ["three months ended December 25, 2021",
                           "three months ended December 31, 2022"]


def test_a_question_about_an_effect_is_answered_with_prose_not_a_row() -> None:
    derivatives = ("Derivative notional amounts (in millions):\nMarch 30,\n2024\nApril 1,\n2023\n"
                   "Foreign exchange contracts $ 240 $ 177\n")
    answer = answer_from_sources("How have foreign exchange rates affected Northwind?",
                                 [source(derivatives), source(PROSE)])
    assert "240" not in answer.text and "forward contracts" in answer.text


def test_the_sentence_after_the_best_match_is_quoted_with_it() -> None:
    manual = ("Reading data\nSometimes data files have no field delimiters but have fields in"
              " fixed columns. Function read.fwf provides a simple way to read such files.\n\n"
              "Other files use commas between fields, and read.csv reads them.")
    answer = answer_from_sources("How can I read a file whose fields sit in fixed columns"
                                 " without delimiters?", [source(manual)])
    assert "read.fwf" in answer.text, answer.text
    assert "read.fwf" in answer.citations[0].quote


def test_an_abbreviation_is_answered_where_the_text_spells_it_out() -> None:
    text = ("The mean PMM is printed first. Each PMM mean is tested next. Searle and others,"
            " writing on unbalanced designs in several papers, use the term population marginal"
            " value (PMM), which we adopt here for every model. A PMM mean is never negative.")
    answer = answer_from_sources("What does PMM mean?", [source(text)])
    assert "population marginal value (PMM)" in answer.citations[0].quote, answer.text


def test_a_line_of_dates_is_no_row_of_figures() -> None:
    found = rows("> lag(z) 2007-12-28 2008-01-02 2008-01-03\nvalue 12.5 13.5 14.5\n")
    assert [row.label for row in found] == ["value"]


def test_an_faqs_question_is_quoted_with_its_answer() -> None:
    faq = ("2. When I set a log axis on the plot a warning is issued. What is wrong?\n"
           "Arguments passed on reach the panel function, which does not accept log; write a"
           " panel function that drops it.\n3. How do I add a legend?\nUse the legend function.")
    answer = answer_from_sources("How do I set a log axis on the plot without a warning?",
                                 [source(faq)])
    assert "write a panel function" in answer.citations[0].quote, answer.text


def test_a_row_in_percent_with_changes_in_points_keeps_its_columns() -> None:
    text = ("Three Months Ended\nOctober 29,\n2023 July 30, 2023\nOctober 30,\n2022\n"
            "Quarter-over-Quarter\nChange\nYear-over-Year\nChange\n"
            "($ in millions, except per share data)\n"
            "Revenue $ 18,120 $ 13,507 $ 5,931 34 % 206 %\n"
            "Gross margin 74.0 % 70.1 % 53.6 % 3.9 pts 20.4 pts\n")
    revenue, margin = rows(text)
    assert margin.figures == ["74.0%", "70.1%", "53.6%", "3.9 pts", "20.4 pts"]
    assert margin.columns == revenue.columns == [
        "three months ended October 29, 2023", "three months ended July 30, 2023",
        "three months ended October 30, 2022", "change", "change"]
    answer = answer_from_sources("What was the gross margin?", [source(text)])
    assert answer.text.startswith(
        "Gross margin: 74.0% for the three months ended October 29, 2023")


def test_figures_in_units_of_measure_make_a_row() -> None:
    [row] = rows("Median latency 12.5 ms 30 ms\n")
    assert row.label == "Median latency" and row.figures == ["12.5 ms", "30 ms"]


def test_headings_and_contents_lines_are_not_quoted() -> None:
    contents = ("Management's Discussion and Analysis of Financial Condition and Results of "
                "Operations 22\nNote 11 - Derivative Financial Instruments\nQ1 2022 Q1 2023\n\n"
                "Derivative financial instruments reduced the company's exposure to currency "
                "swings in the first quarter.\n")
    answer = answer_from_sources(
        "What does the discussion of derivative financial instruments say?", [source(contents)])
    assert "exposure to currency swings" in answer.text
    for heading in ("Operations 22", "Note 11", "Q1 2022 Q1 2023"):
        assert heading not in answer.text


def test_a_how_to_question_is_answered_with_the_code_that_does_it() -> None:
    manual = ("2.2 Fixed-width-format files\n"
              "Sometimes data files have no field delimiters but have fields in pre-specified "
              "columns. This was very common in the days of punched cards, and is still "
              "sometimes used to save file space. Function read.fwf provides a simple way to "
              "read such files, specifying a vector of field widths.\n")
    answer = answer_from_sources(
        "How can I read a file whose fields sit in fixed columns without any delimiters?",
        [source(manual, context="R Data Import/Export")])
    assert "Function read.fwf provides" in answer.text
    # A question that asks what, not how, is answered with the sentence and the next.
    plain = answer_from_sources("Why do some data files have fields in pre-specified columns?",
                                [source(manual, context="R Data Import/Export")])
    assert "punched cards" in plain.text and "read.fwf" not in plain.text


def test_one_periods_changes_follow_its_dates_in_amounts_and_percent() -> None:
    text = ("Three Months Ended\nApril 30,\n2023\nMay 1,\n2022\n$\nChange\n%\nChange\n"
            "($ in millions)\nResearch and development expenses $ 1,875 $ 1,618 $ 257 16 %\n")
    [row] = rows(text)
    assert row.columns == ["three months ended April 30, 2023",
                           "three months ended May 1, 2022", "change", "change"]


RESULTS = ("Table 3: Accuracy of the models on the test set\nModel Accuracy F1\n"
           "BERT 91.2 88.1\nRoBERTa 92.0 89.3\n\n"
           "We trained both models for three epochs on the training split.\n")


def test_a_tables_named_columns_name_its_figures() -> None:
    bert, roberta = rows(RESULTS)
    assert bert.columns == roberta.columns == ["Accuracy", "F1"] and bert.named
    # A heading over the labels too ("compressor North Centre South" over "C4 14 7 28").
    [c4] = rows("compressor North Centre South\nC4 14 7 28\n")
    assert c4.columns == ["North", "Centre", "South"]
    # A name of several words ("Std. Error") cannot be told apart from its neighbours.
    assert all(not r.columns for r in rows("Estimate Std. Error z value\nIncome 15.2 3.1 4.9\n"))


def test_the_column_a_question_names_is_the_figure_stated() -> None:
    answer = answer_from_sources("What F1 does RoBERTa reach?", [source(RESULTS)])
    assert answer.text.startswith("RoBERTa: F1 89.3.")
    assert "92.0" not in answer.text.split("\n")[0]


def test_a_column_asked_for_no_row_is_stated_for_every_row() -> None:
    answer = answer_from_sources("Which accuracy do the models reach on the test set?",
                                 [source(RESULTS)])
    assert answer.text.startswith("Accuracy: BERT 91.2; RoBERTa 92.0.")
    [citation] = [c for c in answer.citations if "91.2" in c.quote]
    assert "BERT 91.2 88.1 RoBERTa 92.0 89.3" in citation.quote


def test_column_names_end_with_their_table() -> None:
    text = ("Model Accuracy F1\nBERT 91.2 88.1\nThe larger model was slower to train, as "
            "expected.\nParameters 110 340\n")
    assert rows(text)[-1].columns == []


def test_printed_model_output_rows_keep_their_p_values() -> None:
    [row] = rows("RealGNP 0.1691 0.0168 10.10 <2e-16 ***\n")
    assert row.label == "RealGNP" and row.figures == ["0.1691", "0.0168", "10.10", "<2e-16"]


def test_a_dash_between_figures_is_no_minus_sign_and_page_numbers_are_no_row() -> None:
    [row] = rows("Units shipped 37 - 38\n")
    assert "-38" not in row.figures and "38" in row.figures
    assert rows("Liquidity and capital resources Pages: 37 - 38\n") == []


def test_a_section_in_capitals_reads_as_words_and_ends_with_its_table() -> None:
    text = ("Rest of Asia Pacific:\nNet sales $ 9,535 $ 9,810\n\n"
            "A reconciliation for the three months ended December\n"
            "31, 2022 and December 25, 2021 is as follows (in millions):\nThree Months Ended\n"
            "December 31,\n2022\nDecember 25,\n2021\nResearch and development expense (7,709) "
            "(6,306)\nFINANCING ACTIVITIES:\nCommon stock repurchased (6,000) (2,000)\n")
    rest_of_asia, research, repurchased = rows(text)
    assert rest_of_asia.section == "Rest of Asia Pacific" and research.section == ""
    answer = answer_from_sources("How much common stock was repurchased?", [source(text)])
    assert answer.text.startswith("Common stock repurchased (financing activities): (6,000)")


def test_a_charts_axis_is_no_row_and_a_how_to_question_gets_no_figure() -> None:
    assert rows("Empirical fluctuation process 1990 1995 2000\n") == []
    answer = answer_from_sources("How do I check Northwind's total net sales?",
                                 [source(STATEMENT)])
    assert not answer.text.startswith("Total net sales:")


def test_quotes_after_a_figure_speak_of_what_it_is() -> None:
    balance = ("Condensed balance sheet (in millions):\nMarch 30,\n2024\nDecember 30,\n2023\n"
               "Cash and cash equivalents $ 2,120 $ 1,980\n\nCash and cash equivalents rose "
               "on collections from customers during the quarter.\n")
    award = ("Equivalent units. Northwind credits equivalent units to every outstanding "
             "award, and the equivalent units vest with the award.\n")
    answer = answer_from_sources("How much cash and cash equivalents did Northwind have?",
                                 [source(balance), source(award)])
    assert answer.text.startswith("Cash and cash equivalents: $2,120 million")
    assert "collections from customers" in answer.text and "award" not in answer.text


# A report's table: the measure on a line of its own above its parts, a year per column (the
# latest last), footnote marks after some labels.
ENERGY = """Table 4. Final energy use
(in thousands of tonnes of oil equivalent)
Year ended December 31,
2022 2023
Energy use
Industry (1) 3,412 3,175
Transport 4,820 4,951
Households (2) 2,960 2,744
Services 1,505 1,498
Total 12,697 12,368
Emissions
Industry (1) 9,101 8,640
Transport 12,330 12,604
Households (2) 5,220 4,877
Services 1,980 1,902
Total 28,631 28,023
"""


def test_a_breakdown_question_gets_every_parts_figure_for_the_latest_period() -> None:
    source = Source(text=ENERGY, file_id="f", filename="energy-report.pdf")
    answer = answer_from_sources("What was the breakdown of energy use by sector?", [source])
    first = answer.text.splitlines()[0]
    assert first.startswith("Energy use, year ended December 31, 2023: Industry 3,175 thousand")
    for part in ("Transport 4,951", "Households 2,744", "Services 1,498", "Total 12,368"):
        assert part in first
    assert "9,101" not in first and "8,640" not in first  # the emissions block is another one
    # One part asked for is its row, both years; the same line in another block is another
    # measure, not a whole of which it would be part.
    single = answer_from_sources("What was the energy use of transport?", [source])
    assert single.text.startswith("Transport: 4,951 thousand for the year ended December 31, "
                                  "2023; 4,820 thousand")
    emissions = answer_from_sources("What were the emissions of transport?", [source])
    assert emissions.text.startswith("Transport: 12,604 thousand")


def test_a_footnote_mark_after_a_label_is_no_figure() -> None:
    industry = [row.figures for row in rows(ENERGY) if row.label == "Industry"]
    assert industry == [["3,412", "3,175"], ["9,101", "8,640"]]
    # A small negative figure among figures like it is a figure.
    assert [r.figures for r in rows("Year 2022 2023\nOther, net (5) (3)\n")] == [["(5)", "(3)"]]


def test_a_section_line_within_a_table_does_not_name_its_columns() -> None:
    statement = ("Three Months Ended\nApril 30, 2023 May 1, 2022\nRevenue $ 7,192 $ 8,288\n"
                 "Operating expenses\nResearch and development 1,875 1,618\n")
    research = [row for row in rows(statement) if row.label == "Research and development"][0]
    assert not research.named
    assert research.columns == ["three months ended April 30, 2023",
                                "three months ended May 1, 2022"]


SURVEY = """Table 2. Respondents by sex and age group
2023 2024
Men 412 436
Women 388 451
Aged 65 and over 150 162
Total respondents 800 887
"""


def test_a_share_question_gets_the_parts_figure_then_the_wholes() -> None:
    source = Source(text=SURVEY, file_id="f", filename="survey.pdf")
    answer = answer_from_sources("What proportion of the respondents in 2024 were women?",
                                 [source])
    first, second = answer.text.splitlines()[:2]
    assert first.startswith("Women: 451 in 2024; 388 in 2023")
    assert second.startswith("Total respondents: 887 in 2024; 800 in 2023")


def test_a_share_line_under_a_row_qualifies_that_row() -> None:
    table = ("Three Months Ended\nApril 30,\n2024\nMay 1,\n2023\n($ in millions)\n"
             "Engineering expenses $ 1,210 $ 1,050\n% of net revenue 26 % 20 %\n"
             "Total operating expenses $ 2,508 $ 3,563\n% of net revenue 34.9 % 42.9 %\n")
    labels = [row.label for row in rows(table)]
    assert labels == ["Engineering expenses", "Engineering expenses, % of net revenue",
                      "Total operating expenses", "Total operating expenses, % of net revenue"]
    answer = answer_from_sources(
        "What were total operating expenses as a percentage of net revenue?",
        [Source(text=table, file_id="f", filename="q.pdf")])
    assert answer.text.startswith("Total operating expenses, % of net revenue: 34.9% for the "
                                  "three months ended April 30, 2024")


def test_a_charts_legend_over_its_markers_is_no_row() -> None:
    text = "Cash from Operations $B Capital Expenditures $B Dividends $B\n1\n1\n1\n1\n"
    assert rows(text) == []


ACCOUNTS = """Table 3. Harbour accounts
(in thousands of euros)
Year ended December 31,
2023 2024
Port dues 4,210 4,480
Crane hire 1,902 2,010
Dredging costs 3,120 2,870
Insurance 610 655
Depreciation 2,480 2,530
"""


def test_two_things_asked_at_once_get_a_row_each() -> None:
    first, second = stated("What were the insurance and depreciation charges?",
                           ACCOUNTS).splitlines()
    assert first.startswith("Insurance: 655 thousand")
    assert second.startswith("Depreciation: 2,530 thousand")


RUNNING_COSTS = """Table 2. Library running costs
(in thousands of euros)
Year ended December 31,
2023 2024
Staff costs 1,210 1,260
Energy expense 340 410
Book acquisitions 220 235
Other expense 45 52
Book acquisitions were kept level with the year before, as were other costs and other purchases.
Other services and other repairs stayed as planned.
"""


def test_of_two_things_asked_only_the_one_a_row_names_is_stated() -> None:
    # No row is rent: "Other expense" shares only the word that qualifies the second.
    for question in ("What changes in rent and energy expense were reported?",
                     "What were the loan and energy expense?"):
        facts = stated(question, RUNNING_COSTS)
        assert facts.startswith("Energy expense: 410 thousand"), question
        assert "Other expense" not in facts, question


def test_a_label_wrapped_onto_its_rows_line_is_read_whole() -> None:
    text = ("Three Months Ended March 31,\n2023 2024\n"
            "Principal repayments of financing obligations (174) (226)\n"
            "Free cash flow less principal repayments of all other leases and financing\n"
            "obligations $ (2,279) $ (1,455)\n")
    found = rows(text)
    assert [row.label for row in found] == [
        "Principal repayments of financing obligations",
        "Free cash flow less principal repayments of all other leases and financing obligations"]
    assert text[found[1].start:found[1].end].startswith("Free cash flow less")
    # A line of column names over rows with lower-case labels is no wrapped label.
    named = rows("n events median\nsex=F 631 423 108\nsex=M 753 540 88\n")
    assert [row.label for row in named] == ["sex=F", "sex=M"]


STOCKS = """Balance sheet
(in thousands of dollars)
June 30, 2024 December 31, 2023
Inventories 8,120 7,450
Prepaid expenses 310 295
Fair value hierarchy
Level 1 1,200 1,150
Level 2 640 610
Stock rose ahead of the autumn season, when most bicycles are sold.
Inventories were counted at each store.
Inventories include parts, frames and finished bicycles.
"""


def test_inventory_levels_ask_for_the_inventories_not_a_level_row() -> None:
    for question in ("What were the inventory levels at the end of June?",
                     "What do the inventory levels suggest about demand?"):
        assert stated(question, STOCKS).startswith(
            "Inventories: 8,120 thousand as of June 30, 2024"), question


def test_a_name_that_takes_a_number_keeps_it() -> None:
    assert [row.label for row in rows("Level 1 1,200 1,150\nPhase 3 34 41\n")] == [
        "Level 1", "Phase 3"]
    facts = stated("What was held in Level 2?", STOCKS)
    assert facts.startswith("Level 2: 640 thousand as of June 30, 2024"), facts


SHOP = """Net sales by region
(in thousands of euros)
2024 2023
Northern Europe 4,410 3,980
Southern Europe 2,105 2,230
Online advertising 620 540
Cash and liquidity
(in thousands of euros)
December 31, 2024 December 31, 2023
Cash 310 290
Deposits 1,020 960
Balance sheet
(in thousands of euros)
December 31, 2024 December 31, 2023
Cash and cash equivalents 1,330 1,250
Inventories 2,870 2,610
"""


def test_what_was_sold_is_read_from_the_sales_table() -> None:
    facts = stated("How much did the shop sell in Northern Europe?", SHOP)
    assert facts.startswith("Northern Europe: 4,410 thousand"), facts
    facts = stated("How much did the shop earn from ads?", SHOP)
    assert facts.startswith("Online advertising: 620 thousand"), facts


def test_cash_is_cash_and_cash_equivalents() -> None:
    for question in ("How much cash did the shop hold at the end of the year?",
                     "How much cash and cash equivalents did the shop have?"):
        facts = stated(question, SHOP)
        assert facts.startswith("Cash and cash equivalents: 1,330 thousand as of December 31,"
                                " 2024"), (question, facts)


def test_growing_is_an_increase() -> None:
    text = ("Results of operations\nThe cooperative had a good year in its cloud hosting unit.\n"
            "Cloud hosting revenue increased 24% to 31.8 million, driven by new members.\n"
            "We expect our hosting business to keep on growing in the coming years.\n")
    answer = answer_from_sources("How fast did the cloud hosting business grow?",
                                 [Source(text=text, file_id="f", filename="doc.pdf")]).text
    # The sentence that states how fast comes first, not the one that shares more words.
    assert answer.split("\n")[1].startswith("- “Cloud hosting revenue increased 24%"), answer


SEGMENTS = """Segment results
(in millions)
Three Months Ended
March 31, 2024 March 31, 2023
Net sales:
NHS 1,210 1,105
Operating expenses:
Research and development 311 287
Technology and infrastructure 145 132
Cost of sales 620 590
The Northern Hospital Services (NHS) segment serves the region's clinics.
"""


def test_a_name_the_table_writes_as_its_initials_finds_its_row() -> None:
    # The passage holding the row never spells the initials out (the definition is left out
    # here): "Northern Hospital Services" is read as "NHS" because the table writes it so.
    table = SEGMENTS.rsplit("\n", 2)[0]
    facts = stated("How much did Northern Hospital Services sell this quarter?", table)
    assert facts.startswith("NHS (net sales): 1,210 million for the three months ended March 31,"
                            " 2024"), facts


def test_what_a_business_brings_in_is_its_revenue() -> None:
    accounts = ("Clinic accounts\n(in thousands of pounds)\n2024 2023\nRevenue 1,210 1,105\n"
                "Staff costs 640 600\nRent 120 118\n")
    for question in ("What did the clinic bring in?", "How much did the clinic take in?"):
        facts = stated(question, accounts)
        assert facts.startswith("Revenue: 1,210 thousand"), (question, facts)


def test_research_costs_and_tech_are_their_lines() -> None:
    assert stated("What were research costs for the period?", SEGMENTS).startswith(
        "Research and development (operating expenses): 311 million")
    assert stated("What were tech and infrastructure costs?", SEGMENTS).startswith(
        "Technology and infrastructure (operating expenses): 145 million")


def test_an_amount_per_share_is_not_in_the_tables_millions() -> None:
    text = ("Statements of income\n(In millions, except per share amounts)\n"
            "Three Months Ended\nMarch 31, 2024 March 31, 2023\nNet income $ 1,044 $ 872\n"
            "Earnings per share:\nBasic $ 0.25 $ 0.21\nDiluted $ 0.24 $ 0.20\n")
    facts = stated("What were basic earnings per share?", text)
    assert facts.startswith("Basic (earnings per share): $0.25 for the three months ended"), facts
    assert "million" not in facts


REGIONS = """Segment information
The North America segment consists of sales through our stores in the region.
North America sales increased 11% in the second quarter, driven by more visitors per store.
Europe sales decreased 4% in the second quarter as two stores closed.
Our delivery fleet was quickly expanded across every region.
"""


def test_a_word_the_sources_write_shorter_is_read_as_theirs() -> None:
    # "North American" is the filing's "North America"; "European" its "Europe".
    for question, expected in (("Why did sales in the North American segment rise?",
                                "North America sales increased 11%"),
                               ("How did European sales change?", "Europe sales decreased 4%")):
        answer = answer_from_sources(question, [Source(text=REGIONS, file_id="f",
                                                       filename="doc.pdf")]).text
        assert expected in answer, (question, answer)


def test_how_quickly_asks_how_much_not_for_the_word_quickly() -> None:
    text = ("Hosting revenue increased 24% in the year.\n\n"
            "Support tickets about hosting were answered quickly, and the hosting team grew.\n")
    answer = answer_from_sources("How quickly did hosting grow?",
                                 [Source(text=text, file_id="f", filename="doc.pdf")]).text
    assert answer.startswith("From the documents: “Hosting revenue increased 24%"), answer


def test_a_capitalised_word_that_names_no_document_need_not_stand_in_the_tables_passage() -> None:
    # "GPU" is in the question, not in the passage of the revenue table: the rows still answer.
    table = ("Revenue by market\n(in millions)\nThree Months Ended\nMarch 31, 2024"
             " March 31, 2023\nGaming 2,856 1,574\nProfessional Visualization 416 200\n"
             "Automotive 261 251\n")
    prose = "Our GPU products serve gamers and designers alike.\n"
    answer = answer_from_sources(
        "What were the sales figures for Northwind's gaming and professional GPU segments?",
        [source(table), source(prose)]).text
    assert answer.startswith("Gaming: 2,856 million for the three months ended March 31, 2024"), \
        answer
    assert "\nProfessional Visualization: 416 million for the three months" in answer, answer


def test_the_examples_a_question_gives_are_not_the_rows_name() -> None:
    table = ("Net sales by category\n(in millions)\nThree Months Ended\nMarch 31, 2024"
             " March 31, 2023\nProducts 4,210 3,902\nServices 1,177 1,020\n")
    prose = ("Subscriptions by product\n(in thousands)\nMarch 31, 2024 March 31, 2023\n"
             "Store App services 310 280\nCloud Drive services 150 120\n")
    answer = answer_from_sources(
        "How much revenue came from services such as the Store App and Cloud Drive?",
        [source(prose), source(table)]).text
    assert answer.startswith("Services: 1,177 million for the three months"), answer


def test_the_date_a_question_names_says_which_column() -> None:
    # "on the balance sheet date" names the column; the rarest word of the question ("date",
    # of the notes' "Payment date") must not outweigh the cash it asks for.
    notes = ("Supplier terms\n(in thousands of euros)\n2024 2023\nPayment date set 14 12\n\n"
             "Cash is counted at each store every evening. Cash balances are held at two banks. "
             "The balance of each bank account is reconciled weekly. Cash sheets are kept for a"
             " year.\n")
    facts = stated("What was the shop's cash balance on the balance sheet date?",
                   SHOP + notes)
    assert facts.startswith("Cash and cash equivalents: 1,330 thousand as of December 31,"
                            " 2024"), facts


def test_the_effective_tax_rate_is_found_by_its_definition() -> None:
    text = ("Income taxes\nWe recognized income tax expense of $793 million for the quarter.\n"
            "Income tax as a percentage of income before income tax was an expense of 12.2% for"
            " the quarter.\nOur tax rate planning considers the statutory rate of every country"
            " we operate in.\n")
    answer = answer_from_sources("What effective tax rate was reported for the quarter?",
                                 [Source(text=text, file_id="f", filename="doc.pdf")]).text
    assert answer.startswith("From the documents: “Income tax as a percentage of income before"
                             " income tax was an expense of 12.2%"), answer


def test_a_tables_unit_line_is_never_quoted() -> None:
    text = ("Balance sheet\n(In millions, except number of shares which are reflected in"
            " thousands and par value)\nJune 30, 2024 December 31, 2023\nInventories 8,120 7,450\n"
            "Prepaid expenses 310 295\n")
    answer = answer_from_sources("How did the inventory levels of the shares reflect on supply?",
                                 [Source(text=text, file_id="f", filename="doc.pdf")]).text
    assert answer.startswith("Inventories: 8,120 million as of June 30, 2024"), answer
    assert "In millions" not in answer, answer


def test_a_trend_across_documents_states_the_line_of_each_oldest_first() -> None:
    def report(quarter: str, end: str, sales: str, other: str) -> str:
        return (f"Statements of operations\n(in millions)\nThree Months Ended\n{end}\n"
                f"Total net sales {sales}\nOperating income {other}\n")

    sources = [
        Source(text=report("Q2", "June 30, 2024", "5,610", "930"), file_id="file-q2",
               filename="2024 Q2 Northwind.pdf", context="Northwind Q2 2024"),
        Source(text=report("Q1", "March 31, 2024", "5,387", "901"), file_id="file-q1",
               filename="2024 Q1 Northwind.pdf", context="Northwind Q1 2024"),
    ]
    answer = answer_from_sources("How have Northwind's total net sales changed over time?",
                                 sources)
    lines = answer.text.split("\n")
    assert lines[0].startswith("Total net sales: 5,387 million for the three months ended March"
                               " 31, 2024"), answer.text
    assert lines[1].startswith("Total net sales: 5,610 million for the three months ended June"
                               " 30, 2024"), answer.text
    assert [c.source_index for c in answer.citations][:2] == [1, 0]


def test_a_form_name_after_a_hyphen_is_no_name_the_sources_must_hold() -> None:
    # "Qs" of "10-Qs" is not a company or a product the documents fail to mention.
    text = "In May the Company completed the acquisition of Brightline Ltd. for $120 million.\n"
    answer = answer_from_sources("Does Northwind report any acquisitions in these 10-Qs?",
                                 [source(text)]).text
    assert "acquisition of Brightline" in answer, answer


def test_a_contents_line_with_its_page_number_is_never_quoted() -> None:
    text = ("d) Cash Flows Statements for the Three Months Ended March 31, 2024 and 2023 6\n\n"
            "Cloud gross margin percentage Gross margin percentage for our cloud business 34\n\n"
            "Cloud revenue increased 22% to $28.5 billion.\n")
    answer = answer_from_sources("How fast did the cloud business grow?",
                                 [Source(text=text, file_id="f", filename="doc.pdf")]).text
    # The metric's definition ends in a page number, no figure: it comes after the figure.
    assert answer.split("\n")[1] == "- “Cloud revenue increased 22% to $28.5 billion.”【0:0†source】", \
        answer
    assert "Statements for the" not in answer, answer
    assert answer_from_sources("What do the cash flows statements show?", [Source(
        text=text, file_id="f", filename="doc.pdf")]).text.find("Statements for the") < 0


def test_a_line_of_code_output_is_not_read_through_an_abbreviation() -> None:
    # "pcm" of an R print-out is not the row "plasma cell malignancy" of a report's table.
    text = ("The data hold the time to plasma cell malignancy (PCM) for each subject.\n\n"
            "> with(data3, table(state, pcm))\ncensor 0 409 20\npcm 0 103 12\ndeath 0 860 31\n")
    answer = answer_from_sources("How many subjects had plasma cell malignancy first?",
                                 [Source(text=text, file_id="f", filename="doc.pdf")]).text
    assert not answer.startswith("pcm"), answer


def test_column_dates_whose_years_stand_on_the_next_line() -> None:
    text = ("Three Months Ended Nine Months Ended\nOctober 29, October 30, October 29, October 30,\n"
            "2023 2022 2023 2022\n(In millions)\nRevenue:\nData Center $ 14,514 $ 3,833 $ 29,121"
            " $ 11,389\nGaming 2,856 1,574 7,582 7,236\n")
    found = {row.label: row for row in rows(text)}
    assert found["Gaming"].columns == [
        "three months ended October 29, 2023", "three months ended October 30, 2022",
        "nine months ended October 29, 2023", "nine months ended October 30, 2022"]
    assert stated("What were gaming revenues?", text).startswith(
        "Gaming (revenue): 2,856 million for the three months ended October 29, 2023;")


# Printed output of two statistical tests, as a paper on an R package shows it.
TESTS_OUTPUT = """We test the fitted model for a change in its mean with two statistics.
> sctest(growth.model, type = "supF")
supF test
data: growth.model
sup.F = 14.207, p-value = 0.0213
The supremum statistic rejects stability at the 5% level; the Wald form agrees.
> sctest(growth.model, type = "Wald")
Wald test
data: growth.model
W = 3.118, df = 2, p-value = 0.2104
"""


def test_statistics_printed_as_name_value_pairs_are_facts() -> None:
    assert [(row.label, row.figures, row.section) for row in rows(TESTS_OUTPUT)][:2] == [
        ("sup.F", ["14.207"], "supF test; data: growth.model"),
        ("p-value", ["0.0213"], "supF test; data: growth.model")]
    assert stated("What is the sup F statistic of the growth model?", TESTS_OUTPUT).startswith(
        "sup.F (supF test; data: growth.model): 14.207.")
    # The p-value of the test the question names, not the first p-value printed.
    assert stated("What p-value does the Wald test give?", TESTS_OUTPUT).lower().startswith(
        "p-value (wald test; data: growth.model): 0.2104.")
    answer = answer_from_sources("What is the sup F statistic of the growth model?",
                                 [source(TESTS_OUTPUT)])
    assert answer.citations[0].quote == "sup.F = 14.207"


def test_a_count_asks_how_many() -> None:
    text = ("The gate staff count vehicles by hand and report to the employee council.\n"
            "Employees of the harbour numbered 412 on the last day of the season.\n")
    answer = stated("What was the employee count of the harbour?", text)
    assert "412" in answer and "count vehicles" not in answer, answer



def test_what_changes_in_a_thing_asks_about_the_thing_not_about_change() -> None:
    # "What changes in debt…" is about debt: a filing's "no material changes to X" formula for
    # some other X shares only the word of asking.
    text = ("Critical Accounting Estimates\nThere have been no material changes to the Company's"
            " critical accounting estimates since the 2022 Form 10-K.\n\n"
            "Market Risk\nThere have been no material changes to the Company's market risk during"
            " the first three months of 2023.\n\n"
            "Term Debt\nDuring the quarter the Company repaid $2.0 billion of its term debt and"
            " issued no new notes.")
    answer = answer_from_sources("What changes in debt structure did Northwind disclose?",
                                 [source(text)])
    assert "repaid $2.0 billion" in answer.text
    assert "accounting estimates" not in answer.text and "market risk" not in answer.text


def test_a_copyright_line_is_a_formality_not_an_answer() -> None:
    text = ("© 2023 Northwind Corporation.\n\n"
            "Capital Return Program\nDuring the third quarter we repurchased 8.3 million shares"
            " of our common stock for $3.72 billion.")
    answer = answer_from_sources("Has Northwind reported any stock repurchases in 2023?",
                                 [source(text)])
    # Quoted, if at all, after what answers.
    assert "8.3 million" in answer.text
    assert "©" not in answer.text or answer.text.index("8.3 million") < answer.text.index("©")


def test_regarding_is_a_word_of_asking() -> None:
    # "regarding" links the question to its subject; a sentence sharing only it is not about
    # the subject.
    text = ("Regarding the dividend, the Board will meet in June.\n\n"
            "Acquisitions\nIn August Northwind announced the acquisition of Fabrikam for $1.7"
            " billion.")
    answer = answer_from_sources(
        "Did Northwind make announcements regarding acquisitions in the quarter?", [source(text)])
    assert "Fabrikam" in answer.text and "dividend" not in answer.text


def test_a_comparison_with_revenue_states_the_share_of_revenue_line() -> None:
    text = ("Operating Expenses\nThree Months Ended\nApril 30,\n2023\nMay 1,\n2022\n"
            "($ in millions)\n"
            "Research and development expenses $ 1,875 $ 1,618\n% of net revenue 26 % 20 %\n"
            "Total operating expenses $ 2,508 $ 3,563\n% of net revenue 34.9 % 42.9 %\n\n"
            "Revenue\nThree Months Ended\nApril 30,\n2023\nMay 1,\n2022\n"
            "Revenue $ 7,192 $ 8,288\n")
    answer = answer_from_sources("How did Northwind's operating expenses compare to its revenue?",
                                 [source(text)])
    assert "$2,508 million" in answer.text and "$7,192 million" in answer.text
    assert "34.9%" in answer.text and "26%" not in answer.text


def test_legal_issues_are_answered_in_prose_not_by_a_liabilities_row() -> None:
    text = ("Fair Value\n(In Millions) Jul 1, 2023 Dec 31, 2022\nTotal liabilities $ 1,337 $ 1,202\n\n"
            "Litigation\nFabrikam sued Northwind over four patents and estimates its damages at"
            " about $860 million; Northwind disputes the claims.")
    answer = answer_from_sources("What legal issues or potential liabilities did Northwind report?",
                                 [source(text)])
    assert "$860 million" in answer.text and "1,337" not in answer.text


def test_a_rate_is_answered_by_the_sentence_that_states_it_as_a_percentage() -> None:
    text = ("Effective Tax Rate\nThe increase in our effective tax rate for the six months ended"
            " December 31, 2022 compared to the prior year was primarily due to a $3.3 billion"
            " net income tax benefit in the first quarter of fiscal year 2022.\n"
            "Our effective tax rate was 19% and 17% for the three months ended December 31, 2022"
            " and 2021, respectively.\n\n"
            "Liquidity\nCash and short-term investments were $99.5 billion at the end of the"
            " quarter.\nWe repurchased 19 million shares during the quarter.\n"
            "Headcount grew to 221,000 people.\nOur offices in Lyon were renovated.")
    answer = answer_from_sources("What was Northwind's tax rate for the quarter?", [source(text)])
    first_quote = answer.text.split("\n- ")[1] if "\n- " in answer.text else answer.text
    assert "19%" in first_quote


def test_if_so_opens_the_second_ask() -> None:
    assert split_question("Did Northwind buy back shares in 2023, and if so, what was the scale"
                          " of these buybacks?") == (
        "Did Northwind buy back shares in 2023", "what was the scale of these buybacks?")


def test_a_question_asking_when_is_answered_by_a_date() -> None:
    text = ("Signatures\nThe report was signed by the Chief Financial Officer on behalf of"
            " Northwind, who reviewed the report with the audit committee.\n"
            "The report was signed on July 28, 2022 in Seattle.\n\n"
            "Liquidity\nCash and short-term investments were $99.5 billion.\n"
            "Headcount grew to 221,000 people.\nOur offices in Lyon were renovated.")
    answer = answer_from_sources("When was the Northwind report signed?", [source(text)])
    first_quote = answer.text.split("\n- ")[1] if "\n- " in answer.text else answer.text
    assert "July 28, 2022" in first_quote


def test_may_the_verb_is_no_date() -> None:
    text = ("Repurchases\nNorthwind may repurchase shares when the report is signed by the"
            " board.\nThe report was signed on May 4, 2023 by the board.\n\n"
            "Liquidity\nCash and short-term investments were $99.5 billion.\n"
            "Headcount grew to 221,000 people.\nOur offices in Lyon were renovated.")
    answer = answer_from_sources("When was the Northwind report signed by the board?",
                                 [source(text)])
    first_quote = answer.text.split("\n- ")[1] if "\n- " in answer.text else answer.text
    assert "May 4, 2023" in first_quote
