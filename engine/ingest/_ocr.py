"""OCR of one PDF page inside an extraction child: PDFium renders it, RapidOCR reads it.

RapidOCR (PyPI `rapidocr-onnxruntime`, models inside the wheel) loads on the first page that
needs it, once per child. Its detector works on the page scaled so that its longer side is at
most `DETECTION_MAX_SIDE`, which keeps body text legible and a page at a few seconds of CPU.
"""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium

from core.pdf import pdfium_lock

DETECTION_MAX_SIDE = 2048
MIN_CONFIDENCE = 0.5
_engine: Any = None


class OcrUnavailable(Exception):
    """The OCR model is not installed or does not load."""


def ocr_page(document: pdfium.PdfDocument, index: int, *, dpi: int, max_side: int) -> str:
    """The recognised text of page `index` (0-based), lines in reading order."""
    engine = _load()
    with pdfium_lock:
        page = document[index]
        try:
            width, height = page.get_size()
            scale = min(dpi / 72, max_side / max(width, height, 1.0))
            image = page.render(scale=scale, grayscale=True).to_pil().convert("RGB")
        finally:
            page.close()
    result, _ = engine(image)
    lines = [
        (min(y for _, y in box), min(x for x, _ in box), str(text).strip())
        for box, text, score in result or []
        if str(text).strip() and float(score) >= MIN_CONFIDENCE
    ]
    # Boxes of one line differ by a few pixels in their top; bucket them by a line's height.
    bucket = max(image.height / 200, 1.0)
    lines.sort(key=lambda line: (round(line[0] / bucket), line[1]))
    return "\n".join(text for _, _, text in lines)


def _load() -> Any:
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR(det_limit_type="max", det_limit_side_len=DETECTION_MAX_SIDE,
                               intra_op_num_threads=1, inter_op_num_threads=1)
        except Exception as exc:  # ImportError, or a system library missing under cv2
            raise OcrUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return _engine
