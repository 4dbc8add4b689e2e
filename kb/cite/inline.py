"""Prose-only documents: sources named in running prose (legislation,
interviews, broadcasts, theses, titled reports) become ``kind="inline"`` refs
(the rules are in the package docstring)."""
from __future__ import annotations

import re

from ..models import Ref
from .claims import Claims, claim_text, sentence_for
from .marks import Context, Mark
from .stream import Stream


def prose_sources(ctx: Context) -> list[tuple[Mark, Ref]]:
    """Sources named in prose, for documents with no notes, no bibliography
    and no author-date marker (else none)."""
    if ctx.keys or ctx.notes or any(m.kind == "author-date" for m in ctx.marks):
        return []
    return inline_sources(ctx.stream)


def link_prose_sources(ctx: Context, spans: list[tuple[int, int]],
                       found: list[tuple[Mark, Ref]], out: Claims) -> None:
    """Cite the sources found in prose (appending their refs, unless locate
    gave an inline ref on that line), then locate's inline refs not cited."""
    st, refs = ctx.stream, ctx.refs
    given = [i for i, r in enumerate(refs) if r.kind == "inline"]
    for mk, ref in found:
        a, b = sentence_for(spans, mk, st.text)
        ci = out.add(claim_text(st.text, a, b, []), st.line_at(mk.start), (a, b))
        idx = _existing_inline(refs, given, ref)
        if idx is None:
            refs.append(ref)
            idx = len(refs) - 1
        out.cite(ci, idx, mk.marker, mk.targets[0][1] if mk.targets else None)
    cited = {c.ref for c in out.citations}
    rest = [i for i in given if i not in cited]
    if rest:
        _link_given_inline(st, spans, refs, rest, out)


def inline_sources(st: Stream) -> list[tuple[Mark, Ref]]:
    """Sources named in running prose, by the rules in the module docstring."""
    out = []
    text = st.text
    for m in _LEGIS.finditer(text):
        title = re.sub(r"^(?:its|the|their|of)\s+", "", m.group("title").strip())
        pin = m.group("pin")
        ref = Ref(kind="inline", raw=m.group(0), line=st.line_at(m.start()),
                  type="legislation", title=title)
        out.append((Mark(m.start("pin"), m.end("pin"), pin, "inline",
                         targets=[(None, pin)]), ref))
    for m in _INTERVIEW.finditer(text):
        before = text[max(0, m.start() - 12):m.start()].lower()
        if re.search(r"\b(?:the|an|a|this|that|hele|det|dette|i|in)\s*$", before):
            continue                    # the noun, not the verb
        obj = m.group("obj").strip()
        if re.match(r"(?:med|with|mit)\b", obj, re.I):
            continue
        nm = re.match(r"(?:(?:vi|we|jeg|I|han|hun|de|sie|wir)\s+)?"
                      r"((?:professor\s+|prof\.\s+|dr\.\s+)?)"
                      r"([A-Z][\w-]+)\s+([A-Z][\w-]+)", obj)
        authors = [{"family": nm.group(2), "given": nm.group(3)}] if nm else []
        marker = (m.group("verb") + " " + (obj if not nm else nm.group(0))).strip()
        start, end = m.start(), m.end()
        if nm:
            # a named interview: who interviewed whom, the interviewee's
            # description and the topic, to the end of the clause
            who = re.search(r"\b([A-Z][\w-]+)\s+$", text[max(0, start - 40):start])
            if who and who.group(1).lower() not in _SENTENCE_WORDS:
                start -= len(who.group(0))
            stop = re.search(r"[.!?;](?:\s|$)", text[end:end + 300])
            end = end + stop.start() if stop else end
        ref = Ref(kind="inline", raw=text[start:end].strip(), line=st.line_at(start),
                  type="interview", authors=authors)
        out.append((Mark(m.start(), m.start() + len(marker), marker, "inline",
                         targets=[(None, None)]), ref))
    for m in _PODCAST.finditer(text):
        ref = Ref(kind="inline", raw=m.group(0).strip(), line=st.line_at(m.start()),
                  type="broadcast", container_title=m.group("title").strip())
        out.append((Mark(m.start(), m.end(), m.group(0).strip(), "inline",
                         targets=[(None, None)]), ref))
    for m in _THESIS.finditer(text):
        parts = m.group("name").split()
        ref = Ref(kind="inline", raw=m.group(0).strip(), line=st.line_at(m.start()),
                  type="thesis", authors=[{"family": parts[-1],
                                           "given": " ".join(parts[:-1])}])
        out.append((Mark(m.start(), m.end(), m.group(0).strip(), "inline",
                         targets=[(None, None)]), ref))
    for m in _NAMED.finditer(text):
        word = re.match(r"\w+", m.group(0)).group(0).lower()
        kind = next((v for k, v in _TYPES.items() if word.startswith(k)), "report")
        ref = Ref(kind="inline", raw=m.group(0), line=st.line_at(m.start()),
                  type=kind, title=m.group("title").strip())
        out.append((Mark(m.start(), m.end(), m.group(0), "inline",
                         targets=[(None, None)]), ref))
    out.sort(key=lambda t: t[0].start)
    return out


