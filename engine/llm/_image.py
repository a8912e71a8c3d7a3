"""Describe an image by what can be measured; the built-in model cannot see what it shows."""

from __future__ import annotations

import colorsys
import io
import logging
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from engine.llm.ocr import ocr_available, ocr_image

logger = logging.getLogger(__name__)

UNDECODABLE = "The image could not be decoded: its bytes are not in an image format I can read."
_MODES = {
    "1": "black and white (1-bit)",
    "L": "greyscale",
    "LA": "greyscale with transparency",
    "P": "palette colour",
    "RGB": "RGB colour",
    "RGBA": "RGB colour with transparency",
    "CMYK": "CMYK colour",
    "YCbCr": "YCbCr colour",
    "I": "32-bit greyscale",
    "I;16": "16-bit greyscale",
    "F": "floating-point greyscale",
}
# Hue bands in degrees (upper bound, name, name when dark, name when light).
_HUES = (
    (15, "red", "dark red", "pink"),
    (45, "orange", "brown", "light orange"),
    (70, "yellow", "olive", "light yellow"),
    (165, "green", "dark green", "light green"),
    (195, "cyan", "teal", "light cyan"),
    (255, "blue", "navy", "light blue"),
    (290, "purple", "dark purple", "lavender"),
    (335, "magenta", "dark magenta", "pink"),
    (360, "red", "dark red", "pink"),
)
_GREYS = ((0.12, "black"), (0.35, "dark grey"), (0.65, "grey"), (0.9, "light grey"), (1.0, "white"))
_STATS_SIDE = 512
_EDGE_LEVEL = 40
_MIN_OCR_CONFIDENCE = 0.5


