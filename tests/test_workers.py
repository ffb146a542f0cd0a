"""Extraction on several processes and on a Dask cluster: the same database as one process,
documents streamed, a failing document named, and a run killed midway resumed."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from quoteindex import export, extract, store, workers
from quoteindex.ingest import Document

ROOT = Path(__file__).resolve().parent.parent


def quote_table(db: Path) -> list[tuple]:
    """Every stored quote with its speaker's name and type (ids of speakers follow the order of writing)."""
    conn = store.connect(db).conn
    try:
        return conn.execute(
            "select quotes.id, document_id, start, \"end\", text, kind, cue, speakers.name, speakers.type,"
            " speaker_mention, role, confidence, evidence, paragraph, sentence, speaker_names"
            " from quotes left join speakers on speakers.id = speaker_id order by quotes.id").fetchall()
    finally:
        conn.close()


def speaker_table(db: Path) -> list[tuple]:
    conn = store.connect(db).conn
    try:
        return conn.execute("select id, name, type, key from speakers order by id").fetchall()
    finally:
        conn.close()


def test_two_workers_store_what_one_does(seeds_db, seeds_dir, tmp_path):
    db = tmp_path / "two.db"
    # one document per chunk: both workers busy, finishing out of order
    summary = extract.run([seeds_dir], db, workers=2, batch_size=1)
    assert summary.documents == 2 and not summary.errors
    assert quote_table(db) == quote_table(seeds_db)
    assert speaker_table(db) == speaker_table(seeds_db)


def test_dask_cluster_stores_what_one_process_does(seeds_db, seeds_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        db = tmp_path / "cluster.db"
        summary = extract.run([seeds_dir], db, scheduler=cluster.scheduler_address, batch_size=1)
    assert summary.documents == 2 and not summary.errors
    assert quote_table(db) == quote_table(seeds_db)
    assert speaker_table(db) == speaker_table(seeds_db)


def test_unreachable_scheduler_is_one_error(seeds_dir, tmp_path):
    pytest.importorskip("distributed")
    from quoteindex.errors import ClusterError

    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        workers.DaskCluster.connect("tcp://127.0.0.1:9", None, timeout="2s")


class _Raising:
    """A pipeline whose processors refuse any batch holding a document with BOOM in it."""

    class _Processor:
        def __init__(self, inner) -> None:
            self.inner = inner

        def bulk_process(self, docs):
            if any("BOOM" in (d.text or "") for d in docs):
                raise RuntimeError("tokenizer exploded")
            return self.inner.bulk_process(docs)

    def __init__(self, nlp) -> None:
        self.processors = {name: self._Processor(p) for name, p in nlp.processors.items()}


def test_failing_document_is_named_and_the_others_stored(nlp, seeds_db, seeds_dir, tmp_path):
    src = tmp_path / "in"
    shutil.copytree(seeds_dir, src)
    (src / "002_bad.txt").write_text("Headline\n\nThis article makes the NLP raise: BOOM.\n")
    events = []
    summary = extract.run([src], tmp_path / "q.db", nlp=_Raising(nlp), on_event=lambda k, p: events.append((k, p)))
    assert summary.documents == 2
    [failure] = summary.errors
    assert failure.kind == "failed" and failure.path.endswith("002_bad.txt") and "tokenizer exploded" in str(failure)
    assert ("error", failure) in events
    assert quote_table(tmp_path / "q.db") == quote_table(seeds_db)


# --- the ordered stream, without Stanza --------------------------------------------------------

def _fake_extract(nlp, docs, batch_size):
    for doc in docs:
        if "raise" in doc.text:
            raise ValueError(f"cannot parse {doc.id}")
        if "die" in doc.text:
            os._exit(3)  # a worker killed (out of memory, segfault)
        yield doc, [{"document_id": doc.id, "pid": os.getpid()}]


def fake_task(models, docs):
    """Runs in a spawned worker (importable by name: spawn passes sys.path on)."""
    time.sleep(0.05 * (len(docs[0].text) % 3))  # chunks finish out of order
    return workers.analyse_chunk(None, docs, extract=_fake_extract)


def _docs(texts):
    return [Document(id=f"d{i}", text=t, source=f"d{i}.txt") for i, t in enumerate(texts)]


def test_pool_keeps_order_and_survives_a_dead_worker_and_a_raising_document():
    texts = ["a", "bb", "raise", "ccc", "die", "dd", "e", "ffff", "g", "hh"]
    pool = workers.LocalPool(2, None, task=fake_task)
    try:
        got = list(workers.outcomes(pool, _docs(texts), batch_size=2))
    finally:
        pool.close()
    assert [d.text for d, _ in got] == texts
    by_text = {d.text: o for d, o in got}
    assert isinstance(by_text["raise"], workers.Failed) and "cannot parse d2" in by_text["raise"].reason
    assert isinstance(by_text["die"], workers.Failed) and "died" in by_text["die"].reason
    ok = [o for t, o in by_text.items() if t not in ("raise", "die")]
    assert all(isinstance(o, list) and len(o) == 1 for o in ok)
    assert len({o[0]["pid"] for o in ok}) >= 2  # more than one process did the work


class _Instant:
    """A backend answering at once, counting how far ahead the documents were read."""

    window = 3

    def submit(self, docs):
        fut = Future()
        fut.set_result([[] for _ in docs])
        return fut

    def close(self):
        pass


def test_documents_are_streamed_not_held():
    read = 0

    def corpus():
        nonlocal read
        for i in range(10_000):
            read += 1
            yield Document(id=str(i), text="x" * 100)

    ahead = 0
    for n, (doc, records) in enumerate(workers.outcomes(_Instant(), corpus(), batch_size=8), 1):
        ahead = max(ahead, read - n)
    assert n == 10_000
    assert ahead <= workers.REORDER * _Instant.window * 8  # never more than the chunks held


def test_chunks_close_on_size_or_characters():
    docs = _docs(["x" * 10, "x" * 10, "x" * 100, "x" * 10, "x" * 10, "x" * 10])
    assert [len(c) for c in workers.chunks(docs, 8, max_chars=100)] == [3, 3]
    assert [len(c) for c in workers.chunks(docs, 2)] == [2, 2, 2]


# --- killed at any moment ------------------------------------------------------------------------

def _children(pid: int) -> list:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _gone(proc) -> bool:
    import psutil

    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_run_killed_with_sigkill_leaves_a_consistent_database_and_resumes(nlp, seeds_dir, tmp_path):
    pytest.importorskip("psutil")
    # three articles, the short one first: it is stored while the long one is still being parsed
    short, long_ = sorted(seeds_dir.glob("001_*.txt"))[0], sorted(seeds_dir.glob("000_*.txt"))[0]
    src = tmp_path / "in"
    for folder, seed, extra in (("a", short, ""), ("b", long_, ""),
                                ("c", short, "\n“We will rebuild every town,” said Mayor Anna Kovalenko.\n")):
        (src / folder).mkdir(parents=True)
        (src / folder / seed.name).write_text(seed.read_text() + extra)
    clean = tmp_path / "clean.db"
    extract.run([src], clean, nlp=nlp)
    expected: dict[str, list] = {}
    for r in export.records(clean, min_confidence=0):
        expected.setdefault(r["doc"], []).append(r)
    assert len(expected) == 3

    db = tmp_path / "killed.db"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    code = (f"from quoteindex import extract; extract.run([{str(src)!r}], {str(db)!r}, workers=2, batch_size=1)")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    stored, children, deadline = 0, [], time.monotonic() + 300
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            children = _children(proc.pid) or children
            if db.exists():
                try:  # reading while it writes (WAL): what `serve` does
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                        stored = conn.execute("select count(*) from documents").fetchone()[0]
                except sqlite3.OperationalError:
                    stored = 0  # tables not created yet
            if stored >= 1:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None and stored < 1:
            proc.kill()
        proc.wait(30)
    if db.exists() and not stored:  # it finished between two looks: nothing was killed, resuming skips all
        stored = sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0]
    assert stored >= 1, "the run stored nothing before the deadline"
    # the workers notice their run is gone and end
    end = time.monotonic() + 20
    while children and not all(_gone(c) for c in children) and time.monotonic() < end:
        time.sleep(0.2)
    assert all(_gone(c) for c in children)

    conn = sqlite3.connect(db)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    # every document stored is stored whole: all its quotes, as a clean run has them
    partial = {}
    for r in export.records(db, min_confidence=0):
        partial.setdefault(r["doc"], []).append(r)
    docs = [d for (d,) in sqlite3.connect(db).execute("select id from documents")]
    assert docs and all(partial.get(d, []) == expected.get(d, []) for d in docs)

    summary = extract.run([src], db, workers=2, batch_size=1)
    assert summary.skipped == len(docs) and summary.documents == 3 - len(docs) and not summary.errors
    assert list(export.records(db, min_confidence=0)) == list(export.records(clean, min_confidence=0))
    assert quote_table(db) == quote_table(clean)


