"""The calibrated numbers of resolution, in one place."""

# --------------------------------------------------------------------------
# Thresholds (rapidfuzz scores 0..100), calibrated on the gold corpus:
# ``python scripts/eval_resolve.py --calibrate`` prints the blocked candidate
# pairs closest to them.  On the gold (344 full refs, 357 candidate pairs):
# same-work pairs with agreeing authors score >= 94 on the title ("Could" vs
# "Might" 94, "Upgrading" vs "Updating" 97.6, subtitle dropped 96); different
# works with agreeing authors score <= 65; different works with near-equal
# titles (96: "Chilling Effects" by PEN America vs by Penney, "Surveillance
# Studies" by Marx vs Lyon) are told apart by their authors.
# --------------------------------------------------------------------------
#: normalised-title score needed when the first authors agree (gap 65..94).
TITLE_WITH_AUTHOR = 90
#: title score when only one side names an author (news items cited by
#: title, an organisation author printed in one style only): stricter, and
#: the title must be distinctive (MIN_SIG_TOKENS_NO_AUTHOR significant words),
#: since the author check that separates the 96-scoring pairs above is absent.
TITLE_ONE_AUTHOR = 95
#: title score when neither side names an author.
TITLE_NO_AUTHOR = 96
MIN_SIG_TOKENS_NO_AUTHOR = 3
#: family names agree at this ratio ("Bossewith" ~ "Bossewitch" 95,
#: "Marwich" ~ "Marwick" 86); different surnames of one block score <= 71.
AUTHOR_FAMILY = 85
#: organisation names: token-set ratio ("Chinese State Council" ~ "State
#: Council" 100), for matching works.
AUTHOR_ORG = 90
#: one organisation (authors table): long names this close are typos
#: ("Zhonghua Renming Gongheguo ..." ~ "Zhonghua Renmin Gongheguo ..." 99).
ORG_TYPO = 95
#: two full given names agree at this ratio ("Marjorje" ~ "Marjorie" 87.5);
#: "Meng" vs "Ming" (75) is a conflict.
GIVEN_NAME = 85
#: main-title match (one ref omits the subtitle, or prints only the first
#: words): the shorter title needs MIN_SIG_TOKENS_MAIN significant words
#: (1 for a short form in its own document) and this ratio.
MAIN_TITLE = 95
MIN_SIG_TOKENS_MAIN = 2
#: a whole title found verbatim in another ref's raw text, with no author
#: evidence, needs this many significant words (domain phrases such as
#: "China's social credit system" have 4 and occur in many titles).
MIN_SIG_TOKENS_IN_RAW = 6
#: blocks up to this size are compared all-pairs; bigger blocks by a window
#: of WINDOW neighbours after sorting by title.
BLOCK_ALL_PAIRS = 25
WINDOW = 10
#: year distance allowed beyond 1 only for types that have editions/reprints.
EDITION_TYPES = {"book", "chapter", "article-journal", "thesis", None}
#: types published again each year under one title: years must be equal.
SERIAL_TYPES = {"report", "dataset"}
#: longest raw text hashed for fingerprints / compared (the folding limit).
from ..text import MAX_TEXT  # noqa: E402,F401
