"""The extraction run: documents → annotations → quotes → speakers → rows.

Unchanged documents are skipped before any NLP, so a re-run (or a run resumed
after a crash) only does the work that is left. Every input is accounted for:
extracted, unchanged, or named with the reason it was not read.
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
from . import corrections, store


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


def run(inputs: Iterable[Path | str], db_path: Path | str, nlp=None, *, models: str | None = None,
        batch_size: int = 8, on_event: Callable[[str, object], None] | None = None) -> Summary:
    """Extract quotes from `inputs` into the database at `db_path`.

    `on_event(kind, payload)` reports progress: ("error", InputError), ("skipped", Document),
    ("note", str), ("done", (Document, n_quotes)). An input path that does not exist stops the
    run before anything is read or written (MissingInput); a database is created only once a
    document has been read.
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

    if Path(db_path).exists():
        opened()  # a database that cannot be used is said before any reading

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

    docs = todo()
    first = next(docs, None)
    if first is not None:
        if nlp is None:
            from .models import load_pipeline
            nlp = load_pipeline(models)

        def chained() -> Iterator[Document]:
            yield first
            yield from docs

        for doc, records in extract_documents(nlp, chained(), batch_size=batch_size):
            n = store.save_document(db, doc, records, index)
            summary.documents += 1
            summary.quotes += n
            emit("done", (doc, n))
    if db is None:
        summary.db_written = False
    else:
        if summary.documents:
            corrections.apply_all(db)  # a person's corrections outlive re-extraction
        summary.speakers = store.counts(db)["speakers"]
        db.conn.close()
    summary.seconds = time.monotonic() - started
    return summary
