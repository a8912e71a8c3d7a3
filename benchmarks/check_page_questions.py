"""Re-verify benchmarks/data/page_questions.jsonl against the PDFs with pypdf; exit 1 on any mismatch.

Each entry's evidence must occur on exactly the entry's pages of its file (whitespace-insensitive,
figures matched whole), and the question must not quote its evidence.
Run: `python benchmarks/check_page_questions.py`.
"""

from __future__ import annotations

import collections
import json
import sys

from _common import PAGE_QUESTIONS, SEC10Q_DOCS, evidence_pages, pdf_page_texts, squash

FIELDS = {"file", "question", "pages", "evidence"}


def problems(rows: list[dict]) -> list[str]:
    found: list[str] = []
    texts: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        where = f"line {number} ({row.get('file')!r}: {row.get('question')!r})"
        missing = FIELDS - row.keys()
        if missing:
            found.append(f"{where}: missing {sorted(missing)}")
            continue
        path = SEC10Q_DOCS / row["file"]
        if not path.is_file():
            found.append(f"{where}: no such file {path}")
            continue
        if row["file"] not in texts:
            texts[row["file"]] = pdf_page_texts(path, cached=False)
        actual = evidence_pages(row["evidence"], texts[row["file"]])
        if actual != sorted(row["pages"]):
            found.append(f"{where}: evidence {row['evidence']!r} is on pages {actual},"
                         f" the entry says {row['pages']}")
        if squash(row["evidence"]) in squash(row["question"]):
            found.append(f"{where}: the question quotes its evidence")
    return found


def main() -> int:
    rows = [json.loads(line) for line in PAGE_QUESTIONS.read_text().splitlines() if line.strip()]
    found = problems(rows)
    for line in found:
        print("MISMATCH", line)
    per_file = collections.Counter(row["file"] for row in rows)
    kinds = collections.Counter(row.get("kind", "?") for row in rows)
    print(f"{len(rows)} entries, {len(per_file)} files ({min(per_file.values())}–"
          f"{max(per_file.values())} each), kinds {dict(kinds)}: {len(found)} mismatches")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
