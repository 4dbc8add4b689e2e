"""The distributed path: per-document work on a local Dask cluster, same result."""
import sqlite3
from pathlib import Path

import pytest

from kb.build import build

distributed = pytest.importorskip("distributed")
CORPUS = Path(__file__).parent.parent / "data" / "corpus"


def test_build_on_a_local_dask_cluster(tmp_path):
    from distributed import LocalCluster
    local, remote = tmp_path / "local.db", tmp_path / "dask.db"
    build([CORPUS], local, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        s = build([CORPUS], remote, scheduler=cluster.scheduler_address, progress=False)
    assert s.documents == 5 and not s.failures
    q = "SELECT document_id, line, raw FROM refs ORDER BY document_id, position"
    with sqlite3.connect(local) as a, sqlite3.connect(remote) as b:
        assert a.execute(q).fetchall() == b.execute(q).fetchall()
