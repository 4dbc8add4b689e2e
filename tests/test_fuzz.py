"""Bounded work on any input: property tests and a short fuzz run over the readers,
the reference parser, the locator and the citation linker.

Two kinds of check:

* hypothesis properties with a (generous) deadline: every function returns a
  well-formed result or raises the documented error, on arbitrary input;
* adversarial inputs known to make backtracking regexes explode (long runs of
  one character, nested brackets, many initials ...), each run in a child
  process with a hard timeout, so a catastrophic regex fails the test instead
  of hanging the suite (``re`` cannot be interrupted from Python).
"""
from __future__ import annotations

import importlib
import importlib.util
import io
import json
import random
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kb import read as kbread
from kb.models import Document, Page
from kb.read import ReadError

ROOT = Path(__file__).resolve().parent.parent

FUZZ = settings(max_examples=150, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# text that looks a little like scholarly writing, so the parsers get past their
# first checks: words, initials, years, pages, brackets, quotes, URLs, notes
ATOMS = st.sampled_from([
    "Smith", "J.", "A. B.", "&", "and", "et al.", "(", ")", "[", "]", "“", "”", '"',
    "'", ",", ".", ";", ":", "2003", "2003a", "1999–2001", "pp.", "p.", "12-15",
    "Ibid.", "ibid.", "Op. cit.", "vol.", "no.", "In", "Ed.", "eds.", "(Eds.)",
    "https://doi.org/10.1000/xyz", "http://example.org/a?b=c", "doi:10.1/2",
    "Journal of Things", "Press", "London:", "New York", "\n", "  ", "\t", "¹", "²",
    "1", "12", "*", "†", "—", "-", "/", "<b>", "</b>", "&amp;", "\f", "References",
    "Bibliography", "Notes", "ISBN 978-0-00-000000-0", "n.d.", "accessed 3 May 2020",
    "《", "》", "张伟", "Müller", "Ø", "\u200b", "\x00",
])
SCHOLARLY = st.lists(ATOMS, max_size=60).map(" ".join)
ANY_TEXT = st.one_of(SCHOLARLY, st.text(max_size=400))


def optional(name):
    """The module ``name``, or skip when that stage is not written yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name == name:
            pytest.skip(f"{name} not present")
        raise


def make_doc(text: str) -> Document:
    lines, pages = kbread.text_lines(text)
    return Document(id="fuzz", path="fuzz.txt", lines=lines, sha256="0" * 64,
                    format="txt", pages=pages)


# --- readers -------------------------------------------------------------------

def check_pages(pages: list[Page], n_lines: int):
    last_end = 0
    for p in pages:
        assert 1 <= p.start_line <= p.end_line <= n_lines
        assert p.start_line > last_end
        last_end = p.end_line


@FUZZ
@given(st.text(max_size=2000))
def test_text_lines_keep_every_line(text):
    lines, pages = kbread.text_lines(text)
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    assert len(lines) == normal.count("\n") + 1
    check_pages(pages, len(lines))


@FUZZ
@given(st.lists(st.one_of(st.from_regex(r"\s{0,3}(page |p\. |- )?\d{1,4}( -)?\s{0,3}",
                                        fullmatch=True),
                          st.just(""), st.text(max_size=40)), max_size=400))
def test_page_numbers_any_lines(lines):
    marks = kbread.page_number_lines(lines)
    assert all(1 <= ln <= len(lines) for ln, _ in marks)
    check_pages(kbread.pages_from_numbers(lines), len(lines))


@FUZZ
@given(st.lists(st.sampled_from(["<p>", "</p>", "<script>", "</script>", "<!--", "-->",
                                 "<br/>", "<div class='x'>", "</div>", "&amp;", "&#x3c;",
                                 "<", ">", "\n", "text", " ", "<style>", "</style>"]),
                max_size=300).map("".join))
def test_html_to_text_keeps_newlines(html):
    out = kbread.html_to_text(html)
    if html.count("\n") >= 3:   # not minified: lines never move
        assert out.count("\n") == html.count("\n")


@FUZZ
@given(st.binary(max_size=3000))
def test_decode_any_bytes(data):
    try:
        text = kbread.decode("f.txt", data)
    except ReadError as e:
        assert e.path == "f.txt" and e.reason
    else:
        assert isinstance(text, str)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".md", ".html", ".pdf", ".htm"]))
def test_read_any_file(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fz") / f"f{suffix}"
    path.write_bytes(data)
    try:
        doc = kbread.read(path)
    except ReadError as e:
        assert str(path) in str(e) and e.reason
    else:
        assert doc.lines and doc.sha256 and doc.format
        check_pages(doc.pages, len(doc.lines))


def _small_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    for i in range(2):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 8, f"Page {i + 1}. Smith, J. (2003). A title. Journal, 3(2), 1-9.")
    return bytes(pdf.output())


PDF = _small_pdf()


@settings(max_examples=120, deadline=timedelta(seconds=10),
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(PDF) - 1), st.integers(0, 255)),
                min_size=1, max_size=20),
       st.integers(16, len(PDF)))
def test_mutated_pdf(flips, keep):
    data = bytearray(PDF[:keep])
    for pos, byte in flips:
        if pos < len(data):
            data[pos] = byte
    try:
        lines, pages = kbread.pdf_lines("m.pdf", bytes(data))
    except ReadError as e:
        assert e.path == "m.pdf" and e.reason
    else:
        check_pages(pages, len(lines))


# --- parser, locator, citation linker -----------------------------------------------

KINDS = st.sampled_from(["bibliography", "footnote", "endnote", "inline"])


@FUZZ
@given(ANY_TEXT, KINDS)
def test_parse_any_reference(raw, kind):
    parse = optional("kb.parse")
    fields = parse.parse(raw, kind)
    assert isinstance(fields, dict)
    json.dumps(fields, default=str)               # storable
    year = fields.get("year")
    assert year is None or isinstance(year, int)


@FUZZ
@given(st.lists(st.one_of(SCHOLARLY, st.sampled_from(
    ["References", "Notes", "Bibliography", "", "1 See Smith 2003, 4.",
     "Smith, J. (2003). A title. Journal, 3(2), 1-9.", "[1] A. Author, Title, 2001."])),
    max_size=60).map("\n".join))
def test_locate_any_document(text):
    locate = optional("kb.locate")
    doc = make_doc(text)
    found = locate.locate(doc)
    assert found is not None


@FUZZ
@given(st.lists(st.one_of(SCHOLARLY, st.sampled_from(
    ["References", "Notes", "", "1 Ibid., 4.", "2 Smith, A title, 12.",
     "Smith, J. (2003). A title. Journal, 3(2), 1-9.", "As shown (Smith, 2003, p. 4)."])),
    max_size=60).map("\n".join))
def test_whole_pipeline_any_document(tmp_path_factory, text):
    pipeline = optional("kb.pipeline")
    path = tmp_path_factory.mktemp("pp") / "doc.txt"
    path.write_text(text or "x", encoding="utf-8")
    try:
        result = pipeline.process(str(path))
    except ReadError:
        return
    n = len(result.refs)
    for c in result.citations:
        assert 0 <= c.claim < len(result.claims)
        assert c.ref is None or 0 <= c.ref < n
    for r in result.refs:
        assert r.same_as is None or 0 <= r.same_as < n
        assert 1 <= r.line <= len(result.document.lines)


# --- adversarial inputs, under a hard timeout ------------------------------------------

def adversarial() -> list[str]:
    """Strings that blow up regexes with nested or overlapping quantifiers."""
    n = 20_000
    return [
        "a" * n, " " * n, "." * n, "A. " * (n // 3), "A." * (n // 2), "(" * n,
        "(" * (n // 2) + ")" * (n // 2), "[" * n, "1" * n, "1-" * (n // 2),
        "Smith, " * (n // 7), "Smith, J., " * (n // 11), "et al. " * (n // 7),
        "http://" + "a/" * (n // 2), "https://doi.org/10." + "1" * n,
        "“" * n, '"' * n, "p. " * (n // 3), "pp. 1-" * (n // 6), "-" * n,
        "In: " * (n // 4), "—" * n, "\t" * n, "a " * (n // 2) + "!",
        "Smith J Smith J " * (n // 16), "2003" * (n // 4), "2003a, " * (n // 7),
        "Ibid. " * (n // 6), "<" * n, "<a " * (n // 3), "&" * n, "\n" * n,
        "\n \n" * (n // 3), "- 12 -\n\n" * (n // 9),
    ]


CHILD = textwrap.dedent("""
    import importlib, json, sys
    from kb import read as r
    inputs = json.load(sys.stdin)
    done = []
    def call(name, fn):
        for s in inputs:
            try:
                fn(s)
            except Exception as e:
                if type(e).__name__ not in ("ReadError",):
                    print(f"{name}: {type(e).__name__}: {e}"[:300], file=sys.stderr)
                    sys.exit(3)
        done.append(name)
    call("read.text_lines", r.text_lines)
    call("read.html_to_text", r.html_to_text)
    call("read.decode", lambda s: r.decode("x.txt", s.encode("utf-8", "surrogatepass")))
    call("read.page_number_lines", lambda s: r.page_number_lines(s.split("\\n")))
    call("read.markdown_title", lambda s: r.markdown_title(["# " + s]))
    call("read.html_title", lambda s: r.html_title(("<title>" + s).encode()))
    def maybe(mod):
        try:
            return importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
            return None
    from kb.models import Document
    def doc(s):
        lines, pages = r.text_lines("Text.\\n\\nReferences\\n\\n" + s)
        return Document(id="x", path="x.txt", lines=lines, sha256="0"*64, format="txt",
                        pages=pages)
    parse = maybe("kb.parse")
    if parse:
        for kind in ("bibliography", "footnote", "inline"):
            call(f"parse.parse[{kind}]", lambda s: parse.parse(s[:5000], kind))
            call(f"parse.parse[{kind}] uncapped", lambda s: parse.parse(s, kind))
    for mod, fn in (("kb.parsing.dates", "find_year"), ("kb.parsing.dates", "parse_date"),
                    ("kb.parsing.names", "split_names"), ("kb.parsing.rules", "extract"),
                    ("kb.parsing.tokens", "tokenize")):
        m = maybe(mod)
        if m and hasattr(m, fn):
            call(f"{mod}.{fn}", getattr(m, fn))
    locate = maybe("kb.locate")
    if locate:
        call("locate.locate", lambda s: locate.locate(doc(s)))
    pipeline = maybe("kb.pipeline")
    if pipeline:
        import tempfile, os
        d = tempfile.mkdtemp()
        def whole(s):
            p = os.path.join(d, "a.txt")
            open(p, "w", encoding="utf-8", errors="surrogatepass").write(
                "A claim (Smith, 2003).\\n\\nReferences\\n\\n" + s)
            pipeline.process(p)
        call("pipeline.process", whole)
    print(json.dumps(done))
""")


def test_adversarial_inputs_finish(tmp_path):
    """Every regex-driven function finishes on pathological input (hard 240 s cap)."""
    inputs = adversarial()
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(inputs),
                              capture_output=True, text=True, timeout=240, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"a reader/parser did not finish on adversarial input; "
                    f"last output: {(e.stderr or b'')[-500:]!r}")
    assert proc.returncode == 0, proc.stderr[-2000:]
    done = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "read.text_lines" in done and "read.html_to_text" in done
    for mod, name in (("kb.parse", "parse.parse[bibliography] uncapped"),
                      ("kb.locate", "locate.locate"), ("kb.pipeline", "pipeline.process")):
        if importlib.util.find_spec(mod) is not None:
            assert name in done


HTML_CHILD = textwrap.dedent("""
    from kb import read as r
    n = 400_000
    for s in ("<" * n, "<script>" * (n // 8), "<!--" * (n // 4), "<style x=" * (n // 9),
              "<a " * (n // 3), "</p" * (n // 3)):
        r.html_to_text(s)
        r.html_title(("<title" + s).encode())
    r.markdown_title(["# a" + " " * n + "b"])
    print("ok")
""")


def test_html_reader_is_linear_on_unclosed_markup():
    """Unclosed tags/comments/scripts once cost quadratic time (minutes at 400 kB)."""
    try:
        proc = subprocess.run([sys.executable, "-c", HTML_CHILD], capture_output=True,
                              text=True, timeout=60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("html_to_text/html_title/markdown_title are not linear on unclosed markup")
    assert proc.stdout.strip() == "ok", proc.stderr[-1000:]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_byte_soup_through_read(tmp_path, seed):
    """A short fuzz run: random byte soups with text-like structure, every format."""
    rnd = random.Random(seed)
    pieces = [b"Smith, J. (2003). ", b"\n", b"\r\n", b"\xff", b"\xc3\xa9", b"\xe9",
              b"\x00", b"<p>", b"%PDF-1.4\n", b"\f", b"obj << /Length 99 >> stream\n",
              b"endstream", "张伟".encode("gb18030"), "日本".encode("shift_jis"),
              b"\xef\xbb\xbf", b"\xfe\xff", b"References\n"]
    for i in range(60):
        data = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 400)))
        suffix = rnd.choice([".txt", ".md", ".html", ".pdf"])
        path = tmp_path / f"soup{i}{suffix}"
        path.write_bytes(data)
        try:
            doc = kbread.read(path)
        except ReadError as e:
            assert e.reason and str(path) in str(e)
        else:
            check_pages(doc.pages, len(doc.lines))
