"""Where the NLP runs: in this process, on every core, or on a Dask cluster.

Whatever runs it, the parent process is the one writer: it reads the documents (a
stream), sends them out in small chunks, and gets back per document either its quote
records or a `Failed` naming why. Outcomes come back **in input order** (a bounded
window of chunks in flight doubles as the reorder buffer), because merging speakers
depends on the order names are met: the database is the same for 1, 2 or 20 workers.
Memory stays flat: at most `window` chunks of documents are held, never the corpus,
and a worker returns records, never its Stanza analysis.

A worker process loads the pipeline once (`pipeline()` caches it per process) with one
torch thread. A document that makes the NLP raise is named and the rest of its chunk
is still extracted; a worker process that dies (killed, out of memory) is replaced and
the documents it held are retried one by one, so only the one that kills it is lost.
"""

from __future__ import annotations

import os
import queue
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from .errors import ClusterError
from .ingest import Document

#: a chunk closes at this many characters (about 3,000 words, a few seconds of one core), so the
#: workers share a run evenly to its end; batching more articles per Stanza call gains little
CHUNK_CHARS = 20_000

#: finished chunks held for the one before them, as a multiple of the chunks running
REORDER = 4


@dataclass(frozen=True)
class Failed:
    """A document the NLP could not process; `reason` is said to the user with the document's name."""

    reason: str


Outcome = "list[dict] | Failed"


def default_workers() -> int:
    """QUOTEINDEX_WORKERS, else the cores this process may use."""
    env = os.environ.get("QUOTEINDEX_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def chunks(documents: Iterable[Document], size: int, max_chars: int = CHUNK_CHARS) -> Iterator[list[Document]]:
    """Consecutive documents, `size` at most per chunk, fewer when their text passes `max_chars`."""
    size = max(1, size)
    chunk: list[Document] = []
    chars = 0
    for doc in documents:
        chunk.append(doc)
        chars += len(doc.text)
        if len(chunk) >= size or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def analyse_chunk(nlp, docs: Sequence[Document], extract: Callable | None = None) -> list:
    """Quote records of each document of the chunk (one Stanza call), or `Failed` for one the NLP cannot take.

    When the chunk's call raises, each document is run alone, so only the one at fault fails.
    `extract(nlp, docs, batch_size)` is `extract.extract_documents` unless a test gives another.
    """
    if extract is None:
        from .extract import extract_documents as extract
    try:
        return [records for _, records in extract(nlp, docs, batch_size=len(docs))]
    except Exception as exc:  # Stanza and torch raise many kinds on odd input
        if len(docs) == 1:
            return [Failed(f"{type(exc).__name__}: {exc}".strip()[:300])]
    return [analyse_chunk(nlp, [doc], extract)[0] for doc in docs]


# --- the pipeline of a worker process --------------------------------------------------------------

_pipelines: dict[str, object] = {}
_loading = threading.Lock()
_calling: dict[str, threading.Lock] = {}


def pipeline(models: str | None):
    """This process's pipeline for `models`, loaded on first use with one torch thread."""
    key = str(models or "bundled")
    with _loading:
        if key not in _pipelines:
            from .models import load_pipeline

            _pipelines[key] = load_pipeline(models, threads=1)
            _calling[key] = threading.Lock()
        return _pipelines[key], _calling[key]


def task(models: str | None, docs: list[Document]) -> list:
    """What a worker does with a chunk: its outcomes (quote records or `Failed`), in the chunk's order."""
    nlp, lock = pipeline(models)
    with lock:  # one Stanza call at a time per pipeline (a Dask worker may run several threads)
        return analyse_chunk(nlp, docs)


def _watch_parent(parent: int) -> None:
    """End this worker when the run that started it is gone (killed with SIGKILL, it cannot say so)."""
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="quoteindex-parent-watch", daemon=True).start()


def _init_worker(parent: int) -> None:
    import signal

    _watch_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the pool


# --- backends: submit a chunk, get a future ----------------------------------------------------------

class InProcess:
    """The NLP in this process (one worker): no pickling, the pipeline given or loaded once."""

    window = 1

    def __init__(self, nlp) -> None:
        self.nlp = nlp

    def submit(self, docs: list[Document]):
        from concurrent.futures import Future

        fut: Future = Future()
        fut.set_result(analyse_chunk(self.nlp, docs))
        return fut

    def close(self, abort: bool = False) -> None:
        pass


class LocalPool:
    """N worker processes on this machine (spawned: no torch state forked), each with its own pipeline."""

    def __init__(self, workers: int, models: str | None, *, task: Callable = task, window: int | None = None) -> None:
        self.workers, self.models, self.task = workers, models, task
        self.window = window or 2 * workers  # one chunk running and one waiting per worker
        self.pool = self._start()

    def _start(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(os.getpid(),))

    def submit(self, docs: list[Document]):
        return self.pool.submit(self.task, self.models, docs)

    def crashed(self, exc: BaseException) -> bool:
        from concurrent.futures.process import BrokenProcessPool

        return isinstance(exc, BrokenProcessPool)

    def restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._start()

    def close(self, abort: bool = False) -> None:
        """Stop the workers: when the run ends, once they are idle; when it is interrupted, at once."""
        if abort:
            for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
                proc.kill()
        self.pool.shutdown(wait=not abort, cancel_futures=True)


