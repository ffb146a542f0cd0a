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
from . import speakers
from .errors import StoreError
from .ingest import Document
from .speakers import SpeakerIndex

QUOTE_COLUMNS = {
    "id": str, "document_id": str, "start": int, "end": int, "text": str, "kind": str, "cue": str,
    "speaker_id": int, "speaker_mention": str, "role": str, "confidence": float, "evidence": str,
    "paragraph": int, "sentence": int, "speaker_names": str,
}
FTS_COLUMNS = ["text", "speaker_mention", "role", "speaker_names"]
#: The columns of an exported CSV, the same in `quoteindex export` and Datasette's speaker CSV.
CSV_COLUMNS = ("quote", "speaker", "speaker_mention", "role", "cue", "kind", "confidence", "title", "outlet",
               "published", "url", "author")
SPEAKER_TYPES = ("person", "organization", "group", "document", "unknown")
FACET_COLUMNS = ("speaker_id", "kind", "cue")

VIEW_SQL = """
select
  quotes.rowid as quote_rowid,
  quotes.id as id,
  quotes.text as quote,
  speakers.name as speaker,
  quotes.speaker_id as speaker_id,
  quotes.speaker_names as speaker_names,
  quotes.speaker_mention as speaker_mention,
  quotes.role as role,
  quotes.cue as cue,
  quotes.kind as kind,
  quotes.confidence as confidence,
  documents.title as title,
  documents.outlet as outlet,
  documents.published as published,
  documents.url as url,
  documents.author as author,
  quotes.document_id as document_id,
  quotes.start as start,
  quotes."end" as "end",
  coalesce(documents.published, '') || ' ' || quotes.document_id || printf(' %09d', quotes.start) as sort_key
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
  (select min(documents.published) from quotes join documents on documents.id = quotes.document_id
   where quotes.speaker_id = speakers.id) as first_quoted,
  (select max(documents.published) from quotes join documents on documents.id = quotes.document_id
   where quotes.speaker_id = speakers.id) as last_quoted,
  (select group_concat(alias || ' (' || (select count(*) from quotes
     where quotes.speaker_id = speaker_aliases.speaker_id and quotes.speaker_mention = speaker_aliases.alias) || ')', '; ')
   from speaker_aliases where speaker_aliases.speaker_id = speakers.id) as aliases,
  (select group_concat(role, '; ') from (select distinct role from quotes
   where quotes.speaker_id = speakers.id and role is not null)) as roles
from speakers
where exists (select 1 from quotes where quotes.speaker_id = speakers.id)
"""

SPEAKER_ROLES_SQL = """
select
  quotes.speaker_id as speaker_id,
  speakers.name as speaker,
  quotes.role as role,
  quotes.document_id as document_id,
  documents.published as published,
  count(*) as quotes
from quotes
join speakers on speakers.id = quotes.speaker_id
join documents on documents.id = quotes.document_id
where quotes.role is not null
group by quotes.speaker_id, quotes.role, quotes.document_id
"""

