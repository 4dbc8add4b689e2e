"""Reference recall/precision per citation style on synthetic documents.

For each style kbdev.synth knows, a small corpus (2 documents x 20 references,
fixed seed) is written with its gold, then

- located (kb.locate alone, scored like scripts/eval_locate.py --locate), and
- built end to end with ``kb build`` and scored with scripts/evaluate.py
  (as scripts/bench_styles_e2e.py does).

The floors are what was measured when this file was written (1.000 for
every style, located and end to end), less a small margin.  End-to-end
precision also depends on kb.cite flagging short-form notes as short forms
(an unflagged one counts as an extra full reference).
"""
from __future__ import annotations

import pytest

from kb.build import build
from kbdev import eval_locate, evaluate
from kbdev.synth import CORPUS_STYLES, write_corpus

SEED, DOCS, REFS = 11, 2, 20

# style -> (e2e refs recall floor, e2e refs precision floor)
E2E_FLOORS = {
    "apa6": (0.97, 0.97),
    "harvard-like": (0.97, 0.97),
    "mla-like": (0.97, 0.97),
    "vancouver-like": (0.97, 0.97),
    "chicago-bib": (0.97, 0.97),
    "chicago-note": (0.97, 0.97),
    "wiki": (0.97, 0.97),
    "euro-endnote": (0.97, 0.97),
}
LOCATE_FLOOR = 0.97


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """style -> (corpus dir with .txt, gold dir with .json)."""
    root = tmp_path_factory.mktemp("styles")
    out = {}
    for style in CORPUS_STYLES:
        corpus, gold = root / style, root / f"{style}-gold"
        write_corpus(corpus, DOCS, refs_per_doc=REFS, seed=SEED, styles=(style,))
        gold.mkdir()
        for j in corpus.glob("*.json"):
            j.replace(gold / j.name)
        out[style] = (corpus, gold)
    return out


def test_every_style_has_floors():
    assert set(CORPUS_STYLES) <= set(E2E_FLOORS)


@pytest.mark.parametrize("style", CORPUS_STYLES)
def test_locate_finds_every_reference(style, corpora):
    corpus, gold = corpora[style]
    res = eval_locate.evaluate(corpus, gold, locate_only=True)
    assert len(res) == DOCS
    g = sum(r["gold"] for r in res.values())
    f = sum(r["found"] for r in res.values())
    m = sum(r["matched"] for r in res.values())
    assert m / g >= LOCATE_FLOOR, (style, m, g)
    assert m / f >= LOCATE_FLOOR, (style, m, f)


@pytest.mark.parametrize("style", CORPUS_STYLES)
def test_build_scores_references(style, corpora, tmp_path):
    corpus, gold = corpora[style]
    db = tmp_path / f"{style}.db"
    build([corpus], db, progress=False, echo=lambda m: None)
    overall = evaluate.evaluate(db, gold)[1]
    recall, precision = E2E_FLOORS[style]
    assert overall["refs_recall"] >= recall, (style, overall)
    assert overall["refs_precision"] >= precision, (style, overall)
