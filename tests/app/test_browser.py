"""The flows a person clicks through, in Debian's Chromium driven by Playwright.

`streamlit run streamlit_app.py` as a user starts it (embedded engine, nothing configured but a
temporary data folder): the cold start shows only the app's own screen list; choose a real 10-Q
(indexing starts by itself), ask, see the streamed answer, open its citation and see the page
itself with the passage highlighted, download the conversation, summarise and download a PDF,
find the file on the Admin screen. Screenshots of every step go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from app_helpers import AAPL_10Q, IMAGE_PDF, PROJECT_ROOT
from PIL import Image

from core.documents import export_document, read_pdf_pages

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
QUESTION = "Why did Americas net sales decrease during the first quarter of 2023?"
SCREENS = ["Chat", "Summary", "Image descriptions", "Admin"]
# Every sidebar link text the page ever shows, recorded from its first paint on.
RECORD_NAV = r"""
window.__navSeen = [];
new MutationObserver(() => {
  for (const link of document.querySelectorAll("[data-testid='stSidebarNav'] a")) {
    const text = link.innerText.trim().split("\n").pop().trim();
    if (text && !window.__navSeen.includes(text)) window.__navSeen.push(text);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
                       " (apt-get install chromium)"),
    pytest.mark.skipif(not AAPL_10Q.is_file(), reason=f"corpus file missing: {AAPL_10Q}"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("browser-app")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("PDF_COPILOT_")}
    env["PDF_COPILOT_ENGINE_DATA_DIR"] = str(workdir / "engine")
    log = (workdir / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail(f"streamlit did not start: {(workdir / 'streamlit.log').read_text()}")
        yield url
    finally:
        process.terminate()  # Streamlit exits cleanly, and its atexit stops the engine
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    assert not _engines_serving(workdir / "engine"), "the embedded engine outlived Streamlit"


def _engines_serving(data_dir: Path) -> list[int]:
    """Processes still running `engine serve` on this data folder (Linux /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"engine" in args and str(data_dir).encode() in args:
            found.append(int(cmdline.parent.name))
    return found


@pytest.fixture(scope="module")
def page(app_url: str):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1500},
                                      accept_downloads=True)
        yield context.new_page()
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    page.wait_for_timeout(400)  # let expanders and fades settle
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_idle(page, timeout: float = 120_000) -> None:
    """Until Streamlit has finished the current run (and any rerun it asked for)."""
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                               timeout=timeout)


def upload(page, *paths: Path) -> None:
    """Put files into the screen's first uploader and wait until they are listed."""
    from playwright.sync_api import expect

    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
        [str(path) for path in paths])
    for path in paths:
        expect(page.get_by_text(path.name).first).to_be_visible(timeout=30_000)


def test_a_cold_start_never_shows_the_automatic_page_list(app_url: str):
    """Runs first: the app has never run a script yet, its engine is not started."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(RECORD_NAV)
        cold = context.new_page()
        cold.goto(app_url)
        expect(cold.get_by_text("Answering")).to_be_visible(timeout=90_000)
        cold.wait_for_timeout(500)
        seen = cold.evaluate("window.__navSeen")
        cold.screenshot(path=str(ARTIFACTS / "00-cold-start.png"))
        context.close()
        browser.close()
    assert seen == SCREENS, f"the sidebar showed {seen}"


def test_chat_summary_admin_in_a_browser(page, app_url: str):
    from playwright.sync_api import expect

    page.goto(app_url)
    expect(page.get_by_text("Answering")).to_be_visible(timeout=90_000)
    wait_idle(page)
    shot(page, "01-start")

    upload(page, AAPL_10Q)  # choosing the file starts the indexing: no button to press
    expect(page.get_by_text(re.compile(r"Indexed 1 document")).first).to_be_visible(
        timeout=180_000)
    wait_idle(page)
    shot(page, "02-indexed")
    assert "thread=" in page.url, "the conversation's thread belongs in the URL"

    question_box = page.get_by_placeholder("Ask a question about your documents")
    question_box.fill(QUESTION)
    question_box.press("Enter")
    answer = page.locator("[data-testid='stChatMessage']").nth(1)
    expect(answer).to_be_visible(timeout=120_000)
    wait_idle(page)
    chip = answer.get_by_role("radio", name=re.compile(r"\[1\] 2023 Q1 AAPL\.pdf, p\. \d+"))
    expect(chip).to_be_visible()
    assert answer.locator("[data-testid='stExpander']").count() == 0, "citations are chips"
    row = answer.locator("[data-testid='stButtonGroup']").first.bounding_box()
    assert row and row["height"] < 60, f"the sources take one row, not {row}"
    chip.click()
    picture = answer.locator("[data-testid='stImage'] img").first
    expect(picture).to_be_visible(timeout=30_000)
    expect(answer.get_by_text("highlighted on the page")).to_be_visible()
    wait_idle(page)
    picture.scroll_into_view_if_needed()
    shot(page, "08-cited-page")
    rendered = Image.open(BytesIO(page.request.get(picture.get_attribute("src") or "").body()))
    assert rendered.width >= 800 and _yellow_pixels(rendered) > 500, "the passage is highlighted"
    answer.get_by_role("tab", name="Text").click()
    expect(answer.locator("mark").first).to_be_visible(timeout=10_000)
    shot(page, "03-answer-with-citation")

    page.locator("[data-testid='stPopover'] button", has_text="Download").first.click()
    with page.expect_download(timeout=30_000) as download_info:
        page.get_by_role("button", name="Download conversation").click()
    conversation_pdf = ARTIFACTS / "conversation.pdf"
    download_info.value.save_as(conversation_pdf)
    assert QUESTION in "\n".join(p.text for p in read_pdf_pages(conversation_pdf)).replace(
        "\n", " ")
    page.keyboard.press("Escape")

    page.reload()
    expect(page.locator("[data-testid='stChatMessage']").get_by_text(QUESTION)).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    shot(page, "04-reloaded-conversation")
    reopened = page.locator("[data-testid='stChatMessage']").nth(1)
    reopened.get_by_role("radio", name=re.compile(r"\[1\] 2023 Q1 AAPL\.pdf")).click()
    # A new session has no upload of the file: the page comes from the server's copy.
    expect(reopened.locator("[data-testid='stImage'] img").first).to_be_visible(timeout=60_000)

    page.get_by_role("link", name="Summary").click()
    expect(page.get_by_role("heading", name="Summarize documents")).to_be_visible()
    upload(page, AAPL_10Q)
    page.get_by_role("button", name="Summarize").click()
    expect(page.get_by_text("Summary ready")).to_be_visible(timeout=300_000)
    wait_idle(page)
    shot(page, "05-summary")
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="Download summary").click()
    summary_pdf = ARTIFACTS / "summary.pdf"
    download_info.value.save_as(summary_pdf)
    assert summary_pdf.read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin")).to_be_visible()
    wait_idle(page)
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible(timeout=30_000)
    shot(page, "06-admin-files")
    # The table is drawn on a canvas; the Inspect box names the newest file in text.
    expect(page.get_by_role("combobox", name="Inspect")).to_have_value(
        re.compile(re.escape(f"{AAPL_10Q.name} · file-")))

    if IMAGE_PDF.is_file():
        page.get_by_role("link", name="Image descriptions").click()
        expect(page.get_by_role("heading", name="Image descriptions (alt text)")).to_be_visible()
        upload(page, IMAGE_PDF)
        page.get_by_role("button", name="Describe images").click()
        expect(page.get_by_text("Descriptions ready")).to_be_visible(timeout=120_000)
        page.get_by_role("button", name="Write alt text into the PDF").click()
        expect(page.get_by_text(re.compile(r"After: \d+ of \d+ figures"))).to_be_visible(
            timeout=60_000)
        wait_idle(page)
        shot(page, "07-image-descriptions")


def test_chat_names_a_file_the_server_cannot_index(page, app_url: str, tmp_path: Path,
                                                   blank_pdf: bytes):
    from playwright.sync_api import expect

    good, bad = tmp_path / "lighthouse.pdf", tmp_path / "blank-scan.pdf"
    good.write_bytes(export_document("Northcape lighthouse", "The Northcape lighthouse was built"
                                     " in 1871 from granite quarried on the island.", "pdf"))
    bad.write_bytes(blank_pdf)
    page.goto(app_url)
    expect(page.get_by_text("Answering")).to_be_visible(timeout=90_000)
    wait_idle(page)  # a file set while the script still runs is dropped by its rerender
    upload(page, good, bad)
    # The progress line and the status note both say it: either will do.
    expect(page.get_by_text(re.compile(r"Indexed 1 of 2 document")).first).to_be_visible(
        timeout=180_000)
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"blank-scan\.pdf could not be indexed: No extractable"
                                       ))).to_be_visible()
    expect(page.get_by_placeholder("Ask a question about your documents")).to_be_enabled()
    shot(page, "09-chat-one-file-not-indexed")


def _yellow_pixels(image: Image.Image) -> int:
    """Pixels of the highlighter's yellow in a rendered page."""
    rgb = image.convert("RGB")
    small = rgb.resize((rgb.width // 2, rgb.height // 2))
    return sum(1 for r, g, b in small.get_flattened_data()  # type: ignore[attr-defined]
               if b < 120 and r > 150 and g > 120 and r - b > 100)
