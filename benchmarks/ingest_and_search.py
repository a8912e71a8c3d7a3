"""Ingestion speed against bare pypdf, search latency and retrieval quality on the 20 10-Q filings.

Run: `.venv/bin/python benchmarks/ingest_and_search.py`. Figures are ratios against baselines
measured in the same run, since the machines are shared and noisy.
"""

from __future__ import annotations

import sys
import time

from pypdf import PdfReader, apply_configuration

from benchmarks._common import SEC10Q_DOCS, engine_client, questions, summary_ms, upload_store
from engine.ingest._pdf import ARRAY_ELEMENT_LIMIT
from engine.search import search_stores


def bare_pypdf(paths: list) -> tuple[float, int]:
    """Seconds and pages for plain `extract_text` over every page, sequentially."""
    start, pages = time.perf_counter(), 0
    with apply_configuration(array_maximum_element_count=ARRAY_ELEMENT_LIMIT):
        for path in paths:
            for page in PdfReader(path).pages:
                page.extract_text()
                pages += 1
    return time.perf_counter() - start, pages


def top_files_hit_rate(conn, store_id: str, title_weight: float | None, k: int = 5) -> float:
    hits = 0
    qs = questions()
    for q in qs:
        kwargs = {} if title_weight is None else {"title_weight": title_weight}
        results = search_stores(conn, [store_id], [q["question"]], max_results=k, **kwargs)
        found = {r.filename for r in results}
        wanted = {d.rsplit("/", 1)[-1] for d in q["doc_files"]}
        hits += bool(found & wanted)
    return hits / len(qs)


def main() -> int:
    if not SEC10Q_DOCS.is_dir():
        print(f"corpus not found at {SEC10Q_DOCS}", file=sys.stderr)
        return 1
    paths = sorted(SEC10Q_DOCS.glob("*.pdf"))
    base_seconds, pages = bare_pypdf(paths)
    with engine_client() as client:
        start = time.perf_counter()
        store_id = upload_store(client, paths)
        ours = time.perf_counter() - start
        counts = client.get(f"/v1/vector_stores/{store_id}").json()["file_counts"]
        print(f"files: {len(paths)}, pages: {pages}, completed {counts['completed']},"
              f" failed {counts['failed']}")
        print(f"bare pypdf extract_text: {base_seconds:.2f} s ({pages / base_seconds:.1f} pages/s)")
        print(f"engine ingestion (upload + extract + chunk + index): {ours:.2f} s"
              f" ({pages / ours:.1f} pages/s) = {ours / base_seconds:.2f}x pypdf's time")

        latencies = []
        for q in questions():
            t0 = time.perf_counter()
            response = client.post(f"/v1/vector_stores/{store_id}/search",
                                   json={"query": q["question"], "max_num_results": 10})
            latencies.append(time.perf_counter() - t0)
            response.raise_for_status()
        print(f"search over 20 filings via HTTP (in-process), 195 questions: {summary_ms(latencies)}")

        conn = client.app.state.engine.db.read()  # type: ignore[attr-defined]
        ours_rate = top_files_hit_rate(conn, store_id, None)
        bm25_rate = top_files_hit_rate(conn, store_id, 0.0)
        print(f"answer file among top-5 results: ours {ours_rate:.1%}, plain BM25 {bm25_rate:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
