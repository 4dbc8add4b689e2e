"""Issue 17, class 5: each citation keeps marker, note number and pinpoint;
``kb trace`` shows the note number, also for a note whose citation has no
linked ref."""
from click.testing import CliRunner

from kb.cite import cite
from kb.commands.trace import command
from kb.models import DocResult
from kb.store import open_db, write_result

from test_cite import _note_doc


def _result():
    d, app, refs = _note_doc(
        ["Trust grew in the cities.1 Scores travel with you.2 Nobody knew why.3"],
        ["Botsman, Who Can You Trust? (London: Penguin, 2017), 45.",
         "Ibid., at 29.", "On this, compare the debates of the 1990s."], kind="footnote")
    del refs[2]                       # the third note is a comment: no ref
    claims, cits = cite(d, app, refs)
    return DocResult(document=d, refs=refs, claims=claims, citations=cits)


def test_citations_keep_note_numbers_and_pinpoints():
    res = _result()
    assert [(c.marker, c.note, c.pinpoint, c.ref) for c in res.citations] == [
        ("1", 1, "45", 0), ("2", 2, "29", 1), ("3", 3, None, None)]


def test_trace_prints_the_note_number_also_without_a_linked_ref(tmp_path):
    db_path = tmp_path / "kb.db"
    write_result(open_db(db_path), _result())
    out = CliRunner().invoke(command, ["Scores travel", "--db", str(db_path)]).output
    assert "<- note 2, at 29:" in out and "Botsman" in out
    out = CliRunner().invoke(command, ["Nobody knew", "--db", str(db_path)]).output
    assert "<- note 3: (no source linked" in out
