"""A served store that follows ``kb build``: the site always shows the current one.

``kb build`` writes a new store beside the old one and swaps it in with one
rename, so the path always names a whole store, old or new.  Datasette opens
an immutable store once per thread and keeps reading the file it opened (the
old one, after a swap).  ``LiveStore`` notices the swap (the file's inode,
size and modification time, checked at most every ``CHECK_EVERY`` seconds)
and opens the new file for the next query; queries already running finish
on the old one, whose connections are closed a little later.

    >>> ds.add_database(LiveStore(ds, path="data/kb.db"), name="kb")
"""
from __future__ import annotations

import asyncio
import os
import threading
import time

from datasette.database import Database

CHECK_EVERY = 1.0      # seconds between two looks at the file
CLOSE_AFTER = 60.0     # seconds an old generation's connections stay open

_local = threading.local()


class LiveStore(Database):
    """An immutable Datasette database that reopens its file when it is replaced."""

    def __init__(self, ds, path: str):
        super().__init__(ds, path=path, is_mutable=False)
        self.generation = 0
        self._stamp = _stamp(path)
        self._checked = time.monotonic()
        self._old: list = []

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

    async def execute_fn(self, fn):
        self.check()
        if self.ds.executor is None:
            return await super().execute_fn(fn)
        key = f"{self.name}\0{self.generation}"

        def in_thread():
            conn = getattr(_local, key, None)
            if conn is None:
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(_local, key, conn)
            return fn(conn)

        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)


def _stamp(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None        # mid-swap or removed: keep serving what is open
    return (st.st_ino, st.st_size, st.st_mtime_ns)
