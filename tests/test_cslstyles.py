"""kbdev.cslstyles (hundreds of real CSL styles), the per-style evaluation and
the CSL training jobs: fast (the chosen list is cached in kbdev/data)."""
from __future__ import annotations

from collections import Counter

from kbdev import cslstyles, style_eval, synth
from kbdev.parser_eval import norm


def test_selector_yields_hundreds_of_independent_styles_across_groups():
    styles = cslstyles.select()
    assert len(styles) >= 300
    names = [s["name"] for s in styles]
    assert len(set(names)) == len(names)
    top = cslstyles.style_dir()
    assert all((top / f"{n}.csl").exists() for n in names[:50])
    groups = Counter(cslstyles.group(s) for s in styles)
    assert len(groups) >= 10 and max(groups.values()) < len(styles) / 5
    assert {"author-date", "numeric", "note"} <= {s["format"] for s in styles}
    assert len({s["lang"] for s in styles}) >= 5  # not only English locales


def test_dependent_styles_are_not_candidates():
    dep = next(iter(sorted((cslstyles.style_dir() / "dependent").glob("*.csl"))))
    assert cslstyles.style_info(dep) is None
    info = cslstyles.style_info(cslstyles.style_dir() / "apa.csl")
    assert info["format"] == "author-date"


def test_split_by_style_is_fixed_and_disjoint():
    styles = cslstyles.select()
    train, held = cslstyles.split(styles)
    assert cslstyles.split(styles) == (train, held)
    assert not {s["name"] for s in train} & {s["name"] for s in held}
    assert 0.15 < len(held) / len(styles) < 0.25
    assert len({cslstyles.group(s) for s in held}) >= 8


def test_training_jobs_use_only_training_styles():
    from kbdev import train_parser
    jobs = train_parser.csl_jobs(40, 2)
    held = {s["name"] for s in cslstyles.split(cslstyles.select())[1]}
    assert len(jobs) == 40 and not {j[0] for j in jobs} & held
    recs = [r["id"] for j in jobs for r in j[4]]
    assert len(recs) == 80 and len(set(recs)) == 80


def test_held_out_style_labels_line_up():
    held = cslstyles.split(cslstyles.select())[1]
    style = next(s for s in held if s["format"] == "author-date" and s["lang"] == "en")
    recs = [r for r in synth.make_records(40, seed=77) if r["type"] in ("article-journal", "book")
            and all("family" in n for n in r.get("author", []))][:4]
    rendered = style_eval.rendered(style, recs)
    assert len(rendered) == len(recs)
    for kind, marked, rec in rendered:
        gold = style_eval.gold_fields(marked, rec)
        assert norm(gold["title"]).startswith(norm(rec["title"])[:20])
        assert gold["year"] and str(rec["issued"]["date-parts"][0][0]) in str(gold["year"])
        if rec.get("author"):
            assert norm(gold["authors"]).split("|")[0] == norm(rec["author"][0]["family"])


def test_style_scores_can_fail():
    held = cslstyles.split(cslstyles.select())[1][:2]
    pool = synth.make_records(4, seed=78)  # as evaluate() cuts it: two records per style
    truth = {}
    for i, s in enumerate(held):
        for kind, marked, rec in style_eval.rendered(s, pool[2 * i:2 * i + 2]):
            truth[synth.strip_marks(marked)] = style_eval.gold_fields(marked, rec)
    perfect = style_eval.evaluate(held, lambda text, kind=None: truth.get(text, {}), per_style=2, seed=78)
    empty = style_eval.evaluate(held, lambda text, kind=None: {}, per_style=2, seed=78)
    assert perfect["pooled"]["exact"] == 1.0
    assert empty["pooled"]["exact"] == 0.0
    assert set(perfect["styles"]) == {s["name"] for s in held}
