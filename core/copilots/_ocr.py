"""Local OCR with RapidOCR (PyPI `rapidocr-onnxruntime`: its models ship inside the wheel).

Loaded on first use, shared, and called one at a time (the engine object keeps per-call state).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

from core.copilots._errors import OcrUnavailableError

__all__ = ["OcrLine", "recognize_lines", "recognize_text"]

# Pages scanned at 200-300 dpi are 1700-3500 px tall; the detector works on the image scaled so
# its longer side is at most this, which keeps body text legible and a page under a few seconds.
_DETECTION_MAX_SIDE = 2048
_MIN_CONFIDENCE = 0.5
_lock = threading.Lock()
_engine: Any = None
_load_error: str | None = None


@dataclass(frozen=True)
class OcrLine:
    """A recognised line, its confidence (0-1) and the top-left corner of its box in pixels."""

    text: str
    confidence: float
    left: float
    top: float


def recognize_lines(data: bytes) -> list[OcrLine]:
    """The lines of text in an encoded image, in reading order (top to bottom, left to right)."""
    engine = _load()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb = image.convert("RGB")
    with _lock:
        result, _ = engine(rgb)
    lines = [
        OcrLine(str(text).strip(), float(score), min(x for x, _ in box), min(y for _, y in box))
        for box, text, score in result or []
        if str(text).strip() and float(score) >= _MIN_CONFIDENCE
    ]
    # Boxes on one line differ by a few pixels in `top`; bucket them by half a line height.
    height = max(rgb.height, 1) / 200
    return sorted(lines, key=lambda line: (round(line.top / max(height, 1.0)), line.left))


def recognize_text(data: bytes) -> str:
    """The text of an encoded image, one recognised line per line."""
    return "\n".join(line.text for line in recognize_lines(data))


def _load() -> Any:
    global _engine, _load_error
    with _lock:
        if _engine is None and _load_error is None:
            try:
                from rapidocr_onnxruntime import RapidOCR

                _engine = RapidOCR(det_limit_type="max", det_limit_side_len=_DETECTION_MAX_SIDE)
            except Exception as exc:  # ImportError, or a system library missing under cv2
                _load_error = f"{type(exc).__name__}: {exc}"
        if _engine is None:
            raise OcrUnavailableError(
                f"local OCR needs the rapidocr-onnxruntime package and its model ({_load_error})"
            )
        return _engine
