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

A variable font is cut into static regular and bold instances once: fontTools takes seconds
per instance (95% of an export's time when done on every export), so the instances are kept on
disk in $PDF_COPILOT_FONT_CACHE (default ~/.cache/pdf-copilot/fonts, or a temporary folder
when that is not writable) and remembered for the process.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

FONT_ENV = "PDF_COPILOT_FONT"
BOLD_FONT_ENV = "PDF_COPILOT_FONT_BOLD"
CJK_FONT_ENV = "PDF_COPILOT_CJK_FONT"
FONT_CACHE_ENV = "PDF_COPILOT_FONT_CACHE"
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF")  # dropped from the cached instances (see _write_instance)
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


_instances: dict[tuple[Path, float], Path] = {}
_instances_lock = threading.Lock()
_fallback_cache: list[Path] = []  # a temporary folder, when the cache folder is not writable


def static_instance(variable_font: Path, weight: float) -> Path:
    """A static TrueType cut of `variable_font` at `weight` (its wght axis), made once.

    The file is looked up in (or written to) the font cache folder under a name that changes
    with the source font's path, size and modification time and fontTools' version; writes are
    atomic, so processes sharing the folder never read half a font. Raises what fontTools
    raises for a font it cannot instantiate.
    """
    key = (variable_font, weight)
    with _instances_lock:
        found = _instances.get(key)
        if found is not None and found.is_file():
            return found
        path = _instance_path(variable_font, weight)
        if not path.is_file():
            _write_instance(variable_font, weight, path)
        _instances[key] = path
        return path


def prepare_fonts() -> FontChoice:
    """Find the fonts and cut a variable body font's instances now (e.g. when the app starts)."""
    fonts = find_fonts()
    if fonts.variable and fonts.regular is not None:
        for weight in (400.0, 700.0):
            try:
                static_instance(fonts.regular, weight)
            except Exception as exc:  # the export then instantiates the font itself
                logger.warning("could not prepare %s at weight %s: %s", fonts.regular, weight, exc)
    return fonts


def _instance_path(variable_font: Path, weight: float) -> Path:
    import fontTools

    stat = variable_font.stat()
    identity = f"{variable_font.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{fontTools.version}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    name = f"{variable_font.stem.split('[')[0]}-wght{weight:g}-{digest}.ttf"
    return _cache_dir() / name


def _cache_dir() -> Path:
    configured = os.environ.get(FONT_CACHE_ENV, "").strip()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    folder = Path(configured).expanduser() if configured else Path(base) / "pdf-copilot" / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass  # writable
        return folder
    except OSError as exc:
        if not _fallback_cache:
            logger.warning("font cache %s not writable (%s): using a temporary folder", folder,
                           exc)
            _fallback_cache.append(Path(tempfile.mkdtemp(prefix="pdf-copilot-fonts-")))
        return _fallback_cache[0]


def _write_instance(variable_font: Path, weight: float, path: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(variable_font, recalcTimestamp=False)
    # As fpdf2 does for add_font(variations=…): the other axes are pinned at their defaults.
    instancer.instantiateVariableFont(font, {"wght": weight}, inplace=True, static=True)
    for table in LAYOUT_TABLES:  # fpdf2 lays text out without shaping: it never reads them
        if table in font:
            del font[table]
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".font-", suffix=".ttf")
    try:
        with os.fdopen(handle, "wb") as out:
            font.save(out)
        os.chmod(temporary, 0o644)  # a shared cache folder serves every user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
