"""Accuracy floors of kb.resolve on refs built from the gold annotations
(kbdev.eval_resolve; scripts/eval_resolve.py prints the figures and the wrong merges/splits)."""
from __future__ import annotations

import pytest

from kbdev import eval_resolve as _eval_resolve


@pytest.fixture(scope="module")
def eval_resolve():
    return _eval_resolve


@pytest.mark.parametrize("unlinked, noisy", [(False, False), (True, False), (True, True)],
                         ids=["linked", "short-forms-unlinked", "unlinked-and-noisy"])
def test_works_and_authors_floors(eval_resolve, unlinked, noisy, capsys):
    out = eval_resolve.evaluate(verbose=False, unlinked=unlinked, noisy=noisy)
    assert out["works_precision"] >= 0.97, out["errors"]["merges"]
    assert out["works_recall"] >= 0.95, out["errors"]["splits"]
    assert out["author_precision"] >= 0.98, out["author_errors"]["merges"]
    # Zotero's duplicate rule is the floor to beat
    assert out["works_f1"] >= out["zotero_f1"]
    assert out["works_recall"] >= out["zotero_recall"]


def test_gold_author_identities_cover_every_name(eval_resolve):
    refs, gold, _ = eval_resolve.load_gold()
    labels = eval_resolve.gold_person(refs)
    assert len(labels) > 300
    # the hand-checked distinctions hold in the derived gold
    by_name = {}
    for r in refs:
        for pos, a in enumerate(r["authors"]):
            by_name.setdefault((a.get("family"), a.get("given")), labels[(r["id"], "author", pos)])
    assert by_name[("Li", "Jane")] != by_name[("Li", "Jianhua")]
    assert by_name[("Creemers", "R")] == by_name[("Creemers", "Rogier")]
