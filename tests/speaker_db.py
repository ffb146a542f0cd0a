"""Hand-made quote databases for speaker tests: no Stanza needed."""

from __future__ import annotations

from pathlib import Path

from quoteindex import store
from quoteindex.ingest import Document
from quoteindex.speakers import SpeakerIndex


def quote(speaker: str | None, type_: str = "person", mention: str | None = None, role: str | None = None,
          text: str = "We will see", kind: str = "direct") -> dict:
    return {"speaker": speaker, "speaker_type": type_, "speaker_mention": mention or speaker, "role": role,
            "text": text, "kind": kind, "cue": "said", "confidence": 0.9, "evidence": "test"}


def add_document(db, index: SpeakerIndex, doc_id: str, quotes: list[dict], published: str | None = None) -> None:
    """Store one document whose text is its quotes one after the other."""
    text, records = "", []
    for q in quotes:
        start = len(text)
        text += q["text"] + "\n"
        records.append({**q, "start": start, "end": start + len(q["text"])})
    doc = Document(id=doc_id, text=text, title=f"Article {doc_id}", outlet="Daily Test", published=published,
                   url=f"https://example.org/{doc_id}", author="A. Writer")
    store.save_document(db, doc, records, index)


def make_db(path: Path, documents: list[tuple[str, str | None, list[dict]]]):
    """A database holding these (doc id, published, quotes) documents; returns it open."""
    db = store.connect(path)
    store.ensure_schema(db)
    index = SpeakerIndex()
    for doc_id, published, quotes in documents:
        add_document(db, index, doc_id, quotes, published)
    return db


def speaker_of(db, name: str) -> int:
    return db.execute("select id from speakers where name = ?", [name]).fetchone()[0]
