"""Every PDF of the broken-file corpora through the extractor pool: each yields text or a clear error.

Run: `.venv/bin/python benchmarks/ingest_robustness.py [--cpu-seconds S] [--workers N]
[--json OUT]`. Bounded: each file gets the engine's CPU budget (S plus 1 s per page, plus OCR's
per page). Prints counts by outcome and reason, the share of text-less PDFs that OCR made
searchable, and OCR time per page; `--json` writes each file's outcome, so two runs (another
checkout's code through PYTHONPATH, say) can be compared file by file. $TEST_CORPUS_DIR points at
the corpus when the checkout is not beside ../shared.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engine.ingest import Budget, ExtractionError, ExtractorPool
from engine.settings import EngineSettings

DEFAULT_MEMORY_MB = EngineSettings.model_fields["ingest_memory_mb"].default

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TEST_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
FOLDERS = [CORPUS / "qpdf-qtest", CORPUS / "pypdf-sample-files"]
BUDGET_PREFIX = "Stopped after"
NO_TEXT = ("No extractable text", "The PDF's fonts map to no readable text", "The PDF holds almost")
OCR_STATS: list[tuple[int, float]] = []  # (pages OCRed with text, seconds) of completed files


def outcome(pool: ExtractorPool, path: Path) -> tuple[Path, str, str, float]:
    """(path, kind, detail, seconds); kind is "ok", "ok after OCR", "over budget" or the code."""
    start = time.perf_counter()
    try:
        doc = pool.extract(path, path.name)
        kind, detail = "ok", f"{doc.page_count} pages, {doc.char_count} chars"
        if doc.ocr_pages:
            kind = "ok after OCR"
            OCR_STATS.append((doc.ocr_pages, doc.ocr_seconds))
    except ExtractionError as exc:
        over = exc.message.startswith(BUDGET_PREFIX)
        kind, detail = ("over budget" if over else exc.code), exc.message
    return path, kind, detail, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu-seconds", type=float, default=60.0, help="CPU seconds per file,"
                        " plus 1 s per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB,
                        help="per-child memory limit (default: the engine's)")
    parser.add_argument("--json", type=Path, help="write each file's outcome here")
    args = parser.parse_args()
    paths = sorted(p for folder in FOLDERS if folder.is_dir() for p in folder.rglob("*.pdf"))
    if not paths:
        print(f"no PDFs found under {CORPUS}; is ../shared/corpus checked out?")
        return 1
    pool = ExtractorPool(workers=args.workers, budget=Budget(cpu_seconds=args.cpu_seconds),
                         memory_limit_mb=args.memory_mb)
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=args.workers) as threads:
            results = list(threads.map(lambda path: outcome(pool, path), paths))
    finally:
        pool.close()
    total = time.perf_counter() - start

    if args.json:
        rows = [{"path": str(path.relative_to(CORPUS)), "kind": kind, "detail": detail,
                 "seconds": round(seconds, 3)} for path, kind, detail, seconds in results]
        args.json.write_text(json.dumps({"results": rows, "ocr": OCR_STATS}, indent=1))
    counts = Counter(kind for _, kind, _, _ in results)
    print(f"{len(results)} PDFs from {', '.join(f.name for f in FOLDERS)}")
    for kind, count in counts.most_common():
        print(f"  {kind:16} {count}")
    for kind in sorted(counts.keys() - {"ok"}):
        messages = Counter(_family(detail) for _, k, detail, _ in results if k == kind)
        print(f"\n{kind}: most common messages")
        for message, count in messages.most_common(6):
            print(f"  {count:4}  {message}")
    print("\nslowest files")
    for path, kind, _, seconds in sorted(results, key=lambda r: -r[3])[:8]:
        print(f"  {seconds:6.2f} s  {kind:12} {path.relative_to(CORPUS)}")
    textless = sum(1 for _, k, d, _ in results if k == "invalid_file" and d.startswith(NO_TEXT))
    ocred = counts["ok after OCR"]
    if ocred + textless:
        print(f"\ntext-less PDFs made searchable by OCR: {ocred} of {ocred + textless}"
              f" ({ocred / (ocred + textless):.0%})")
    pages = sum(n for n, _ in OCR_STATS)
    if pages:
        seconds = sum(s for _, s in OCR_STATS)
        print(f"OCR: {pages} pages in {seconds:.1f} s, {seconds / pages:.2f} s per page")
    crashes = [r for r in results if "crash" in r[2].lower() or r[1] == "server_error"]
    print(f"crashes or failures of ours: {len(crashes)}")
    for path, _, detail, _ in crashes[:10]:
        print(f"  {path.relative_to(CORPUS)}: {detail}")
    print(f"\ntotal {total:.1f} s with {args.workers} workers, budget {args.cpu_seconds:g} s of CPU"
          f" per file + 1 s per page, {args.memory_mb} MB per child")
    return 0


def _family(message: str) -> str:
    """A message without its exception details, so alike failures count together."""
    return message.split(" (", 1)[0]


if __name__ == "__main__":
    raise SystemExit(main())
