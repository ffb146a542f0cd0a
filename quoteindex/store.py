"""The SQLite store: documents, quotes, speakers and aliases, with full-text search.

All writes for one document happen in one transaction, so a run killed midway
leaves every document either fully stored or not at all, and a re-run picks up
where it stopped.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from . import EXTRACTOR_VERSION
from . import speakers
from .errors import StoreError
from .model import Document
from .speakers import SpeakerIndex

QUOTE_COLUMNS = {
    "id": str, "document_id": str, "start": int, "end": int, "text": str, "kind": str, "cue": str,
    "speaker_id": int, "speaker_mention": str, "role": str, "confidence": float, "evidence": str,
    "paragraph": int, "sentence": int, "speaker_names": str,
    # copies kept in step on write, so that the quotes page filters, sorts and facets one table:
    # the speaker's name (see speakers.refresh_names), the document's outlet and date, and the sort key
    "speaker": str, "outlet": str, "published": str, "sort_key": str,
}
#: quotes' copies of other tables' values (added to older databases by ensure_schema)
COPIED_COLUMNS = ("speaker", "outlet", "published", "sort_key")
FTS_COLUMNS = ["text", "speaker_mention", "role", "speaker_names"]
#: The columns of an exported CSV, the same in `quoteindex export` and Datasette's speaker CSV.
CSV_COLUMNS = ("quote", "speaker", "speaker_mention", "role", "cue", "kind", "confidence", "title", "outlet",
               "published", "url", "author")
SPEAKER_TYPES = ("person", "organization", "group", "document", "unknown")
#: Indexes on quotes, each matching a page's filter, order or facet (see README, Scale).
QUOTE_INDEXES = [
    ("document_id",), ("kind",), ("cue",), ("outlet",), ("published",), ("speaker",), ("sort_key",),
    ("speaker_id", "sort_key"),  # a speaker's quotes by date, their first and last quoted
    ("speaker_id", "speaker_mention"),  # how many quotes name a speaker each way
    ("speaker_id", "role"),  # a speaker's roles
]

# Every column but the document's title, url and author comes from `quotes` alone, so a facet,
# filter, count or sort on the view reads one table and its indexes; the three document columns
# are subqueries, computed only for the rows shown.
VIEW_SQL = """
select
  quotes.rowid as quote_rowid,
  quotes.id as id,
  quotes.text as quote,
  quotes.speaker as speaker,
  quotes.speaker_id as speaker_id,
  quotes.speaker_names as speaker_names,
  quotes.speaker_mention as speaker_mention,
  quotes.role as role,
  quotes.cue as cue,
  quotes.kind as kind,
  quotes.confidence as confidence,
  (select title from documents where documents.id = quotes.document_id) as title,
  quotes.outlet as outlet,
  quotes.published as published,
  (select url from documents where documents.id = quotes.document_id) as url,
  (select author from documents where documents.id = quotes.document_id) as author,
  quotes.document_id as document_id,
  quotes.start as start,
  quotes."end" as "end",
  quotes.sort_key as sort_key
from quotes
"""

# Counts come from speakers.quotes / speakers.articles (kept by triggers); dates, aliases and roles
# from quotes' indexes on (speaker_id, ...), so only the speakers on the page cost anything.
SPEAKERS_VIEW_SQL = """
select
  speakers.id as id,
  speakers.name as name,
  speakers.type as type,
  speakers.quotes as quotes,
  (select published from quotes where quotes.speaker_id = speakers.id and published > ''
   order by sort_key limit 1) as first_quoted,
  (select published from quotes where quotes.speaker_id = speakers.id and published > ''
   order by sort_key desc limit 1) as last_quoted,
  (select group_concat(alias || ' (' || (select count(*) from quotes
     where quotes.speaker_id = speaker_aliases.speaker_id and quotes.speaker_mention = speaker_aliases.alias) || ')', '; ')
   from speaker_aliases where speaker_aliases.speaker_id = speakers.id) as aliases,
  (select group_concat(role, '; ') from (select distinct role from quotes
   where quotes.speaker_id = speakers.id and role is not null)) as roles
from speakers
where speakers.quotes > 0
"""

SPEAKER_ROLES_SQL = """
select
  quotes.speaker_id as speaker_id,
  quotes.speaker as speaker,
  quotes.role as role,
  quotes.document_id as document_id,
  quotes.published as published,
  count(*) as quotes
