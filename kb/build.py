"""Build: files -> the SQLite store, incrementally, atomically, in parallel.

    >>> summary = build(["data/corpus"], "data/kb.db", jobs=2)
    >>> summary.documents, summary.failures

* Incremental: a document whose sha256 is unchanged is not re-processed,
  and after a small change the cross-document stages only redo what it
  touched (``resolve.resolve_incremental``: new refs clustered against the
  existing works through the stored blocking index; ``graph.update_store``
  keeping betweenness and communities while few documents changed); a build
  with nothing to do leaves works and graph as they are.  ``full`` re-reads
  every document and recomputes everything.
* Atomic: the store is copied beside the old one (``kb.db.tmp``, a kernel
  file copy under a read lock), updated there and swapped in with
  ``os.replace``; a crash or Ctrl-C leaves the previous store whole, and the
  next build starts from it again.
* Locked: a second build on the same store stops with a clear message
  (or waits, with ``wait``).
* Errors: an unreadable file is reported by name, recorded in
  ``build_errors``, and the rest goes on; its earlier rows are kept.
* Parallel: per-document work runs in a ``concurrent.futures`` executor —
  processes locally (``jobs``), or a Dask cluster (``scheduler``) through
  ``distributed.Client.get_executor()``.
"""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import stat
import sys
import time
from collections import deque
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from filelock import FileLock, Timeout

from . import annotate, resolve, store
from .read import FORMATS, ReadError

DEFAULT_CORPUS = Path("data/corpus")
DEFAULT_DB = store.DEFAULT_DB


class BuildError(Exception):
    """A build that cannot start or finish (the old store is untouched)."""


@dataclass
class Summary:
    documents: int = 0
    processed: int = 0
    unchanged: int = 0
    removed: int = 0
    refs: int = 0
    claims: int = 0
    citations: int = 0
    works: int = 0
    authors: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    #: wall seconds per stage (copy, process, resolve, graph, swap) and the
    #: modes the cross-document stages ran in (full / incremental / reused)
    stages: dict = field(default_factory=dict)

    def line(self) -> str:
        return (f"{self.documents} documents ({self.processed} processed, "
                f"{self.unchanged} unchanged, {self.removed} removed), "
                f"{self.refs} refs, {self.claims} claims, {self.citations} citations, "
                f"{self.works} works, {self.authors} authors, "
                f"{len(self.failures)} failures in {self.seconds:.1f}s")


# --- inputs -----------------------------------------------------------------

def find_files(paths: Iterable[str | Path], follow_links: bool = False
               ) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand directories; returns (readable-looking files, [(path, problem)]).

    Nothing is skipped silently: symlink loops, dangling links, FIFOs and
    devices, and links leading out of the given folder (followed only with
    ``follow_links``) are problems, reported like unreadable files.
    """
    files, problems = [], []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += walk_folder(p, follow_links, problems)
        elif p.is_file():
            files.append(p)
        else:
            problems.append((str(p), entry_problem(p) or "no such file or directory"))
    return files, problems


def check_inputs(paths: Iterable[str | Path]) -> None:
    """Raise BuildError, before anything is written, for a path that does not exist."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise BuildError(f"no such file or directory: {', '.join(missing)}; "
                         "nothing was built (the store is unchanged)")


def entry_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (None for a regular file or folder)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symlink loop; skipped"
        if os.path.islink(path):
            return f"dangling symlink (to {os.readlink(path)}); skipped"
        return f"cannot open: {e.strerror or e}"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
    return f"not a regular file ({kind}); skipped"