class DaskCluster:
    """Workers of a Dask scheduler; each worker process loads the pipeline once (`pipeline()`)."""

    def __init__(self, client, models: str | None, *, task: Callable = task, window: int | None = None,
                 own_client: bool = False) -> None:
        self.client, self.models, self.task, self.own_client = client, models, task, own_client
        threads = sum(client.nthreads().values()) or 1
        self.window = window or 2 * threads

    @classmethod
    def connect(cls, address: str, models: str | None, *, timeout: str = "20s", **kwargs) -> "DaskCluster":
        try:
            from distributed import Client
        except ImportError:
            raise ClusterError("--scheduler needs Dask: pip install 'quoteindex[cluster]'") from None
        try:
            client = Client(address, timeout=timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc}); start one with "
                               "`dask scheduler` and give its tcp://HOST:8786") from None
        if not client.nthreads():
            try:
                client.wait_for_workers(1, timeout=60)
            except (OSError, TimeoutError) as exc:
                client.close()
                raise ClusterError(f"the Dask scheduler at {address} has no workers ({exc}); start some with "
                                   f"`dask worker {address}`") from None
        return cls(client, models, own_client=True, **kwargs)

    def submit(self, docs: list[Document]):
        # pure=False: the same chunk sent twice (a retry) is run again, not answered from cache
        return self.client.submit(self.task, self.models, docs, pure=False)

    def crashed(self, exc: BaseException) -> bool:
        from distributed import KilledWorker

        return isinstance(exc, KilledWorker)

    def restart(self) -> None:
        pass  # the scheduler replaces lost workers' tasks itself

    def close(self, abort: bool = False) -> None:
        if self.own_client:
            self.client.close()


# --- the ordered, bounded stream of outcomes ------------------------------------------------------------

def outcomes(backend, documents: Iterable[Document], batch_size: int = 8) -> Iterator[tuple[Document, object]]:
    """(document, quote records or Failed) for every document, in input order.

    At most `backend.window` chunks are running at a time, and at most `REORDER` times
    that many are held (running or finished, waiting for an earlier one): the documents
    are read only as far ahead as that. A long chunk at the head of the line does not
    idle the other workers, which go on with the chunks after it. A chunk whose worker
    died is retried one document at a time (after the pool is restarted), so a document
    that kills its worker is the only one lost.
    """
    inflight: deque = deque()
    finished: "queue.SimpleQueue[None]" = queue.SimpleQueue()  # a token per future that ends: time to refill
    source = chunks(documents, batch_size)
    exhausted = False
    try:
        while True:
            running = sum(not fut.done() for _, fut in inflight)
            while not exhausted and running < backend.window and len(inflight) < REORDER * backend.window:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                fut = _submit(backend, chunk)
                fut.add_done_callback(lambda _: finished.put(None))
                inflight.append((chunk, fut))
                running += 1
            if not inflight:
                return
            chunk, fut = inflight[0]
            if not fut.done():
                finished.get()  # some chunk ended: refill, then look at the head again
                continue
            inflight.popleft()
            try:
                results = fut.result()
            except Exception as exc:
                if not getattr(backend, "crashed", lambda e: False)(exc):
                    raise
                # a worker died: retry what it and (for a local pool) every chunk in flight held, one by one
                redo = list(chunk)
                if isinstance(backend, LocalPool):
                    redo += [d for c, _ in inflight for d in c]
                    inflight.clear()
                yield from _one_by_one(backend, redo, exc)
                continue
            yield from zip(chunk, results)
    finally:
        for _, fut in inflight:
            fut.cancel()


def _submit(backend, chunk: list[Document]):
    """`backend.submit`, with a pool that broke under an earlier chunk answered by a failed future, so
    that the chunk is retried with the others in flight instead of ending the run."""
    try:
        return backend.submit(chunk)
    except Exception as exc:
        if not getattr(backend, "crashed", lambda e: False)(exc):
            raise
        from concurrent.futures import Future

        fut: Future = Future()
        fut.set_exception(exc)
        return fut


def _one_by_one(backend, docs: list[Document], cause: BaseException) -> Iterator[tuple[Document, object]]:
    backend.restart()
    for doc in docs:
        try:
            yield doc, backend.submit([doc]).result()[0]
        except Exception as exc:
            if not backend.crashed(exc):
                raise
            yield doc, Failed(f"the worker processing it died ({type(exc).__name__}: {exc})".strip()[:300])
            backend.restart()
