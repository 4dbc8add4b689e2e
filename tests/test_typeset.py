"""kbdev.typeset: real typesetting gives PDFs whose text holds the gold entries."""
import random
import re
import shutil

import pytest

from kbdev import typeset

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdflatex", "biber", "pdftotext")),
    reason="needs pdflatex, biber and pdftotext")


def _fold(text):
    return re.sub(r"[\W_]+", "", text).casefold()


@pytest.mark.parametrize("style", ["authoryear", "verbose-ibid"])
def test_document_text_holds_gold_entries(tmp_path, style):
    records = typeset.make_records(random.Random(3), 60)
    gold = typeset.make_document(random.Random(5), style, records, tmp_path, "doc")
    assert gold is not None
    text = _fold((tmp_path / "doc.txt").read_text())
    assert len(gold["entries"]) == len(gold["keys"])          # every record printed once
    for entry in gold["entries"]:
        assert _fold(entry)[:40] in text
    labels = gold["plain"]
    assert labels.count("ref-B") >= 0.8 * len(gold["entries"])    # two columns: some reordered
    assert "text" in labels and "title" in labels
    if style == "verbose-ibid":
        assert gold["note_texts"] and "note-B" in labels


def test_labels_follow_markers():
    meta = {"headings": ["Introduction", "References"], "title": "A Title", "running": "A Title"}
    marked = ["A Title", "", "1 Introduction", "Body text goes here.",
              "QZB1ZQ  Smith, J. 2001. A book.", "   London: Press.",
              "QZB2ZQ  Jones, K. 2002. Another.", "QZE0ZQ", "\f"]
    labels, lines, _ = typeset.label_lines(marked, meta)
    assert labels[:5] == ["title", "blank", "title", "text", "ref-B"]
    assert labels[5:7] == ["ref-I", "ref-B"]
    assert "QZ" not in "".join(lines)


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs chromium")
def test_html_document_labels(tmp_path):
    from kbdev import typeset_html
    records = typeset.make_records(random.Random(3), 40)
    gold = typeset_html.make(random.Random(7), "html-notes", records[:12], tmp_path, "doc")
    assert gold is not None
    labels = gold["plain"]
    assert labels.count("ref-B") == len(gold["entries"]) == 12
    assert labels.count("note-B") == len(gold["note_texts"]) > 0
    assert "meta" in labels and "text" in labels
