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
            pin = clean_pin(m.group(2) or m.group(3)) if len(nums) == 1 else None
            out.append(Mark(m.start(), m.end(), m.group(0), "numeric",
                            targets=[(by_label[n], pin) for n in nums]))
    if not bare:
        return out
    printed = any(k.printed for k in keys)
    found = []
    for rx in (_SUP_NUM, _PAREN_NUM) if printed else (_SUP_NUM,):
        for m in rx.finditer(st.text):
            spec = next(g for g in m.groups()[:-1] if g).translate(_SUP_DIGITS)
            nums = _label_numbers(spec)
            if nums and all(n in by_label for n in nums):
                pin = clean_pin(m.group(2)) if rx is _PAREN_NUM and len(nums) == 1 else None
                after = rx is _SUP_NUM and bool(re.search(r"[.!?;:][”\"’')]?$",
                                                         st.text[max(0, m.start() - 2):m.start()]))
                found.append(Mark(m.start(), m.end(), m.group(0).strip(), "numeric",
                                  targets=[(by_label[n], pin) for n in nums], after_sentence=after))
    if not printed and not _citation_order([mk.marker.translate(_SUP_DIGITS) for mk in found],
                                           len(by_label)):
        found = []              # a list without printed numbers: only in citation order
    out += found
    if not out:
        out = glued_numbers(st, by_label)
    return out


def _citation_order(specs: list[str], size: int) -> bool:
    """Do the numbers first cited run 1, 2, 3… (each new one the next) and
    reach most of a list of ``size`` entries?  Evidence that they are
    citation-order list numbers, not stray superscripts."""
    top = 0
    for spec in specs:
        nums = _label_numbers(re.sub(r"<[^>]*>|[$^{}]", "", spec))
        new = sorted(n for n in set(nums) if n > top)
        if new and new != list(range(top + 1, top + 1 + len(new))):
            return False
        top = max([top] + nums)
    return top >= max(3, size // 2)


def glued_numbers(st: Stream, by_label: dict[int, int]) -> list[Mark]:
    """Superscript numbers that plain-text extraction glued to the word
    ("spectatorship1,2", "period1 ."), in a citation-order list: a glued
    number counts only where the numbers first cited run 1, 2, 3... through
    the text (each new number the next one), and when they reach most of
    the list -- evidence, not a guess at every number after a word."""
    out, top = [], 0
    for m in _GLUED_NUM.finditer(st.text):
        nums = _label_numbers(m.group(1).replace("–", "-"))
        if not nums or not all(n in by_label for n in nums):
            continue
        new = sorted(n for n in set(nums) if n > top)
        if new and new != list(range(top + 1, top + 1 + len(new))):
            continue
        top = max([top] + nums)
        out.append(Mark(m.start(1), m.end(1), m.group(1), "numeric",
                        targets=[(by_label[n], None) for n in nums]))
    return out if out and top >= max(3, len(by_label) // 2) else []


# --- patterns ---------------------------------------------------------------------

_NUMERIC = re.compile(r"\[(\d{1,4}(?:\s*[-–,;]\s*\d{1,4}){0,12})"
                      r"(?:\s*,\s*((?:pp?|paras?|ch|sec)\.\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?)"
                      r"|\s*:\s*(\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\]")


_NUMERIC_SPAN = re.compile(r"\[(\d{1,4})\]\s?[-–]\s?\[(\d{1,4})\]")
# Vancouver without brackets: superscript numbers, or numbers in parentheses
# before punctuation ("…in adults (1, 3)."), only where the list is numbered
_SUP_NUM = re.compile(r"<sup>(\d{1,4}(?:\s*[-–,]\s*\d{1,4}){0,12})</sup>|"
                      r"([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}(?:[⁻,‒–-][⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}){0,12})|"
                      r"\$?\^\{?(\d{1,4}(?:\s*[-–,]\s*\d{1,4}){0,12})\}?\$?()")
_PAREN_NUM = re.compile(r"(?<=[^\W\d_]|[”’\"'])\s?\((\d{1,4}(?:\s*[-–,;]\s*\d{1,4}){0,12})"
                        r"(?:,\s*((?:pp?|paras?)\.\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?))?\)"
                        r"(?=\s*[.,;:!?]|\s*$)")
# a citation-order number glued to the word before it: "spectatorship1,2", "period1 ."
_GLUED_NUM = re.compile(r"(?<=[a-z\u00df-\u024f)”’\"])(\d{1,3}(?:[,–-]\d{1,3}){0,8})"
                        r"(?=\s?[.,;:!?)]|\s+[A-Za-z]|$)")
_SUP_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
