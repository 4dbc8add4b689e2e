"""A served store that follows ``kb build``: the site always shows the current one.

``kb build`` writes a new store beside the old one and swaps it in with one
rename, so the path always names a whole store, old or new.  Datasette opens
an immutable store once per thread and keeps reading the file it opened (the
old one, after a swap).  ``LiveStore`` notices the swap (the file's inode,
size and modification time, checked at most every ``CHECK_EVERY`` seconds)
and opens the new file for the next query; queries already running finish
on the old one, whose connections are closed a little later.

A query first runs in the server's own thread, stopped after ``INLINE_MS``:
most take a millisecond or less, and a hop to a SQL thread and back costs
more than that under load (each hop waits for the event loop, busy with
other requests, so a page of 25 queries waited 25 times).  A query that is
stopped runs again in a SQL thread with its full time limit, and its SQL
goes there at once from then on.  The store is immutable: running a read
again gives the same rows.  What Datasette asks of a table's schema (its
columns, keys, full-text table) on every page is kept per generation.
:class:`KbDatasette` looks for schema changes at most every ``CHECK_EVERY``
seconds instead of at every request (four queries).  Each connection maps
the store into memory (``MMAP_BYTES``, pages shared with the OS's cache):
pages are read in place, not copied (a search page on the 10,000-document
store: 140 -> 104 ms).  A search page's count is read from the full-text
index alone when kb.publish.searchcount finds it in step with the table.

    >>> ds.add_database(LiveStore(ds, path="data/kb.db"), name="kb")
"""
from __future__ import annotations

import asyncio
import contextvars
import copy
import os
import sqlite3
import threading
import time
from collections import OrderedDict

from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted

from . import searchcount

CHECK_EVERY = 1.0      # seconds between two looks at the file
CLOSE_AFTER = 60.0     # seconds an old generation's connections stay open
INLINE_MS = 25         # a query runs this long in the server's thread before a SQL thread takes it
MMAP_BYTES = 2 ** 30   # of the store mapped into memory per connection (shared, read-only)
SLOW_SQL = 2000        # SQL texts remembered as too slow to run in the server's thread

_inline = contextvars.ContextVar("kb_inline_query", default=False)


class HereFirst(Database):
    """A Datasette database whose reads run first in the server's thread
    (INLINE_MS), then in a SQL thread."""

    generation = 0

    def __init__(self, ds, **kwargs):
        super().__init__(ds, **kwargs)
        self.slow: OrderedDict = OrderedDict()      # SQL text -> None, least recent first
        self._local = threading.local()             # this database's connection per thread

    async def execute(self, sql, params=None, truncate=False, custom_time_limit=None,
                      page_size=None, log_sql_errors=True):
        """Run ``sql`` in this thread for up to INLINE_MS, else in a SQL thread."""
        limit = min(custom_time_limit or self.ds.sql_time_limit_ms, self.ds.sql_time_limit_ms)
        if self.ds.executor is not None and limit > INLINE_MS and sql not in self.slow:
            token = _inline.set(True)
            try:
                return await super().execute(sql, params, truncate, INLINE_MS, page_size,
                                             log_sql_errors)
            except QueryInterrupted:
                self._remember_slow(sql)
            finally:
                _inline.reset(token)
        elif sql in self.slow:
            self.slow.move_to_end(sql)
        return await super().execute(sql, params, truncate, custom_time_limit, page_size,
                                     log_sql_errors)

    async def execute_fn(self, fn):
        self.check()
        if self.ds.executor is None:
            return await super().execute_fn(fn)
        if _inline.get():
            return fn(self.connection_here())   # a query with a short time limit (execute)
        return await asyncio.get_running_loop().run_in_executor(
            self.ds.executor, lambda: fn(self.connection_here()))

    async def execute_fn_here_first(self, fn, name: str):
        """``execute_fn(fn)``, tried first in this thread: stopped when it is
        still running SQL after INLINE_MS, and run again in a SQL thread (as
        ``name``'s calls are from then on).  For reads that catch no SQL errors."""
        if self.ds.executor is None or name in self.slow:
            return await self.execute_fn(fn)
        self.check()
        conn = self.connection_here()
        deadline = time.perf_counter() + INLINE_MS / 1000
        conn.set_progress_handler(lambda: time.perf_counter() > deadline, 1000)
        try:
            return fn(conn)
        except sqlite3.OperationalError as e:
            if e.args != ("interrupted",):
                raise
            self._remember_slow(name)
        finally:
            conn.set_progress_handler(None, 1000)
        return await self.execute_fn(fn)

    def _remember_slow(self, key: str) -> None:
        self.slow[key] = None
        while len(self.slow) > SLOW_SQL:
            self.slow.popitem(last=False)

    def connection_here(self):
        """This database's connection in the calling thread (of this generation)."""
        key = f"conn{self.generation}"
        conn = getattr(self._local, key, None)
        if conn is None:
            conn = self.connect()
            self.ds._prepare_connection(conn, self.name)
            setattr(self._local, key, conn)
        return conn

    def check(self) -> bool:
        return False



