"""Cross-document resolution: refs -> works and authors.

One cited work is one ``works`` row however many documents cite it and in
whatever form; one person or organisation is one ``authors`` row.

    >>> from kb.store import open_db
    >>> from kb.resolve import resolve_store
    >>> db = open_db("data/kb.db")
    >>> summary = resolve_store(db)        # rewrites works, authors, ... atomically

The pure core works on plain ref dicts (rows of the ``refs`` table, JSON
columns decoded) and is testable alone:

    >>> res = resolve(refs, previous_keys={})
    >>> res.ref_work[ref_id]               # -> work id (1-based)

How refs are joined (each join is recorded in ``merges`` with its reason):

1. ``same_as``: short forms and ibid take the work of the full ref they
   point at (chains followed, cycles broken).
2. ``doi`` / ``isbn`` / ``url``: equal normalised identifiers.  A URL joins
   only when it has a path (a bare homepage names a site, not a work); an
   ISBN never joins a chapter (a chapter shares its book's ISBN).
3. ``title+author+year``: candidate pairs come from blocking (normalised
   first-author family name, translators/editors too; first two significant
   title words; for refs the parser split badly, the first words of the raw
   text); blocks up to BLOCK_ALL_PAIRS refs are compared all-pairs, bigger
   ones by a sorted-neighbourhood window, so the work is near-linear in the
   number of refs (never all-pairs).  Each pair is scored with rapidfuzz on
   the normalised title (diacritics folded, numbers spelled out, subtitle or
   truncation allowed), authors and year (thresholds below, with the
   calibration figures); where one ref lacks a title or authors, the other's
   title is looked up in its raw text.  Strongest pairs are joined first.

Constraints that no join may break (checked on whole clusters, so a chain of
joins cannot break them either): two bibliography entries of one document are
two works (a bibliography lists a work once); refs with different year
suffixes in one document (2003a, 2003b) are two works.  Vetoes on a pair:
chapter vs book (a chapter and the book holding it), different part/volume
numbers or years in the titles (part I vs part II), different DOIs; a year
gap over one only for types with editions (book, chapter, article, thesis).
Editions and reprints are one work (refs keep their ``edition``); a
translation under another title is its own work unless its raw text names
the original ("Originaltitel: ...", "translated from ...").

Authors (``cluster_authors``): one row per person or organisation; family
names folded for matching only (display keeps diacritics), given names must
be compatible ("R." ~ "Rogier", "Jin, Meng" != "Jin, Ming"), organisations
kept whole, bare family names in short forms take the person of their work.

Keys (``assign_keys``): ``chen2017transparent``, unique and stable through
``work_keys`` (ref fingerprints -> key of the last build).

Source categories (``source_category``): CSL type plus evidence (publisher,
container, organisation authors, URL domain), one of ``SOURCE_TYPES``.

The package: ``thresholds`` (the calibrated numbers), ``normalise`` (titles,
names, identifiers), ``match`` (ref features, pair scores, vetoes, blocking,
clusters), ``works`` (a work's row, its best ref, its source category),
``keys``, ``authors``, ``core`` (``resolve``, ``resolve_store``) and
``incremental`` (``resolve_incremental`` after a small build).  Every write
to the store goes through ``kb.store``.
"""

from __future__ import annotations

from . import incremental
from .authors import cluster_authors
from .core import Resolution, resolve, resolve_store
from .incremental import Changes, note_changes, resolve_incremental
from .keys import assign_keys, base_key, fingerprints
from .match import (Clusters, Item, authors_agree, blocking_keys, candidate_pairs,
                    cluster_items, follow_same_as, no_gc, pair_score, raw_head, title_in_raw,
                    title_score, untitled_core, vetoed, years_ok)
from .normalise import (GENERIC_TITLES, clean_name, display_name, fold, given_compatible,
                        given_tokens, int_year, is_pinyin, main_title, name_key, name_list,
                        norm_doi, norm_isbn, norm_title, norm_url, org_gloss,
                        significant_tokens, spell_number, title_numbers, url_domain)
from .thresholds import (TITLE_WITH_AUTHOR, TITLE_ONE_AUTHOR, TITLE_NO_AUTHOR,
                         MIN_SIG_TOKENS_NO_AUTHOR, AUTHOR_FAMILY, AUTHOR_ORG, ORG_TYPO,
                         GIVEN_NAME, MAIN_TITLE, MIN_SIG_TOKENS_MAIN,
                         MIN_SIG_TOKENS_IN_RAW, BLOCK_ALL_PAIRS, WINDOW, EDITION_TYPES,
                         SERIAL_TYPES, MAX_TEXT)
from .works import SOURCE_TYPES, best_ref, fullness, source_category, work_fields

__all__ = [
    "resolve", "resolve_store", "resolve_incremental", "note_changes", "Changes",
    "Resolution", "incremental", "cluster_authors", "assign_keys", "base_key",
    "fingerprints", "Clusters", "Item", "authors_agree", "blocking_keys",
    "candidate_pairs", "cluster_items", "follow_same_as", "no_gc", "pair_score",
    "raw_head", "title_in_raw", "title_score", "untitled_core", "vetoed", "years_ok",
    "GENERIC_TITLES", "clean_name", "display_name", "fold", "given_compatible",
    "given_tokens", "int_year", "is_pinyin", "main_title", "name_key", "name_list",
    "norm_doi", "norm_isbn", "norm_title", "norm_url", "org_gloss",
    "significant_tokens", "spell_number", "title_numbers", "url_domain",
    "SOURCE_TYPES", "best_ref", "fullness", "source_category", "work_fields",
    "TITLE_WITH_AUTHOR", "TITLE_ONE_AUTHOR", "TITLE_NO_AUTHOR",
    "MIN_SIG_TOKENS_NO_AUTHOR", "AUTHOR_FAMILY", "AUTHOR_ORG", "ORG_TYPO", "GIVEN_NAME",
    "MAIN_TITLE", "MIN_SIG_TOKENS_MAIN", "MIN_SIG_TOKENS_IN_RAW", "BLOCK_ALL_PAIRS",
    "WINDOW", "EDITION_TYPES", "SERIAL_TYPES", "MAX_TEXT",
]