def walk_folder(root: Path, follow_links: bool, problems: list) -> list[Path]:
    """The files under ``root`` (hidden names skipped), sorted; problems appended."""
    top = Path(os.path.realpath(root))
    seen, todo, files = {top}, [root], []
    while todo:
        folder = todo.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            problems.append((str(folder), f"cannot list folder: {e.strerror or e}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            why = entry_problem(path)
            real = Path(os.path.realpath(path)) if why is None else None
            if real is not None and entry.is_symlink() and not follow_links \
                    and real != top and top not in real.parents:
                why = (f"symlink to {real}, outside {root}; not followed "
                       "(use --follow-links to read it)")
            if why:
                problems.append((str(path), why))
            elif real.is_dir():
                if real in seen:
                    problems.append((str(path), f"folder {real} already read (symlink loop); skipped"))
                else:
                    seen.add(real)
                    todo.append(path)
            elif path.suffix.lower() in FORMATS:
                files.append(path)
            else:
                problems.append((str(path), f"unsupported file type {path.suffix or '(none)'!r}"))
    return sorted(files)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def work(path: str):
    """Per-document job run in a worker: ('ok', DocResult) or ('error', reason)."""
    from .pipeline import process
    try:
        return "ok", process(path)
    except ReadError as e:
        return "error", e.reason
    except RecursionError:
        return "error", "document too deeply nested to process"
    except Exception as e:  # a bug must not stop the build; it is reported
        return "error", f"internal error {type(e).__name__}: {str(e)[:300]}"


# --- executors ----------------------------------------------------------------

class InlineExecutor(Executor):
    """Runs jobs in this process (jobs=1): same interface as the pools."""

    def submit(self, fn, *args, **kwargs):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            fut.set_exception(e)
        return fut


def exit_with_parent(parent_pid: int, every: float = 0.5) -> None:
    """Worker initializer: leave when the build process dies (e.g. kill -9).

    Without it the pool's workers outlive a killed build forever, blocked on
    their queue and holding memory.
    """
    import threading

    def watch():
        while True:
            time.sleep(every)
            if os.getppid() != parent_pid:
                os._exit(1)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def make_executor(jobs: int = 1, scheduler: str | None = None):
    """(executor, closer): local processes, inline, or a Dask cluster."""
    if scheduler:
        from distributed import Client
        client = Client(scheduler)
        return client.get_executor(), client.close
    if jobs and jobs > 1:
        ex = ProcessPoolExecutor(max_workers=jobs, initializer=exit_with_parent,
                                 initargs=(os.getpid(),))
        return ex, ex.shutdown
    ex = InlineExecutor()
    return ex, ex.shutdown


def run_jobs(executor, fn: Callable, items: list, window: int) -> Iterator[tuple]:
    """Yield (item, result) as jobs finish, never more than ``window`` in flight."""
    pending: deque = deque()
    it = iter(items)
    for item in it:
        pending.append((item, executor.submit(fn, item)))
        if len(pending) >= window:
            break
    while pending:
        item, fut = pending.popleft()
        yield item, fut.result()
        nxt = next(it, None)
        if nxt is not None:
            pending.append((nxt, executor.submit(fn, nxt)))


# --- the build ------------------------------------------------------------------

def build(paths: Iterable[str | Path] | None = None, db_path: str | Path = DEFAULT_DB,
          jobs: int = 1, scheduler: str | None = None, full: bool = False,
          wait: bool = False, progress: bool = True,
          echo: Callable[[str], None] | None = None, allow_empty: bool = False,
          follow_links: bool = False) -> Summary:
    """Build or update the store at ``db_path`` from ``paths`` (files or dirs).

    A path that does not exist, or (without ``allow_empty``) a build that
    would leave the store with no document, raises BuildError and leaves
    the store as it was.  ``db_path`` may be a symlink: the real file is
    locked and replaced.
    """
    paths = list(paths or [DEFAULT_CORPUS])
    check_inputs(paths)
    db_path = Path(os.path.realpath(db_path))   # lock and swap the file, not a link to it
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(db_path) + ".lock")
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        raise BuildError(f"another kb build is running on {db_path} "
                         f"(lock {db_path}.lock); wait for it or use --wait") from None
    try:
        options = {"allow_empty": allow_empty, "follow_links": follow_links}
        return _build_locked(paths, db_path, jobs, scheduler, full, progress,
                             echo or _stderr, options)
    finally:
        lock.release()


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr)


