"""Ingestion speed against bare pypdf and bare PDFium, search latency and retrieval quality on the
20 10-Q filings; then the 784-page PDF of 15 filings joined with qpdf, ingested whole.

Run: `.venv/bin/python benchmarks/ingest_and_search.py`. Figures are ratios against baselines
measured in the same run, since the machines are shared and noisy. Ingestion is timed from the
first upload to every file `completed`; the baselines are single-process text extraction of
every page, pypdf `extract_text` and pypdfium2 `get_text_range`.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2
from _common import SEC10Q_DOCS, engine_client, questions, summary_ms, upload_store
from pypdf import PdfReader, PdfWriter, apply_configuration

from core.pdf import ARRAY_ELEMENT_LIMIT
from engine.search import query_terms, search_stores

JOINED_FILINGS = 15  # the first 15 filings by name: 784 pages, as in issue 9


def bare_pypdf(paths: list) -> tuple[float, int]:
    """Seconds and pages for plain `extract_text` over every page, sequentially."""
    start, pages = time.perf_counter(), 0
    with apply_configuration(array_maximum_element_count=ARRAY_ELEMENT_LIMIT):
        for path in paths:
            for page in PdfReader(path).pages:
                page.extract_text()
                pages += 1
    return time.perf_counter() - start, pages


def bare_pdfium(paths: list) -> tuple[float, int]:
    """Seconds and pages for plain PDFium text extraction over every page, sequentially."""
    start, pages = time.perf_counter(), 0
    for path in paths:
        document = pypdfium2.PdfDocument(path)
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        document.close()
    return time.perf_counter() - start, pages


def joined_pdf(paths: list[Path], out: Path) -> str:
    """The filings joined into one PDF, with qpdf where installed (else pypdf); how it was made."""
    if shutil.which("qpdf"):
        subprocess.run(["qpdf", "--empty", "--pages", *map(str, paths), "--", str(out)],
                       check=True)
        return "qpdf"
    writer = PdfWriter()
    with apply_configuration(array_maximum_element_count=ARRAY_ELEMENT_LIMIT):
        for path in paths:
            writer.append(str(path))
        writer.write(out)
    return "pypdf (qpdf not installed)"


def hit_rate(top_files: Callable[[str], set[str]]) -> float:
    """Share of the 195 questions whose answer file is among the files of the top-5 chunks."""
    qs = questions()
    wanted = [{d.rsplit("/", 1)[-1] for d in q["doc_files"]} for q in qs]
    return sum(bool(top_files(q["question"]) & w) for q, w in zip(qs, wanted, strict=True)) / len(qs)


def engine_top_files(conn: sqlite3.Connection, store_id: str, k: int = 5) -> Callable[[str], set[str]]:
    return lambda q: {h.filename for h in search_stores(conn, [store_id], [q], max_results=k)}


def plain_bm25_top_files(conn: sqlite3.Connection, k: int = 5) -> Callable[[str], set[str]]:
    """The baseline: SQLite FTS5 BM25 over the same chunk texts and nothing else."""
    conn.execute("CREATE VIRTUAL TABLE temp.plain_bm25 USING fts5(body, tokenize = 'porter unicode61')")
    conn.execute("INSERT INTO temp.plain_bm25 (rowid, body) SELECT id, text FROM chunks")

    def top(question: str) -> set[str]:
        terms = query_terms(question)
        rows = conn.execute(
            "SELECT f.filename FROM plain_bm25 p JOIN chunks c ON c.id = p.rowid"
            " JOIN files f ON f.id = c.file_id WHERE plain_bm25 MATCH ? ORDER BY bm25(plain_bm25)"
            " LIMIT ?", (" OR ".join(f'"{t}"' for t in terms), k)).fetchall()
        return {r[0] for r in rows}

    return top


def main() -> int:
    if not SEC10Q_DOCS.is_dir():
        print(f"corpus not found at {SEC10Q_DOCS}", file=sys.stderr)
        return 1
    paths = sorted(SEC10Q_DOCS.glob("*.pdf"))
    base_seconds, pages = bare_pypdf(paths)
    pdfium_seconds, _ = bare_pdfium(paths)
    with engine_client(ingest_workers=1) as client:
        start = time.perf_counter()
        upload_store(client, paths)
        single = time.perf_counter() - start
    with engine_client() as client:
        start = time.perf_counter()
        store_id = upload_store(client, paths)
        ours = time.perf_counter() - start
        counts = client.get(f"/v1/vector_stores/{store_id}").json()["file_counts"]
        print(f"files: {len(paths)}, pages: {pages}, completed {counts['completed']},"
              f" failed {counts['failed']}")
        print(f"bare pypdf extract_text, 1 process: {base_seconds:.2f} s"
              f" ({pages / base_seconds:.1f} pages/s)")
        print(f"bare PDFium text, 1 process: {pdfium_seconds:.2f} s"
              f" ({pages / pdfium_seconds:.1f} pages/s) = {pdfium_seconds / base_seconds:.3f}x"
              " pypdf's time")
        for label, seconds in (("1 extraction worker", single), ("2 workers (default)", ours)):
            print(f"engine ingestion (upload -> completed), {label}: {seconds:.2f} s"
                  f" ({pages / seconds:.1f} pages/s) = {seconds / base_seconds:.3f}x pypdf's"
                  f" time (target <= 0.10x), {seconds / pdfium_seconds:.2f}x PDFium's"
                  " (target <= 1.5x)")

        latencies = []
        for q in questions():
            t0 = time.perf_counter()
            response = client.post(f"/v1/vector_stores/{store_id}/search",
                                   json={"query": q["question"], "max_num_results": 10})
            latencies.append(time.perf_counter() - t0)
            response.raise_for_status()
        print(f"search over 20 filings via HTTP (in-process), 195 questions: {summary_ms(latencies)}")

        db_path = client.app.state.engine.db.path  # type: ignore[attr-defined]
        conn = sqlite3.connect(db_path)
        ours_rate = hit_rate(engine_top_files(client.app.state.engine.db.read(), store_id))  # type: ignore[attr-defined]
        bm25_rate = hit_rate(plain_bm25_top_files(conn))
        print(f"answer file among top-5 results: ours {ours_rate:.1%}, plain BM25 {bm25_rate:.1%}")

    with tempfile.TemporaryDirectory() as tmp:
        joined = Path(tmp) / "joined filings.pdf"
        how = joined_pdf(paths[:JOINED_FILINGS], joined)
        joined_seconds, joined_pages = bare_pdfium([joined])
        with engine_client() as client:
            start = time.perf_counter()
            store_id = upload_store(client, [joined], timeout=3600)
            seconds = time.perf_counter() - start
            body = client.get(f"/v1/vector_stores/{store_id}/files").json()["data"][0]
        size = joined.stat().st_size / 1e6
        print(f"joined PDF ({how}): {JOINED_FILINGS} filings, {joined_pages} pages, {size:.0f} MB:"
              f" {body['status']} in {seconds:.2f} s upload -> completed"
              f" ({joined_pages / seconds:.1f} pages/s); bare PDFium {joined_seconds:.2f} s"
              + (f"; last_error {body['last_error']}" if body["last_error"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
