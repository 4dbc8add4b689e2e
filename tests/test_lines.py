"""kb.lines: the shipped line labeller on a small hand-written document."""
import time

import pytest

from kb import lines as L

pytestmark = pytest.mark.skipif(not L.COARSE_MODEL.exists(), reason="no finder model")

BODY = [
    "Introduction",
    "",
    "The history of the archive has been written many times, but rarely from the",
    "point of view of the clerks who kept it. This chapter follows their work",
    "through three generations and asks what they thought an archive was for, and",
    "how their answers changed as the state that employed them grew larger.",
    "",
    "The evidence for this comes mostly from letters and from the registers they",
    "kept, which survive in unusual numbers for the later period.",
    "",
]
REFS = [
    "References",
    "",
    "Blouin, Francis X., and William G. Rosenberg. 2011. Processing the Past:",
    "    Contesting Authority in History and the Archives. Oxford: Oxford University Press.",
    "Burke, Peter. 2000. A Social History of Knowledge: From Gutenberg to Diderot.",
    "    Cambridge: Polity Press.",
    "Friedrich, Markus. 2013. Die Geburt des Archivs: Eine Wissensgeschichte.",
    "    Munich: Oldenbourg.",
    "Head, Randolph C. 2019. Making Archives in Early Modern Europe. Cambridge:",
    "    Cambridge University Press.",
    "Stoler, Ann Laura. 2009. Along the Archival Grain. Princeton, NJ: Princeton",
    "    University Press.",
]


def test_reference_list_lines_are_ref_and_body_is_text():
    labels = L.label(BODY + REFS)
    body, refs = labels[:len(BODY)], labels[len(BODY):]
    assert body[0] == "title" or body[0] == "text"
    assert sum(x == "text" for x in body[2:6]) >= 3
    entry_lines = [i for i, x in enumerate(REFS) if x.strip() and i >= 2]
    assert sum(refs[i].startswith("ref") for i in entry_lines) >= len(entry_lines) - 1
    assert refs[0] == "title"


def test_bounded_and_fast_on_long_lines():
    lines = (BODY + REFS) * 200 + ["x" * 200000]
    t = time.time()
    labels = L.label(lines)
    assert len(labels) == len(lines)
    assert time.time() - t < 20
    assert L.label([]) == []


def test_locate_splits_a_list_whose_labels_stand_alone():
    """pdftotext sets "[1]" on a line of its own: the rules glue the list, the labeller does not."""
    from kb.locate import locate
    from kb.models import Document
    body = ["Introduction", "", "The archive has been studied often [1], [2], and again more",
            "recently, with different results [3], [4].", ""]
    refs = ["References", ""]
    people = ["A. Baker", "C. Dubois", "H. Müller", "J. Smith", "L. Wang"]
    for i, who in enumerate(people, 1):
        refs += [f"[{i}]", "", f"{who}, “Memory and the archive in the town, part {i},” Journal of",
                 f"Modern History, vol. {i + 10}, pp. {i * 10}–{i * 10 + 9}, 20{i:02d}.", ""]
    lines = body + refs
    doc = Document(id="t", path="t.txt", lines=lines, sha256="", format="txt")
    entries = [e for e in locate(doc).entries if e.kind == "bibliography"]
    assert len(entries) == len(people)
    assert all(e.raw.startswith(p) for e, p in zip(entries, people))


def test_layout_marks_entry_starts_of_a_hanging_list():
    """A PDF list as kb.read gives it: no leading spaces, the hanging indent only in the layout."""
    from kb.models import LineLayout
    lines = [x.strip() for x in BODY + REFS if x.strip()]
    lays, y = [], 0.1
    for x in BODY + REFS:
        if not x.strip():
            continue
        y += 0.02
        head = x in ("Introduction", "References")
        lays.append(LineLayout(size=1.3 if head else 1.0, indent=0.04 if x.startswith("    ") else 0.0,
                               y=y, gap=1.5 if head else 0.0, bold=1.0 if head else 0.0))
    labels = L.label(lines, lays)
    starts = [i for i, x in enumerate(lines) if x.split()[0].endswith(",") and i > 6]
    assert sum(labels[i] == "ref-B" for i in starts) >= len(starts) - 1
    conts = [i + 1 for i in starts]
    assert sum(labels[i] == "ref-I" for i in conts) >= len(conts) - 1
    assert L.label(lines, None) and len(L.label(lines, lays[:3])) == len(lines)


def test_section_feature_follows_the_last_notes_or_bibliography_heading():
    feats = L.features(["Body text here.", "Notes", "1. Smith, A book, 2001.", "References",
                        "Smith, J. 2001. A book."])
    assert [f["sec"] for f in feats] == ["none0", "none0", "notes0", "notes0", "bib0"]


def test_groups_of_labels():
    lines = ["Notes", "1 A note", "goes on", "", "2 Another", "Refs", "Smith 2001", "cont.", "12"]
    labels = ["title", "note-B", "note-I", "blank", "note-B", "title", "ref-I", "ref-I", "meta"]
    assert L.groups(labels, lines) == [("note", [1, 2]), ("note", [4]), ("ref", [6, 7])]
