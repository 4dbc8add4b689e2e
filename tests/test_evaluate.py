"""The scorer: gold scores 1.000; a damaged gold scores lower by about the damage."""
import pytest

from goldstore import GOLD, build_gold_store
from kbdev import evaluate


@pytest.fixture(scope="module")
def gold_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("gold") / "gold.db"
    build_gold_store(path).conn.close()
    return path


def test_gold_store_scores_one_everywhere(gold_db):
    lines, overall = evaluate.evaluate(gold_db, GOLD)
    for key in ("refs_recall", "refs_precision", "field_acc", "sameas_acc",
                "link_recall", "link_precision", "works_precision", "works_recall"):
        assert overall[key] == pytest.approx(1.0), (key, lines)
    assert lines[-1].startswith("overall: refs_recall=1.000 refs_precision=1.000")


def test_damaged_store_scores_lower_by_about_the_damage(tmp_path):
    path = tmp_path / "damaged.db"
    build_gold_store(path, damage=0.2, seed=1).conn.close()
    _, overall = evaluate.evaluate(path, GOLD)
    assert 0.72 <= overall["refs_recall"] <= 0.88
    assert overall["refs_precision"] == pytest.approx(1.0)
    assert 0.65 <= overall["link_recall"] <= 0.9
    assert overall["link_precision"] == pytest.approx(1.0)


def test_wrong_fields_lower_field_accuracy(tmp_path):
    path = tmp_path / "fields.db"
    db = build_gold_store(path)
    with db.conn:
        db.execute("UPDATE refs SET title = 'wrong' WHERE id % 2 = 0")
    db.conn.close()
    _, overall = evaluate.evaluate(path, GOLD)
    assert overall["fields"]["title"] < 0.6
    assert overall["field_acc"] < 0.97


def test_last_line_format(gold_db, capsys):
    assert evaluate.main(["--db", str(gold_db), "--gold", str(GOLD)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    import re
    assert re.fullmatch(r"overall: refs_recall=\d\.\d{3} refs_precision=\d\.\d{3} field_acc=\d\.\d{3} "
                        r"sameas_acc=\d\.\d{3} link_recall=\d\.\d{3} link_precision=\d\.\d{3}", last)