VIEWS = {"quotes_view": VIEW_SQL, "speakers_view": SPEAKERS_VIEW_SQL, "speaker_roles": SPEAKER_ROLES_SQL}


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
        speakers.register_functions(conn)
        db = sqlite_utils.Database(conn)
        db.execute("select count(*) from sqlite_master").fetchall()
        db.execute("pragma journal_mode = wal")
        db.execute("pragma cache_size = -32000")  # 32 MB: the speaker keys of 100,000 people stay in memory
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as SQLite ({exc}); is it a quoteindex database?") from None
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, indexes, full-text search and views that are missing."""
    try:
        with db.atomic():
            _create(db)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{db_path(db)}: {exc}; close the program holding it and retry") from None


def db_path(db: sqlite_utils.Database) -> str:
    row = db.execute("pragma database_list").fetchone()
    return row[2] if row else "database"


def _create(db: sqlite_utils.Database) -> None:
    tables = set(db.table_names())
    if "documents" not in tables:
        db["documents"].create({
            "id": str, "title": str, "url": str, "outlet": str, "published": str, "author": str, "text": str,
            "content_hash": str, "source": str, "extractor_version": str, "extracted_at": str,
        }, pk="id")
        db["documents"].create_index(["outlet"])
        db["documents"].create_index(["published"])
    if "speakers" not in tables:
        db["speakers"].create({"id": int, "name": str, "type": str, "key": str, "locked": int}, pk="id")
        db["speakers"].create_index(["key"], unique=True)
        db["speakers"].create_index(["name"])
    elif "locked" not in db["speakers"].columns_dict:
        db["speakers"].add_column("locked", int)  # databases made before corrections existed
    if "speaker_aliases" not in tables:
        db["speaker_aliases"].create({"alias": str, "key": str, "speaker_id": int},
                                     pk="key", foreign_keys=[("speaker_id", "speakers", "id")])
        db["speaker_aliases"].create_index(["speaker_id"])
    if "speaker_keys" not in tables:
        db["speaker_keys"].create({"key": str, "speaker_id": int, "rank": int}, pk=("key", "speaker_id"),
                                  foreign_keys=[("speaker_id", "speakers", "id")])
        db["speaker_keys"].create_index(["speaker_id"])
        for (sid,) in db.execute("select id from speakers").fetchall():
            speakers.rekey(db, sid)
        for sid, role in db.execute("select distinct speaker_id, role from quotes join speakers on speakers.id ="
                                    " speaker_id where role is not null and type = 'person'").fetchall() \
                if "quotes" in tables else []:
            if rk := speakers.role_key(role):
                db.execute("insert or ignore into speaker_keys (key, speaker_id, rank) values (?, ?, ?)",
                           [rk, sid, speakers.ROLE])
    if "speaker_merges" not in tables:
        db["speaker_merges"].create({"speaker_id": int, "form": str, "rule": str, "document_id": str,
                                     "merged_at": str}, pk=("speaker_id", "form", "rule", "document_id"))
    if "speaker_overrides" not in tables:
        db["speaker_overrides"].create({"id": int, "action": str, "name": str, "target": str, "quote_id": str,
                                        "created_at": str}, pk="id")
    if "quotes" not in tables:
        db["quotes"].create(QUOTE_COLUMNS, pk="id", foreign_keys=[
            ("document_id", "documents", "id"), ("speaker_id", "speakers", "id")])
        for col in ("document_id",) + FACET_COLUMNS:
            db["quotes"].create_index([col])
        db["quotes"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
    elif "speaker_names" not in db["quotes"].columns_dict:
        # databases made before speaker names were searchable: add them and rebuild the index
        db["quotes"].add_column("speaker_names", str)
        speakers.refresh_names(db, [r[0] for r in db.execute(
            "select distinct speaker_id from quotes where speaker_id is not null").fetchall()])
        db["quotes"].disable_fts()
        db["quotes"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
    views = set(db.view_names())
    for name, sql in VIEWS.items():
        current = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
        if name not in views or current is None or sql.strip() not in current[0]:
            db.create_view(name, sql, replace=True)


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
    names: dict[int, str] = {}  # speaker -> searchable names, once per document
    try:
        with db.atomic():
            db.execute("delete from quotes where document_id = ?", [doc.id])
            db["documents"].upsert({
                "id": doc.id, "title": doc.title, "url": doc.url, "outlet": doc.outlet, "published": doc.published,
                "author": doc.author, "text": doc.text, "content_hash": doc.content_hash, "source": doc.source,
                "extractor_version": EXTRACTOR_VERSION,
                "extracted_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            }, pk="id")
            for q in quotes:
                speaker_id = index.speaker_id(db, q.get("speaker"), q.get("speaker_type") or "unknown",
                                              q.get("speaker_mention"), document_id=doc.id, role=q.get("role"))
                rows.append({
                    "id": quote_id(doc.id, q["start"], q["end"]), "document_id": doc.id, "start": q["start"],
                    "end": q["end"], "text": q["text"], "kind": q["kind"], "cue": q.get("cue"),
                    "speaker_id": speaker_id, "speaker_mention": q.get("speaker_mention"), "role": q.get("role"),
                    "confidence": q.get("confidence"), "evidence": q.get("evidence"),
                    "paragraph": q.get("paragraph"), "sentence": q.get("sentence"),
                    "speaker_names": None,
                })
                if speaker_id and speaker_id not in names:
                    names[speaker_id] = speakers.display_names(db, speaker_id)
                rows[-1]["speaker_names"] = names.get(speaker_id)
            if rows:
                db["quotes"].insert_all(rows, pk="id", replace=True, batch_size=max(1, 999 // len(QUOTE_COLUMNS)))
            # a speaker who gained a name form in this document: their older quotes are found by it too
            speakers.refresh_names(db, index.touched)
            index.touched.clear()
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
    """A speaker's id by any name form (see `speakers.resolve`); SpeakerNotFound or AmbiguousSpeaker otherwise."""
    return speakers.resolve(db, name)


