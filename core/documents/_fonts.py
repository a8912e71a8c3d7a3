"""Finding Unicode TrueType fonts for PDF export, without downloading anything.

Body text, in this order of preference:
1. the path in $PDF_COPILOT_FONT (and $PDF_COPILOT_FONT_BOLD for headings, if set), or
   "helvetica" there to embed no font at all;
2. a font shipped by an installed Python package: `fontpkg-noto-sans` (Noto Sans, one variable
   TTF that gives regular and bold) or `ttf-opensans` (Open Sans, static TTFs);
3. Debian's packages: DejaVu Sans (fonts-dejavu-core), Noto Sans, Liberation Sans;
4. none: the PDF uses the core Helvetica font, and characters outside Windows-1252 are replaced.

CJK fallback (used for characters the body font lacks): $PDF_COPILOT_CJK_FONT, else Debian's
Droid Sans Fallback (fonts-droid-fallback), WenQuanYi, or Noto CJK. TrueType outlines come
first: pypdf (and so our own engine) reads fpdf2's embedding of CFF-based OpenType fonts with a
NUL before every character, while viewers show it fine.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

FONT_ENV = "PDF_COPILOT_FONT"
BOLD_FONT_ENV = "PDF_COPILOT_FONT_BOLD"
CJK_FONT_ENV = "PDF_COPILOT_CJK_FONT"
CORE_FONT_NAMES = {"helvetica", "core"}  # $PDF_COPILOT_FONT value that asks for no embedding

# (package, regular file, bold file or None when the regular file is a variable font)
PACKAGED_FONTS = [
    ("fontpkg_noto_sans", "files/NotoSans[wdth,wght].ttf", None),
    ("ttf_opensans", "ttf/OpenSans-Regular.ttf", "ttf/OpenSans-Bold.ttf"),
]
SYSTEM_FONTS = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
     "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
]
SYSTEM_CJK_FONTS = [
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]


@dataclass(frozen=True)
class FontChoice:
    """The fonts an export will embed; `regular` None means core Helvetica."""

    regular: Path | None
    bold: Path | None  # None: synthesise bold from a variable `regular`, or use regular
    variable: bool  # `regular` is a variable font with a weight axis
    cjk: Path | None
    origin: str  # where `regular` came from, for logs and reports


def find_fonts() -> FontChoice:
    """The best fonts on this machine, looked up now (cheap: a few file checks)."""
    if os.environ.get(FONT_ENV, "").strip().lower() in CORE_FONT_NAMES:
        return FontChoice(None, None, False, None, f"core Helvetica (${FONT_ENV})")
    cjk = _first_file([os.environ.get(CJK_FONT_ENV, ""), *SYSTEM_CJK_FONTS])
    configured = _file(os.environ.get(FONT_ENV, ""))
    if configured is not None:
        bold = _file(os.environ.get(BOLD_FONT_ENV, ""))
        return FontChoice(configured, bold, False, cjk, f"${FONT_ENV}")
    for package, regular, bold_name in PACKAGED_FONTS:
        root = _package_dir(package)
        if root is not None and (root / regular).is_file():
            bold = root / bold_name if bold_name else None
            return FontChoice(root / regular, bold if bold and bold.is_file() else None,
                              bold_name is None, cjk, f"package {package}")
    for regular, bold_path in SYSTEM_FONTS:
        found = _file(regular)
        if found is not None:
            return FontChoice(found, _file(bold_path), False, cjk, f"system {found.name}")
    return FontChoice(None, None, False, cjk, "core Helvetica")


def _package_dir(package: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _file(path: str) -> Path | None:
    if not path:
        return None
    candidate = Path(path).expanduser()
    return candidate if candidate.is_file() else None


def _first_file(paths: list[str]) -> Path | None:
    for path in paths:
        found = _file(path)
        if found is not None:
            return found
    return None