def _build_locked(paths, db_path: Path, jobs, scheduler, full, progress, echo,
                  options: dict | None = None) -> Summary:
    options = options or {}
    t0 = time.perf_counter()
    summary = Summary()
    tmp = db_path.with_name(db_path.name + ".tmp")
    for stale in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal")):
        stale.unlink(missing_ok=True)  # left by a killed build
    try:
        t = time.perf_counter()
        copy_store(db_path, tmp)
        summary.stages["copy"] = round(time.perf_counter() - t, 3)
        db = store.open_db(tmp, fast=True)
        store.clear_errors(db)
        files, problems = find_files(paths, options.get("follow_links", False))
        for path, problem in problems:
            _fail(db, summary, echo, path, problem)
        todo, keep_ids = plan(db, files, full, summary, echo)
        stored = [r["id"] for r in db.query("SELECT id FROM documents")]  # (.pks = column names)
        if not keep_ids and not options.get("allow_empty"):
            raise BuildError(empty_build_message(paths, len(stored), db_path))
        removed = [d for d in stored if d not in keep_ids]
        changes = None if full else resolve.note_changes(
            db, removed + [Path(p).stem for p in todo])
        for doc_id in removed:
            store.delete_document(db, doc_id)
        summary.removed = len(removed)
        t = time.perf_counter()
        if len(todo) <= 1 and not scheduler:
            jobs = 1   # one document: no worker pool to start
        process_all(db, todo, jobs, scheduler, progress, summary, echo)
        summary.stages["process"] = round(time.perf_counter() - t, 3)
        if full or todo or removed or not stored:
            finish(db, echo, changes, summary.stages)   # else nothing changed
        store_bibtex(db, summary.stages)
        annotate.carry_over(db_path, db, echo)  # notes survive every rebuild
        _fill_counts(db, summary)
        db.conn.commit()
        db.conn.execute("PRAGMA journal_mode = DELETE")
        db.conn.close()
        t = time.perf_counter()
        _fsync(tmp)
        os.replace(tmp, db_path)
        summary.stages["swap"] = round(time.perf_counter() - t, 3)
    except (OSError, sqlite3.OperationalError) as e:  # e.g. disk full (ENOSPC)
        _drop_tmp(tmp)
        raise BuildError(f"build failed, previous store kept: {e}") from e
    except BaseException:
        _drop_tmp(tmp)
        raise
    annotate.reanchor(db_path, echo)  # claim notes follow the new claim ids
    summary.seconds = time.perf_counter() - t0
    return summary


def empty_build_message(paths, stored: int, db_path: Path) -> str:
    where = ", ".join(str(p) for p in paths)
    what = (f"would remove all {stored} documents from {db_path}" if stored
            else f"would create {db_path} with no document")
    return (f"no documents found in {where}: the build {what}; store unchanged "
            "(use --allow-empty to build it anyway)")


