"""Markdown emphasis, minified HTML, the reader registry, and linear-time patterns."""
import subprocess
import sys
from pathlib import Path

import pytest

from kb.read import READERS, FORMATS, html_to_text, read, strip_emphasis

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("src,out", [
    ("Smith, J. *Journal of Things* 3 (2001): 4.", "Smith, J. Journal of Things 3 (2001): 4."),
    ("a **bold** and __strong__ and _x_ word", "a bold and strong and x word"),
    ("***both*** and **a *nested* one**", "both and a nested one"),
    ("* a list item with *emphasis*", "* a list item with emphasis"),
    ("snake_case_name and http://a.org/x_y_z stay", "snake_case_name and http://a.org/x_y_z stay"),
    ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
    ("an *unclosed emphasis", "an *unclosed emphasis"),
])
def test_markdown_emphasis_is_text(src, out):
    assert strip_emphasis(src) == out


def test_markdown_footnote_keeps_whole_reference(tmp_path):
    p = tmp_path / "n.md"
    p.write_text("# A *Title*\n\nText.[^1]\n\n[^1]: Smith, *The Book* (London, 2001), 12.\n",
                 encoding="utf-8")
    doc = read(p)
    assert doc.title == "A Title"
    assert doc.lines[4] == "[^1]: Smith, The Book (London, 2001), 12."
    assert len(doc.lines) == 6         # the last newline ends an empty line, as before
    assert doc.layout == [None] * 6    # layout is known for PDF lines only


def test_minified_html_gives_lines(tmp_path):
    html = ("<html><body><h1>Title</h1><p>First <i>para</i>graph.</p><div>Second</div>"
            "<ul><li>One</li><li>Two</li></ul><blockquote>Quote</blockquote>"
            "<section><p>Sec</p></section><footer>Foot</footer><aside>Side</aside>"
            "<p>a<br>b<br/>c</p><p>" + "x " * 1000 + "</p></body></html>")
    p = tmp_path / "m.html"
    p.write_text(html, encoding="utf-8")
    lines = [l.strip() for l in read(p).lines if l.strip()][:-1]
    assert lines == ["Title", "First paragraph.", "Second", "One", "Two", "Quote", "Sec",
                     "Foot", "Side", "a", "b", "c"]


def test_short_minified_page_gives_its_references(tmp_path):
    # a small page on one line: its list items are still entries
    (tmp_path / "b.html").write_text(
        "<html><body><h1>Essay</h1><p>The state matters [1].</p><h2>References</h2><ol>"
        "<li>Smith, John. 2003. <i>Watching the State</i>. London: Verso.</li>"
        "<li>Doe, Jane. 2019. Credit and Trust. <i>Journal of Chinese Law</i> 12(3): 33-50.</li>"
        "</ol></body></html>", encoding="utf-8")
    from kb.locate import locate
    found = locate(read(tmp_path / "b.html"))
    assert [e.raw[:10] for e in found.entries] == ["Smith, Joh", "Doe, Jane."]


def test_html_with_newlines_keeps_line_numbers():
    text = "<p>one <b>x</b></p>\n<p>two</p>\n<p>three</p>"
    assert html_to_text(text).split("\n") == ["one x", "two", "three"]


def test_registry_covers_every_suffix():
    assert set(FORMATS.values()) == set(READERS)


PATTERNS = """
import time
from kb.read import strip_emphasis, html_to_text
from kb.read import layout as lay
n = 200_000
inputs = ["*" * n, "_" * n, "*a" * (n // 2), "a_" * (n // 2), "** " * (n // 3),
          "*" + " " * n + "x", "a" * n + "-", "-" * n, ("ab" * 30 + "-") * (n // 61),
          "a" * n, ("a" * 50 + "-") * (n // 51) + "1"]
for s in inputs:
    strip_emphasis(s)
    lay.HYPHEN_END.search(s)
    lay.WORD_START.match(s)
    lay.PAGE_NO.match(s)
    lay.COMPOUND.findall(s)
    lay.WORD.findall(s)
    html_to_text("<p>" + s + "</p>" * 3)
html_to_text("<p " * n)
html_to_text("<p>" + " " * n + "x" + "<br>" * 5)
html_to_text("<br>" * n)
print("ok")
"""


def test_new_patterns_are_linear():
    proc = subprocess.run([sys.executable, "-c", PATTERNS], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert proc.stdout.strip() == "ok", proc.stderr[-1000:]
