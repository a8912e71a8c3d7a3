"""The app's house rules, checked: thin pages, keyed widgets, documented settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from app_helpers import PROJECT_ROOT

from core.settings import AppSettings

UI_FILES = sorted([PROJECT_ROOT / "streamlit_app.py", *(PROJECT_ROOT / "screens").glob("*.py"),
                   *(PROJECT_ROOT / "app").rglob("*.py")])
WIDGETS = {"button", "download_button", "file_uploader", "selectbox", "text_input", "text_area",
           "number_input", "slider", "checkbox", "toggle", "radio", "multiselect", "chat_input",
           "segmented_control", "form_submit_button", "select_slider", "pills", "data_editor"}


def _calls(path: Path) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_widget_has_a_key(path: Path):
    unkeyed = [f"{path.name}:{call.lineno} {call.func.attr}" for call in _calls(path)
               if isinstance(call.func, ast.Attribute) and call.func.attr in WIDGETS
               and not any(keyword.arg == "key" for keyword in call.keywords)]
    assert not unkeyed


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "screens").glob("*.py")),
                         ids=lambda p: p.name)
def test_pages_stay_thin(path: Path):
    tree = ast.parse(path.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not imported & {"httpx", "engine", "pypdf"}
    assert len(path.read_text().splitlines()) <= 80


def test_session_keys_live_in_app_state():
    literal_keys = []
    for path in UI_FILES:
        for call in _calls(path):
            for keyword in call.keywords:
                if keyword.arg == "key" and isinstance(keyword.value, ast.Constant):
                    literal_keys.append(f"{path.name}:{call.lineno}")
    assert not literal_keys, "use the names in app/state.py"


def test_every_setting_is_documented():
    docs = (PROJECT_ROOT / "README.md").read_text()
    for name in AppSettings.model_fields:
        assert f"PDF_COPILOT_{name.upper()}" in docs, name