def describe_image(data: bytes) -> str:
    """Format, size, colours and simple statistics of an encoded image, plus any OCR text."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # Pillow raises OSError, ValueError, SyntaxError... on corrupt data
        return UNDECODABLE
    frames = getattr(image, "n_frames", 1)
    header = f"{image.format or 'Unknown-format'} image, {image.width}x{image.height} pixels, "
    header += _MODES.get(image.mode, f"mode {image.mode}")
    header += f", {frames} frames (measured on the first)." if frames > 1 else "."
    rgb, transparent = _flatten(image)
    parts = [
        header,
        "I cannot see what it shows; these are measurements.",
        _colours(rgb),
        _statistics(rgb, transparent),
    ]
    parts.extend(_ocr_text(data))
    return " ".join(parts)


def _flatten(image: Image.Image) -> tuple[Image.Image, float]:
    """RGB version with transparency composited onto white, and the share of transparent pixels."""
    if image.mode in ("I", "I;16", "F"):
        values = np.asarray(image, dtype=np.float64)
        span = float(values.max() - values.min()) or 1.0
        image = Image.fromarray(((values - values.min()) * 255 / span).astype(np.uint8))
    rgba = image.convert("RGBA")
    alpha = np.asarray(rgba.getchannel("A"))
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB"), float((alpha == 0).mean())


def _colours(rgb: Image.Image) -> str:
    """The three dominant colours by name, with hex value and share of the image."""
    small = rgb.copy()
    small.thumbnail((128, 128))
    quantized = small.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    palette = quantized.getpalette() or []
    total = small.width * small.height
    counts = np.bincount(np.asarray(quantized).ravel())
    by_name: dict[str, tuple[int, tuple[int, int, int]]] = {}
    for index in np.argsort(-counts, kind="stable"):
        count = int(counts[index])
        if count == 0:
            break
        colour = (palette[3 * index], palette[3 * index + 1], palette[3 * index + 2])
        name = _name(colour)
        # Each name keeps the hex of its most common shade.
        seen, shade = by_name.get(name, (0, colour))
        by_name[name] = (seen + count, shade)
    ranked = sorted(by_name.items(), key=lambda item: (-item[1][0], item[0]))[:3]
    listed = ", ".join(
        f"{name} #{r:02X}{g:02X}{b:02X} ({100 * count / total:.0f}%)"
        for name, (count, (r, g, b)) in ranked
    )
    return f"Dominant colours: {listed}."


def _name(colour: tuple[int, int, int]) -> str:
    """A plain colour name from hue, lightness and chroma (how far from grey the colour is)."""
    r, g, b = (channel / 255 for channel in colour)
    hue, lightness, _ = colorsys.rgb_to_hls(r, g, b)
    chroma = max(r, g, b) - min(r, g, b)
    if chroma < 0.1:
        return next(name for limit, name in _GREYS if lightness <= limit)
    degrees = hue * 360
    _, plain, dark, light = next(band for band in _HUES if degrees < band[0] or band[0] == 360)
    if chroma < 0.25:
        return f"greyish {plain}"
    if lightness < 0.28:
        return dark
    return light if lightness > 0.75 else plain


@dataclass(frozen=True)
class _Measurements:
    colours: int
    edge_density: float
    background: float  # share of pixels within a few levels of the most common brightness
    brightness_spread: float
    mean_chroma: float  # 0 for pure greys, 1 for fully saturated colours


def _statistics(rgb: Image.Image, transparent: float) -> str:
    """Colour count, edge density, brightness, and which kind of image those numbers suggest."""
    reduced = rgb.width > _STATS_SIDE or rgb.height > _STATS_SIDE
    sample = rgb.copy()
    # Nearest-neighbour keeps real pixel values, so the colour count isn't inflated by blending.
    sample.thumbnail((_STATS_SIDE, _STATS_SIDE), Image.Resampling.NEAREST)
    pixels = np.asarray(sample, dtype=np.int64).reshape(-1, 3)
    grey = sample.convert("L")
    luminance = np.asarray(grey, dtype=np.float64)
    # FIND_EDGES marks the outermost pixels as edges, so they are left out.
    edges = np.asarray(grey.filter(ImageFilter.FIND_EDGES), dtype=np.uint8)[1:-1, 1:-1]
    modal = np.bincount(luminance.astype(np.uint8).ravel(), minlength=256).argmax()
    measured = _Measurements(
        colours=len(np.unique(pixels[:, 0] << 16 | pixels[:, 1] << 8 | pixels[:, 2])),
        edge_density=float((edges > _EDGE_LEVEL).mean()) if edges.size else 0.0,
        background=float((np.abs(luminance - modal) <= 12).mean()),
        brightness_spread=float(luminance.std()),
        mean_chroma=float((pixels.max(axis=1) - pixels.min(axis=1)).mean() / 255),
    )
    colours = measured.colours
    text = (
        f"Measured: {'about ' if reduced else ''}{colours} distinct "
        f"colour{'s' if colours != 1 else ''}"
        f"{' (in a copy reduced to 512 pixels a side)' if reduced else ''}, "
        f"edges on {100 * measured.edge_density:.1f}% of pixels, "
        f"mean brightness {100 * luminance.mean() / 255:.0f}%, "
        f"{100 * measured.background:.0f}% of pixels near the most common brightness"
    )
    if transparent > 0:
        text += f", {100 * transparent:.0f}% fully transparent (shown on white)"
    return f"{text}. {_kind(measured)}"


def _kind(m: _Measurements) -> str:
    """Which kind of image the measurements are typical of; deliberately coarse."""
    if m.colours == 1 or m.brightness_spread < 2:
        return "It is one flat colour: it looks blank."
    if m.background >= 0.6 and 0.02 <= m.edge_density <= 0.4 and m.mean_chroma < 0.15:
        return (
            "Figures like these are typical of text or line art on a plain background "
            "(a page, a chart or a screenshot)."
        )
    if m.colours <= 64 or (m.background >= 0.4 and m.colours <= 4096):
        return "Figures like these are typical of a drawing or graphic with flat colours."
    if m.colours >= 2000 and m.background < 0.4:
        return "Figures like these are typical of a photograph (many colours, gradual shading)."
    return "The figures do not clearly suggest a photograph, a drawing or text."


def _ocr_text(data: bytes) -> list[str]:
    """'Text found in the image' sentence when OCR is installed and reads something."""
    if not ocr_available():
        return []
    try:
        lines = ocr_image(data)
    except Exception:  # OCR is an extra: a failure there must not lose the description
        logger.warning("OCR failed on an image", exc_info=True)
        return []
    found = [line.text for line in lines if line.confidence >= _MIN_OCR_CONFIDENCE]
    if not found:
        return ["No text was found in it by OCR."]
    return [f"Text found in the image (OCR): “{' / '.join(found)}”"]