from quotes
where quotes.role is not null and quotes.speaker_id is not null
group by quotes.speaker_id, quotes.role, quotes.document_id
"""

# Counts kept on write: documents.quotes, speakers.quotes and speakers.articles (documents quoting them)
# follow every insert, delete and change of speaker or document of a quote, whichever code makes it.
_ARTICLE_GAINED = ("(not exists (select 1 from quotes where document_id = new.document_id"
                   " and speaker_id = new.speaker_id and rowid != new.rowid))")
_ARTICLE_LOST = ("(not exists (select 1 from quotes where document_id = old.document_id"
                 " and speaker_id = old.speaker_id))")
COUNT_TRIGGERS = {
    "quotes_count_ai": f"""
create trigger quotes_count_ai after insert on quotes begin
  update documents set quotes = quotes + 1 where id = new.document_id;
  update speakers set quotes = quotes + 1, articles = articles + {_ARTICLE_GAINED} where id = new.speaker_id;
end""",
    "quotes_count_ad": f"""
create trigger quotes_count_ad after delete on quotes begin
  update documents set quotes = quotes - 1 where id = old.document_id;
  update speakers set quotes = quotes - 1, articles = articles - {_ARTICLE_LOST} where id = old.speaker_id;
end""",
    "quotes_count_au": f"""
create trigger quotes_count_au after update of speaker_id, document_id on quotes
when old.speaker_id is not new.speaker_id or old.document_id is not new.document_id begin
  update documents set quotes = quotes - 1 where id = old.document_id;
  update documents set quotes = quotes + 1 where id = new.document_id;
  update speakers set quotes = quotes - 1, articles = articles - {_ARTICLE_LOST} where id = old.speaker_id;
  update speakers set quotes = quotes + 1, articles = articles + {_ARTICLE_GAINED} where id = new.speaker_id;
end""",
}

#: quotes_view's facets, counted on write in `quote_facets` (facet, value, quotes) for the page with no filter
FACET_COUNTED = ("speaker", "kind", "cue", "outlet", "published")


def _facet_triggers() -> dict[str, str]:
    def gain(col: str, row: str) -> str:
        return (f"insert into quote_facets (facet, value, quotes) select '{col}', {row}.{col}, 1"
                f" where {row}.{col} is not null on conflict (facet, value) do update set quotes = quotes + 1;")

    def lose(col: str, row: str) -> str:
        return f"update quote_facets set quotes = quotes - 1 where facet = '{col}' and value = {row}.{col};"

    out = {
        "quotes_facets_ai": "create trigger quotes_facets_ai after insert on quotes begin\n"
                            + "\n".join(gain(c, "new") for c in FACET_COUNTED) + "\nend",
        "quotes_facets_ad": "create trigger quotes_facets_ad after delete on quotes begin\n"
                            + "\n".join(lose(c, "old") for c in FACET_COUNTED) + "\nend",
    }
    for col in FACET_COUNTED:
        out[f"quotes_facets_au_{col}"] = (f"create trigger quotes_facets_au_{col} after update of {col} on quotes"
                                          f" when old.{col} is not new.{col} begin\n{lose(col, 'old')}\n"
                                          f"{gain(col, 'new')}\nend")
    return out


FACET_TRIGGERS = _facet_triggers()

# The search index follows changes of the searched columns only (sqlite-utils' trigger re-indexes
# a quote on any update, such as a new speaker_id or sort key).
FTS_UPDATE_TRIGGER = """
create trigger quotes_au after update of {cols} on quotes begin
  insert into quotes_fts (quotes_fts, rowid, {cols}) values ('delete', old.rowid, {old});
  insert into quotes_fts (rowid, {cols}) values (new.rowid, {new});
end""".format(cols=", ".join(FTS_COLUMNS), old=", ".join(f"old.{c}" for c in FTS_COLUMNS),
              new=", ".join(f"new.{c}" for c in FTS_COLUMNS))

#: `documents.id_version` of documents stored with ids from URL / relative path / hash (see `ingest`);
#: NULL marks a document stored by an earlier quoteindex under its file name alone.
ID_VERSION = 2

VIEWS = {"quotes_view": VIEW_SQL, "speakers_view": SPEAKERS_VIEW_SQL, "speaker_roles": SPEAKER_ROLES_SQL}


def connect(path: Path | str) -> sqlite_utils.Database:
    """Open (creating if needed) a quoteindex database, checking it is usable."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreError(f"{path}: cannot create its folder ({path.parent} is a file)")
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create its folder ({exc.strerror or exc})") from None
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


