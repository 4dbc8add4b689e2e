"""Readers: every format -> lines numbered as in the file, pages, language."""
import pytest
from fpdf import FPDF

from kb.read import ReadError, read, page_number_lines, html_to_text

EN = ("The social credit system is a set of databases and initiatives that monitor "
      "and assess the trustworthiness of individuals, companies and government entities. ")
DE = ("Das Sozialkreditsystem ist ein in der Volksrepublik China geplantes Bewertungssystem, "
      "das Personen, Unternehmen und andere Organisationen bewerten soll. ")


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_txt_lines_match_file(tmp_path):
    p = write(tmp_path, "a.txt", "first\nsecond\r\nthird\n")
    doc = read(p)
    assert doc.id == "a" and doc.format == "txt"
    assert doc.lines[:3] == ["first", "second", "third"]
    assert len(doc.sha256) == 64


def test_form_feeds_are_page_breaks_without_moving_lines(tmp_path):
    p = write(tmp_path, "ff.txt", "one\ntwo\n\fthree\nfour\n\ffive")
    doc = read(p)
    assert doc.lines == ["one", "two", "three", "four", "five"]
    assert [(pg.number, pg.start_line, pg.end_line) for pg in doc.pages] == [
        (1, 1, 2), (2, 3, 4), (3, 5, 5)]
    assert doc.page_of(4) == 2


def test_page_number_lines_give_pages(tmp_path):
    body = []
    for page in range(10, 14):
        body += [f"text of page {page} line {i}" for i in range(20)] + ["", f"{page} ", ""]
    doc = read(write(tmp_path, "p.txt", "\n".join(body)))
    assert [p.number for p in doc.pages][:4] == [10, 11, 12, 13]
    assert doc.page_of(30) == 11


def test_note_numbers_are_not_page_numbers():
    lines = []
    for n in range(1, 6):
        lines += ["A sentence that ends here."] * 12 + [str(n), " Author, Title, 2001."]
    assert page_number_lines(lines) == []


def test_markdown_title(tmp_path):
    doc = read(write(tmp_path, "m.md", "# A *Title*\n\nSome text " + EN))
    assert doc.title == "A Title" and doc.format == "md"


def test_html_keeps_line_numbers_and_drops_scripts(tmp_path):
    html = ("<html><head><title>T &amp; U</title>\n<script>\nvar x = '<p>';\n</script></head>\n"
            "<body><p>Hello &amp; <b>world</b></p>\n<p>Second</p></body></html>")
    doc = read(write(tmp_path, "h.html", html))
    assert doc.title == "T & U"
    assert doc.lines[4].strip() == "Hello & world"
    assert doc.lines[5].strip() == "Second"
    assert "var x" not in doc.text


def test_minified_html_split_at_blocks():
    text = html_to_text("<p>" + "a" * 3000 + "</p><p>second</p>")
    assert text.splitlines()[1] == "second"


def make_pdf(path, pages):
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))


def test_pdf_pages_and_text(tmp_path):
    p = tmp_path / "doc.pdf"
    make_pdf(p, [EN * 3, "Second page. " + EN])
    doc = read(p)
    assert doc.format == "pdf" and len(doc.pages) == 2
    assert "Second page" in " ".join(doc.lines[doc.pages[1].start_line - 1:])
    assert doc.page_of(doc.pages[1].start_line) == 2
    assert doc.language == "en"


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfReader, PdfWriter
    p = tmp_path / "plain.pdf"
    make_pdf(p, [EN])
    w = PdfWriter()
    for page in PdfReader(p).pages:
        w.add_page(page)
    w.encrypt("secret")
    enc = tmp_path / "enc.pdf"
    with open(enc, "wb") as f:
        w.write(f)
    with pytest.raises(ReadError, match="encrypted"):
        read(enc)


def test_truncated_pdf_is_refused(tmp_path):
    p = tmp_path / "full.pdf"
    make_pdf(p, [EN * 5])
    cut = write(tmp_path, "cut.pdf", p.read_bytes()[:300])
    with pytest.raises(ReadError, match="cut.pdf"):
        read(cut)


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("bin.txt", b"\x00\x01\x02" * 1000, "binary"),
    ("fake.pdf", b"hello, not a pdf", "not a PDF"),
    ("x.docx", b"PK\x03\x04", "unsupported"),
])
def test_bad_input_names_file_and_problem(tmp_path, name, data, reason):
    p = write(tmp_path, name, data)
    with pytest.raises(ReadError) as e:
        read(p)
    assert name in str(e.value) and reason in str(e.value)


def test_legacy_encoding_is_detected(tmp_path):
    text = "Kühnreich, Katika: Soziale Kontrolle 4.0? Chinas Sozialkreditsysteme. Blätter für deutsche und internationale Politik, 2018. Größe, Übersicht, Ärger. " * 5
    doc = read(write(tmp_path, "latin.txt", text.encode("cp1252")))
    assert "Kühnreich" in doc.text and "Blätter" in doc.text


def test_mojibake_is_repaired(tmp_path):
    text = "Kühnreich and the Blätter journal."
    doc = read(write(tmp_path, "moji.txt", text.encode("utf-8").decode("cp1252").encode("utf-8")))
    assert doc.lines[0] == text


def test_language_detection(tmp_path):
    assert read(write(tmp_path, "de.txt", DE * 5)).language == "de"
    assert read(write(tmp_path, "en.txt", EN * 5)).language == "en"


def test_language_model_cache(tmp_path, monkeypatch):
    """The decoded language model is cached on disk, and a broken cache is ignored."""
    from kb import read as read_mod
    monkeypatch.setenv("KB_CACHE", str(tmp_path / "cache"))
    first = read_mod._cached_identifier()
    cached = list((tmp_path / "cache").glob("langid-*.pickle"))
    assert len(cached) == 1
    again = read_mod._cached_identifier()          # from the pickle
    assert again.classify(DE * 2)[0] == first.classify(DE * 2)[0] == "de"
    cached[0].write_bytes(b"not a pickle")
    assert read_mod._cached_identifier().classify(EN * 2)[0] == "en"
    monkeypatch.setenv("KB_CACHE", str(tmp_path / "file-not-dir"))
    (tmp_path / "file-not-dir").write_text("x")   # cache cannot be written
    assert read_mod._cached_identifier().classify(EN * 2)[0] == "en"
