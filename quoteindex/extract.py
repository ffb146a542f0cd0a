"""The extraction run: documents → annotations → quotes → speakers → rows.

Unchanged documents are skipped before any NLP, so a re-run (or a run resumed
after a crash) only does the work that is left. Every input is accounted for:
extracted, unchanged, or named with the reason it was not read.

The NLP runs in this process, in `workers` processes or on a Dask cluster
(`quoteindex.workers`); this process alone writes the database, one transaction per
document, in input order, so the result does not depend on where the NLP ran.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .annotations import Analysis, annotate
from .attribution import extract as extract_quotes
from .errors import InputError, MissingInput
from .ingest import missing_inputs, read_inputs
from .model import Document
from .speakers import SpeakerIndex
from . import corrections, store, workers as workers_mod


@dataclass
class Summary:
    documents: int = 0  # documents extracted in this run
    skipped: int = 0  # unchanged documents left as they were
    quotes: int = 0
    speakers: int = 0
    seconds: float = 0.0
    errors: list[InputError] = field(default_factory=list)  # inputs not read, each with its reason
    notes: list[str] = field(default_factory=list)  # ids that are not the plain relative path, re-keyed documents
    db_written: bool = True  # False when nothing was read and no database existed: none is created

    def not_read(self) -> Counter:
        """How many inputs were not read, by kind of reason (unsupported, empty, too long, ...)."""
        return Counter(e.kind for e in self.errors)


def quote_records(doc: Document, a: Analysis) -> list[dict]:
    """The quotes of one analysed document as rows (`Quote.record`)."""
    return [q.record(doc.id, a) for q in extract_quotes(a)]


def extract_documents(nlp, documents: Iterable[Document], batch_size: int = 8) -> Iterator[tuple[Document, list[dict]]]:
    """Quote records per document, annotating in batches."""
    for doc, analysis in annotate(nlp, documents, batch_size=batch_size):
        yield doc, quote_records(doc, analysis)


def check_inputs(inputs: Iterable[Path | str]) -> None:
    """MissingInput when an input path does not exist (a typo must not give an empty database)."""
    if missing := missing_inputs(inputs):
        raise MissingInput(missing)


def _backend(nlp, models: str | None, workers: int, scheduler: str | None):
    """Where the NLP runs: a Dask cluster, a pool of processes, or this process."""
    if scheduler:  # the models are the workers' (a missing set is their error, said here in one line)
        return workers_mod.DaskCluster.connect(scheduler, models)
    if workers > 1:  # the models were found by `run` before anything was read
        return workers_mod.LocalPool(workers, models)
    if nlp is None:
        from .models import load_pipeline
        nlp = load_pipeline(models)
    return workers_mod.InProcess(nlp)


def run(inputs: Iterable[Path | str], db_path: Path | str, nlp=None, *, models: str | None = None,
        batch_size: int = 8, workers: int = 1, scheduler: str | None = None,
        on_event: Callable[[str, object], None] | None = None) -> Summary:
    """Extract quotes from `inputs` into the database at `db_path`.

    `workers` > 1 runs the NLP in that many processes (each loads `models`; `nlp` is then
    unused); `scheduler` (tcp://HOST:8786) runs it on that Dask cluster's workers instead.
    Either way this process writes every document, in input order.

    `on_event(kind, payload)` reports progress: ("error", InputError), ("skipped", Document),
    ("note", str), ("done", (Document, n_quotes)). A document the NLP fails on is an "error"
    of kind "failed" naming it; the others are stored. An input path that does not exist stops
    the run before anything is read or written (MissingInput); a database is created only
    once a document has been read.
    """
    started = time.monotonic()
    inputs = list(inputs)
    check_inputs(inputs)
    emit = on_event or (lambda kind, payload: None)
    summary = Summary()
    index = SpeakerIndex()
    pending: dict[str, str] = {}  # ids read in this run -> where from
    db = None

    def opened():
        nonlocal db
        if db is None:
            db = store.connect(db_path)
            store.ensure_schema(db)
        return db

    if nlp is None and not scheduler:
        from .models import resolve

        resolve(models)  # models that are not there are said before a database is created
    if Path(db_path).exists():
        opened()  # a database that cannot be used is said before any reading
    # a scheduler that cannot be reached is said before any reading too (worker processes start on demand)
    backend = _backend(nlp, models, workers, scheduler) if scheduler or workers > 1 else None

    def error(exc: InputError) -> None:
        summary.errors.append(exc)
        emit("error", exc)

    def note(doc: Document, text: str | None) -> None:
        if text:
            summary.notes.append(f"{doc.source}: {text}")
            emit("note", summary.notes[-1])

    def todo() -> Iterator[Document]:
        for item in read_inputs(inputs):
            if isinstance(item, InputError):
                error(item)
                continue
            conn = opened()
            note(item, store.assign_id(conn, item))
            if item.id in pending:
                error(InputError(item.source or item.id, f"same document as {pending[item.id]} (id {item.id!r}), "
                                                         "read earlier in this run; skipped", kind="duplicate"))
                continue
            pending[item.id] = item.source or item.id
            note(item, store.recognise(conn, item))
            if store.is_current(conn, item):
                summary.skipped += 1
                emit("skipped", item)
            else:
                yield item

    try:
        docs = todo()
        first = next(docs, None)
    except BaseException:
        if backend is not None:
            backend.close(abort=True)
        raise
    if first is None and backend is not None:
        backend.close()
    if first is not None:
        backend = backend or _backend(nlp, models, workers, scheduler)

        def chained() -> Iterator[Document]:
            yield first
            yield from docs

        try:
            for doc, outcome in workers_mod.outcomes(backend, chained(), batch_size=batch_size):
                if isinstance(outcome, workers_mod.Failed):
                    error(InputError(doc.source or doc.id, f"extraction failed ({outcome.reason}); not stored, "
                                                           "the next run retries it", kind="failed"))
                    continue
                n = store.save_document(db, doc, outcome, index)
                summary.documents += 1
                summary.quotes += n
                emit("done", (doc, n))
        except BaseException:  # Ctrl-C, a database error: the workers stop now, mid-chunk
            backend.close(abort=True)
            raise
        backend.close()
    if db is None:
        summary.db_written = False
    else:
        if summary.documents:
            corrections.apply_all(db)  # a person's corrections outlive re-extraction
        summary.speakers = store.counts(db)["speakers"]
        db.conn.close()
    summary.seconds = time.monotonic() - started
    return summary
