"""Per-style field accuracy of kb.parse on held-out synthetic records
(small samples here; scripts/bench_styles.py runs the full table)."""
from __future__ import annotations

import pytest

from kbdev.bench_styles import score_style, STYLES, HELDOUT_SEED


@pytest.mark.parametrize("style", STYLES + ["wiki", "euro-endnote"])
def test_style_floor(style):
    res = score_style(style, 30, HELDOUT_SEED + 500 + len(style))
    assert res["n"] > 50
    assert res["acc"] >= 0.85, res
