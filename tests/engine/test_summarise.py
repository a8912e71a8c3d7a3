"""The built-in model's structured summaries on documents made here: a paper and a report with
the parts a summary leaves out, so the rules are seen to hold beyond the 10-Q filings."""

from __future__ import annotations

import re

from engine.llm._chat import answer_chat
from engine.llm.summarise import summarise, summary_words

PAPER = """Document: tides.pdf
[Page 1]
Tidal Energy in Northern Fjords
Table of Contents
1 Introduction .......... 2
2 Method .......... 2
3 Results .......... 3
4 Conclusion .......... 3
[Page 2]
Abstract
We measured tidal currents in four northern fjords over two winters to judge whether small turbines could power the villages on their shores. The strongest fjord carried currents of 2.4 metres per second at spring tide, enough for turbines of 50 kilowatts each.
1 Introduction
Villages on the northern fjords burn diesel for most of their electricity, which is costly to ship in winter. Tidal currents are strong in the narrow sounds and, unlike wind, they can be predicted years ahead.
2 Method
Acoustic current profilers were moored at twelve sites from October to April in both winters. Readings were taken every ten minutes and checked against the tide tables of the harbour office.
[Page 3]
3 Results
Three of the twelve sites had mean currents above 1.5 metres per second, and the sound at Hellvik peaked at 2.4 metres per second. Ice cover slowed the currents by less than five percent at every site.
4 Conclusion
Small tidal turbines could supply about sixty percent of the electricity of the three villages nearest the strong sites. We recommend a pilot turbine at Hellvik before any wider investment.
References
Berg, A. (2019). Currents of the north. Journal of Coastal Studies 12, 44-61.
Olsen, K. and Dahl, P. (2021). Turbines in ice. Marine Energy 8, 101-119.
"""

REPORT = """Document: harbour.pdf
[Page 1]
Northcape Harbour Authority
ANNUAL REPORT
Results of the Year
The harbour handled 1.2 million tonnes of cargo in 2024, up 8% on the year before, as the new container crane doubled the number of ships served each week.
Ferry traffic fell by 3% because the spring storms closed the pier for eleven days.
Outlook
The authority expects cargo to grow by a further 5% in 2025 once the second crane is working.
[Page 2]
SIGNATURES
Pursuant to the requirements of the harbour charter, the authority has duly caused this report to be signed on its behalf.
/s/ Ingrid Solberg
Ingrid Solberg, Harbour Master
Date: March 3, 2025
[Page 3]
CERTIFICATION
I, Ingrid Solberg, certify that I have reviewed this annual report of the Northcape Harbour Authority and that it fairly presents the results of the year.
[Page 4]
EXHIBIT 10.1
LEASE AGREEMENT
The Lessee shall pay the rent hereunder on the first day of each month, in accordance with the terms and conditions of this Agreement. Notwithstanding the foregoing, the Lessor may terminate this Agreement pursuant to Section 4 hereof.
The Lessee shall keep the premises in good repair and shall not assign its rights hereunder without the prior written consent of the Lessor.
"""


def bullets(summary: str) -> list[tuple[str, int]]:
    return [(text, int(page)) for text, page in
            re.findall(r"^- (.+?) \(p\. (\d+)\)$", summary, re.MULTILINE)]


def test_a_paper_is_summarised_from_its_abstract_results_and_conclusion():
    summary = summarise([PAPER], "", 120)
    quoted = " ".join(text for text, _ in bullets(summary))
    assert "2.4 metres per second" in quoted and "sixty percent" in quoted
    assert "a paper" in summary and "Left out: table of contents (p. 1); references (p. 3)" \
        in summary
    assert "Journal of Coastal Studies" not in summary and ".........." not in summary
    for text, page in bullets(summary):
        assert text in " ".join(PAPER.split(f"[Page {page}]")[1].split("[Page")[0].split())
    assert "### Abstract" in summary or "### Conclusion" in summary
    assert 0.8 * 120 <= summary_words(summary) <= 1.2 * 120 or "short" in summary


def test_signatures_certifications_and_exhibits_are_left_out():
    summary = summarise([REPORT], "", 80)
    assert "1.2 million tonnes" in summary and "(p. 1)" in summary
    for absent in ("Lessee", "shall", "certify", "/s/", "duly caused"):
        assert absent not in summary, absent
    assert "signatures (p. 2)" in summary and "certifications (p. 3)" in summary
    assert "exhibits (p. 4)" in summary


def test_a_focus_prompt_ranks_towards_it():
    plain = summarise([REPORT], "", 40)
    focused = summarise([REPORT], "Focus on the outlook.", 40)
    assert "expects cargo to grow" in focused and focused != plain


def test_chat_completions_ask_for_a_summary_in_the_system_message():
    answer = answer_chat([
        {"role": "system", "content": "You are a careful summarizer. Summarize in about 60 words."},
        {"role": "user", "content": [{"type": "text", "text": REPORT},
                                     {"type": "text", "text": "Summarize the text above."}]}])
    assert answer.startswith("**harbour.pdf**") and "careful summarizer" not in answer
    assert summary_words(answer) <= 72
