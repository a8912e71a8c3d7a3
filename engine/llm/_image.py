"""Describe an image by what can be measured; the built-in model cannot see what it shows."""

from __future__ import annotations

import io
import logging

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
_NAMED_COLOURS = {
    "black": (0, 0, 0),
    "dark grey": (64, 64, 64),
    "grey": (128, 128, 128),
    "light grey": (200, 200, 200),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "dark red": (139, 0, 0),
    "brown": (139, 69, 19),
    "orange": (255, 165, 0),
    "yellow": (255, 255, 0),
    "beige": (245, 245, 220),
    "olive": (128, 128, 0),
    "green": (0, 160, 0),
    "dark green": (0, 90, 0),
    "teal": (0, 128, 128),
    "cyan": (0, 255, 255),
    "sky blue": (135, 206, 235),
    "blue": (0, 0, 255),
    "navy": (0, 0, 128),
    "purple": (128, 0, 128),
    "magenta": (255, 0, 255),
    "pink": (255, 182, 193),
}
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
    """Nearest palette name by the 'redmean' distance, a cheap match for human colour vision."""
    r, g, b = colour

    def distance(named: tuple[int, int, int]) -> float:
        mean_red = (r + named[0]) / 2
        dr, dg, db = r - named[0], g - named[1], b - named[2]
        return (2 + mean_red / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean_red) / 256) * db * db

    return min(_NAMED_COLOURS, key=lambda name: distance(_NAMED_COLOURS[name]))


def _statistics(rgb: Image.Image, transparent: float) -> str:
    """Colour count, edge density, brightness, and which kind of image those numbers suggest."""
    reduced = rgb.width > _STATS_SIDE or rgb.height > _STATS_SIDE
    sample = rgb.copy()
    # Nearest-neighbour keeps real pixel values, so the colour count isn't inflated by blending.
    sample.thumbnail((_STATS_SIDE, _STATS_SIDE), Image.Resampling.NEAREST)
    pixels = np.asarray(sample, dtype=np.uint32).reshape(-1, 3)
    colours = len(np.unique(pixels[:, 0] << 16 | pixels[:, 1] << 8 | pixels[:, 2]))
    grey = sample.convert("L")
    luminance = np.asarray(grey, dtype=np.float64)
    edges = np.asarray(grey.filter(ImageFilter.FIND_EDGES), dtype=np.uint8)[1:-1, 1:-1]
    edge_density = float((edges > _EDGE_LEVEL).mean()) if edges.size else 0.0
    modal = np.bincount(luminance.astype(np.uint8).ravel(), minlength=256).argmax()
    background = float((np.abs(luminance - modal) <= 12).mean())
    counted = f"about {colours}" if reduced else f"{colours}"
    text = (
        f"Measured: {counted} distinct colour{'s' if colours != 1 else ''}"
        f"{' (in a copy reduced to 512 pixels a side)' if reduced else ''}, "
        f"edges on {100 * edge_density:.1f}% of pixels, "
        f"mean brightness {100 * luminance.mean() / 255:.0f}%, "
        f"{100 * background:.0f}% of pixels near the most common brightness"
    )
    if transparent > 0:
        text += f", {100 * transparent:.0f}% fully transparent (shown on white)"
    return f"{text}. {_kind(colours, edge_density, background, float(luminance.std()))}"


def _kind(colours: int, edge_density: float, background: float, spread: float) -> str:
    """Which kind of image the measurements are typical of; deliberately coarse."""
    if colours == 1 or spread < 2:
        return "It is one flat colour: it looks blank."
    if background >= 0.6 and 0.01 <= edge_density <= 0.4 and colours <= 4096:
        return (
            "Figures like these are typical of text or line art on a plain background "
            "(a page, a chart or a screenshot)."
        )
    if colours <= 256 or background >= 0.5:
        return "Figures like these are typical of a drawing or graphic with flat colours."
    if colours >= 2000:
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
