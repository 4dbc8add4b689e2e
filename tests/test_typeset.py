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


def test_endnotes_run_on_across_pages():
    """Endnotes continue over a page break; footnotes end at it."""
    marked = ["1 Introduction", "Body text.", "Notes", "QZN1ZQ 1 Smith, A book, 12.",
              "\fA title 3", "London: Press, 2001.", "QZN2ZQ 2 Jones, Another, 4.", "References",
              "QZB1ZQ Smith, J. 2001. A book.", "QZE0ZQ"]
    meta = {"headings": ["Introduction", "Notes", "References"], "title": "A title",
            "running": "A title"}
    ends, _, _ = typeset.label_lines(marked, dict(meta, endnotes=True))
    foot, _, _ = typeset.label_lines(marked, meta)
    assert ends[2:4] == ["title", "note-B"] and ends[5:7] == ["note-I", "note-B"]
    assert foot[5] == "text" and ends[7:9] == ["title", "ref-B"]


def test_endnote_source_sets_notes_before_the_bibliography():
    typeset.ENDNOTES, old = 1.0, typeset.ENDNOTES
    try:
        src, meta = typeset.latex_source(random.Random(1), "verbose-ibid", ["a", "b"])
    finally:
        typeset.ENDNOTES = old
    assert meta["endnotes"] and "Notes" in meta["headings"]
    assert src.index(r"\theendnotes") < src.index(r"\printbibliography")
    assert "notetype=endonly" in src
    plain, _ = typeset.latex_source(random.Random(1), "verbose-ibid", ["a", "b"])
    assert r"\theendnotes" not in plain


@pytest.mark.parametrize("style", ["chicago-authordate", "verbose-ibid"])
def test_a_pdf_reference_list_splits_into_its_entries(tmp_path, style):
    """From a PDF, locate cuts the list as the line labeller reads it with the
    reader's layout (indents, gaps): one entry per printed entry."""
    from kb.locate import locate
    from kb.read import read
    records = typeset.make_records(random.Random(11), 60)
    gold = typeset.make_document(random.Random(3), style, records, tmp_path, "doc")
    assert gold is not None
    app = locate(read(tmp_path / "doc.pdf"))
    found = [_fold(e.raw) for e in app.entries if e.kind == "bibliography"]
    want = [_fold(re.sub(r"^\s*\[?\d{1,3}[.\]]?\s*", "", e)) for e in gold["entries"]]  # "[4]" label
    hits = sum(any(w[:40] and w[:40] in f for f in found) for w in want)
    assert len(found) == len(want) and hits >= 0.9 * len(want), (len(found), len(want), hits)
