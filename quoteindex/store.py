"""The SQLite store: documents, quotes, speakers and aliases, with full-text search.

All writes for one document happen in one transaction, so a run killed midway
leaves every document either fully stored or not at all, and a re-run picks up
where it stopped.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from . import EXTRACTOR_VERSION
from .errors import SpeakerNotFound, StoreError
from .ingest import Document
from .speakers import SpeakerIndex, normalize

QUOTE_COLUMNS = {
    "id": str, "document_id": str, "start": int, "end": int, "text": str, "kind": str, "cue": str,
    "speaker_id": int, "speaker_mention": str, "role": str, "confidence": float, "evidence": str,
    "paragraph": int, "sentence": int,
}
FACET_COLUMNS = ("speaker_id", "kind", "cue")

VIEW_SQL = """
select
  quotes.rowid as quote_rowid,
  quotes.id as id,
  quotes.text as quote,
  speakers.name as speaker,
  quotes.speaker_id as speaker_id,
  quotes.speaker_mention as speaker_mention,
  quotes.role as role,
  quotes.cue as cue,
  quotes.kind as kind,
  quotes.confidence as confidence,
  documents.title as title,
  documents.outlet as outlet,
  documents.published as published,
  documents.url as url,
  quotes.document_id as document_id,
  quotes.start as start,
  quotes."end" as "end"
from quotes
left join speakers on speakers.id = quotes.speaker_id
join documents on documents.id = quotes.document_id
"""

SPEAKERS_VIEW_SQL = """
select
  speakers.id as id,
  speakers.name as name,
  speakers.type as type,
  (select count(*) from quotes where quotes.speaker_id = speakers.id) as quotes,
  (select group_concat(alias, '; ') from speaker_aliases where speaker_aliases.speaker_id = speakers.id) as aliases
from speakers
where exists (select 1 from quotes where quotes.speaker_id = speakers.id)
"""


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) a quoteindex database, checking it is usable."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=5)
        conn.execute("pragma foreign_keys = on")
        db = sqlite_utils.Database(conn)
        db.execute("select count(*) from sqlite_master").fetchall()
        db.execute("pragma journal_mode = wal")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as SQLite ({exc}); is it a quoteindex database?") from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, indexes, full-text search and views that are missing."""
    try:
        with db.conn:
            _create(db)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{db_path(db)}: {exc}; close the program holding it and retry") from None


def db_path(db: sqlite_utils.Database) -> str:
    row = db.execute("pragma database_list").fetchone()
    return row[2] if row else "database"


def _create(db: sqlite_utils.Database) -> None:
    if "documents" not in db.table_names():
        db["documents"].create({
            "id": str, "title": str, "url": str, "outlet": str, "published": str, "author": str, "text": str,
            "content_hash": str, "source": str, "extractor_version": str, "extracted_at": str,
        }, pk="id")
        db["documents"].create_index(["outlet"])
        db["documents"].create_index(["published"])
    if "speakers" not in db.table_names():
        db["speakers"].create({"id": int, "name": str, "type": str, "key": str}, pk="id")
        db["speakers"].create_index(["key"], unique=True)
        db["speakers"].create_index(["name"])
    if "speaker_aliases" not in db.table_names():
        db["speaker_aliases"].create({"alias": str, "key": str, "speaker_id": int},
                                     pk="key", foreign_keys=[("speaker_id", "speakers", "id")])
        db["speaker_aliases"].create_index(["speaker_id"])
    if "quotes" not in db.table_names():
        db["quotes"].create(QUOTE_COLUMNS, pk="id", foreign_keys=[
            ("document_id", "documents", "id"), ("speaker_id", "speakers", "id")])
        for col in ("document_id",) + FACET_COLUMNS:
            db["quotes"].create_index([col])
        db["quotes"].enable_fts(["text", "speaker_mention", "role"], create_triggers=True, tokenize="porter")
    if "quotes_view" not in db.view_names():
        db.create_view("quotes_view", VIEW_SQL)
    if "speakers_view" not in db.view_names():
        db.create_view("speakers_view", SPEAKERS_VIEW_SQL)


def stored_hash(db: sqlite_utils.Database, doc_id: str) -> tuple[str, str] | None:
    row = db.execute("select content_hash, extractor_version from documents where id = ?", [doc_id]).fetchone()
    return (row[0], row[1]) if row else None


def is_current(db: sqlite_utils.Database, doc: Document) -> bool:
    """True when this exact document was already extracted by this extractor version."""
    return stored_hash(db, doc.id) == (doc.content_hash, EXTRACTOR_VERSION)


def quote_id(doc_id: str, start: int, end: int) -> str:
    return hashlib.sha1(f"{doc_id}:{start}:{end}".encode()).hexdigest()[:16]


def save_document(db: sqlite_utils.Database, doc: Document, quotes: Iterable[dict], index: SpeakerIndex) -> int:
    """Store one document and its quotes in a single transaction, replacing its old quotes."""
    rows = []
    try:
        with db.conn:
            db.execute("delete from quotes where document_id = ?", [doc.id])
            db["documents"].upsert({
                "id": doc.id, "title": doc.title, "url": doc.url, "outlet": doc.outlet, "published": doc.published,
                "author": doc.author, "text": doc.text, "content_hash": doc.content_hash, "source": doc.source,
                "extractor_version": EXTRACTOR_VERSION,
                "extracted_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            }, pk="id")
            for q in quotes:
                speaker_id = index.speaker_id(db, q.get("speaker"), q.get("speaker_type") or "unknown",
                                              q.get("speaker_mention"))
                rows.append({
                    "id": quote_id(doc.id, q["start"], q["end"]), "document_id": doc.id, "start": q["start"],
                    "end": q["end"], "text": q["text"], "kind": q["kind"], "cue": q.get("cue"),
                    "speaker_id": speaker_id, "speaker_mention": q.get("speaker_mention"), "role": q.get("role"),
                    "confidence": q.get("confidence"), "evidence": q.get("evidence"),
                    "paragraph": q.get("paragraph"), "sentence": q.get("sentence"),
                })
            if rows:
                db["quotes"].insert_all(rows, pk="id", replace=True, batch_size=max(1, 999 // len(QUOTE_COLUMNS)))
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{db_path(db)}: {exc} while saving {doc.id}; nothing of it was stored, retry") from None
    return len(rows)


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {
        "documents": db["documents"].count,
        "quotes": db["quotes"].count,
        "speakers": db.execute("select count(distinct speaker_id) from quotes where speaker_id is not null").fetchone()[0],
    }


def find_speaker(db: sqlite_utils.Database, name: str) -> int:
    """A speaker's id by canonical name or any alias, case-insensitive."""
    key = normalize(name)
    row = db.execute("select id from speakers where key = ? or lower(name) = lower(?)", [key, name]).fetchone()
    if row is None:
        row = db.execute("select speaker_id from speaker_aliases where key = ? or lower(alias) = lower(?)",
                         [key, name]).fetchone()
    if row is None:
        raise SpeakerNotFound(f"no speaker named {name!r} in {db_path(db)}; list them with the speakers_view table")
    return row[0]


def quote_rows(db: sqlite_utils.Database, speaker_id: int | None = None) -> Iterator[dict]:
    """Quotes joined with their speaker and document, in document order."""
    sql = VIEW_SQL + (" where quotes.speaker_id = ?" if speaker_id is not None else "")
    sql += " order by quotes.document_id, quotes.start"
    cursor = db.execute(sql, [speaker_id] if speaker_id is not None else [])
    cols = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(cols, row))
