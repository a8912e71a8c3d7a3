"""Scanned PDFs made in the tests: page images of rendered text, no text layer."""

from __future__ import annotations

import io


def scanned_pdf(pages: list[tuple[str, ...]]) -> bytes:
    """A PDF of A4 page images (150 dpi), each showing its lines of text in a large font."""
    from PIL import Image, ImageDraw, ImageFont

    images = []
    for lines in pages:
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=48)
        for number, line in enumerate(lines):
            draw.text((120, 160 + 110 * number), line, fill=0, font=font)
        images.append(image.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()
