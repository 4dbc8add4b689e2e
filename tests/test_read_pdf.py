"""The PDF layout reader: words, lines, markers, areas, repairs, fallback.

PDFs are made here with fpdf2 (always installed for tests) and LaTeX (those
tests skip without pdflatex); the layout steps are also tested on
hand-made characters, which pins each rule without a typesetter.
"""
import re
import shutil

import pytest
from fpdf import FPDF

from kb.read import ReadError, read
from kb.read import layout as lay
from kb.read import pdf as kbpdf
from kbdev.pdfmake import HEAD, latex_pdf

NOTE_START = re.compile(r"\d+ [A-Z]")
WORDS = "historiography conducted with Kastan, David Scott. Benedict Anderson [8] were".split()


def text_pdf(path, pages, head=None, size=11, title=None, author=None):
    """fpdf2 PDF: per page a list of (text, size, superscript?) runs per line."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for number, page in enumerate(pages, 1):
        pdf.add_page()
        if head:
            pdf.set_font("helvetica", size=8)
            pdf.set_xy(20, 10)
            pdf.cell(0, 5, head)
        for (y, runs) in page:
            pdf.set_xy(20, y)
            for text, run_size, sup in runs:
                pdf.set_font("helvetica", size=run_size or size)
                pdf.char_vpos = "SUP" if sup else "LINE"
                pdf.write(6, text)
            pdf.char_vpos = "LINE"
        if head:
            pdf.set_font("helvetica", size=9)
            pdf.set_xy(100, 285)
            pdf.cell(10, 5, str(number))
    pdf.output(str(path))
    return path


def body_page(lines, notes=()):
    """Body lines from y=30 down, note lines near the bottom, set at 8 pt."""
    page = [(30 + 7 * i, [(t, None, False)] if isinstance(t, str) else t)
            for i, t in enumerate(lines)]
    page += [(260 + 5 * i, [(t, 8, False)] if isinstance(t, str) else t)
             for i, t in enumerate(notes)]
    return page


def test_words_are_rebuilt_from_gaps(tmp_path):
    text = " ".join(WORDS)
    doc = read(text_pdf(tmp_path / "w.pdf", [body_page([text, "Second line of text here."])]))
    assert doc.lines[0].split() == WORDS
    assert doc.lines[1] == "Second line of text here."
    assert doc.layout[0].area == "body" and doc.layout[0].size == pytest.approx(1.0, abs=0.05)


def test_superscript_markers_and_footnote_area(tmp_path):
    note = [("12", 6, True), (" Smith, J. A History of Reading. London, 2003.", 8, False)]
    body = [[("The claim rests on the archive", None, False), ("12", 7, True),
             (" and more text.", None, False)],
            "Another line of ordinary body text follows here."] * 3
    doc = read(text_pdf(tmp_path / "n.pdf", [body_page(body, [note])]))
    first = doc.lines[0]
    assert "archive¹²" in first and first.endswith("and more text.")
    s, e = doc.layout[0].sup[0]
    assert first[s:e] == "¹²"
    foot = [i for i, l in enumerate(doc.layout) if l.area == "footnote"]
    assert len(foot) == 1
    assert doc.lines[foot[0]].startswith("12 Smith, J. A History")
    assert doc.layout[foot[0]].size < 0.9
    assert all(l.area == "body" for l in doc.layout[:foot[0]])


def test_running_heads_and_page_numbers_are_furniture(tmp_path):
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    pages = [body_page([" ".join(words[(n + i) % 12:] + words[:(n + i) % 12][:3])
                        for i in range(5)]) for n in range(1, 5)]
    doc = read(text_pdf(tmp_path / "h.pdf", pages, head="Journal of Reading Tests 12 (2020)"))
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    for page in doc.pages:
        lines = list(range(page.start_line - 1, page.end_line))
        areas = [doc.layout[i].area for i in lines]
        texts = [doc.lines[i] for i in lines]
        assert areas[0] == "furniture" and texts[0].startswith("Journal of Reading")
        assert areas[-1] == "furniture" and texts[-1] == str(page.number)
        assert set(areas[1:-1]) == {"body"}


def test_line_end_hyphens(tmp_path):
    body = ["The historians of the interpreta-",
            "tion of archives, and their self-",
            "control in the reading room (self-control",
            "is rare); a nineteenth-cen-",
            "tury habit, an ordinary well-",
            "known fact about docu-",
            "ments."]
    doc = read(text_pdf(tmp_path / "y.pdf", [body_page(body)]))
    text = "\n".join(doc.lines)
    assert doc.lines[0].endswith("interpretation") and "interpreta-" not in text
    assert doc.lines[1].startswith("of archives")
    assert "self-control" in doc.lines[1] and "selfcontrol" not in text
    assert "nineteenth-century\nhabit" in text
    assert "well-known" in text
    assert "documents." in text
    assert len(doc.lines) == len(body)


def chars(word, x=10.0, size=10.0, bottom=100.0, width=5.0, space_first=False):
    out = []
    for i, c in enumerate(word):
        out.append(lay.Char(c, x + i * width, x + (i + 1) * width, bottom, bottom + size,
                            size, space_before=space_first and i == 0))
    return out


def test_accents_join_their_letter():
    line = chars("Dahlstr", x=10)
    accent = lay.Char("¨", 45.5, 49.5, 102, 112, 10)      # drawn over the "o"
    line += [accent] + chars("om", x=45)
    line += [lay.Char("˚", 70.5, 74.5, 103, 113, 10, space_before=True)] + chars("Astrom", x=70)
    lines, _ = lay.build_lines([(line, 600, 800)])
    assert [l.text for l in lines] == ["Dahlström Åstrom"]
    combining = chars("Mu", x=10) + [lay.Char("\u0308", 15, 15, 100, 110, 10)] + chars("ller", x=20)
    lines, _ = lay.build_lines([(combining, 600, 800)])
    assert [l.text for l in lines] == ["Müller"]


def test_ligatures_and_soft_hyphens_are_letters():
    assert kbpdf.LIGATURES["ﬁ"] == "fi" and kbpdf.LIGATURES["ﬄ"] == "ffl"
    # two characters of one ligature share a box: still one word on one line
    line = chars("af", x=10) + [lay.Char("f", 15, 20, 100, 110, 10)] + chars("luent", x=20)
    lines, _ = lay.build_lines([(line, 600, 800)])
    assert [l.text for l in lines] == ["affluent"]


def test_word_gaps_on_hand_made_characters():
    # "were" "conducted" with a 3-unit gap (0.3 em) and a 0.5-unit kern inside a word
    line = chars("were", x=10) + chars("conducted", x=33) + chars("with", x=81)
    lines, _ = lay.build_lines([(line, 600, 800)])
    assert lines[0].text == "were conducted with"


def test_small_type_running_on_is_not_a_footnote_area(tmp_path):
    # a reference list set small from the bottom of one page onto the next
    page1 = body_page(["Body text of the article goes on here."] * 20 + ["References"])
    page1 += [(230 + 5 * i, [(f"[{i + 1}] Author A {1990 + i} J. Phys. {i + 3} {100 + i}", 9, False)])
              for i in range(4)]
    page2 = [(20 + 5 * i, [(f"[{i + 5}] Author B {1995 + i} Phys. Rev. {i + 7} {200 + i}", 9, False)])
             for i in range(6)]
    doc = read(text_pdf(tmp_path / "s.pdf", [page1, page2]))
    refs = [k for k, l in enumerate(doc.lines) if l.startswith("[")]
    assert len(refs) == 10 and all(doc.layout[k].area == "body" for k in refs)


def test_footnotes_that_outnumber_the_text_are_still_footnotes(tmp_path):
    # a legal sample: a few lines of text, many notes set smaller below them
    def page(first):
        body = [(30 + 7 * i, [(f"Text line {i} of the sample.", 12, False)]) for i in range(4)]
        notes = [(150 + 5 * i, [(f"{first + i}. Smith v. Jones, {100 + i} U.S. {200 + i} (19{50 + i}).", 9, False)])
                 for i in range(20)]
        return body + notes
    doc = read(text_pdf(tmp_path / "n.pdf", [page(1), page(21)]))
    areas = {doc.layout[k].area for k, l in enumerate(doc.lines) if "U.S." in l}
    assert areas == {"footnote"}


def test_letter_spaced_text_keeps_its_words(tmp_path):
    # tracked text sets every letter 3 pt apart; only the wider gaps divide words
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.set_char_spacing(3)
    pdf.cell(0, 8, "Kastan, David Scott. Shakespeare and the Book.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_char_spacing(0)
    pdf.cell(0, 8, "Anderson, Benedict. Imagined Communities.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "t.pdf"))
    assert read(tmp_path / "t.pdf").lines == [
        "Kastan, David Scott. Shakespeare and the Book.", "Anderson, Benedict. Imagined Communities."]


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex not installed")
@pytest.mark.parametrize("encoding,columns", [("OT1", 1), ("T1", 1), ("T1", 2)])
def test_latex_article(tmp_path, encoding, columns):
    path, truth = latex_pdf(tmp_path, pages=3, seed=4, encoding=encoding, columns=columns)
    doc = read(path)
    text = "\n".join(doc.lines)
    for name in ("Dahlström", "Schlögel", "Françoise", "Åström"):
        if name in " ".join(truth["body"]):
            assert name in text
    assert "¨" not in text and "ﬁ" not in text and "\ufffe" not in text
    heads = [i for i, l in enumerate(doc.lines) if l == HEAD]
    assert len(heads) == len(doc.pages) and all(doc.layout[i].area == "furniture" for i in heads)
    notes = [l for l, lo in zip(doc.lines, doc.layout) if lo.area == "footnote"]
    starts = [l for l in notes if NOTE_START.match(l)]
    assert len(starts) == len(truth["notes"])
    for n, note in truth["notes"].items():
        assert any(l.startswith(f"{n} ") and note[:20] in l for l in starts)
    markers = sum(ch in "¹²³⁴⁵⁶⁷⁸⁹" for ch in text)
    assert markers >= len(truth["notes"])
    words = set(text.split())
    joined = [w for w in truth["body"] if "-" not in w and w.strip(".") not in words
              and w.strip(".").lower() not in text.lower()]
    assert not joined                          # every word whole, no "interpreta-"


def test_fallback_to_plain_text_with_warning(tmp_path, monkeypatch):
    path = text_pdf(tmp_path / "f.pdf", [body_page(["Fallback text of the document."])])

    def broken(*a, **k):
        raise RuntimeError("layout exploded")
    monkeypatch.setattr(kbpdf, "layout_read", broken)
    doc = read(path)
    assert "Fallback text of the document." in doc.lines
    assert doc.layout == [None] * len(doc.lines) and "layout exploded" in doc.warnings[0]


def test_fallback_warning_reaches_build_errors(tmp_path, monkeypatch):
    from kb.build import build
    from kb.store import open_db
    corpus = tmp_path / "c"
    corpus.mkdir()
    text_pdf(corpus / "f.pdf", [body_page(["A claim (Smith, 2003).", "", "References",
                                           "Smith, J. (2003). A title. Journal, 3, 1-9."])])
    monkeypatch.setattr(kbpdf, "layout_read",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no layout")))
    build([corpus], tmp_path / "kb.db", jobs=1, progress=False)
    db = open_db(tmp_path / "kb.db")
    rows = list(db.query("SELECT path, error FROM build_errors"))
    assert rows and "no layout" in rows[0]["error"] and rows[0]["error"].startswith("warning")
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_metadata_title_and_authors(tmp_path):
    path = text_pdf(tmp_path / "m.pdf", [body_page(["Some text of the paper body."])],
                    title="Reading Layout", author="Ada Lovelace; Alan Turing")
    doc = read(path)
    assert doc.title == "Reading Layout" and doc.authors == ["Ada Lovelace", "Alan Turing"]
    junk = read(text_pdf(tmp_path / "j.pdf", [body_page(["Body text."])],
                         title="Microsoft Word - draft3.docx"))
    assert junk.title is None


def test_hostile_pdfs_keep_their_errors(tmp_path):
    path = text_pdf(tmp_path / "ok.pdf", [body_page(["Text."])])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ReadError, match="cut.pdf"):
        read(cut)


def test_sideways_margin_text_is_furniture(tmp_path):
    path = tmp_path / "r.pdf"
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for i, line in enumerate(["First line of the body text.", "Second line of the body."]):
        pdf.text(20, 30 + 7 * i, line)
    pdf.set_font("helvetica", size=7)
    with pdf.rotation(90, 10, 200):
        pdf.text(10, 200, "Downloaded from example.org on 1 May 2020")
    pdf.output(str(path))
    doc = read(path)
    body = [l for l, lo in zip(doc.lines, doc.layout) if lo.area == "body"]
    side = [l for l, lo in zip(doc.lines, doc.layout) if lo.area == "furniture"]
    assert body == ["First line of the body text.", "Second line of the body."]
    assert side == ["Downloaded from example.org on 1 May 2020"]


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

CHAR = st.builds(
    lambda c, x, y, w, h, size, sp, rot: lay.Char(c, x, x + w, y, y + h, size,
                                                  space_before=sp, rotated=rot),
    st.sampled_from(list("ab1¹-.,(¨´˚") + ["\u0308", "fi"]),
    st.floats(-50, 700), st.floats(-50, 900), st.floats(-5, 20), st.floats(-5, 30),
    st.floats(0, 40), st.booleans(), st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(CHAR, max_size=60), st.sampled_from([0.0, 300.0, 595.0]),
                          st.sampled_from([0.0, 400.0, 842.0])), min_size=1, max_size=4))
def test_layout_never_fails_on_odd_characters(pages):
    """Any characters (odd boxes, zero sizes, empty pages) give lines, pages and layout."""
    parsed = kbpdf.finish(pages)
    assert len(parsed.layout) == len(parsed.lines)
    for page in parsed.pages:
        assert 1 <= page.start_line <= page.end_line <= len(parsed.lines)
    assert all(lo.area in ("body", "footnote", "furniture") for lo in parsed.layout)
