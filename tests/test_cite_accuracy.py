"""Floors on citation linking, measured as kbdev.eval_cite does.

Gold refs + kb.locate's apparatus + kb.cite, per corpus document.  The
targets are 0.95; the floors sit a little lower so that work on locate
does not break the build for a one-row change, while a real regression does.
"""
from pathlib import Path

import pytest

from kbdev import eval_cite

ROOT = Path(__file__).resolve().parent.parent

STEMS = sorted(p.stem for p in (ROOT / "tests" / "gold").glob("0*.json"))


@pytest.fixture(scope="module")
def results():
    out = {}
    for stem in STEMS:
        gold, _doc, refs, claims, cits = eval_cite.run_doc(stem, pipeline=False)
        out[stem] = eval_cite.score(gold, refs, claims, cits)
    return out


@pytest.mark.parametrize("stem", STEMS)
def test_link_recall(results, stem):
    assert results[stem]["recall"] >= 0.93, results[stem]["_misses"][:5]


@pytest.mark.parametrize("stem", STEMS)
def test_link_precision(results, stem):
    assert results[stem]["precision"] >= 0.93, results[stem]["_wrong"][:5]


@pytest.mark.parametrize("stem", STEMS)
def test_same_as_accuracy(results, stem):
    assert results[stem]["same_as_accuracy"] >= 0.95, results[stem]["_same_bad"][:5]
