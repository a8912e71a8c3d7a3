"""Progress bars that copilots' `on_progress(done, total, stage)` callbacks can drive."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.copilots import ProgressCallback

STAGES = {"reading": "Reading", "summarising": "Summarising part", "combining": "Combining part",
          "describing": "Describing image"}


def progress_bar(first_text: str) -> ProgressCallback:
    """Show a bar now; the returned callback moves it and names the stage."""
    bar = st.progress(0.0, text=first_text)

    def update(done: int, total: int, stage: str) -> None:
        label = STAGES.get(stage, stage.capitalize())
        bar.progress(_fraction(done, total), text=f"{label} {done} of {total}")

    return update


def stage_bars(labels: Mapping[str, str]) -> ProgressCallback:
    """A bar per stage, shown when the stage first reports, e.g. one for uploads, one for
    indexing; `labels[stage]` is formatted with `done` and `total`."""
    bars: dict[str, DeltaGenerator] = {}

    def update(done: int, total: int, stage: str) -> None:
        template = labels.get(stage, stage.capitalize() + " {done} of {total}")
        text, fraction = template.format(done=done, total=total), _fraction(done, total)
        if stage in bars:
            bars[stage].progress(fraction, text=text)
        else:
            bars[stage] = st.progress(fraction, text=text)

    return update


def _fraction(done: int, total: int) -> float:
    return min(done / total, 1.0) if total else 1.0
