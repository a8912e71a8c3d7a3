"""Optional OCR with RapidOCR (PyPI `rapidocr-onnxruntime`, models inside the wheel, offline).

When the package is missing or fails to load, `ocr_available()` is False and `ocr_image`
returns nothing: OCR is an extra, never a requirement.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from typing import Any

from PIL import Image

__all__ = ["OcrLine", "ocr_available", "ocr_image"]

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_engine: Any = None
_tried = False


@dataclass(frozen=True)
class OcrLine:
    """One recognised line of text, its confidence (0-1) and its corner points in pixels."""

    text: str
    confidence: float
    box: tuple[tuple[float, float], ...]


def ocr_available() -> bool:
    """True when the OCR model is installed and loads."""
    return _load() is not None


def ocr_image(data: bytes) -> list[OcrLine]:
    """Text lines found in an encoded image, top to bottom; empty when OCR is unavailable."""
    engine = _load()
    if engine is None:
        return []
    image = Image.open(io.BytesIO(data))
    image.load()
    rgb = image.convert("RGB")
    # RapidOCR keeps per-call state on the shared engine, so calls take turns.
    with _lock:
        result, _ = engine(rgb)
    return [
        OcrLine(str(text), float(confidence), tuple((float(x), float(y)) for x, y in box))
        for box, text, confidence in result or []
    ]


def _load() -> Any:
    """The shared RapidOCR engine, loaded on first use; None if it can't be."""
    global _engine, _tried
    with _lock:
        if not _tried:
            _tried = True
            try:
                from rapidocr_onnxruntime import RapidOCR

                # "max" stops the detector from upscaling small images to 736 px on their
                # short side, which made a 480x120 image take ~1.5 s instead of ~0.1 s.
                _engine = RapidOCR(det_limit_type="max")
            except Exception:  # ImportError, or a missing system library under cv2/onnxruntime
                logger.info("OCR unavailable: rapidocr_onnxruntime did not load", exc_info=True)
        return _engine
