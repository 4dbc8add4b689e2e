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
