"""How page_questions.jsonl was made: question templates written by hand, evidence found by pypdf.

Each template below is a question a person might ask of one filing (paraphrased: other words
than the page uses), with a pattern for the passage that answers it. For every filing of that
company the first passage matching the pattern becomes the entry's evidence, and its pages are
every page of that file whose pypdf text holds the evidence (whitespace-insensitive, figures
matched whole). An entry is kept only when the evidence sits on at most MAX_PAGES pages, so
the label says where the answer is and not "anywhere". The four filings of one company share
a template but not its evidence: the figures and dates differ per quarter.

Run: `python benchmarks/data/make_page_questions.py` (rewrites page_questions.jsonl);
verify with `python benchmarks/check_page_questions.py`.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import PAGE_QUESTIONS, SEC10Q_DOCS, evidence_pages, pdf_page_texts  # noqa: E402

MAX_PAGES = 3
NUM = r"\(?[\d,.]+\)?"


@dataclass(frozen=True)
class Template:
    company: str  # the ticker in the file name
    kind: str  # table | prose | name
    pattern: str  # over the page text with whitespace collapsed to single spaces
    questions: tuple[str, ...]  # phrasings, used in turn over the company's filings


def t(company: str, kind: str, pattern: str, *questions: str) -> Template:
    return Template(company, kind, pattern, questions)


TEMPLATES = [
    # --- Apple ------------------------------------------------------------------------------
    t("AAPL", "table", rf"iPhone \$ {NUM}",
      "How much did Apple make from iPhones in the quarter?",
      "What were iPhone revenues this quarter?"),
    t("AAPL", "table", rf"Cash and cash equivalents \$ {NUM}",
      "How much cash did Apple hold at the end of the period?",
      "What was Apple's cash balance on the balance sheet date?"),
    t("AAPL", "table", rf"Services {NUM} {NUM}(?= (?:{NUM} {NUM} )?Total net sales)",
      "How much revenue came from services such as the App Store and iCloud?",
      "What did the services business bring in this quarter?"),
    t("AAPL", "table", rf"Research and development \$ {NUM}",
      "How much did Apple spend on R&D in the quarter?",
      "What were research costs for the period?"),
    t("AAPL", "table", rf"Diluted \$ {NUM}",
      "What were Apple's diluted earnings per share?",
      "How much did Apple earn per share on a fully diluted basis?"),
    t("AAPL", "table", rf"Greater China {NUM}",
      "How much did Apple sell in China during the quarter?",
      "What were sales in the Greater China region?"),
    t("AAPL", "name", r"[\d,]+ shares of common stock were issued and outstanding as of",
      "How many Apple shares were outstanding around the filing date?",
      "What was Apple's share count on the cover page?"),
    t("AAPL", "name", r"I, Timothy D\. Cook, certify",
      "Who is Apple's chief executive?",
      "Which CEO signed the certification of this report?"),
    t("AAPL", "name", r"duly authorized\. Date: \w+ \d+, \d{4}",
      "On what date was this Apple report signed?",
      "When was the quarterly report filed by Apple dated?"),
    t("AAPL", "prose", r"Epic Games, Inc\. \(“Epic”\) filed a lawsuit",
      "Is Apple in a legal dispute with a video game company over the App Store?",
      "What antitrust case about app distribution is Apple fighting?"),
    t("AAPL", "prose", r"Products gross margin percentage (increased|decreased) during the",
      "Why did the profitability of Apple's hardware sales change?",
      "What drove the change in the margin on products?"),
    t("AAPL", "prose", r"aggregate carrying amount of \$[\d.]+ billion",
      "How much long-term borrowing in notes does Apple carry?",
      "What is the book value of Apple's outstanding bonds?"),
    t("AAPL", "prose", r"Services net sales increased during the",
      "Why did revenue from services go up?",
      "What explains the growth of Apple's services business?"),
    t("AAPL", "prose", r"fiscal year is the 52- or 53-week period",
      "When does Apple's financial year end?",
      "How does Apple define its accounting year?"),
    # --- Microsoft --------------------------------------------------------------------------
    t("MSFT", "table", rf"Total revenue {NUM}",
      "What was Microsoft's total revenue for the quarter?",
      "How much did Microsoft take in overall this quarter?"),
    t("MSFT", "table", rf"Cash and cash equivalents \$ {NUM}",
      "How much cash did Microsoft have at the end of the quarter?",
      "What was Microsoft's cash position on the balance sheet?"),
    t("MSFT", "table", rf"Research and development {NUM}",
      "How much did Microsoft spend on R&D?",
      "What were Microsoft's research expenses in the quarter?"),
    t("MSFT", "table", rf"Diluted \$ {NUM}",
      "What were Microsoft's diluted earnings per share?",
      "How much did Microsoft earn per share, diluted?"),
    t("MSFT", "table", rf"Gaming {NUM} {NUM}",
      "How much revenue did Xbox and gaming generate?",
      "What did the gaming business bring in?"),
    t("MSFT", "table", rf"LinkedIn {NUM} {NUM}",
      "How much revenue did the professional social network contribute?",
      "What were LinkedIn's sales in the quarter?"),
    t("MSFT", "name", r"par value per share [\d,]+ shares",
      "How many Microsoft shares were outstanding as of the cover date?",
      "What was Microsoft's share count around the filing?"),
    t("MSFT", "name", r"I, Satya Nadella, certify",
      "Who is Microsoft's chief executive officer?",
      "Which executive certified the report as CEO?"),
    t("MSFT", "prose", r"effective tax rate was \d+% and \d+% for the three months",
      "What share of its profit did Microsoft pay in taxes this quarter?",
      "What was Microsoft's tax rate for the quarter?"),
    t("MSFT", "prose", r"U\.S\. Cell Phone Litigation",
      "Is Microsoft being sued over health effects of mobile phones?",
      "What lawsuits about phone radiation does Microsoft face?"),
    t("MSFT", "prose", r"Microsoft Cloud revenue increased \d+% to \$[\d.]+ billion",
      "How fast did Microsoft's cloud business grow?",
      "How big was Microsoft's commercial cloud this quarter and how much did it grow?"),
    t("MSFT", "prose", r"Azure and other cloud services revenue grew \d+%",
      "By how much did Azure grow?",
      "What growth did the Azure platform report and why?"),
    t("MSFT", "prose", r"Intelligent Cloud Revenue (increased|decreased) \$[\d.]+ billion or \d+%",
      "How did revenue of the server and cloud segment change?",
      "What happened to Intelligent Cloud sales compared with last year?"),
    t("MSFT", "prose", r"quarterly dividends of \$[\d.]+ per share",
      "How much dividend per share did Microsoft declare?",
      "What payout per share did the board approve each quarter?"),
    # --- Amazon -----------------------------------------------------------------------------
    t("AMZN", "table", rf"Total net sales {NUM} {NUM}",
      "What were Amazon's total sales for the quarter?",
      "How much revenue did Amazon book in the period?"),
    t("AMZN", "table", rf"AWS {NUM} {NUM}",
      "How much did Amazon Web Services sell?",
      "What revenue did the cloud computing segment report?"),
    t("AMZN", "table", rf"Advertising services \(\d\) {NUM} {NUM}",
      "How much does Amazon earn from ads?",
      "What were advertising revenues in the quarter?"),
    t("AMZN", "table", rf"Cash and cash equivalents \$ {NUM} \$ {NUM}",
      "How much cash did Amazon have on its balance sheet?",
      "What was Amazon's cash balance at quarter end?"),
    t("AMZN", "table", rf"Technology and (content|infrastructure) {NUM} {NUM}",
      "How much did Amazon spend on technology?",
      "What were tech and infrastructure costs this quarter?"),
    t("AMZN", "table", rf"Diluted earnings per share \$ {NUM} \$ {NUM}",
      "What was Amazon's diluted EPS?",
      "How much did Amazon earn or lose per share after dilution?"),
    t("AMZN", "table", rf"Free cash flow {NUM} {NUM}",
      "What was Amazon's free cash flow over the trailing twelve months?",
      "How much cash did Amazon generate after capital spending?"),
    t("AMZN", "name", r"[\d,]+ shares of common stock, par value \$0\.01 per share, outstanding",
      "How many Amazon shares were outstanding?",
      "What was the number of Amazon shares at the cover date?"),
    t("AMZN", "name", r"I, Andrew R\. Jassy, certify",
      "Who runs Amazon as chief executive?",
      "Which CEO signed Amazon's certification?"),
    t("AMZN", "prose", r"Net sales are expected to be between \$[\d.]+ billion and \$[\d.]+ billion",
      "What revenue does Amazon forecast for next quarter?",
      "What is Amazon's outlook for sales in the coming quarter?"),
    t("AMZN", "prose", r"North America sales increased \d+%",
      "Why did sales in the North American segment rise?",
      "How much did North America grow and what drove it?"),
    t("AMZN", "prose", r"AWS sales increased \d+%",
      "What drove growth in the cloud segment's sales?",
      "How quickly did AWS grow and why?"),
    t("AMZN", "prose", r"International sales (increased|decreased) \d+%",
      "How did sales outside North America change?",
      "What happened to the international segment's revenue?"),
    t("AMZN", "prose", r"equity investment in Rivian Automotive",
      "What gains or losses came from Amazon's stake in the electric vehicle maker?",
      "How is Amazon's investment in the EV company accounted for?"),
    # --- Intel ------------------------------------------------------------------------------
    t("INTC", "table", rf"Net revenue \$ {NUM}",
      "What was Intel's revenue in the quarter?",
      "How much did Intel sell in total this quarter?"),
    t("INTC", "table", rf"(Data Center and AI|Datacenter and AI) {NUM} {NUM}",
      "How much revenue did Intel's server chip business bring in?",
      "What were data center segment sales?"),
    t("INTC", "table", rf"Cash and cash equivalents \$ {NUM}",
      "How much cash did Intel have?",
      "What was Intel's cash on hand at quarter end?"),
    t("INTC", "table", rf"Research and development {NUM} {NUM}",
      "How much did Intel invest in R&D this quarter?",
      "What were Intel's research costs?"),
    t("INTC", "table", rf"Gross margin percentage {NUM} %",
      "What was Intel's gross margin as a percentage?",
      "What share of revenue did Intel keep after the cost of sales?"),
    t("INTC", "name", r"I, Patrick P\. Gelsinger, certify",
      "Who is Intel's CEO?",
      "Which chief executive signed Intel's report?"),
    t("INTC", "prose", r"European Commission Competition Matter",
      "What is the status of the EU antitrust case against Intel?",
      "What happened with the European competition fine?"),
    t("INTC", "prose", r"CCG revenue decreased \d+%, DCAI revenue decreased \d+%",
      "Why did Intel's revenue fall compared with a year earlier?",
      "Which business units drove the decline in Intel's sales?"),
    t("INTC", "prose", r"Weighted average shares of common stock outstanding: Basic [\d,]+",
      "How many shares were used to compute Intel's basic EPS?",
      "What was Intel's weighted average basic share count?"),
    # --- NVIDIA -----------------------------------------------------------------------------
    t("NVDA", "table", rf"Revenue \$ {NUM} \$ {NUM}",
      "What was NVIDIA's revenue for the quarter?",
      "How much did NVIDIA sell in the period?"),
    t("NVDA", "table", rf"Data Center \$ {NUM}",
      "How much did NVIDIA's data center business sell?",
      "What were revenues from data center products?"),
    t("NVDA", "table", rf"Gaming {NUM} {NUM}",
      "What were NVIDIA's sales of gaming GPUs?",
      "How much revenue came from the gaming market?"),
    t("NVDA", "table", rf"Cash and cash equivalents \$ {NUM}",
      "How much cash did NVIDIA hold?",
      "What was NVIDIA's cash balance?"),
    t("NVDA", "table", rf"Research and development {NUM} {NUM}",
      "How much did NVIDIA spend on R&D?",
      "What were NVIDIA's research expenses?"),
    t("NVDA", "table", rf"Diluted \$ {NUM}",
      "What was NVIDIA's diluted EPS?",
      "How much did NVIDIA earn per share after dilution?"),
    t("NVDA", "table", rf"Automotive {NUM} {NUM}",
      "How much did NVIDIA make from car-related products?",
      "What were automotive revenues?"),
    t("NVDA", "name", r"outstanding as of \w+ \d+, \d{4}, was [\d.]+ billion",
      "How many NVIDIA shares are outstanding?",
      "What was NVIDIA's share count on the cover page?"),
    t("NVDA", "name", r"I, Jen-Hsun Huang, certify",
      "Who is NVIDIA's chief executive?",
      "Which CEO certified NVIDIA's filing?"),
    t("NVDA", "prose", r"Termination of the Arm Share Purchase Agreement",
      "What happened to NVIDIA's deal to buy Arm?",
      "Why did NVIDIA take a charge for the cancelled chip-designer acquisition?"),
    t("NVDA", "prose", r"Securities Class Action and Derivative Lawsuits",
      "Is NVIDIA being sued by shareholders?",
      "What investor lawsuits does NVIDIA face over crypto mining disclosures?"),
    t("NVDA", "prose", r"Data Center revenue was up \d+% from a year ago",
      "How much did data center sales grow from last year?",
      "What drove growth in NVIDIA's data center business?"),
    t("NVDA", "prose", r"Gaming revenue was (up|down) \d+% from a year ago",
      "How did gaming sales change compared with a year earlier?",
      "Why did NVIDIA's gaming revenue move?"),
]


def build() -> tuple[list[dict], list[str]]:
    rows, skipped = [], []
    files = sorted(SEC10Q_DOCS.glob("*.pdf"))
    texts = {path.name: pdf_page_texts(path) for path in files}
    for template in TEMPLATES:
        mine = [path.name for path in files if f" {template.company}." in path.name]
        for index, name in enumerate(mine):
            pages = texts[name]
            flat = (re.sub(r"\s+", " ", text) for text in pages)
            found = next((m for text in flat if (m := re.search(template.pattern, text))), None)
            if found is None:
                skipped.append(f"{name}: no match for {template.pattern!r}")
                continue
            evidence = found.group(0).strip()
            where = evidence_pages(evidence, pages)
            if not where or len(where) > MAX_PAGES:
                skipped.append(f"{name}: {evidence!r} on pages {where}")
                continue
            question = template.questions[index % len(template.questions)]
            rows.append({"file": name, "question": question, "pages": where,
                         "evidence": evidence, "kind": template.kind})
    return rows, skipped


def main() -> int:
    rows, skipped = build()
    PAGE_QUESTIONS.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    for line in skipped:
        print("skipped", line)
    kinds = {kind: sum(r["kind"] == kind for r in rows) for kind in ("table", "prose", "name")}
    print(f"{len(rows)} questions over {len({r['file'] for r in rows})} files: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
