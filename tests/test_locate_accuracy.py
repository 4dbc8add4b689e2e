"""Accuracy floors of kb.locate on the corpus, scored against the gold references.

Uses kbdev.eval_locate (normalised raw similarity, one-to-one matching).
Short forms count: they are references too.  Inline sources (prose-only
documents) are found by kb.cite and scored in tests/test_pipeline.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from kbdev import eval_locate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"

pytestmark = pytest.mark.skipif(not any(CORPUS.glob("*.txt")), reason="corpus not present")


@pytest.fixture(scope="module")
def results():
    return eval_locate.evaluate(locate_only=True)


FLOOR = 0.97


def test_every_gold_document_is_scored(results):
    assert len(results) == len([p for p in (ROOT / "tests" / "gold").glob("*.json")
                                if p.name != "works.json"])


@pytest.mark.parametrize("stem", sorted(p.stem for p in (ROOT / "tests" / "gold").glob("0*.json")))
def test_recall_precision_and_lines(results, stem):
    r = results[stem]
    assert r["recall"] >= FLOOR, (stem, r["recall"])
    assert r["precision"] >= FLOOR, (stem, r["precision"])
    assert r["line"] >= 0.99, (stem, r["line"])          # start line equal to gold's
    assert r["note"] >= 0.99, (stem, r["note"])          # same kind and note number


def test_matching_is_strict_enough():
    ev = eval_locate
    from kb.models import Entry
    gold = [{"raw": "Smith, J. (2019). Credit and control. London: Verso.", "line": 3, "note": None},
            {"raw": "Ibid.", "line": 9, "note": 4}]
    found = [Entry("bibliography", "Lee, K. (2020). Surveys of trust. J, 3, 1-20.", 3),
             Entry("footnote", "Ibid.", 9, note=4)]
    assert [(g, f) for g, f, _ in ev.match(gold, found)] == [(1, 1)]
