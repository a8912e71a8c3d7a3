"""Paths and small helpers shared by the app's tests (a module of its own: every test folder
has a conftest.py, so importing from "conftest" would be ambiguous)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = PROJECT_ROOT / "streamlit_app.py"
# ../shared/corpus beside the checkout; $TEST_CORPUS_DIR for a checkout elsewhere (a worktree).
CORPUS = Path(os.environ.get("TEST_CORPUS_DIR") or PROJECT_ROOT.parent / "shared" / "corpus")
AAPL_10Q = CORPUS / "docugami-sec10q" / "sec-10-q" / "data" / "v1" / "docs" / "2023 Q1 AAPL.pdf"
PASSWORD_PDF = CORPUS / "pypdf-sample-files" / "005-libreoffice-writer-password" / \
    "libreoffice-writer-password.pdf"
IMAGE_PDF = CORPUS / "pypdf-sample-files" / "003-pdflatex-image" / "pdflatex-image.pdf"
IMAGE_JPG = CORPUS / "pypdf-sample-files" / "003-pdflatex-image" / "image.jpg"
RUN_TIMEOUT = 120.0


def corpus_file(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"corpus file not found: {path}")
    return path


def errors(at: AppTest) -> list[str]:
    return [shown(str(element.value)) for element in at.error]


def texts(at: AppTest) -> str:
    """Every markdown, caption and alert text of the page, for loose assertions."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.success]
    return shown("\n".join(str(p) for p in parts))


def shown(markdown: str) -> str:
    """Markdown source as a reader sees it: the backslash escapes of app.render.inert undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
