"""The extraction run: documents → annotations → quotes → speakers → rows.

Unchanged documents are skipped before any NLP, so a re-run (or a run resumed
after a crash) only does the work that is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .annotations import Analysis, annotate
from .attribution import extract as extract_quotes
from .errors import InputError
from .ingest import Document, read_inputs
from .speakers import SpeakerIndex
from . import corrections, store


@dataclass
class Summary:
    documents: int = 0  # documents extracted in this run
    skipped: int = 0  # unchanged documents left as they were
    quotes: int = 0
    speakers: int = 0
    seconds: float = 0.0
    errors: list[InputError] = field(default_factory=list)


def quote_records(doc: Document, a: Analysis) -> list[dict]:
    """The quotes of one analysed document as plain records (the export contract's keys and more)."""
    out = []
    for q in extract_quotes(a):
        out.append({
            "doc": doc.id, "start": q.start, "end": q.end, "text": a.text[q.start:q.end], "kind": q.kind,
            "speaker": q.speaker, "speaker_mention": q.speaker_mention, "cue": q.cue_text, "role": q.role,
            "confidence": round(q.confidence, 2), "speaker_type": q.speaker_type, "evidence": q.evidence,
            "paragraph": q.para, "sentence": q.sent,
        })
    return out


def extract_documents(nlp, documents: Iterable[Document], batch_size: int = 8) -> Iterator[tuple[Document, list[dict]]]:
    """Quote records per document, annotating in batches."""
    for doc, analysis in annotate(nlp, documents, batch_size=batch_size):
        yield doc, quote_records(doc, analysis)


def run(inputs: Iterable[Path | str], db_path: Path | str, nlp=None, *, models: str | None = None,
        batch_size: int = 8, on_event: Callable[[str, object], None] | None = None) -> Summary:
    """Extract quotes from `inputs` into the database at `db_path`.

    `on_event(kind, payload)` reports progress: ("error", InputError), ("skipped", Document),
    ("done", (Document, n_quotes)).
    """
    started = time.monotonic()
    emit = on_event or (lambda kind, payload: None)
    db = store.connect(db_path)
    store.ensure_schema(db)
    summary = Summary()
    index = SpeakerIndex()
    pending_ids: set[str] = set()

    def todo() -> Iterator[Document]:
        for item in read_inputs(inputs):
            if isinstance(item, InputError):
                summary.errors.append(item)
                emit("error", item)
            elif item.id in pending_ids:
                summary.errors.append(InputError(item.source or item.id, f"duplicate document id {item.id!r}; skipped"))
                emit("error", summary.errors[-1])
            elif store.is_current(db, item):
                summary.skipped += 1
                emit("skipped", item)
            else:
                pending_ids.add(item.id)
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
    if summary.documents:
        corrections.apply_all(db)  # a person's corrections outlive re-extraction
    summary.speakers = store.counts(db)["speakers"]
    summary.seconds = time.monotonic() - started
    db.conn.close()
    return summary