def copy_store(src: Path, dst: Path) -> None:
    """Consistent copy of an existing store, or nothing.

    The file is copied whole (``shutil.copyfile``: the kernel's copy, about
    4x faster than SQLite's page-by-page backup API) inside a read
    transaction, whose shared lock keeps any writer from committing
    meanwhile; a store in WAL mode (whose file alone is not the whole store)
    goes through the backup API instead.
    """
    if not src.exists():
        return
    try:
        a = sqlite3.connect(src, isolation_level=None, timeout=60)
        try:
            if str(a.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                with sqlite3.connect(dst) as b:
                    a.backup(b)
                return
            a.execute("BEGIN")
            a.execute("SELECT count(*) FROM sqlite_master").fetchone()   # shared lock held
            shutil.copyfile(src, dst)
            a.execute("COMMIT")
        finally:
            a.close()
    except (sqlite3.OperationalError, OSError) as e:  # disk full, I/O error: not the store's fault
        raise BuildError(f"cannot copy {src} to {dst}: {e}; previous store kept") from None
    except sqlite3.DatabaseError as e:
        raise BuildError(f"{src}: not a kb store ({e}); move it away to rebuild") from None


def plan(db, files: list[Path], full: bool, summary: Summary, echo):
    """Which files to process; returns (paths, ids of documents to keep)."""
    known = {r["id"]: r["sha256"] for r in db.query("SELECT id, sha256 FROM documents")}
    todo, keep, seen_sha, seen_id = [], set(), {}, {}
    for f in files:
        doc_id = f.stem
        try:
            sha = sha256_of(f)
        except OSError as e:
            keep.add(doc_id)  # keep what was stored for it
            _fail(db, summary, echo, str(f), f"cannot open: {e.strerror or e}", doc_id)
            continue
        if doc_id in seen_id:
            _fail(db, summary, echo, str(f), f"same document id {doc_id!r} as {seen_id[doc_id]}; skipped", doc_id)
            continue
        if sha in seen_sha:
            _fail(db, summary, echo, str(f), f"duplicate of {seen_sha[sha]} (same content); skipped", doc_id)
            continue
        seen_id[doc_id], seen_sha[sha] = str(f), str(f)
        keep.add(doc_id)
        if not full and known.get(doc_id) == sha:
            summary.unchanged += 1
        else:
            todo.append(str(f))
    return todo, keep


def process_all(db, todo: list[str], jobs, scheduler, progress, summary, echo) -> None:
    executor, close = make_executor(jobs, scheduler)
    try:
        results = run_jobs(executor, work, todo, window=max(2, (jobs or 1) * 4))
        if progress and todo:
            import click
            with click.progressbar(results, length=len(todo), label="Reading documents",
                                   file=sys.stderr,
                                   item_show_func=lambda x: Path(x[0]).name if x else "") as bar:
                for path, (status, value) in bar:
                    _store_one(db, path, status, value, summary, echo)
        else:
            for path, (status, value) in results:
                _store_one(db, path, status, value, summary, echo)
    finally:
        close()


def _store_one(db, path, status, value, summary, echo) -> None:
    if status == "ok":
        store.write_result(db, value)
        summary.processed += 1
        for warning in [*(value.document.warnings or []),      # read fallbacks
                        *long_line_warnings(value.document)]:
            summary.warnings.append((str(path), warning))
            store.record_error(db, path, "warning: " + warning, value.document.id)
            echo(f"warning: {path}: {warning}")
    else:
        _fail(db, summary, echo, path, value, Path(path).stem)


def long_line_warnings(doc) -> list[str]:
    """Lines longer than the citation finders read (they see only the start)."""
    from .locate import MAX_LINE
    long = [(i, len(line)) for i, line in enumerate(doc.lines or [], 1) if len(line) > MAX_LINE]
    if not long:
        return []
    i, n = max(long, key=lambda x: x[1])
    more = f" (and {len(long) - 1} more long lines)" if len(long) > 1 else ""
    return [f"line {i} has {n:,} characters; truncated: only the first {MAX_LINE:,} "
            f"are searched for citations{more}"]


def _fail(db, summary, echo, path, reason, doc_id=None) -> None:
    summary.failures.append((str(path), reason))
    store.record_error(db, path, reason, doc_id)
    echo(f"error: {path}: {reason}")


def finish(db, echo, changes=None, stages: dict | None = None) -> dict:
    """Cross-document stages: works and authors, then the graph metrics.

    ``changes`` (a ``resolve.Changes``: what this build replaced or removed)
    lets both stages work incrementally when little changed; None (``--full``)
    recomputes everything.  Returns the two stages' summaries.
    """
    from . import graph
    stages = stages if stages is not None else {}
    t = time.perf_counter()
    res = resolve.resolve_store(db, changes)
    stages["resolve"] = round(time.perf_counter() - t, 3)
    stages["resolve_mode"] = res.get("mode")
    t = time.perf_counter()
    g = graph.update_store(db, changed_documents=changes.documents if changes is not None else None)
    stages["graph"] = round(time.perf_counter() - t, 3)
    stages["graph_metrics"] = g.get("metrics")
    stages["review_queue"] = store.update_work_review(db)
    return {"resolve": res, "graph": g}


def store_bibtex(db, stages: dict) -> int:
    """Store the BibTeX entry of each work new or changed in this build (the
    .bib exports read them: kb.publish.bibtex.store_entries)."""
    from .publish import bibtex
    t = time.perf_counter()
    written = bibtex.store_entries(db)
    stages["bibtex"] = round(time.perf_counter() - t, 3)
    return written


def _fill_counts(db, summary: Summary) -> None:
    c = store.counts(db)
    summary.documents, summary.refs, summary.claims = c["documents"], c["refs"], c["claims"]
    summary.citations, summary.works, summary.authors = c["citations"], c["works"], c["authors"]


def _drop_tmp(tmp: Path) -> None:
    """Remove a half-written copy (and its journal); never the real store."""
    for f in (tmp, Path(str(tmp) + "-journal"), Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        try:
            f.unlink(missing_ok=True)
        except OSError:
            pass


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
