"""Every PDF of the robustness corpora through the app's page renderer: a page or a reason.

For each file of ../shared/corpus/qpdf-qtest and pypdf-sample-files: count its pages and draw
page 1 with a quote, in the PageRenderer child as the Chat screen does. Each must end with an
image or a DocumentError/ValueError with a message; anything else, or a hang past the
renderer's limit, is a failure. Prints the counts and the slowest files.
Run: `.venv/bin/python benchmarks/render_robustness.py [max files]`.
"""

from __future__ import annotations

import collections
import os
import sys
import time
from pathlib import Path

from core.documents import DocumentError, PageRenderer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TEST_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")


def main() -> int:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    paths = sorted([*(CORPUS / "qpdf-qtest").rglob("*.pdf"),
                    *(CORPUS / "pypdf-sample-files").rglob("*.pdf")])[:limit]
    renderer = PageRenderer(timeout_seconds=20)
    outcomes: collections.Counter[str] = collections.Counter()
    reasons: collections.Counter[str] = collections.Counter()
    slow: list[tuple[float, str]] = []
    unexpected: list[str] = []
    start_all = time.perf_counter()
    for path in paths:
        data = path.read_bytes()
        start = time.perf_counter()
        try:
            count = renderer.count_pages(data)
            renderer.render(data, 1, quote="the", width_px=1200, trim_margins=True)
            outcomes[f"drawn ({'1 page' if count == 1 else 'pages'})"] += 1
        except (DocumentError, ValueError) as exc:
            outcomes["refused with a reason"] += 1
            reasons[str(exc).split("(")[0].strip()[:90]] += 1
        except Exception as exc:  # a defect: the app would show a traceback
            unexpected.append(f"{path.name}: {exc!r}")
        slow.append((time.perf_counter() - start, path.name))
    renderer.close()
    print(f"{len(paths)} PDFs in {time.perf_counter() - start_all:.0f} s: {dict(outcomes)}")
    for reason, n in reasons.most_common(8):
        print(f"  {n:4d}  {reason}")
    print("slowest:", ", ".join(f"{name} {seconds:.1f} s" for seconds, name in
                                sorted(slow, reverse=True)[:5]))
    print(f"unexpected errors: {len(unexpected)}", *unexpected[:10], sep="\n  ")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
