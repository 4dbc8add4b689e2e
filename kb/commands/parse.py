"""``kb parse``: reference strings -> CSL-JSON on stdout.

    kb parse "Smith, J. (2017). A title. Journal, 3(2), 1-9."
    kb parse --kind footnote < refs.txt        # one reference per line
"""
from __future__ import annotations

import json
import sys

import click

from ..parse import parse, parse_many

_SIMPLE = {"title": "title", "container_title": "container-title", "volume": "volume",
           "issue": "issue", "pages": "page", "edition": "edition", "publisher": "publisher",
           "place": "publisher-place", "url": "URL", "doi": "DOI", "isbn": "ISBN"}


def _date_parts(iso: str | None, year: int | None = None) -> dict | None:
    if iso:
        return {"date-parts": [[int(p) for p in iso.split("-")]]}
    if year:
        return {"date-parts": [[year]]}
    return None


def to_csl(fields: dict, raw: str, ident: str = "ref1") -> dict:
    """A parse() result as a CSL-JSON item (CSL spelling: "container-title",
    "author", "issued", "URL" ...); kb's extras go under "kb"."""
    item: dict = {"id": ident, "type": fields.get("type") or "document"}
    for role, key in (("authors", "author"), ("editors", "editor"), ("translators", "translator")):
        if fields.get(role):
            item[key] = [{k: v for k, v in n.items() if v} for n in fields[role]]
    for k, csl in _SIMPLE.items():
        if fields.get(k):
            item[csl] = fields[k]
    issued = _date_parts(fields.get("date"), fields.get("year"))
    if issued:
        item["issued"] = issued
    if fields.get("accessed"):
        item["accessed"] = _date_parts(fields["accessed"])
    if fields.get("year_suffix"):
        item["year-suffix"] = fields["year_suffix"]
    if fields.get("pinpoint"):
        item["locator"] = fields["pinpoint"]
    item["note"] = raw
    item["kb"] = {"parse_ok": bool(fields.get("parse_ok")), "confidence": fields.get("confidence"),
                  "low_confidence": fields.get("low_confidence") or []}
    return item


@click.command(name="parse")
@click.argument("references", nargs=-1)
@click.option("--kind", type=click.Choice(["bibliography", "footnote", "endnote", "inline"]),
              default=None, help="Where the references come from (a hint).")
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented output.")
@click.option("--json", "as_json", is_flag=True, default=True,
              help="JSON output with each reference's confidence (the default; kept for scripts that ask).")
def command(references, kind, compact, as_json):
    """Parse REFERENCES (or one per line on stdin) and print a JSON array of CSL-JSON items."""
    refs = list(references)
    if not refs:
        refs = [line.strip() for line in sys.stdin if line.strip()]
    items = [to_csl(f, raw, f"ref{i}") for i, (raw, f) in
             enumerate(zip(refs, parse_many(refs, kind)), start=1)]
    click.echo(json.dumps(items, ensure_ascii=False, indent=None if compact else 2))
