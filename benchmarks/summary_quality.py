"""Summary quality: the structured summariser against main's (commit dcd89a4), same run.

Run: `PYTHONPATH=. .venv/bin/python benchmarks/summary_quality.py [--length medium]`. Summarises
the 20 10-Q filings and documents of other kinds from ../shared/corpus (a manual, lecture notes,
short prose) with the built-in model through the summary copilot, once with this tree's code and
once with main's (exported with `git archive` into a temporary folder and run there in a child
process), and prints per document:

- words against the target (words a reader reads: tokens holding a letter or digit);
- the share of the summary's sentences that come from exhibits, certifications or signature
  pages (found here with pypdf from the pages' opening lines, independently of the summariser);
- for the filings, whether the total revenue (net sales) and the net income of the latest
  period, read here with pypdf from the income statement, are stated;
- the time.
Targets: revenue and net income both stated in ≥ 80% of the filings' summaries; length within
±20% in ≥ 90% of all summaries.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FILINGS = CORPUS / "docugami-sec10q" / "sec-10-q" / "data" / "v1" / "docs"
OTHERS = [
    CORPUS / "qpdf-qtest" / "qpdf" / "qtest" / "qpdf" / "deterministic-id-in.pdf",  # QPDF manual
    CORPUS / "pypdf-sample-files" / "009-pdflatex-geotopo" / "GeoTopo-komprimiert.pdf",
    CORPUS / "pypdf-sample-files" / "004-pdflatex-4-pages" / "pdflatex-4-pages.pdf",
    CORPUS / "pypdf-sample-files" / "006-pdflatex-outline" / "pdflatex-outline.pdf",
    CORPUS / "pypdf-sample-files" / "026-latex-multicolumn" / "multicolumn.pdf",
    CORPUS / "pypdf-sample-files" / "021-pdfa" / "crazyones-pdfa.pdf",
]
BASELINE_COMMIT = "dcd89a4"
TARGETS = {"short": 100, "medium": 250, "long": 500}
_WORD = re.compile(r"\S*\w\S*")
_EXCLUDED_OPENING = re.compile(
    r"^\s*(?:exhibit\s+\d|certifications?\b|signatures?\s*$)|pursuant to 18 u\.?s\.?c|"
    r"section 906 of the sarbanes|duly caused this report to be signed|^\s*i,\s+[A-Z].{2,60},"
    r"\s+certify", re.IGNORECASE | re.MULTILINE)
_STATEMENT = re.compile(r"statements?\s+of\s+(?:consolidated\s+)?(?:operations|income)|"
                        r"income\s+statements?", re.IGNORECASE)


# --- the summaries (run in this process, or in a child process on main's code) --------------

def summarise_all(paths: list[str], length: str) -> dict[str, dict]:
    """Each path's summary by the copilot and the built-in model of the code on sys.path."""
    from fastapi.testclient import TestClient

    from core import OpenAIClient, OpenAISummaryCopilotOptions
    from engine.app import create_app
    from engine.settings import EngineSettings

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(EngineSettings(data_dir=Path(tmp), api_key="bench"))
        with TestClient(app) as http, OpenAIClient(api_key="bench",
                                                   base_url="http://testserver/v1",
                                                   http_client=http) as client:
            for path in paths:
                options = (OpenAISummaryCopilotOptions.create().with_document(Path(path))
                           .with_length(length))  # type: ignore[arg-type]
                start = time.perf_counter()
                try:
                    text, error = client.get_summary_copilot(options).get_summary(), None
                except Exception as exc:
                    text, error = "", f"{type(exc).__name__}: {exc}"
                results[path] = {"summary": text, "seconds": time.perf_counter() - start,
                                 "error": error}
    return results


