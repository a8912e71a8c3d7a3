"""Language models behind the engine: the built-in extractive model and its OCR helper."""

from engine.llm.local import (
    LOCAL_MODEL_ID,
    NO_ANSWER,
    Citation,
    ExtractiveAnswer,
    Source,
    answer_chat,
    answer_from_sources,
    count_prompt_tokens,
    describe_image,
)
from engine.llm.ocr import OcrLine, ocr_available, ocr_image

__all__ = [
    "LOCAL_MODEL_ID",
    "NO_ANSWER",
    "Citation",
    "ExtractiveAnswer",
    "OcrLine",
    "Source",
    "answer_chat",
    "answer_from_sources",
    "count_prompt_tokens",
    "describe_image",
    "ocr_available",
    "ocr_image",
]
