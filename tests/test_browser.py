"""End to end in a real headless browser: `kb serve` + Debian's chromium + Playwright.

Starts ``python -m kb serve`` on a free loopback port over the fixture store
(tests/kbfixtures.py, with a reference titled ``<script>alert(1)</script>...``),
then opens the home page, searches, opens a work page, downloads its .bib,
and checks the script text shows as text and no dialog fires.

Screenshots of the main pages go to $KB_SHOTS (default: the test's tmp dir):

    KB_SHOTS=/tmp/shots pytest tests/test_browser.py

Needs /usr/bin/chromium (``apt-get install -y chromium``); skipped without it.
Playwright's own browser download is never used.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pybtex.database import parse_string

from kbfixtures import SCRIPT_TITLE, build_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} missing (apt-get install -y chromium)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kb serve exited with {proc.returncode}: "
                               f"{proc.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"kb serve did not answer at {url}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Base URL of `kb serve` running over the fixture store."""
    yield from serve(build_store(tmp_path_factory.mktemp("browser") / "kb.db"))


def serve(path):
    """Start `kb serve` over store ``path`` on a free loopback port; yield its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--db", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/-/versions.json", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("KB_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()
    page.on("dialog", on_dialog)
    yield page
    context.close()


def test_home_search_work_page_and_bib_download(site, page, shots, tmp_path):
    page.goto(site + "/")
    assert page.locator("h1").first.inner_text() == "kb — citation knowledge base"
    assert page.get_by_role("link", name="Trace a claim to its sources").is_visible()
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    page.fill("#kb-q", "social credit")
    page.click(".kb-search input[type=submit]")
    page.wait_for_url("**/kb/search?q=social+credit")
    table = page.locator("table.rows-and-columns")
    assert "kostka2019china" in table.inner_text()
    page.screenshot(path=str(shots / "search.png"), full_page=True)

    page.locator("table.rows-and-columns a", has_text="kostka2019china").first.click()
    page.wait_for_url("**/-/work/kostka2019china")
    assert page.locator("h1").inner_text() == "China's social credit systems and public opinion"
    assert "Survey of 2,209 respondents" in page.inner_text("body")
    page.screenshot(path=str(shots / "work.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download .bib").click()
    download = info.value
    assert download.suggested_filename == "kostka2019china.bib"
    saved = tmp_path / "k.bib"
    download.save_as(saved)
    entries = parse_string(saved.read_text(encoding="utf-8"), "bibtex").entries
    assert list(entries) == ["kostka2019china"]
    assert "New Media" in entries["kostka2019china"].fields["journal"]
    assert page.dialogs == []


def test_html_in_references_shows_as_text(site, page, shots):
    page.goto(site + "/kb/search?q=hacking")
    assert "<script>alert(1)</script>" in page.locator("table.rows-and-columns").inner_text()
    page.goto(site + "/-/work/reviewer2020script")
    assert page.locator("h1").inner_text() == SCRIPT_TITLE
    page.goto(site + "/kb/refs?_search=hacking")
    assert "<script>alert(1)</script>" in page.locator("table.rows-and-columns").inner_text()
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.textContent)")
    assert not any("alert(1)" in s for s in scripts)
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_table_with_facets_and_canned_queries(site, page, shots):
    page.goto(site + "/kb/works")
    facets = page.locator(".facet-results")
    assert "type" in facets.inner_text() and "source_category" in facets.inner_text()
    page.screenshot(path=str(shots / "works_facets.png"), full_page=True)
    page.locator(".facet-info a", has_text="book").first.click()
    page.wait_for_url("**/kb/works?type=book*")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2

    page.goto(site + "/kb/trace_claim?q=approve")
    assert "p. 1570" in page.locator("table.rows-and-columns").inner_text()
    page.screenshot(path=str(shots / "trace_claim.png"), full_page=True)

    page.goto(site + "/kb/annotated_bibliography?document=doc_a")
    assert page.locator("ul.kb-list li", has_text="Survey of 2,209").count() == 1
    page.screenshot(path=str(shots / "annotated_bibliography.png"), full_page=True)

    page.goto(site + "/kb/refs")
    page.screenshot(path=str(shots / "refs.png"), full_page=True)
    if page.goto(site + "/-/graph").status == 200:
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / "graph.png"), full_page=True)
    assert page.dialogs == []


# ---------------------------------------------------------------- the corpus, as a reviewer sees it

@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    """`kb serve` over a store built from data/corpus (graph counts included)."""
    from kb.build import build
    path = tmp_path_factory.mktemp("corpus_site") / "kb.db"
    build([Path(__file__).resolve().parents[1] / "data" / "corpus"], db_path=path,
          progress=False, echo=lambda msg: None)
    yield from serve(path)


@pytest.fixture
def big_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def _cells(page, column: str) -> list[str]:
    return page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()


def test_reviewer_sees_titles_not_ids(corpus_site, big_page, shots):
    page = big_page
    page.goto(corpus_site + "/")
    assert page.get_by_role("link", name="Needs review").is_visible()
    page.screenshot(path=str(shots / "corpus_home.png"))

    page.goto(corpus_site + "/kb/works")
    first = page.locator("table.rows-and-columns tbody tr").first
    box = first.bounding_box()
    page.screenshot(path=str(shots / "corpus_works.png"))
    assert box and box["y"] + box["height"] <= 1000, box     # a row above the fold
    page.screenshot(path=str(shots / "corpus_works.png"))

    page.goto(corpus_site + "/kb/cocitations")
    works = _cells(page, "work_a") + _cells(page, "work_b")
    assert works and not any(w.strip().isdigit() for w in works)
    assert page.locator("td.col-work_a a[href^='/-/work/']").count() > 0
    page.screenshot(path=str(shots / "corpus_cocitations.png"))

    page.goto(corpus_site + "/kb/coupling")
    docs = _cells(page, "document_a") + _cells(page, "document_b")
    assert docs and not any(d.strip().startswith(("000_", "001_", "002_", "003_", "004_"))
                            for d in docs)
    page.screenshot(path=str(shots / "corpus_coupling.png"))

    page.goto(corpus_site + "/kb/documents")
    assert "None" not in " ".join(_cells(page, "label"))
    page.goto(corpus_site + "/kb/needs_review")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() > 0 and "appendix 1, quote 1" in page.inner_text("table.rows-and-columns")
    page.screenshot(path=str(shots / "corpus_needs_review.png"))

    page.goto(corpus_site + "/kb/search?q=Orwellian")
    claim_links = page.locator("td.col-claim a")
    assert claim_links.count() > 0
    claim_links.first.click()
    page.wait_for_url("**/kb/claims/*")
    assert "Orwellian" in page.inner_text("body")
    page.screenshot(path=str(shots / "corpus_claim.png"))

    page.goto(corpus_site + "/kb")
    assert "from works" in page.locator("textarea#sql-editor").input_value()
