"""Characters with font, size and position -> text lines with their layout.

Independent of the PDF library: kb.read.pdf hands over, per page, a list of
``Char`` (in content-stream order) and the page size.  Here:

- lines are rebuilt from the characters' vertical bands and x jumps, words
  from the gaps between characters (no "Histo ry", no "wereconductedwith");
- spacing accents set over a letter become one letter ("Dahlström");
- superscripts are found by size and baseline; note markers become
  Unicode superscript digits after a word ("the¹") and "12 " at the start
  of a note line, as pdftotext-like text has them;
- running heads and page numbers (repeated at the top or bottom of pages)
  are area=furniture, smaller lines at a page's bottom area=footnote;
- line-end hyphens are removed where the joined word is a word.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..models import LineLayout


@dataclass(slots=True)
class Char:
    """One glyph: text, loose box (PDF units, y up), font size, font flags."""
    c: str
    x0: float
    x1: float
    bottom: float
    top: float
    size: float
    bold: bool = False
    italic: bool = False
    space_before: bool = False   # a space (real or the library's) came before it
    rotated: bool = False        # set sideways (margin notes, "Downloaded from ...")


@dataclass
class Line:
    chars: list[Char]
    page: int                    # 1-based physical page
    width: float                 # page width and height
    height: float
    text: str = ""
    sup: list[tuple[int, int]] = field(default_factory=list)
    size: float = 0.0            # main font size
    bottom: float = 0.0          # baseline-ish: median bottom of main-size characters
    area: str = "body"

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def top(self) -> float:
        return max(c.top for c in self.chars)


def build_lines(pages: list[tuple[list[Char], float, float]]) -> tuple[list[Line], list[int]]:
    """Per page (chars, width, height) -> (lines in reading order, lines per page)."""
    lines, counts = [], []
    for number, (chars, width, height) in enumerate(pages, 1):
        upright = [c for c in chars if not c.rotated]
        groups = group_lines(upright) + _sideways(c for c in chars if c.rotated)
        page_lines = [Line(group, number, width, height) for group in groups]
        for line in page_lines:
            line_text(line)
        page_lines = [l for l in page_lines if l.text.strip()]
        lines.extend(page_lines)
        counts.append(len(page_lines))
    return lines, counts


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters in stream order -> lines: a new line where the text leaves
    the current line's vertical band, jumps back left past the last
    character, or jumps far right.  Accents and ligature parts (drawn over
    their neighbours) stay on their line."""
    out: list[list[Char]] = []
    cur: list[Char] = []
    band = (0.0, 0.0, 0.0)   # bottom, top, size of the line's largest characters
    accent_band = False
    for ch in chars:
        if cur:
            prev = cur[-1]
            low, high, size = band
            overlap = min(high, ch.top) - max(low, ch.bottom)
            small = min(high - low, ch.top - ch.bottom) or 1.0
            near = prev.x0 - 0.5 * size < ch.x0 < prev.x1 + 2 * size
            if ch.c in ACCENTS and near:
                pass
            elif (ch.x1 <= prev.x0 - 0.5 * size or overlap < 0.45 * small
                    or ch.x0 > prev.x1 + 4 * max(size, ch.size)):
                out.append(cur)
                cur = []
        if not cur or ch.size > band[2] * 1.05 or (accent_band and ch.c not in ACCENTS):
            band = (ch.bottom, ch.top, ch.size)
            accent_band = ch.c in ACCENTS
        cur.append(ch)
    if cur:
        out.append(cur)
    return out


def _sideways(chars) -> list[list[Char]]:
    """Rotated characters: one line per run in stream order (positions do not
    order them), marked furniture later by ``rotated``."""
    out: list[list[Char]] = []
    for ch in chars:
        prev = out[-1][-1] if out else None
        if (prev is not None and len(out[-1]) < 400 and abs(ch.x0 - prev.x0)
                + abs(ch.bottom - prev.bottom) < 3 * max(ch.size, prev.size, 1.0)):
            out[-1].append(ch)
        else:
            out.append([ch])
    return out