def open_existing(path: Path | str) -> sqlite_utils.Database:
    """Open a database `extract` made; StoreError (one line) when it is missing, not SQLite or not quoteindex's."""
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path} does not exist; create it with `quoteindex extract {path} INPUT`")
    db = connect(path)
    if "quotes" not in db.table_names():
        db.conn.close()
        raise StoreError(f"{path} is not a quoteindex database (it has no quotes table); "
                         f"create one with `quoteindex extract {path} INPUT`")
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
            "content_hash": str, "source": str, "extractor_version": str, "extracted_at": str, "id_version": int,
            "quotes": int,
        }, pk="id", not_null={"quotes"}, defaults={"quotes": 0})
        db["documents"].create_index(["outlet"])
        db["documents"].create_index(["published"])
    elif "id_version" not in db["documents"].columns_dict:
        db["documents"].add_column("id_version", int)  # databases made when ids were file names: NULL marks them
    if not any(ix.columns == ["content_hash"] for ix in db["documents"].indexes):
        db["documents"].create_index(["content_hash"])  # an old document is recognised by its content
    if "sources" not in tables:
        # each file read, and the id its documents have for good (unique: two files never share one)
        db["sources"].create({"file": str, "base": str}, pk="file")
        db["sources"].create_index(["base"])  # a copy of a file elsewhere shares its id
    if "speakers" not in tables:
        db["speakers"].create({"id": int, "name": str, "type": str, "key": str, "locked": int, "quotes": int,
                               "articles": int}, pk="id", not_null={"quotes", "articles"},
                              defaults={"quotes": 0, "articles": 0})
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
        db["quotes"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
    elif "speaker_names" not in db["quotes"].columns_dict:
        # databases made before speaker names were searchable: add them and rebuild the index
        db["quotes"].add_column("speaker_names", str)
        speakers.refresh_names(db, [r[0] for r in db.execute(
            "select distinct speaker_id from quotes where speaker_id is not null").fetchall()])
        db["quotes"].disable_fts()
        db["quotes"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
    _scale(db)
    views = set(db.view_names())
    for name, sql in VIEWS.items():
        current = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
        if name not in views or current is None or sql.strip() not in current[0]:
            db.create_view(name, sql, replace=True)


def _scale(db: sqlite_utils.Database) -> None:
    """What keeps the pages fast at a million quotes: quotes' copied columns, the counts and their
    triggers, the indexes and the search trigger; added to (and filled in for) an older database."""
    quotes_cols = db["quotes"].columns_dict
    if "sort_key" not in quotes_cols:
        for col in COPIED_COLUMNS:
            if col not in quotes_cols:
                db["quotes"].add_column(col, str)
    recount = set()  # tables whose counts were just added: filled in below, in this same transaction
    for table in ("documents", "speakers"):
        cols = db[table].columns_dict
        for col in ("quotes", "articles") if table == "speakers" else ("quotes",):
            if col not in cols:
                db.execute(f"alter table {table} add column {col} integer not null default 0")
                recount.add(table)
    trigger_sql = {name: sql for name, sql in db.execute("select name, sql from sqlite_master where type = 'trigger'")}
    if "update of" not in (trigger_sql.get("quotes_au") or "update of").lower():
        db.execute("drop trigger quotes_au")
        db.execute(FTS_UPDATE_TRIGGER)
    # fill in what an older database lacks (each in one statement, so in seconds at a million quotes)
    if db.execute("select 1 from quotes where sort_key is null limit 1").fetchone():
        db.execute("update quotes set outlet = documents.outlet, published = documents.published,"
                   " sort_key = coalesce(documents.published, '') || ' ' || quotes.document_id"
                   " || printf(' %09d', quotes.start)"  # as sort_key() below
                   " from documents where documents.id = quotes.document_id and quotes.sort_key is null")
        db.execute("update quotes set speaker = (select name from speakers where speakers.id = quotes.speaker_id)"
                   " where speaker_id is not null and speaker is null")
    have = {tuple(ix.columns) for ix in db["quotes"].indexes}
    for cols in QUOTE_INDEXES:
        if cols not in have:
            db["quotes"].create_index(list(cols), find_unique_name=True)
    if ("speaker_id",) in have:  # the index on (speaker_id, sort_key) does its work
        db.execute("drop index if exists idx_quotes_speaker_id")
    if not any(ix.columns == ["quotes"] for ix in db["speakers"].indexes):
        db["speakers"].create_index(["quotes"])
    if "documents" in recount:
        db.execute("update documents set quotes = (select count(*) from quotes where document_id = documents.id)")
    if "speakers" in recount:
        db.execute("update speakers set quotes = (select count(*) from quotes where speaker_id = speakers.id),"
                   " articles = (select count(distinct document_id) from quotes where speaker_id = speakers.id)")
    for name, sql in COUNT_TRIGGERS.items():
        if name not in trigger_sql:
            db.execute(sql)
    if "quote_facets" not in db.table_names():
        db.execute("create table quote_facets (facet text not null, value text not null, quotes integer not null,"
                   " primary key (facet, value))")
        db.execute("create index idx_quote_facets_facet_quotes on quote_facets (facet, quotes)")
        for col in FACET_COUNTED:
            db.execute(f"insert into quote_facets (facet, value, quotes) select '{col}', {col}, count(*) from quotes"
                       f" where {col} is not null group by {col}")
    for name, sql in FACET_TRIGGERS.items():
        if name not in trigger_sql:
            db.execute(sql)


def sort_key(published: str | None, document_id: str, start: int) -> str:
    """quotes.sort_key: publication date, document, position (the quotes page's order)."""
    return f"{published or ''} {document_id} {start:09d}"


def stored_hash(db: sqlite_utils.Database, doc_id: str) -> tuple[str, str] | None:
    row = db.execute("select content_hash, extractor_version from documents where id = ?", [doc_id]).fetchone()
    return (row[0], row[1]) if row else None


def is_current(db: sqlite_utils.Database, doc: Document) -> bool:
    """True when this exact document was already extracted by this extractor version."""
    return stored_hash(db, doc.id) == (doc.content_hash, EXTRACTOR_VERSION)


def _resolves_to(source: str | None, origin: str) -> bool:
    """Whether a stored `source` (as given on an earlier command line, maybe relative) is the file `origin`."""
    if not source:
        return False
    try:
        return str(Path(source.split("#")[0]).resolve()) == origin
    except OSError:
        return False


def _base_candidates(doc: Document) -> Iterator[str]:
    """Ids for the file, shortest first: its relative path, then with more of its folders (`siteB/index`),
    or first with its extension when a file of the same name and another type lies beside it (`story.html`)."""
    path = Path(doc.origin)
    yield doc.base
    with_suffix = doc.base + path.suffix.lower()
    try:
        twin = any(p.stem == path.stem and p.name != path.name for p in path.parent.iterdir())
    except OSError:
        twin = False
    if twin:
        yield with_suffix
    parts = path.with_suffix("").parts[1:]  # without the root "/"
    for k in range(len(doc.base.split("/")) + 1, len(parts) + 1):
        yield "/".join(parts[-k:])
    yield with_suffix
    yield "/".join(path.parts[1:])


def _base_taken(db: sqlite_utils.Database, base: str, doc: Document) -> bool:
    """Whether `base` names another file's articles (a file of the same text, or one since moved away, does not)."""
    own_id = base + doc.id[len(doc.base):]
    same_text = db.execute("select 1 from documents where id = ? and content_hash = ?",
                           [own_id, doc.content_hash]).fetchone() is not None
    if same_text:
        return False  # the same article copied elsewhere: one document, not two
    holders = [f for (f,) in db.execute("select file from sources where base = ?", [base])]
    if any(Path(f).exists() for f in holders):
        return True
    rows = db.execute("select source, id_version from documents where id = ? or (id >= ? and id < ?)",
                      [base, base + "#", base + "$"]).fetchall()
    # a document an earlier quoteindex stored under this name is this file's when it came from it
    return any(version is None and not _resolves_to(source, doc.origin) and _exists(source)
               for source, version in rows) or (not holders and any(version is not None for _, version in rows))


def _exists(source: str | None) -> bool:
    try:
        return bool(source) and Path(source.split("#")[0]).exists()
    except OSError:
        return False


@contextmanager
def _writing(db: sqlite_utils.Database, what: str) -> Iterator[None]:
    """A transaction whose lock or disk error is a one-line StoreError."""
    try:
        with db.atomic():
            yield
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{db_path(db)}: {exc} while {what}; nothing of it was stored, retry") from None


def assign_id(db: sqlite_utils.Database, doc: Document) -> str | None:
    """Give a document read from a file its id for good; returns a note when it is not the plain relative path.

    A file keeps the id it got the first time (whichever folder it is read from later), and an id
    held by another file is never taken over: the newcomer's id gets more of its folders
    (`siteB/index` when `index` is siteA's), or its extension when the other is its namesake beside
    it. A copy of a file elsewhere with the same text, or a file moved away, leaves the id to the
    newcomer. URL and hash ids are left as they are.
    """
    if doc.id_from != "path" or not doc.origin or doc.base is None:
        return None
    row_part = doc.id[len(doc.base):]
    got = db.execute("select base from sources where file = ?", [doc.origin]).fetchone()
    note = None
    if got:
        base = got[0]
    else:
        base = next(c for c in _base_candidates(doc) if c and not _base_taken(db, c, doc))
        with _writing(db, f"naming {doc.source}"):
            # a file that held this id and is gone (moved, renamed) gives it up to this one
            for (held,) in db.execute("select file from sources where base = ?", [base]).fetchall():
                if not Path(held).exists():
                    db.execute("delete from sources where file = ?", [held])
            db.execute("insert into sources (file, base) values (?, ?)", [doc.origin, base])
        if base != doc.base:
            note = f"stored as {base + row_part!r}: {doc.id!r} is another file's article"
    doc.id, doc.base = base + row_part, base
    return note


def recognise(db: sqlite_utils.Database, doc: Document) -> str | None:
    """Take over what an earlier quoteindex stored of this document under its old id; returns a note if re-keyed.

    Earlier versions named a document by its file name alone; such a document (id_version NULL) is
    this one when it has the same id (its own file, see `assign_id`) or the same content.
    """
    row = db.execute("select id_version, content_hash, source from documents where id = ?", [doc.id]).fetchone()
    if row is not None:
        if row[0] is None and row[1] == doc.content_hash:
            with _writing(db, f"reading {doc.source}"):
                db.execute("update documents set id_version = ?, source = ? where id = ?",
                           [ID_VERSION, doc.source, doc.id])
        elif doc.id_from == "url" and row[1] != doc.content_hash and row[2] and row[2] != doc.source:
            return f"same URL as the article read from {row[2]}: this version replaces it"
        return None
    old = db.execute("select id from documents where content_hash = ? and id_version is null order by id limit 1",
                     [doc.content_hash]).fetchone()
    if old is None:
        return None
    rekey(db, old[0], doc.id, source=doc.source)
    return f"re-keyed {old[0]!r} (its id before ids were paths) as {doc.id!r}"


def rekey(db: sqlite_utils.Database, old: str, new: str, *, source: str | None = None) -> None:
    """Move a stored document, its quotes (their ids follow the document's), merges and corrections to id `new`."""
    cols = list(db["documents"].columns_dict)
    # the new row starts with no quotes: moving them counts them (see COUNT_TRIGGERS)
    picked = ", ".join("?" if c == "id" else "0" if c == "quotes" else f'"{c}"' for c in cols)
    try:
        with db.atomic():
            db.execute(f"insert into documents ({', '.join(f'[{c}]' for c in cols)}) select {picked} from documents"
                       " where id = ?", [new, old])
            for qid, start, end, published in db.execute(
                    "select id, start, \"end\", published from quotes where document_id = ?", [old]).fetchall():
                nid = quote_id(new, start, end)
                db.execute("update quotes set id = ?, document_id = ?, sort_key = ? where id = ?",
                           [nid, new, sort_key(published, new, start), qid])
                db.execute("update speaker_overrides set quote_id = ? where quote_id = ?", [nid, qid])
            db.execute("update speaker_merges set document_id = ? where document_id = ?", [new, old])
            db.execute("delete from documents where id = ?", [old])
            db.execute("update documents set id_version = ?, source = coalesce(?, source) where id = ?",
                       [ID_VERSION, source, new])
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{db_path(db)}: {exc} while re-keying {old}; nothing was changed, retry") from None


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
                "extractor_version": EXTRACTOR_VERSION, "id_version": ID_VERSION,
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
                    "speaker_names": None, "speaker": None, "outlet": doc.outlet, "published": doc.published,
                    "sort_key": sort_key(doc.published, doc.id, q["start"]),
                })
                if speaker_id and speaker_id not in names:
                    names[speaker_id] = (speakers.display_names(db, speaker_id), speakers.name_of(db, speaker_id))
                rows[-1]["speaker_names"], rows[-1]["speaker"] = names.get(speaker_id, (None, None))
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
        "speakers": db.execute("select count(*) from speakers where quotes > 0").fetchone()[0],
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
        where.append("quotes.published >= ?")
        params.append(since)
    if until:
        where.append("quotes.published < ?")
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
    quotes = db.execute("select quotes, first_quoted, last_quoted from speakers_view where id = ?", [sid]).fetchone() \
        or (0, None, None)
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