class NotesDatabase(HereFirst):
    """The reviewers' notes (mutable): reads run here first too."""


class LiveStore(HereFirst):
    """An immutable Datasette database that reopens its file when it is replaced."""

    def __init__(self, ds, path: str):
        super().__init__(ds, path=path, is_mutable=False)
        self.generation = 0
        self._stamp = _stamp(path)
        self._checked = time.monotonic()
        self._old: list = []
        self._schema: dict = {}                     # (what, table) -> answer, this generation

    def connect(self, write=False):
        conn = super().connect(write)
        conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")     # pages read in place, not copied
        return conn

    def check(self) -> bool:
        """Start a new generation when the file changed; True when it did."""
        now = time.monotonic()
        if now - self._checked < CHECK_EVERY:
            return False
        self._checked = now
        stamp = _stamp(self.path)
        if stamp is None or stamp == self._stamp:
            return False
        self._stamp = stamp
        self.generation += 1
        self._cached_table_counts = None
        self._schema = {}
        self.cached_hash = self.cached_size = None
        self._read_connection = None
        old, self._all_file_connections = self._all_file_connections, []
        self._close_later(old)
        return True

    def _close_later(self, conns: list) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.call_later(CLOSE_AFTER, lambda: [c.close() for c in conns])

    async def _schema_of(self, what: str, table: str, ask):
        key = (what, table)
        if key not in self._schema:
            generation = self.generation
            answer = await ask(table)
            if generation == self.generation:
                self._schema[key] = answer
            return copy.deepcopy(answer)
        return copy.deepcopy(self._schema[key])

    async def table_columns(self, table):
        return await self._schema_of("columns", table, super().table_columns)

    async def table_column_details(self, table):
        return await self._schema_of("details", table, super().table_column_details)

    async def primary_keys(self, table):
        return await self._schema_of("keys", table, super().primary_keys)

    async def fts_table(self, table):
        return await self._schema_of("fts", table, super().fts_table)

    async def foreign_keys_for_table(self, table):
        return await self._schema_of("foreign", table, super().foreign_keys_for_table)

    async def execute(self, sql, params=None, *args, **kwargs):
        """A search page's count from the full-text index when it is in step
        with the table (kb.publish.searchcount), else as asked."""
        fast = searchcount.index_count(sql) if isinstance(sql, str) else None
        if fast is not None and await self._schema_of("in_step", fast[0], self._in_step):
            try:
                return await super().execute(fast[1], params, *args, **kwargs)
            except sqlite3.DatabaseError:
                pass
        return await super().execute(sql, params, *args, **kwargs)

    async def _in_step(self, names):
        return await self.execute_fn(lambda conn: searchcount.in_step(conn, *names))


class KbDatasette(Datasette):
    """Datasette that looks for schema changes at most every CHECK_EVERY seconds."""

    _schemas_checked = None

    async def refresh_schemas(self):
        now = time.monotonic()
        if self._schemas_checked is not None and now - self._schemas_checked < CHECK_EVERY:
            return
        self._schemas_checked = now
        await super().refresh_schemas()


def _stamp(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None        # mid-swap or removed: keep serving what is open
    return (st.st_ino, st.st_size, st.st_mtime_ns)
