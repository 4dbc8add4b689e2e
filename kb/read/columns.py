"""Two-column pages of layout-preserving text (``pdftotext -layout``) put in
reading order: the left column, then the right one.

A page is set in two columns when one gutter - a run of at least three
spaces at the same place, in the middle half of the page - runs down it,
with text on both sides on many lines.  Lines that cross the gutter (a title
over both columns) stay whole, in place; between them, each run of gutter
lines gives its left parts, then its right parts (the right column's common
indent removed, so a hanging indent reads as in one column).  A line that
holds text in one column only gives no blank line to the other.  Text
without such a gutter is returned unchanged.
"""
from __future__ import annotations

GUTTER = 3               # spaces between the columns, at least
MIN_SIDES = 8            # lines with text on both sides of the gutter, at least
MAX_WIDTH = 400          # wider lines are not looked at for a gutter
MAX_ROWS = 400           # a longer "page" is text without page breaks: not looked at


def decolumn(text: str) -> str:
    """Every two-column page of ``text`` (pages split at form feeds) in reading
    order; each page's left margin taken off."""
    if "   " not in text:
        return text
    pages = text.split("\f")
    return "\f".join(_page(p) for p in pages)


def _page(page: str) -> str:
    lines = _dedent(page.split("\n"))
    x = _gutter(lines)
    if x is None:
        return "\n".join(lines)
    out: list[str] = []
    run: list[str] = []
    for line in lines:
        if _free(line, x):
            run.append(line)
        else:
            out.extend(_split_run(run, x))
            run = []
            out.append(line)
    out.extend(_split_run(run, x))
    return "\n".join(out)


def _dedent(lines: list[str]) -> list[str]:
    """The page's left margin taken off its lines (a printed page's margin is no
    indent); a few lines further left (a browser's header and footer) keep their text."""
    inds = sorted(len(l) - len(l.lstrip(" ")) for l in lines if l.strip())
    if not inds:
        return lines
    margin = inds[len(inds) // 10]
    if margin == 0:
        return lines
    return [l[min(margin, len(l) - len(l.lstrip(" "))):] for l in lines]


def _free(line: str, x: int) -> bool:
    """Is the gutter at ``x`` blank on this line (or past its end)?"""
    return not line[x - 1:x + GUTTER - 1].strip()


def _gutter(lines: list[str]) -> int | None:
    """The column where a gutter runs down the page, or None (one column):
    few lines cross it, and many have text on each side of it (on both, or -
    where the columns' lines do not share a baseline - on one)."""
    rows = [l for l in lines if l.strip() and len(l) <= MAX_WIDTH]
    if len(rows) < MIN_SIDES or len(rows) > MAX_ROWS:
        return None
    width = max(len(l) for l in rows)
    need = max(MIN_SIDES, 0.3 * len(rows))
    best, best_x = 0.0, None
    for x in range(width // 4, 3 * width // 4):
        left = right = crossing = 0
        for l in rows:
            if not _free(l, x):
                crossing += 1
                continue
            left += bool(l[:x].strip())
            right += bool(l[x:].strip())
        if crossing > 0.15 * len(rows) or min(left, right) < need:
            continue
        score = min(left, right) - 2 * crossing
        if score > best:
            best, best_x = score, x
    return best_x


def _split_run(run: list[str], x: int) -> list[str]:
    """A run of gutter lines: its left parts, then its right parts."""
    if not run:
        return []
    left = [l[:x].rstrip() for l in run]
    right = [l[x:].rstrip() for l in run]
    indent = min((len(r) - len(r.lstrip(" ")) for r in right if r.strip()), default=0)
    right = [r[indent:] for r in right]
    return _column(left, right) + _column(right, left)


def _column(parts: list[str], other: list[str]) -> list[str]:
    """One column's lines; a blank that is text in the other column is dropped."""
    return [p for p, o in zip(parts, other) if p.strip() or not o.strip()]
