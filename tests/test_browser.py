"""The pages in a real browser: `quoteindex serve` on a free port, driven by Playwright on the system Chromium.

Needs `pip install playwright` (the [test] extra) and a Chromium (Debian: `apt-get install chromium`; or
set QUOTEINDEX_CHROMIUM to its path). Playwright's own browser download is never used. Set
QUOTEINDEX_SCREENSHOTS=DIR to keep the screenshots of the home, speaker and article pages there.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quoteindex import store
from quoteindex.cli import app
from page_db import build

ROOT = Path(__file__).resolve().parent.parent


def find_chromium() -> str | None:
    candidates = [os.environ.get("QUOTEINDEX_CHROMIUM")] + [
        shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Python Playwright is not installed (pip install -e '.[test]')")
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium found (apt-get install chromium, or set QUOTEINDEX_CHROMIUM)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return build(tmp_path_factory.mktemp("browser") / "browse.db")


@pytest.fixture(scope="module")
def server(db_path):
    """`quoteindex serve DB --port N` in a subprocess; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "quoteindex.cli", "serve", str(db_path), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/-/versions.json", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"quoteindex serve did not start: {proc.stdout.read().decode()[-2000:]}")
            time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1100, "height": 800}, accept_downloads=True)
    pg = context.new_page()
    dialogs = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()
    assert not dialogs, f"a script from the data ran: {dialogs}"


def shoot(pg, name: str, tmp_path: Path) -> None:
    target = Path(os.environ.get("QUOTEINDEX_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(target / f"{name}.png"))
    assert (target / f"{name}.png").stat().st_size > 1000


def test_search_open_speaker_download_csv_open_article(server, page, db_path, tmp_path):
    page.goto(server + "/")
    assert page.locator("#qi-stats").inner_text().split()[:2] == ["3", "articles"]
    shoot(page, "home", tmp_path)

    # search from the home page's box
    page.fill("input[name=q]", "ceasefire")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/-/search?q=ceasefire")
    results = page.locator("#qi-results > li")
    assert results.count() == 2
    assert results.first.locator("mark").first.inner_text() == "ceasefire"
    assert results.first.locator(".qi-snippet").inner_text() == "The ceasefire must hold"

    # open the speaker of the best match
    results.first.locator("a.qi-speaker").click()
    page.wait_for_url("**/-/speakers/*")
    assert page.locator("#qi-speaker-name").inner_text() == "Volodymyr Zelenskyy"
    assert page.locator("svg.qi-chart rect").count() == 49  # a bar a day, 2 June to 20 July
    shoot(page, "speaker", tmp_path)

    # download exactly this speaker's quotes
    with page.expect_download() as info:
        page.click("#qi-download-csv")
    download = info.value
    assert download.suggested_filename == "volodymyr-zelenskyy-quotes.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    cli = CliRunner().invoke(app, ["export", str(db_path), "--speaker", "Volodymyr Zelenskyy"])
    assert cli.exit_code == 0, cli.output
    assert rows == list(csv.DictReader(io.StringIO(cli.stdout)))
    assert [r["quote"] for r in rows] == ["We will never accept a ceasefire on these terms",
                                          "The ceasefire must hold", "Aid is coming", "calm words"]

    # open an article at one of the quotes
    quote_id = store.connect(db_path).execute(
        "select id from quotes where text = 'Aid is coming'").fetchone()[0]
    page.locator(f'a.qi-article-link[href$="#q-{quote_id}"]').click()
    page.wait_for_url(f"**/-/articles/kyiv-2#q-{quote_id}")
    target = page.locator(f'mark[data-quote="{quote_id}"]')
    assert target.inner_text() == "Aid is coming"
    assert "target" in target.get_attribute("class")
    assert "Volodymyr Zelenskyy" in target.get_attribute("title") and "indirect" in target.get_attribute("title")
    assert target.is_visible()
    shoot(page, "article", tmp_path)


def test_hostile_article_is_text_in_the_browser(server, page, db_path):
    page.goto(server + "/-/articles/evil%2F1")
    assert "<script>alert('x')</script>" in page.locator("#qi-article-title").inner_text()
    assert page.locator("#qi-article-text img").count() == 0
    page.goto(server + "/-/search?q=trust")
    assert "<script>" in page.locator("#qi-results").inner_text()
    page.goto(server + f"/{db_path.stem}/quotes_view")
    assert page.locator("#qi-quote-rows img").count() == 0
    # the `page` fixture fails the test if any alert() ran