def test_a_pool_broken_when_the_next_chunk_is_submitted_retries_instead_of_failing():
    # the race CI met: a worker dies while earlier results are read, so submitting the next chunk raises
    from concurrent.futures.process import BrokenProcessPool

    class Breaking:
        window = 2

        def __init__(self):
            self.calls, self.restarts = 0, 0

        def crashed(self, exc):
            return isinstance(exc, BrokenProcessPool)

        def restart(self):
            self.restarts += 1

        def submit(self, docs):
            self.calls += 1
            if self.calls == 3 and not self.restarts:
                raise BrokenProcessPool("a child process terminated abruptly")
            fut = Future()
            fut.set_result([[{"document_id": d.id}] for d in docs])
            return fut

    backend = Breaking()
    got = list(workers.outcomes(backend, _docs(["a", "b", "c", "d", "e", "f"]), batch_size=2))
    assert [doc.text for doc, _ in got] == ["a", "b", "c", "d", "e", "f"] and backend.restarts == 1


def test_a_slow_chunk_at_the_head_does_not_idle_the_other_workers():
    from concurrent.futures import ThreadPoolExecutor
    import threading

    release, others = threading.Event(), []

    def work(docs):
        if docs[0].text == "slow":
            released = release.wait(timeout=20)
            return [[{"released_by_others": released}] for _ in docs]
        others.append(docs[0].text)
        if len(others) == 4:  # the other worker went on past the chunks the head holds back
            release.set()
        return [[] for _ in docs]

    class Threads:
        window = 2

        def __init__(self):
            self.pool = ThreadPoolExecutor(2)

        def submit(self, docs):
            return self.pool.submit(work, docs)

    backend = Threads()
    try:
        got = list(workers.outcomes(backend, _docs(["slow", "b", "c", "d", "e", "f"]), batch_size=1))
    finally:
        backend.pool.shutdown()
    assert [d.text for d, _ in got] == ["slow", "b", "c", "d", "e", "f"]
    assert got[0][1] == [{"released_by_others": True}]
