"""The alt-text reader and writer over the shared corpora: agreement, fixes, images, round trips.

Run: `.venv/bin/python benchmarks/alt_text_corpus.py`. Reads ../shared/corpus only; writes
nothing to disk. Takes about ten seconds (one 117-page sample file dominates).
"""

from __future__ import annotations

import json
import sys
import time
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from core.documents import DocumentError, extract_images, read_figure_alt_text, write_alt_texts
from core.documents._figures import find_figures

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
VERAPDF = CORPUS / "verapdf-alt-text"
SAMPLES = CORPUS / "pypdf-sample-files"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def describe(source: Path | bytes) -> dict[tuple[int, str], str]:
    return {image.key: f"Image {image.name} on page {image.page}"
            for image in extract_images(source)}


def old_copilot_keys(path: Path) -> dict[tuple[int, str], str]:
    """What main's image copilot offered to write: images of at least 32 px a side and 4096 px²
    (smaller ones were skipped as decoration, tagged figures or not)."""
    return {image.key: "A person's description" for image in extract_images(path)
            if min(image.width, image.height) >= 32 and image.width * image.height >= 4096}


def new_copilot_keys(path: Path) -> dict[tuple[int, str], str]:
    """What the copilot offers now: every tagged figure whatever its size, then the images."""
    return {figure.key: "A person's description" for figure in find_figures(path)
            if figure.tagged or not figure.artifact}


def fixable_through_the_copilot() -> None:
    cases = [case for case in rows(VERAPDF / "CASES.jsonl")
             if case["struct"]["figures"] > 0 and case["expected"] == "fail"]
    for label, keys in (("main's copilot", old_copilot_keys), ("this copilot", new_copilot_keys)):
        fixed = 0
        for case in cases:
            path = VERAPDF / case["path"]
            offered = keys(path)
            fixed += bool(offered) and read_figure_alt_text(write_alt_texts(path, offered)).passes
        print(f"  failing figure cases a person can fix through {label}: {fixed}/{len(cases)}")


def verapdf() -> None:
    cases = rows(VERAPDF / "CASES.jsonl")
    figure_cases = [case for case in cases if case["struct"]["figures"] > 0]
    agree, counts_agree, before, after, fixed, failing = 0, 0, 0, 0, 0, 0
    for case in cases:
        path = VERAPDF / case["path"]
        report = read_figure_alt_text(path)
        counts_agree += report.figures == case["struct"]["figures"]
        if case not in figure_cases:
            continue
        agree += report.passes == (case["expected"] == "pass")
        out = write_alt_texts(path, describe(path))
        after_report = read_figure_alt_text(out)
        same_pages = len(PdfReader(BytesIO(out)).pages) == len(PdfReader(path).pages)
        before += report.passes
        after += after_report.passes and same_pages
        if case["expected"] == "fail":
            failing += 1
            fixed += after_report.passes and same_pages
        if report.passes != (case["expected"] == "pass"):
            print(f"  disagreement: {case['path']} expected {case['expected']}, read {report}")
    print(f"veraPDF alt-text cases: {len(cases)} files, {len(figure_cases)} with figures")
    print(f"  reader verdict agrees with veraPDF on figure cases: {agree}/{len(figure_cases)}")
    print(f"  reader figure count matches CASES.jsonl: {counts_agree}/{len(cases)}")
    print(f"  figure cases passing the reader's check: before {before}/{len(figure_cases)},"
          f" after writing {after}/{len(figure_cases)}")
    print(f"  failing figure cases fixed by the writer: {fixed}/{failing}")


def samples() -> None:
    manifest = rows(SAMPLES / "MANIFEST.jsonl")
    found, expected, files, successes, opened = 0, 0, 0, 0, 0
    for row in manifest:
        path = SAMPLES / row["path"]
        survey = row["pypdf_survey"]
        start = time.perf_counter()
        try:
            images = extract_images(path)
        except DocumentError as exc:
            print(f"  {row['path']}: {exc}")
            continue
        opened += 1
        if not images:
            continue
        files += 1
        found += len(images)
        expected += survey.get("image_xobjects") or 0
        descriptions = {image.key: f"Image {image.name}" for image in images}
        out = write_alt_texts(path, descriptions)
        report = read_figure_alt_text(out)
        ok = (report.figures == report.with_alt == len(images) and report.tagged
              and len(PdfReader(BytesIO(out)).pages) == survey["pages"]
              and [image.key for image in extract_images(out)] == list(descriptions))
        successes += ok
        print(f"  {row['path']}: {len(images)} image(s) (survey {survey.get('image_xobjects')}"
              f" in {survey['pages_scanned']}/{survey['pages']} pages), round trip"
              f" {'ok' if ok else 'FAILED'}, {time.perf_counter() - start:.2f} s")
    print(f"pypdf sample files: {len(manifest)} files, {opened} open, {files} draw images")
    print(f"  images found: {found} (the pypdf survey counted {expected} over the pages it"
          " scanned; inline images are extra)")
    print(f"  alt-text round trips (every image a linked Figure with /Alt): {successes}/{files}")


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}")
        return 1
    start = time.perf_counter()
    verapdf()
    fixable_through_the_copilot()
    samples()
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
