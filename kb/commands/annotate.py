"""``kb annotate``: add, edit, list and delete notes on works.

    kb annotate KEY "text" [--author NAME] [--claim ID]   add a note
    kb annotate --edit ID "new text"                      change a note
    kb annotate --list [--orphaned] [--key KEY] [--json]  list notes
    kb annotate --delete ID                               delete a note

Notes live in ``annotations.db`` beside the store (``--db data/kb.db`` ->
``data/annotations.db``); the build mirrors them into the store.  See
kb/annotate.py for why.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys

import click

from .. import annotate as ann
from .options import db_option


def _one_line(text: str, width: int = 100) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command(name="annotate")
@click.argument("key", required=False)
@click.argument("text", required=False)
@db_option("The store (notes go beside it).")
@click.option("--author", default=lambda: os.environ.get("KB_AUTHOR") or os.environ.get("USER"),
              help="Who wrote the note (default $KB_AUTHOR or $USER).")
@click.option("--claim", "claim_id", type=int, help="Attach the note to this claim id.")
@click.option("--list", "list_", is_flag=True, help="List notes.")
@click.option("--orphaned", is_flag=True, help="With --list: only notes whose work is gone.")
@click.option("--key", "only_key", help="With --list: only notes on this work key.")
@click.option("--json", "as_json", is_flag=True, help="With --list: print JSON.")
@click.option("--delete", "delete_id", type=int, help="Delete the note with this id.")
@click.option("--edit", "edit_id", type=int, help="Replace the text of this note with TEXT "
              "(given as the only argument).")
@click.option("--force", is_flag=True, help="Annotate a key that is not in the store.")
def command(key, text, db_path, author, claim_id, list_, orphaned, only_key, as_json,
            delete_id, edit_id, force):
    """Add, edit, list or delete annotations on works (by work key).

    \b
      kb annotate smith2003 "Good survey" [--author NAME] [--claim ID]
      kb annotate --edit 3 "Better text"
      kb annotate --list [--orphaned] [--key KEY] [--json]
      kb annotate --delete 3

    Notes are kept in annotations.db beside the store (data/annotations.db for
    data/kb.db), so no rebuild, crash or deleted kb.db loses them; every build
    copies them into the store's annotations table.  A note whose work has
    gone is kept and listed by --orphaned until a work with its key returns.
    """
    modes = sum(bool(m) for m in (list_, delete_id is not None, edit_id is not None))
    if modes > 1:
        raise click.UsageError("use only one of --list, --delete, --edit")
    if orphaned and not list_:
        raise click.UsageError("--orphaned goes with --list")
    notes_path = ann.annotations_path(db_path)
    try:
        _run(notes_path, key, text, db_path, author, claim_id, list_, orphaned, only_key,
             as_json, delete_id, edit_id, force)
    except BrokenPipeError:       # `kb annotate --list | head`: the reader left
        quiet_exit()
    except (sqlite3.Error, OSError) as e:   # corrupt file, disk full, locked too long
        raise click.ClickException(f"{notes_path}: {e}; no annotation was changed")


def quiet_exit() -> None:
    """Leave without a word when stdout's reader has gone (and no flush error)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def _run(notes_path, key, text, db_path, author, claim_id, list_, orphaned, only_key,
         as_json, delete_id, edit_id, force):
    db = ann.open_annotations(notes_path, recover_from=db_path)
    kb_db = ann.open_store_readonly(db_path)
    if kb_db is not None:
        try:
            ann.anchor_claims(db, kb_db)   # claim ids of the store as it is now
            ann.fill_anchors(db, kb_db)    # notes older than work anchors
        except sqlite3.DatabaseError as e:
            click.echo(f"warning: {db_path}: unreadable store ({e}); "
                       "work keys cannot be checked", err=True)
            kb_db.conn.close()
            kb_db = None
    try:
        if list_:
            _list(db, kb_db, orphaned, only_key, as_json)
        elif delete_id is not None:
            if not ann.delete(db, delete_id):
                raise click.ClickException(f"no annotation with id {delete_id}")
            click.echo(f"deleted annotation {delete_id}")
        elif edit_id is not None:
            new_text = text if text is not None else key
            if new_text is None:
                raise click.UsageError('--edit ID needs the new text: kb annotate --edit 3 "text"')
            try:
                row = ann.update(db, edit_id, text=new_text)
            except ann.AnnotationError as e:
                raise click.ClickException(str(e))
            click.echo(f"updated annotation {row['id']} on {row['key']}")
        else:
            _add(db, kb_db, key, text, author, claim_id, force)
    finally:
        db.conn.close()
        if kb_db is not None:
            kb_db.conn.close()


def _add(db, kb_db, key, text, author, claim_id, force):
    if not key or text is None:
        raise click.UsageError('give a work key and the text: kb annotate KEY "text"')
    keys = ann.work_keys(kb_db)
    if key not in keys and not force:
        where = "the store is empty or missing" if not keys else "it is not in works.key"
        raise click.ClickException(f"no work with key {key!r} ({where}); "
                                   "use --force to annotate it anyway")
    claim = None
    if claim_id is not None:
        claim = ann.claim_row(kb_db, claim_id)
        if claim is None and not force:
            raise click.ClickException(f"no claim with id {claim_id}")
    work = ann.works_by_key(kb_db, [key]).get(key)
    try:
        row = ann.add(db, key, text, author=author, claim_id=claim_id, claim=claim, work=work)
    except ann.AnnotationError as e:
        raise click.ClickException(str(e))
    click.echo(f"added annotation {row['id']} on {row['key']}")


def _list(db, kb_db, orphaned, only_key, as_json):
    rows = ann.list_annotations(db, key=only_key)
    reasons = ann.orphan_reasons(rows, kb_db) if kb_db is not None else {
        r["id"]: "the store is missing or unreadable" for r in rows}
    if orphaned:
        rows = [r for r in rows if r["id"] in reasons]
    for r in rows:
        r["orphaned"] = r["id"] in reasons
        r["orphan_reason"] = reasons.get(r["id"])
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no orphaned annotations" if orphaned else "no annotations")
        return
    for r in rows:
        flag = f" [orphaned] ({r['orphan_reason']})" if r["orphaned"] else ""
        claim = f" claim={r['claim_id']}" if r["claim_id"] is not None else ""
        click.echo(f"{r['id']}\t{r['key']}{flag}{claim}\t{r['author'] or '-'}\t"
                   f"{r['updated']}\t{_one_line(r['text'])}")
