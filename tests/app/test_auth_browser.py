"""Two signed-in users in Debian's Chromium (Playwright), against `streamlit run` with built-in
accounts and its embedded engine: Bob sees none of Alice's conversations, documents or thread in
any screen or by URL, can't open Admin, and a tracking image in a PDF's text or in its file name
loads nothing. Every request the pages make stays on the app's own address."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from app_helpers import PROJECT_ROOT

from app.accounts import Accounts
from core.documents import export_document

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TRACKER = "http://127.0.0.1:9/track.png"
FILE_NAME = "![f](https:127.0.0.1:9).pdf"
SENTENCE = f"The Ostmark depot stores 4,000 pallets ![x]({TRACKER}) in its main hall."
QUESTION = "How many pallets does the Ostmark depot store?"
PASSWORDS = {"alice": "alice-password-1", "bob": "bob-password-22"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
                       " (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("browser-users")
    accounts = Accounts(workdir / "users.json")
    accounts.add("alice", PASSWORDS["alice"], "admin")
    accounts.add("bob", PASSWORDS["bob"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PDF_COPILOT_", "ENGINE_"))}
    env.update({"PDF_COPILOT_ENGINE_DATA_DIR": str(workdir / "engine"),
                "PDF_COPILOT_USERS_FILE": str(workdir / "users.json"),
                "PDF_COPILOT_USER_PROJECTS_FILE": str(workdir / "user-projects.json")})
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
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                               timeout=timeout)


def sign_in(page, url: str, name: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.get_by_label("Name")).to_be_visible(timeout=90_000)
    page.get_by_label("Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[name])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile(f"Signed in as {name}"))).to_be_visible(timeout=90_000)
    wait_idle(page)


def no_tracking_image(page) -> None:
    sources = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
    assert not [s for s in sources if "127.0.0.1:9" in s], sources


def test_two_users_are_kept_apart_and_document_markup_stays_text(browser, app_url, tmp_path):
    from playwright.sync_api import expect

    requests: list[str] = []
    alice_context = browser.new_context(viewport={"width": 1400, "height": 1500})
    bob_context = browser.new_context(viewport={"width": 1400, "height": 1500})
    for context in (alice_context, bob_context):
        context.on("request", lambda request: requests.append(request.url))
    alice, bob = alice_context.new_page(), bob_context.new_page()

    # Alice: a PDF whose text and whose name carry a tracking image, then a question on it.
    pdf = tmp_path / FILE_NAME
    pdf.write_bytes(export_document("Ostmark depot", f"{SENTENCE} The depot opened in 1998.",
                                    "pdf"))
    sign_in(alice, app_url, "alice")
    alice.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(pdf))
    expect(alice.get_by_role("button", name=f"Remove {FILE_NAME}")).to_be_visible(timeout=30_000)
    expect(alice.get_by_text(re.compile(r"Indexed 1 document")).first).to_be_visible(
        timeout=180_000)
    wait_idle(alice)
    box = alice.get_by_placeholder("Ask a question about your documents")
    box.fill(QUESTION)
    box.press("Enter")
    answer = alice.locator("[data-testid='stChatMessage']").nth(1)
    expect(answer).to_be_visible(timeout=120_000)
    wait_idle(alice)
    expect(answer.get_by_text(re.compile(re.escape(f"![x]({TRACKER})"))).first).to_be_visible()
    label = answer.get_by_text(re.compile(re.escape(FILE_NAME) + r", p\. \d+")).first
    expect(label).to_be_visible()
    label.click()
    wait_idle(alice)
    alice.screenshot(path=str(ARTIFACTS / "users-01-alice-answer.png"))
    no_tracking_image(alice)
    assert "thread=" in alice.url
    thread_url = alice.url
    thread_id = re.search(r"thread=([\w-]+)", thread_url).group(1)  # type: ignore[union-attr]
    assert thread_id not in alice.locator("body").inner_text()

    # Alice reopens her conversation from the list of past ones.
    alice.goto(app_url)
    sign_in(alice, app_url, "alice")
    alice.get_by_text(re.compile(r"Past conversations")).click()
    expect(alice.get_by_text(QUESTION).first).to_be_visible()
    alice.get_by_role("button", name="Reopen").first.click()
    wait_idle(alice)
    expect(alice.get_by_text(QUESTION).first).to_be_visible()
    assert thread_id in alice.url

    # Alice's Admin › Threads shows her messages, markup as text.
    alice.get_by_role("link", name="Admin").click()
    expect(alice.get_by_role("heading", name="Admin")).to_be_visible()
    wait_idle(alice)
    alice.get_by_text("Threads", exact=True).click()
    wait_idle(alice)
    alice.screenshot(path=str(ARTIFACTS / "users-02-alice-admin.png"))
    no_tracking_image(alice)

    # Bob: nothing of Alice's anywhere, not even by her thread's URL.
    sign_in(bob, app_url, "bob")
    main = bob.locator("body")
    for screen in ("Chat", "Summary", "Image descriptions"):
        bob.get_by_role("link", name=screen).click()
        wait_idle(bob)
        text = main.inner_text()
        assert QUESTION not in text and "Ostmark" not in text and FILE_NAME not in text, screen
    expect(bob.get_by_role("link", name="Admin")).to_have_count(0)
    bob.goto(f"{app_url}/admin")
    sign_in(bob, f"{app_url}/admin", "bob")
    expect(bob.get_by_role("heading", name="Admin")).to_have_count(0)
    sign_in(bob, thread_url, "bob")
    expect(bob.get_by_text(re.compile("not one of yours"))).to_be_visible(timeout=30_000)
    text = main.inner_text()
    assert QUESTION not in text and "Ostmark" not in text and thread_id not in text
    bob.screenshot(path=str(ARTIFACTS / "users-03-bob-by-url.png"))

    # Nothing was loaded from the tracker or from anywhere but the app itself.
    assert not [u for u in requests if "127.0.0.1:9/" in u or u.startswith("https:127")]
    app_host = urlsplit(app_url).netloc
    foreign = {urlsplit(u).netloc for u in requests if urlsplit(u).scheme in ("http", "https")
               and urlsplit(u).netloc != app_host}
    assert not foreign, foreign
    alice_context.close()
    bob_context.close()
