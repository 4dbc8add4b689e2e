"""Clustering metrics shared by scripts/eval_resolve.py and scripts/evaluate.py.

    >>> pred = {"a": 1, "b": 1, "c": 2}
    >>> gold = {"a": "x", "b": "y", "c": "y"}
    >>> p, r, f = bcubed(pred, gold)

B-cubed (Bagga & Baldwin 1998): for every item, precision is the share of
its predicted cluster that shares its gold cluster, recall the share of its
gold cluster that shares its predicted cluster; both are averaged over the
items.  Only items present in both mappings are scored ("over the gold
references your store found").
"""
from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Mapping


def _groups(labels: Mapping[Hashable, Hashable], items) -> dict:
    groups: dict = defaultdict(set)
    for item in items:
        groups[labels[item]].add(item)
    return groups


def bcubed(pred: Mapping[Hashable, Hashable],
           gold: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """B-cubed (precision, recall, F1) of ``pred`` against ``gold``.

    Both map item -> cluster label.  Returns (1.0, 1.0, 1.0) when no item is
    shared (nothing to score).
    """
    items = [i for i in gold if i in pred]
    if not items:
        return 1.0, 1.0, 1.0
    pg, gg = _groups(pred, items), _groups(gold, items)
    p = r = 0.0
    for i in items:
        pc, gc = pg[pred[i]], gg[gold[i]]
        both = len(pc & gc)
        p += both / len(pc)
        r += both / len(gc)
    p, r = p / len(items), r / len(items)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def cluster_errors(pred: Mapping[Hashable, Hashable],
                   gold: Mapping[Hashable, Hashable]) -> dict[str, list]:
    """The wrong merges and splits behind a B-cubed score.

    ``merges``: predicted clusters holding items of several gold clusters
    (each as a list of the gold groups inside it); ``splits``: gold clusters
    spread over several predicted clusters (each as a list of the predicted
    groups).
    """
    items = [i for i in gold if i in pred]
    pg, gg = _groups(pred, items), _groups(gold, items)
    merges, splits = [], []
    for members in pg.values():
        parts = _groups(gold, members)
        if len(parts) > 1:
            merges.append(sorted((sorted(map(str, v)) for v in parts.values())))
    for members in gg.values():
        parts = _groups(pred, members)
        if len(parts) > 1:
            splits.append(sorted((sorted(map(str, v)) for v in parts.values())))
    return {"merges": merges, "splits": splits}
