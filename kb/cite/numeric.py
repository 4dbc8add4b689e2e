"""Numeric markers: bracketed list numbers, and Vancouver superscripts or
parenthesised numbers where the list prints its numbers."""
from __future__ import annotations

import re

from .keys import BibKey
from .marks import Context, Extractor, Mark, clean_pin
from .stream import Stream


class Numeric(Extractor):
    """``[12]``, ``[3–5]``, ``[2, p. 7]`` (and, in documents without notes,
    Vancouver superscripts and ``(1, 3)``) -> numbered bibliography entries."""

    def wanted(self, ctx: Context) -> bool:
        return bool(ctx.keys)

    def find(self, ctx: Context) -> list[Mark]:
        return numeric_marks(ctx.stream, ctx.keys, bare=not ctx.notes)


def _label_numbers(spec: str) -> list[int]:
    """``"3–5, 8"`` -> [3, 4, 5, 8] (empty when a range is implausible)."""
    nums: list[int] = []
    for part in re.split(r"[,;]", spec):
        r = re.match(r"\s*(\d+)\s*(?:[-–‒]\s*(\d+))?\s*$", part)
        if not r:
            return []
        a = int(r.group(1))
        b = int(r.group(2)) if r.group(2) else a
        if b < a or b - a > 50:
            return []
        nums.extend(range(a, b + 1))
    return nums


def numeric_marks(st: Stream, keys: list[BibKey], bare: bool = False) -> list[Mark]:
    """``[12]``, ``[3–5]``, ``[1, 4]``, ``[2, p. 7]`` -> numbered bibliography
    entries; with ``bare`` (a document without notes whose list prints its
    numbers) also superscripts ``³`` / ``<sup>1,2</sup>`` and ``(1, 3)`` before
    punctuation."""
    by_label = {k.label: k.index for k in keys if k.label is not None}
    if not by_label:
        return []
    out = []
    spans = []
    for m in _NUMERIC_SPAN.finditer(st.text):      # "[1]–[3]"
        nums = _label_numbers(m.group(1) + "-" + m.group(2))
        if nums and all(n in by_label for n in nums):
            spans.append((m.start(), m.end()))
            out.append(Mark(m.start(), m.end(), m.group(0), "numeric",
                            targets=[(by_label[n], None) for n in nums]))
    for m in _NUMERIC.finditer(st.text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        nums = _label_numbers(m.group(1))
        if nums and all(n in by_label for n in nums):
            pin = clean_pin(m.group(2)) if len(nums) == 1 else None
            out.append(Mark(m.start(), m.end(), m.group(0), "numeric",
                            targets=[(by_label[n], pin) for n in nums]))
    if not bare or not any(k.printed for k in keys):
        return out
    for rx in (_SUP_NUM, _PAREN_NUM):
        for m in rx.finditer(st.text):
            spec = next(g for g in m.groups() if g).translate(_SUP_DIGITS)
            nums = _label_numbers(spec)
            if nums and all(n in by_label for n in nums):
                out.append(Mark(m.start(), m.end(), m.group(0).strip(), "numeric",
                                targets=[(by_label[n], None) for n in nums]))
    return out


# --- patterns ---------------------------------------------------------------------

_NUMERIC = re.compile(r"\[(\d{1,4}(?:\s*[-–,;]\s*\d{1,4}){0,12})"
                      r"(?:\s*,\s*((?:pp?|paras?|ch|sec)\.\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\]")


_NUMERIC_SPAN = re.compile(r"\[(\d{1,4})\]\s?[-–]\s?\[(\d{1,4})\]")
# Vancouver without brackets: superscript numbers, or numbers in parentheses
# before punctuation ("…in adults (1, 3)."), only where the list is numbered
_SUP_NUM = re.compile(r"<sup>(\d{1,4}(?:\s*[-–,]\s*\d{1,4}){0,12})</sup>|"
                      r"([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}(?:[⁻,‒–-][⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}){0,12})")
_PAREN_NUM = re.compile(r"(?<=[^\W\d_]|[”’\"'])\s?\((\d{1,4}(?:\s*[-–,;]\s*\d{1,4}){0,12})\)"
                        r"(?=\s*[.,;:!?]|\s*$)")
_SUP_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
