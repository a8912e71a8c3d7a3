"""Cited-page preview: time to render a page with its quote highlighted, against the old preview.

For each filing, pages spread over the document are rendered as the Chat screen does
(1000 px wide, margins trimmed, a quote taken from the page's own text highlighted, in the
PageRenderer child process): p50/p95 per page; also in-process and without a highlight. Baseline in the same run: the old text preview, which read the whole document with
pypdf (`read_pdf_pages`) the first time a citation of it was opened.
Run: `.venv/bin/python benchmarks/page_render.py [N filings] [pages per filing]`.
$TEST_CORPUS_DIR points at the corpus when the checkout is not beside ../shared.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from _common import percentile, summary_ms

from core.documents import PageRenderer, count_pdf_pages, read_pdf_pages, render_page

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TEST_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
DOCS = CORPUS / "docugami-sec10q" / "sec-10-q" / "data" / "v1" / "docs"
WIDTH_PX = 1000  # app/preview.py PAGE_WIDTH_PX


def quote_of(text: str) -> str:
    """About 200 characters from the middle of the page, as a citation would quote."""
    words = text.split()
    middle = len(words) // 2
    return " ".join(words[max(0, middle - 15):middle + 15])


def main() -> int:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    per_file = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    paths = sorted(DOCS.glob("*.pdf"))[:files]
    if not paths:
        print(f"no filings in {DOCS}")
        return 1
    renders, in_process, plain, whole_doc_reads, found, tried = [], [], [], [], 0, 0
    pypdf_full, pypdf_part, pypdf_share, pypdf_tried = 0, 0, [], 0
    renderer = PageRenderer()
    start = time.perf_counter()
    renderer.start()
    child_start = time.perf_counter() - start
    for path in paths:
        data = path.read_bytes()
        count = count_pdf_pages(data)
        numbers = sorted({1 + i * (count - 1) // max(per_file - 1, 1) for i in range(per_file)})
        for number in numbers:
            text = render_page(data, number, width_px=16).text  # the page's text, cheaply
            quote = quote_of(text)
            start = time.perf_counter()
            page = renderer.render(data, number, quote=quote, width_px=WIDTH_PX,
                                   trim_margins=True)
            renders.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_page(data, number, quote=quote, width_px=WIDTH_PX, trim_margins=True)
            in_process.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_page(data, number, width_px=WIDTH_PX)
            plain.append(time.perf_counter() - start)
            if quote:
                tried += 1
                found += page.highlights > 0 and page.matched_chars == page.quote_chars
        start = time.perf_counter()
        pypdf_pages = read_pdf_pages(data)
        whole_doc_reads.append(time.perf_counter() - start)
        for number in numbers:  # quotes as the engine cites them today: from pypdf's text
            quote = quote_of(pypdf_pages[number - 1].text)
            if not quote:
                continue
            page = render_page(data, number, quote=quote, width_px=16)
            pypdf_tried += 1
            pypdf_full += page.matched_chars == page.quote_chars
            pypdf_part += 0 < page.matched_chars < page.quote_chars
            pypdf_share.append(page.matched_chars / page.quote_chars)
        print(f"{path.name}: {count} pages, rendered {len(numbers)}", flush=True)

    print(f"\n{len(paths)} filings, {len(renders)} pages at {WIDTH_PX} px")
    renderer.close()
    print(f"page with highlight, renderer child (the preview): {summary_ms(renders)}")
    print(f"  the same in-process:              {summary_ms(in_process)}")
    print(f"  in-process without highlight:     {summary_ms(plain)}")
    print(f"renderer child start (once per app process, at app start): {child_start:.2f} s")
    print(f"quote from PDFium's text found and fully highlighted: {found} of {tried} pages")
    print(f"quote from pypdf's text (the engine's today): fully {pypdf_full}, partly"
          f" {pypdf_part} of {pypdf_tried} pages; characters found p50"
          f" {percentile(pypdf_share, 50):.0%}, mean {sum(pypdf_share) / max(len(pypdf_share), 1):.0%}")
    print(f"old preview, first open (pypdf reads the whole filing): {summary_ms(whole_doc_reads)}")
    p95 = percentile(renders, 95)
    print(f"target p95 <= 300 ms: {'met' if p95 <= 0.3 else 'NOT met'} ({p95 * 1000:.0f} ms);"
          f" first open {percentile(whole_doc_reads, 50) / percentile(renders, 50):.0f}x faster"
          " than the old preview (p50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
