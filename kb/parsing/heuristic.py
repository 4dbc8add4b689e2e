"""A rule-only labeller, used when the CRF model file is missing.

Crude but total: names first, a quoted or following block as title, then
container, numbers and the year.
"""
from __future__ import annotations

import re

from .tokens import Token, _quote_states, _is_year


def label(toks: list[Token], text: str) -> list[str]:
    n = len(toks)
    labels = ["other"] * n
    if not n:
        return labels
    q = _quote_states(toks, text)
    words = [t.text for t in toks]
    # blocks split at ". " (not after an initial) and at quotes/parens with years
    blocks, cur = [], []
    for i, w in enumerate(words):
        cur.append(i)
        initial = i > 0 and len(words[i - 1]) == 1 and words[i - 1].isupper()
        if w == "." and not initial and q[i] in (0,):
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    quoted = [i for i in range(n) if q[i] == 1]
    bi = 0
    if blocks and not (q[blocks[0][0]] in (1, 3)):
        first = blocks[0]
        cut = next((k for k in first if _is_year(words[k]) or words[k] == "(" or q[k] == 3), None)
        for k in first:
            if cut is not None and k >= cut:
                break
            labels[k] = "author"
        if cut is None:
            bi = 1
    if quoted:
        for k in quoted:
            labels[k] = "title"
        after = [k for k in range(quoted[-1] + 1, n)]
        rest = after
    else:
        tb = next((b for b in blocks[bi:] if not all(labels[k] == "author" for k in b)), [])
        for k in tb:
            if labels[k] == "other" and not _is_year(words[k]) and words[k] not in "()":
                labels[k] = "title"
        rest = [k for k in range(n) if k > (tb[-1] if tb else 0)]
    # container: first capitalised run after the title
    started = False
    for k in rest:
        w = words[k]
        if _is_year(w) or re.fullmatch(r"\d+", w):
            break
        if w[0].isalpha() and (w[0].isupper() or started):
            labels[k] = "container"
            started = True
        elif started and w in ".,":
            break
    for k, w in enumerate(words):
        if _is_year(w) and labels[k] == "other":
            labels[k] = "date"
            break
    return labels