def baseline(paths: list[str], length: str) -> dict[str, dict]:
    """The same summaries by main's code: `git archive` of the commit, run in a child."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", BASELINE_COMMIT], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = Path(tmp) / "results.json"
        env = {**os.environ, "PYTHONPATH": tmp}
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(out),
                        "--length", length, *paths], cwd=tmp, env=env, check=True)
        return json.loads(out.read_text())


# --- the measures (pypdf, independent of both summarisers) -----------------------------------

def normalised(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower()


def page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    from core.documents._open import pdf_limits  # real filings exceed pypdf's default limits

    with pdf_limits():
        return [p.extract_text() or "" for p in PdfReader(path).pages]


def excluded_pages(pages: list[str]) -> set[int]:
    """Exhibits (from the first page opening "Exhibit N" to the end), certifications and
    signature pages, by their opening lines."""
    excluded = set()
    for index, text in enumerate(pages):
        opening = "\n".join(text.strip().split("\n")[:6])
        if re.match(r"\s*exhibit\s+\d", opening, re.IGNORECASE):
            excluded.update(range(index, len(pages)))
        if _EXCLUDED_OPENING.search(opening):
            excluded.add(index)
    return excluded


def summary_sentences(summary: str) -> list[str]:
    plain = re.sub(r"^#+\s.*$|\*\*|(?<!\w)_|_(?!\w)", "", summary, flags=re.MULTILINE)
    plain = re.sub(r"\((?:p|pp)\.\s*[\d–, -]+\)", "", plain)
    pieces = re.split(r"(?<=[.!?])\s+|(?<=[.!?][”\"’])\s+|\n+", plain)
    return [p.strip("-• “”\"") for p in pieces if len(p.split()) >= 6]


def exhibit_share(summary: str, pages: list[str]) -> tuple[int, int]:
    """(sentences found only on excluded pages, sentences found in the document)."""
    excluded = excluded_pages(pages)
    texts = [normalised(p) for p in pages]
    found = bad = 0
    for sentence in summary_sentences(summary):
        probe = normalised(sentence)[:60]
        where = {i for i, t in enumerate(texts) if probe and probe in t}
        if where:
            found += 1
            bad += where <= excluded
    return bad, found


def key_figures(pages: list[str]) -> dict[str, str] | None:
    """Revenue and net income of the latest period from the income statement, with pypdf."""
    for text in pages:
        head = "\n".join(text.split("\n")[:12])
        if not _STATEMENT.search(head) or "comprehensive" in head.lower():
            continue
        rows = text.split("\n")
        revenue = next((r for r in rows if re.match(
            r"\s*(?:total\s+)?(?:net\s+)?(?:revenues?|net sales|sales)\s+\$?\s*[\d(]", r,
            re.IGNORECASE) and re.match(r"\s*total", r, re.IGNORECASE)), None) or next(
            (r for r in rows if re.match(r"\s*(?:net\s+)?revenues?\s+\$?\s*[\d(]", r,
                                         re.IGNORECASE)), None)
        income = next((r for r in rows if re.match(r"\s*net income(?: \(loss\))?\s+\$?\s*[\d(]",
                                                   r, re.IGNORECASE)), None)
        if revenue is None or income is None:
            continue
        years = [int(y) for y in re.findall(r"\b20\d\d\b", head + "\n".join(rows[:14]))]
        later = len(years) >= 2 and years[1] > years[0]

        def latest(row: str, later: bool = later) -> str:
            numbers = re.findall(r"\d[\d,]*\d|\d", row.split("$", 1)[-1] if "$" in row else
                                 re.sub(r"^[^\d(]*", "", row))
            return numbers[1] if later and len(numbers) > 1 else numbers[0]

        return {"revenue": latest(revenue), "net income": latest(income)}
    return None


def stated(value: str, summary: str) -> bool:
    """The figure as printed ("117,154") or in billions ("$117.2 billion")."""
    if re.search(rf"(?<![\d,.]){re.escape(value)}(?![\d,]|\.\d)", summary):
        return True
    number = int(value.replace(",", ""))
    return f"{number / 1000:.1f} billion" in summary or f"{number / 1000:.2f} billion" in summary


def measure(path: Path, result: dict, target: int) -> dict:
    pages = page_texts(path)
    summary = result["summary"]
    words = len(_WORD.findall(summary))
    bad, found = exhibit_share(summary, pages)
    figures = key_figures(pages) if path.parent == FILINGS else None
    within = abs(words - target) <= 0.2 * target
    says_short = words < target and re.search(r"document is short", summary) is not None
    row = {"words": words, "within": within, "honoured": within or says_short,
           "excluded": bad, "sentences": found, "seconds": result["seconds"],
           "error": result["error"]}
    if figures is not None:
        row["figures"] = {name: stated(value, summary) for name, value in figures.items()}
    return row


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker")
    parser.add_argument("--length", default="medium", choices=list(TARGETS))
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.worker:
        Path(args.worker).write_text(json.dumps(summarise_all(args.paths, args.length)))
        return 0
    if not FILINGS.is_dir():
        print(f"corpus not found at {FILINGS}")
        return 1
    paths = [*sorted(FILINGS.glob("*.pdf")), *[p for p in OTHERS if p.is_file()]]
    names = [str(p) for p in paths]
    target = TARGETS[args.length]
    print(f"{len(paths)} documents, length {args.length} ({target} words)")
    new = summarise_all(names, args.length)
    old = baseline(names, args.length)
    rows = {label: {p: measure(Path(p), results[p], target) for p in names}
            for label, results in (("new", new), ("main", old))}
    print(f"{'document':34} {'words new/main':>15} {'excl. new/main':>15} "
          f"{'rev+NI new/main':>16} {'s new/main':>12}")
    for path in names:
        n, o = rows["new"][path], rows["main"][path]

        def figs(row: dict) -> str:
            if "figures" not in row:
                return "—"
            return "".join("✓" if ok else "✗" for ok in row["figures"].values())

        def excl(row: dict) -> str:
            return f"{row['excluded']}/{row['sentences']}"
        print(f"{Path(path).name[:34]:34} {n['words']:>7}/{o['words']:<7} {excl(n):>7}/"
              f"{excl(o):<7} {figs(n):>8}/{figs(o):<7} {n['seconds']:>5.1f}/{o['seconds']:<5.1f}"
              + (f"  new error: {n['error']}" if n["error"] else "")
              + (f"  main error: {o['error']}" if o["error"] else ""))
    for label in ("new", "main"):
        measured = rows[label].values()
        filings = [r for r in measured if "figures" in r]
        both = sum(1 for r in filings if all(r["figures"].values()))
        within = sum(1 for r in filings if r["within"])
        honoured = sum(1 for r in measured if r["honoured"])
        excluded = sum(r["excluded"] for r in measured)
        sentences = sum(r["sentences"] for r in measured)
        seconds = sum(r["seconds"] for r in measured)
        print(f"{label:>4}: revenue and net income both stated in {both}/{len(filings)} filings"
              f" ({100 * both / max(len(filings), 1):.0f}%, target ≥ 80%); filings' length within"
              f" ±20% in {within}/{len(filings)} ({100 * within / max(len(filings), 1):.0f}%,"
              f" target ≥ 90%); all documents within ±20% or saying why they are too short"
              f" {honoured}/{len(measured)}; sentences from exhibits/certifications/signatures"
              f" {excluded}/{sentences}"
              f" ({100 * excluded / max(sentences, 1):.1f}%, target 0); total {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
