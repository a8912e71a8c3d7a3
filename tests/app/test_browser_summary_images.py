"""The Summary and Image descriptions screens in Debian's Chromium, as a person uses them: a
structured summary of a real 10-Q, and the alt text of a tagged figure that fails PDF/UA typed
in and written. Screenshots go to test-artifacts/browser/ (docs/screenshots holds copies)."""

from __future__ import annotations

import re

import pytest
from app_helpers import AAPL_10Q, CORPUS, IMAGE_PDF
from test_browser import ARTIFACTS, CHROMIUM, app_url, page, shot, upload, wait_idle

__all__ = ["app_url", "page"]  # the fixtures, shared with the main browser flow

VERAPDF_FAIL = CORPUS / "verapdf-alt-text" / "PDF_UA-1" / "7.3 Graphics" / "7.3-t01-fail-a.pdf"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
                       " (apt-get install chromium)"),
    pytest.mark.skipif(not (AAPL_10Q.is_file() and VERAPDF_FAIL.is_file() and IMAGE_PDF.is_file()),
                       reason="corpus files missing"),
]


def open_screen(page, app_url: str, link: str, heading: str) -> None:
    """Open the app, then one screen from the sidebar, and wait until it has settled."""
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.get_by_text("Answering")).to_be_visible(timeout=90_000)
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    wait_idle(page)


def test_a_structured_summary_in_the_browser(page, app_url: str):
    from playwright.sync_api import expect

    open_screen(page, app_url, "Summary", "Summarize documents")
    upload(page, AAPL_10Q)
    page.get_by_role("button", name="Summarize").click()
    expect(page.get_by_text("Summary ready")).to_be_visible(timeout=300_000)
    wait_idle(page)
    summary = page.locator("[data-testid='stMain']")
    expect(summary.get_by_text(re.compile(r"Total net sales were \$117,154 million"))).to_be_visible()
    expect(summary.get_by_role("heading", name=re.compile("Quarterly Highlights"))).to_be_visible()
    expect(summary.get_by_text(re.compile(r"\(p\. \d+\)")).first).to_be_visible()
    assert "Participant" not in summary.inner_text()
    shot(page, "10-summary-structured")


def test_alt_text_typed_in_and_written_in_the_browser(page, app_url: str):
    from playwright.sync_api import expect

    open_screen(page, app_url, "Image descriptions", "Image descriptions (alt text)")
    upload(page, VERAPDF_FAIL, IMAGE_PDF)
    page.get_by_role("button", name="Describe images").click()
    expect(page.get_by_text("Descriptions ready")).to_be_visible(timeout=180_000)
    wait_idle(page)
    expect(page.get_by_text("Before: 0 of 1 figures have alt text")).to_be_visible()
    box = page.get_by_role("textbox").first
    box.fill("Logo of Dual lab sprl")
    box.press("Control+Enter")
    wait_idle(page)
    page.get_by_role("button", name="Write alt text into the PDF").first.click()
    expect(page.get_by_text(re.compile(r"After: 1 of 1 figures have alt text"))).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    assert not any(word in page.inner_text("body") for word in ("Dominant colours", "pixels,"))
    shot(page, "11-image-descriptions")
    assert (ARTIFACTS / "11-image-descriptions.png").is_file()
