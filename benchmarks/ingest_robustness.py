"""Every PDF of the broken-file corpora through the extractor pool: each yields text or a clear error.

Run: `.venv/bin/python benchmarks/ingest_robustness.py [--timeout S] [--workers N]`. Bounded:
no file gets more than --timeout seconds, so the run takes at most files x timeout / workers.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engine.ingest import ExtractionError, ExtractorPool

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FOLDERS = [CORPUS / "qpdf-qtest", CORPUS / "pypdf-sample-files"]
TIMEOUT_PREFIX = "Gave up after"


def outcome(pool: ExtractorPool, path: Path) -> tuple[Path, str, str, float]:
    """(path, kind, detail, seconds); kind is "ok", "timed out" or the error code."""
    start = time.perf_counter()
    try:
        doc = pool.extract(path, path.name)
        kind, detail = "ok", f"{doc.page_count} pages, {doc.char_count} chars"
    except ExtractionError as exc:
        timed_out = exc.message.startswith(TIMEOUT_PREFIX)
        kind, detail = ("timed out" if timed_out else exc.code), exc.message
    return path, kind, detail, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per file")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-mb", type=int, default=1024)
    args = parser.parse_args()
    paths = sorted(p for folder in FOLDERS if folder.is_dir() for p in folder.rglob("*.pdf"))
    if not paths:
        print(f"no PDFs found under {CORPUS}; is ../shared/corpus checked out?")
        return 1
    pool = ExtractorPool(
        workers=args.workers, timeout_seconds=args.timeout, memory_limit_mb=args.memory_mb
    )
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=args.workers) as threads:
            results = list(threads.map(lambda path: outcome(pool, path), paths))
    finally:
        pool.close()
    total = time.perf_counter() - start

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
    print(f"\ntotal {total:.1f} s with {args.workers} workers, timeout {args.timeout:g} s per file")
    return 0


def _family(message: str) -> str:
    """A message without its exception details, so alike failures count together."""
    return message.split(" (", 1)[0]


if __name__ == "__main__":
    raise SystemExit(main())