def line_text(line: Line) -> None:
    """Fill ``line.text``, ``line.size`` and raw superscript spans from its chars."""
    chars = _join_accents(line.chars)
    line.chars = chars
    sizes = Counter(round(c.size, 1) for c in chars)
    line.size = sizes.most_common(1)[0][0]
    base = line.bottom = statistics.median(c.bottom for c in chars
                                           if abs(c.size - line.size) < 0.2)
    parts, sup, prev, prev_raised = [], [], None, False
    pos, upright = 0, not chars[0].rotated   # sideways: only spaces in the text count
    tracking = letter_gap(chars)
    for ch in chars:
        raised = upright and ch.size <= 0.9 * line.size and ch.bottom > base + 0.18 * line.size
        if prev is not None and not (prev_raised and ch.c in CLOSING) and (
                ch.space_before or (upright and ch.x0 - prev.x1 - tracking
                                    > 0.15 * min(ch.size, prev.size))):
            parts.append(" ")
            pos += 1
        if raised:
            if sup and sup[-1][1] == pos:
                sup[-1] = (sup[-1][0], pos + len(ch.c))
            else:
                sup.append((pos, pos + len(ch.c)))
        parts.append(ch.c)
        pos += len(ch.c)
        prev, prev_raised = ch, raised
    line.text = "".join(parts)
    line.sup = sup


def letter_gap(chars: list[Char]) -> float:
    """The usual gap between letters of a word on this line: about 0, but
    letter-spaced (tracked) text sets every letter apart, and only a gap
    beyond that one divides words."""
    gaps = [b.x0 - a.x1 for a, b in zip(chars, chars[1:]) if not b.space_before]
    if len(gaps) < 6:
        return 0.0
    return max(0.0, statistics.median(gaps))


def _join_accents(chars: list[Char]) -> list[Char]:
    """A spacing accent set over the next (or previous) letter joins it: ¨ + o -> ö."""
    if not any(c.c in ACCENTS or unicodedata.combining(c.c[0]) for c in chars):
        return chars
    out: list[Char] = []
    i = 0
    while i < len(chars):
        ch = chars[i]
        if unicodedata.combining(ch.c[0]) and out and out[-1].c.isalpha():
            out[-1] = _combined(out[-1], ch.c, out[-1].space_before)   # o + U+0308
            i += 1
            continue
        mark = ACCENTS.get(ch.c)
        if mark:
            nxt = chars[i + 1] if i + 1 < len(chars) else None
            if nxt and nxt.c.isalpha() and nxt.x0 < ch.x1 and ch.x0 < nxt.x1:
                out.append(_combined(nxt, mark, ch.space_before))
                i += 2
                continue
            if out and out[-1].c.isalpha() and ch.x0 < out[-1].x1:
                out[-1] = _combined(out[-1], mark, out[-1].space_before)
                i += 1
                continue
        out.append(ch)
        i += 1
    return out


def _combined(letter: Char, mark: str, space_before: bool) -> Char:
    base = {"ı": "i", "ȷ": "j"}.get(letter.c, letter.c)
    return Char(unicodedata.normalize("NFC", base + mark), letter.x0, letter.x1,
                letter.bottom, letter.top, letter.size, letter.bold, letter.italic,
                space_before)


# --- areas ----------------------------------------------------------------------

def body_size(lines: list[Line]) -> float:
    """The font size most characters in the upper half of the pages are set
    in (footnotes, set smaller at the foot, may outnumber the text)."""
    sizes = Counter()
    for line in [l for l in lines if _y(l) < 0.5] or lines:
        for c in line.chars:
            sizes[round(c.size * 2) / 2] += 1
    return sizes.most_common(1)[0][0] if sizes else 10.0


