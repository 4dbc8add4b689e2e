"""The annotated bibliography (citeproc-py) in Markdown and HTML."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from kb.publish.annotated import annotated_from_db, format_entries, to_html, to_markdown
from kb.publish.select import load_items, select_work_ids
from test_export_store import HARD_WORKS, hard_store


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    return hard_store(tmp_path_factory.mktemp("hard") / "kb.db")


@pytest.mark.parametrize("style", ["chicago", "apa"])
def test_every_work_once_with_its_own_text(hard, style):
    items = load_items(hard, select_work_ids(hard))
    entries = format_entries(items, style)
    assert sorted(k for k, _ in entries) == sorted(i["key"] for i in items)
    by_key = dict(entries)
    # key and text stay together (citeproc-py's batch output can shift them)
    assert "Fraïsse" in by_key["fraisse1954"] and "Gauthier-Villars" in by_key["fraisse1954"]
    assert "Nguyễn" in by_key["nguyen2019"]
    assert "HBO" in by_key["hbo2018"] and "Citizen Lab" in by_key["ahmed2017"]


def test_markdown_has_entries_notes_and_uses(hard):
    md = annotated_from_db(hard, style="chicago", fmt="md")
    assert md.startswith("# Annotated bibliography")
    assert md.count("\n## ") == len(HARD_WORKS) + 1
    section = md.split("## nguyen2019")[1].split("\n## ")[0]
    assert "> Key source on \\<names\\> & reforms. (kim)" in section
    assert "- `doc1`, p. 2, line 10 [p. 5]: “Claim \\<b\\>0\\</b\\> & more about nguyen2019.”" \
        in section
    assert "*Journal of Asian\\_Studies \\#5*" in section
    assert "Cited 1 time:" in section and "Ibid" not in section


def test_html_escapes_everything(hard):
    page = annotated_from_db(hard, style="apa", fmt="html")
    assert "<b>" not in page and "<names>" not in page and "<1>" not in page
    assert "Claim &lt;b&gt;0&lt;/b&gt; &amp; more about nguyen2019." in page
    assert "Key source on &lt;names&gt; &amp; reforms." in page
    assert '<section class="work" id="orwell1949">' in page
    assert "Classic; cite the *1949* edition." in page
    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append(tag)

    Tags().feed(page)
    assert set(tags) <= {"html", "head", "meta", "title", "body", "h1", "section", "p",
                         "i", "b", "span", "blockquote", "ul", "li", "q", "a"}


def test_document_selection(hard):
    md = annotated_from_db(hard, document="doc1", fmt="md")
    assert "## nguyen2019" in md and "## fraisse1954" not in md


def test_sentinels_become_markup():
    from kb.publish.annotated import SENTINEL_FORMATTER as f
    text = "A <&> " + f.Italic("T_i*t") + " " + f.Bold("b")
    assert to_html(text) == "A &lt;&amp;&gt; <i>T_i*t</i> <b>b</b>"
    assert to_markdown(text) == "A \\<&\\> *T\\_i\\*t* **b**"


def test_html_links_urls_without_their_full_stop():
    from kb.publish.annotated import to_html
    assert to_html("At https://ex.org/a?b=1&c=2. Or <http://x.y/z>") == (
        'At <a href="https://ex.org/a?b=1&amp;c=2">https://ex.org/a?b=1&amp;c=2</a>. '
        'Or &lt;<a href="http://x.y/z">http://x.y/z</a>&gt;')


def test_bad_style_and_format(hard):
    with pytest.raises(ValueError, match="unknown citation style"):
        annotated_from_db(hard, style="no-such-style")
    with pytest.raises(ValueError, match="unknown format"):
        annotated_from_db(hard, fmt="pdf")