def _existing_inline(refs: list[Ref], given: list[int], ref: Ref) -> int | None:
    """The inline ref locate gave on the same line, if any."""
    for i in given:
        if refs[i].line == ref.line:
            return i
    return None


def _link_given_inline(st: Stream, spans: list[tuple[int, int]], refs: list[Ref],
                       given: list[int], out: Claims) -> None:
    """Inline refs found by locate: cite them from the sentence on their line."""
    for i in given:
        r = refs[i]
        try:
            k = st.lines.index(r.line)
        except ValueError:
            continue
        pos = st.starts[k]
        raw_at = st.text.find((r.raw or "")[:30], pos)
        if raw_at >= 0:
            pos = raw_at
        mk = Mark(pos, pos + 1, r.raw[:60], "inline")
        a, b = sentence_for(spans, mk, st.text)
        ci = out.add(claim_text(st.text, a, b, []), r.line, (a, b))
        out.cite(ci, i, (r.raw or "")[:60])


# --- patterns ---------------------------------------------------------------------

_LEGIS = re.compile(
    r"(?P<title>(?:(?:[A-Z][\w’'.-]*|its|the|their|of|the)\s+){0,5}"
    r"(?:Constitution|Grunnlov\w*|Grundgesetz|Verfassung|Act|Law|Code|Charter|Treaty|"
    r"Convention|Directive|Regulation|Ordinance|Statute))"
    r",?\s+(?P<pin>(?:Article|Art\.|Section|Sec\.|§|artikkel|paragraf|Artikel)\s*\d+[a-z]?)")
_INTERVIEW = re.compile(
    r"\b(?P<verb>interviewed|intervjuet|intervjua|intervjuade|interviewte|interviewede)\s+"
    r"(?P<obj>(?:(?:vi|we|jeg|I|han|hun|de|sie|wir)\s+)?[^.,;:!?]{3,80})")
_PODCAST = re.compile(
    r"(?P<pre>(?:\w+\s+){0,3})\b(?:podcast(?:en|s)?|episode\s+of|episoden?\s+av|radio\s+show)"
    r"\s+[\"“«„](?P<title>[^\"”»“]{2,120})[\"”»“]", re.I)
_THESIS = re.compile(
    r"(?P<name>(?-i:[A-Z][\w\u00c0-\u024f-]+(?:\s+[A-Z][\w\u00c0-\u024f-]+){1,3})),?\s+"
    r"(?:[^.!?]{0,40}?\b)?(?:has written|wrote|who wrote|har skrevet|skrev|hat geschrieben)\s+"
    r"(?:a\s+|an\s+|his\s+|her\s+|en\s+|sin\s+|seine\s+|ihre\s+)?"
    r"(?P<what>master(?:'s)?(?:oppgave|arbeit)?(?:\s+thesis)?|(?:doctoral\s+|phd\s+)?thesis|"
    r"dissertation|avhandling|doktorgrad\w*|Masterarbeit|Doktorarbeit)"
    r"(?P<rest>\s+(?:om|on|about|über)\s+[^.,;!?]{1,60})?", re.I)
_NAMED = re.compile(
    r"\b(?:report|article|book|study|paper|rapport(?:en)?|artikkel(?:en)?|boka|boken)\s+"
    r"(?:titled|entitled|called|kalt|med tittelen|namens)\s+[\"“«„](?P<title>[^\"”»“]{2,160})[\"”»“]",
    re.I)
# capitalised sentence openers that are not an interviewer's name
_SENTENCE_WORDS = {"i", "we", "vi", "jeg", "he", "she", "they", "han", "hun", "de", "also",
                   "then", "later", "so", "og", "and", "in", "der", "die", "wir", "er", "sie"}
_TYPES = {"report": "report", "rapport": "report", "article": "article-journal",
          "artikkel": "article-journal", "book": "book", "bok": "book",
          "study": "report", "paper": "article-journal"}