def mark_furniture(lines: list[Line], counts: list[int], body: float) -> None:
    """Running heads and page numbers: lines at the top or bottom edge of a
    page whose text (digits aside) repeats at the same height on a quarter of
    the pages (half, for lines set as small as notes: a last note line such
    as "Ibid., 45." often sits at one height), or a page number."""
    pages = [[l for l in page if not l.chars[0].rotated] for page in _by_page(lines, counts)]
    for line in lines:
        if line.chars[0].rotated:
            line.area = "furniture"
    edges = []
    for page in pages:
        ordered = sorted(page, key=lambda l: -l.top)
        edges.append([l for l in ordered[:2] + ordered[-2:][::-1]
                      if _y(l) < 0.16 or _y(l) > 0.84])
    seen = Counter()     # (text with digits as "#", height on the page) -> pages
    for edge in edges:
        seen.update({_furniture_key(l) for l in edge})
    need = max(2, round(0.25 * len(pages)))
    need_small = max(3, -(-len(pages) // 2))
    for page in pages:
        ordered = sorted(page, key=lambda l: -l.top)
        for side in (ordered[:2], ordered[-2:][::-1]):   # outermost line first
            for l in side:
                key = _furniture_key(l)
                if not (_y(l) < 0.16 or _y(l) > 0.84):
                    break
                wanted = need_small if l.size <= 0.92 * body else need
                if (len(pages) >= 2 and seen[key] >= wanted) or PAGE_NO.match(l.text):
                    l.area = "furniture"
                else:
                    break     # the next line in is furniture only if this one is


def mark_footnotes(lines: list[Line], counts: list[int], body: float) -> None:
    """Footnotes: a run of lines set smaller than the body at the bottom of a
    page or column, apart from the text above (furniture aside).  Small type
    that the next page goes on with (a reference list set small) is not."""
    pages = [[l for l in page if l.area != "furniture"] for page in _by_page(lines, counts)]
    for k, page in enumerate(pages):
        if not page:
            continue
        left, right = min(l.x0 for l in page), max(l.x1 for l in page)
        mid, width = (left + right) / 2, right - left
        wide = [l for l in page if l.x1 - l.x0 > 0.55 * width]
        for column in ([l for l in page if l.x1 <= mid + 0.05 * width],
                       [l for l in page if l.x0 >= mid - 0.05 * width]):
            both = {id(l): l for l in column + wide}.values()
            _footnote_run(sorted(both, key=lambda l: -l.top), body)
        nxt = pages[k + 1] if k + 1 < len(pages) else []
        _small_type_goes_on(page, nxt)


def _small_type_goes_on(page: list[Line], nxt: list[Line]) -> None:
    """Unmark a page's footnote run when the next page opens in the same
    small type: footnotes never run on at the top of the next page."""
    run = [l for l in page if l.area == "footnote"]
    if not run or not nxt:
        return
    top = max(nxt, key=lambda l: l.top)
    size = statistics.median(l.size for l in run)
    if top.area == "body" and abs(top.size - size) <= 0.25:
        for line in run:
            line.area = "body"


def _footnote_run(ordered: list[Line], body: float) -> None:
    run = []
    for line in reversed(ordered):
        if line.size <= 0.92 * body and _y(line) > 0.35:
            run.append(line)
        else:
            break
    above = ordered[len(ordered) - len(run) - 1] if len(run) < len(ordered) else None
    # notes sit apart from the text above them (a rule, extra space)
    if run and above is not None and above.bottom - run[-1].top > 0.4 * body:
        for line in run:
            line.area = "footnote"


def _by_page(lines: list[Line], counts: list[int]) -> list[list[Line]]:
    out, i = [], 0
    for n in counts:
        out.append(lines[i:i + n])
        i += n
    return out


def _y(line: Line) -> float:
    return (line.height - line.top) / line.height if line.height else 0.0


def _furniture_key(line: Line) -> tuple[str, int]:
    """Running heads repeat their text (page numbers aside) at one height."""
    return DIGITS.sub("#", line.text.lower()).strip(), round(_y(line) * 100)


# --- markers and hyphens ------------------------------------------------------------

def format_markers(line: Line) -> None:
    """Superscript digits -> "¹²" after a word, "12 " at the start of the line."""
    if not line.sup:
        return
    text, spans, shift, new_spans = line.text, line.sup, 0, []
    out = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        mark = text[start:end]
        lead = not text[:start].strip()
        numeric = any(c.isdigit() for c in mark) and not mark.strip(NOTE_MARK_CHARS)
        rest = text[end:].lstrip()[:1]
        # a note's own number: in a note area, or before a capital/quote/bracket
        # (a marker that merely wrapped to a line start is followed by lower case)
        lead = lead and (line.area == "footnote" or not rest.islower())
        if numeric and lead:
            rep = mark + ("" if text[end:end + 1] == " " else " ")
            out.append(rep)   # "12 Smith, ...": a note number, as in plain text
            new_spans.append((start + shift, start + shift + len(mark)))
        elif numeric:
            rep = mark.translate(SUPERSCRIPT)
            if out and out[-1].endswith(" ") and start > 0:
                out[-1] = out[-1][:-1]          # "the ¹" -> "the¹"
                shift -= 1
            out.append(rep)
            new_spans.append((start + shift, start + shift + len(rep)))
        else:
            rep = mark
            out.append(rep)
            new_spans.append((start + shift, start + shift + len(rep)))
        shift += len(rep) - len(mark)
        last = end
    out.append(text[last:])
    line.text = "".join(out)
    line.sup = new_spans


def repair_hyphens(lines: list[Line]) -> None:
    """Join words broken at a line end ("interpreta-" / "tion") where the joined
    word is a word; keep real hyphens ("self-" / "control" -> "self-control").
    The second half moves up, so each word stays whole on one line."""
    vocab = Counter(w.lower() for l in lines for w in COMPOUND.findall(l.text))
    vocab.update(w.lower() for l in lines for w in WORD.findall(l.text))
    for a, b in zip(lines, lines[1:]):
        if a.area != b.area or a.area == "furniture":
            continue
        m = HYPHEN_END.search(a.text)
        n = WORD_START.match(b.text) if m else None
        if not n:
            continue
        head, tail = m.group(1), n.group(1)
        if vocab[(head + tail).lower()] or (not vocab[f"{head}-{tail}".lower()]
                                            and head.lower() not in COMPOUND_HEADS):
            keep = a.text[:m.start(1)] + head
        else:
            keep = a.text[:m.start(1)] + head + "-"
        moved = b.text[:n.end(2)]
        a.sup += [(s + len(keep), e + len(keep)) for s, e in b.sup if e <= len(moved)]
        a.text = keep + moved
        cut = n.end(0)
        b.text = b.text[cut:]
        b.sup = [(s - cut, e - cut) for s, e in b.sup if s >= cut]


def to_layout(line: Line, body: float, left: float, leading: float,
              prev: Line | None) -> LineLayout:
    """The LineLayout record for one finished line."""
    chars = [c for c in line.chars if not c.c.isspace()] or line.chars
    gap = 0.0
    if prev is not None and prev.page == line.page and leading > 0:
        gap = max(0.0, (prev.bottom - line.bottom) / leading - 1.0)
    return LineLayout(
        size=round(line.size / body, 3) if body else 1.0,
        indent=round(max(0.0, line.x0 - left) / line.width, 4) if line.width else 0.0,
        y=round(_y(line), 4), gap=round(gap, 3),
        bold=round(sum(c.bold for c in chars) / len(chars), 3),
        italic=round(sum(c.italic for c in chars) / len(chars), 3),
        sup=list(line.sup), area=line.area)


def body_leading(lines: list[Line], body: float) -> float:
    """The usual distance between consecutive body lines' baselines."""
    steps = [a.bottom - b.bottom for a, b in zip(lines, lines[1:])
             if a.page == b.page and abs(a.size - body) < 0.3 and abs(b.size - body) < 0.3
             and 0 < a.bottom - b.bottom < 3 * body]
    return statistics.median(steps) if steps else 1.2 * body


def page_left(lines: list[Line]) -> dict[int, float]:
    """Left edge of each page's text block (a low percentile of line starts)."""
    starts: dict[int, list[float]] = {}
    for l in lines:
        if l.area == "body":
            starts.setdefault(l.page, []).append(l.x0)
    return {p: sorted(xs)[len(xs) // 10] for p, xs in starts.items()}


# --- vocabulary and patterns ------------------------------------------------------

ACCENTS = {"¨": "\u0308", "´": "\u0301", "`": "\u0300", "ˆ": "\u0302", "^": "\u0302",
           "˜": "\u0303", "~": "\u0303", "¸": "\u0327", "˚": "\u030a", "ˇ": "\u030c",
           "˘": "\u0306", "¯": "\u0304", "˙": "\u0307", "˝": "\u030b", "˛": "\u0328"}
CLOSING = set(".,;:)]?!")
NOTE_MARK_CHARS = "0123456789,–-"
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# first halves of compounds whose hyphen stays at a line end
COMPOUND_HEADS = {"self", "well", "long", "short", "non", "co", "ex", "half", "all", "cross",
                  "so", "anti", "pre", "post", "semi", "quasi", "neo", "mid", "high", "low",
                  "full", "part", "cold", "world", "twenty", "thirty", "forty", "fifty",
                  "sixty", "seventy", "eighty", "ninety", "one", "two", "three", "four",
                  "e", "x", "u"}
DIGITS = re.compile(r"\d+")
PAGE_NO = re.compile(r"^\s*[-–—]?\s?(?:\d{1,4}|[ivxlcdm]{1,7})\s?[-–—]?\s*$")
WORD = re.compile(r"[^\W\d_]+")
# starts only at a word start, so a long word without a hyphen is scanned once
COMPOUND = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:-[^\W\d_]+)+")
# a word broken at the line end: letters, then "-" (or the soft hyphen) at the end
HYPHEN_END = re.compile(r"(?<!\w)([^\W\d_]{1,40})[-\u00ad]$")
# the rest of the word on the next line (lower case), its trailing punctuation
WORD_START = re.compile(r"([^\W\d_A-Z][^\W\d_]{0,40})(\S{0,8})(?: +|$)")