def quote_rows(db: sqlite_utils.Database, speaker_id: int | Iterable[int] | None = None, *,
               since: str | None = None, until: str | None = None, kinds: Iterable[str] = ()) -> Iterator[dict]:
    """Quotes joined with their speaker and document, by publication date then document order.

    `since` / `until` bound the publication date (inclusive; a bare date covers its whole day).
    """
    where, params = [], []
    if speaker_id is not None:
        ids = [speaker_id] if isinstance(speaker_id, int) else list(speaker_id)
        where.append(f"quotes.speaker_id in ({', '.join('?' * len(ids))})")
        params += ids
    if since:
        where.append("documents.published >= ?")
        params.append(since)
    if until:
        where.append("documents.published < ?")
        params.append(until + "\uffff")  # "2025-06-30" keeps "2025-06-30T18:00"
    kinds = list(kinds)
    if kinds:
        where.append(f"quotes.kind in ({', '.join('?' * len(kinds))})")
        params += kinds
    sql = VIEW_SQL + (" where " + " and ".join(where) if where else "") + " order by sort_key"
    cursor = db.execute(sql, params)
    cols = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(cols, row))


def speaker_list(db: sqlite_utils.Database, limit: int | None = None) -> list[dict]:
    """Speakers with quotes, most quoted first: id, name, type, quotes, first/last quoted, aliases, roles."""
    sql = "select * from speakers_view order by quotes desc, name" + (f" limit {int(limit)}" if limit else "")
    return list(db.query(sql))


def speaker_record(db: sqlite_utils.Database, name: str) -> dict:
    """One speaker in full: name, type, quote count, first/last quoted, aliases with counts, roles, merges."""
    sid = find_speaker(db, name)
    row = db.execute("select id, name, type from speakers where id = ?", [sid]).fetchone()
    quotes = db.execute(
        "select count(*), min(documents.published), max(documents.published) from quotes"
        " join documents on documents.id = quotes.document_id where speaker_id = ?", [sid]).fetchone()
    mentions: dict[str, int] = {}
    for mention, n in db.execute("select speaker_mention, count(*) from quotes where speaker_id = ?"
                                 " group by speaker_mention", [sid]):
        k = speakers.normalize(mention or "")
        mentions[k] = mentions.get(k, 0) + n
    aliases = [{"alias": a, "quotes": mentions.get(speakers.normalize(a), 0)}
               for (a,) in db.execute("select alias from speaker_aliases where speaker_id = ? order by rowid", [sid])]
    return {
        "id": row[0], "name": row[1], "type": row[2], "quotes": quotes[0], "first_quoted": quotes[1],
        "last_quoted": quotes[2], "aliases": aliases,
        "roles": list(db.query("select role, document_id, published, quotes from speaker_roles where speaker_id = ?"
                               " order by published, document_id", [sid])),
        "merges": list(db.query("select form, rule, document_id, merged_at from speaker_merges where speaker_id = ?"
                                " order by merged_at, form", [sid])),
    }
