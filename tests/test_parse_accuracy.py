"""Accuracy floors of kb.parse on the corpus gold (tests/gold) and on held-out
synthetic references.  The measure itself lives in scripts/eval_parse.py."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.eval_parse import evaluate  # noqa: E402


@pytest.fixture(scope="module")
def result():
    return evaluate()


def test_overall_field_accuracy(result):
    assert result["overall"] >= 0.93


@pytest.mark.parametrize("field", ["title", "authors", "year"])
def test_key_fields(result, field):
    assert result["fields"][field][0] >= 0.95


def test_type_accuracy(result):
    assert result["fields"]["type"][0] >= 0.85


def test_rule_fields_exact(result):
    for field in ("url", "doi", "accessed"):
        assert result["fields"][field][0] >= 0.95
