"""PDF export of a 10-turn conversation: the cached font instances against the old cold path.

The old path cut Noto Sans' variable font into regular and bold (fontTools) inside every export;
now the instances are cut once, kept on disk and remembered per process. Same run, same
conversation (10 questions, answers of ~150 words with citations):
- before: every export instantiates the variable font (the fallback path, forced here);
- now, first export on a machine (empty font cache: the one-time cut);
- now, first export of a new process (instances on disk);
- now, exports in a warm process: p50/p95.
Run: `.venv/bin/python benchmarks/export_speed.py [warm exports]`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import summary_ms

from app.conversation import Turn, export_conversation
from core.copilots import Citation
from core.documents import _export_pdf, _fonts

ROOT = Path(__file__).resolve().parents[1]
ANSWER = ("Americas net sales decreased during the first quarter of 2023 compared to the same"
          " quarter in 2022 due primarily to lower net sales of iPhone and Mac, partially offset"
          " by higher net sales of Services and iPad. The weakness of foreign currencies relative"
          " to the U.S. dollar had an unfavourable year-over-year impact — about 4% — on net"
          " sales; gross margin was 43.0% (€, £ and ¥ figures converted). ")


def conversation() -> list[Turn]:
    turns: list[Turn] = []
    for n in range(1, 11):
        turns.append(Turn("user", f"Question {n}: why did net sales change in segment {n}?"))
        turns.append(Turn("assistant", ANSWER * 2 + f"[1][2] (turn {n})", [
            Citation("file-1", "2023 Q1 AAPL.pdf", 18 + n, ANSWER[:120]),
            Citation("file-1", "2023 Q1 AAPL.pdf", 19 + n, ANSWER[120:240])]))
    return turns


def timed(turns: list[Turn]) -> float:
    start = time.perf_counter()
    data = export_conversation(turns, "pdf", "PDF Copilot conversation")
    elapsed = time.perf_counter() - start
    assert data.startswith(b"%PDF")
    return elapsed


def fresh_process(cache: str) -> float:
    """One export in a new interpreter that uses `cache` (the time of the export alone)."""
    code = ("import sys; sys.path[:0] = [{root!r}, {bench!r}];"
            " from export_speed import conversation, timed; print(timed(conversation()))"
            ).format(root=str(ROOT), bench=str(ROOT / "benchmarks"))
    env = {**os.environ, _fonts.FONT_CACHE_ENV: cache}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    warm_runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    fonts = _fonts.find_fonts()
    print(f"body font: {fonts.regular} ({fonts.origin}, variable: {fonts.variable})")
    turns = conversation()
    with tempfile.TemporaryDirectory() as cache:
        def no_cache(*args: object) -> Path:
            raise OSError("benchmark: the old path, instantiating inside the export")

        real = _export_pdf.static_instance
        _export_pdf.static_instance = no_cache  # type: ignore[assignment]
        before = [timed(turns) for _ in range(2)]
        _export_pdf.static_instance = real

        first_ever = fresh_process(cache)  # empty cache: cuts and stores the instances
        new_process = [fresh_process(cache) for _ in range(3)]
        os.environ[_fonts.FONT_CACHE_ENV] = cache
        timed(turns)
        warm = [timed(turns) for _ in range(warm_runs)]

    print(f"\n10-turn conversation as PDF ({len(turns)} messages)")
    print(f"before (font instantiated in every export): {summary_ms(before)}")
    print(f"now, first export on a machine (one-time cut, then on disk): {first_ever * 1000:.0f} ms")
    print(f"now, first export of a new process:           {summary_ms(new_process)}")
    print(f"now, warm process:                            {summary_ms(warm)}")
    best_before = min(before)
    print(f"speed-up per export: {best_before / max(new_process):.0f}x (new process, worst),"
          f" {best_before / sorted(warm)[len(warm) // 2]:.0f}x (warm p50);"
          f" target < 1 s: {'met' if max(new_process + warm) < 1 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
