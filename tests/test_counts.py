"""The counts and copies kept on write (speakers.quotes/articles, documents.quotes, quotes' speaker,
outlet, published and sort key) stay equal to what the tables say, whatever changes them."""

import sqlite3

import pytest

from quoteindex import corrections, store
from quoteindex.ingest import Document
from quoteindex.speakers import SpeakerIndex
from speaker_db import add_document, make_db, quote

DOCS = [
    ("a", "2025-06-01", [quote("Volodymyr Zelenskyy", mention="Zelenskyy", role="Ukrainian President"),
                         quote("Ze Team", "organization", text="We are ready"),
                         quote("Rustem Umerov", text="Repatriation continues"),
                         quote("Volodymyr Zelenskyy", mention="he", text="Again")]),
    ("b", "2025-06-14", [quote("Volodymyr Zelenskyy", mention="President Zelensky", role="President",
                               text="Too warm"),
                         quote("Umerov", text="An important stage"),
                         quote(None, text="Nobody said this")]),
    ("c", None, [quote("Ze Team", "organization", text="No date on this one")]),
]


def mismatches(db) -> list:
    """Every count or copy that differs from a recount from scratch (empty when all are right)."""
    bad = []
    bad += db.execute("select 'speakers.quotes', id, quotes from speakers"
                      " where quotes != (select count(*) from quotes where speaker_id = speakers.id)").fetchall()
    bad += db.execute("select 'speakers.articles', id, articles from speakers where articles !="
                      " (select count(distinct document_id) from quotes where speaker_id = speakers.id)").fetchall()
    bad += db.execute("select 'documents.quotes', id, quotes from documents"
                      " where quotes != (select count(*) from quotes where document_id = documents.id)").fetchall()
    bad += db.execute("select 'quotes copies', quotes.id, quotes.speaker from quotes"
                      " join documents on documents.id = quotes.document_id"
                      " left join speakers on speakers.id = quotes.speaker_id"
                      " where quotes.speaker is not speakers.name or quotes.outlet is not documents.outlet"
                      " or quotes.published is not documents.published or quotes.sort_key is not"
                      " (coalesce(documents.published, '') || ' ' || quotes.document_id || printf(' %09d', quotes.start))"
                      ).fetchall()
    bad += db.execute("select 'quote_facets', facet, value from quote_facets where quotes != (select count(*)"
                      " from quotes where (facet = 'speaker' and speaker = value) or (facet = 'kind' and kind = value)"
                      " or (facet = 'cue' and cue = value) or (facet = 'outlet' and outlet = value)"
                      " or (facet = 'published' and published = value))").fetchall()
    for col in store.FACET_COUNTED:
        bad += db.execute(f"select 'quote_facets missing', '{col}', {col} from quotes where {col} is not null and"
                          f" not exists (select 1 from quote_facets where facet = '{col}' and value = {col})").fetchall()
    return bad


@pytest.fixture
def db(tmp_path):
    db = make_db(tmp_path / "c.db", DOCS)
    yield db
    db.conn.close()


def test_counts_after_extraction(db):
    assert mismatches(db) == []
    zel = store.find_speaker(db, "Zelenskyy")
    assert db.execute("select quotes, articles from speakers where id = ?", [zel]).fetchone() == (3, 2)
    assert db.execute("select quotes from documents where id = 'a'").fetchone() == (4,)


@pytest.mark.parametrize("action, name, target", [
    ("merge", "Zelenskyy", "Ze Team"),
    ("split", "Zelenskyy", "President Zelensky"),
    ("rename", "Umerov", "Rustem Umerov (Defence Minister)"),
    ("set-type", "Umerov", "group"),
    ("move", None, "Anna Kovalenko"),
    ("move", None, "Ze Team"),
])
def test_counts_after_each_correction_and_reextraction(db, action, name, target):
    quote_id = db.execute("select id from quotes where text = 'Repatriation continues'").fetchone()[0] \
        if action == "move" else None
    corrections.correct(db, action, name, target, quote_id)
    assert mismatches(db) == []
    # re-extraction: every document saved again, then the corrections re-applied
    index = SpeakerIndex()
    for doc_id, published, quotes in DOCS:
        add_document(db, index, doc_id, quotes, published)
    corrections.apply_all(db)
    assert mismatches(db) == []


def test_counts_after_a_document_changes_and_quotes_are_deleted(db):
    index = SpeakerIndex()
    # the document now quotes someone else, and has a new outlet and date
    add_document(db, index, "a", [quote("Rustem Umerov", text="Only this")], "2025-07-01")
    assert mismatches(db) == []
    assert db.execute("select articles from speakers where name = 'Ze Team'").fetchone() == (1,)
    db.execute("delete from quotes where document_id = 'b'")
    db.conn.commit()
    assert mismatches(db) == []
    assert db.execute("select quotes, articles from speakers where name = 'Rustem Umerov'").fetchone() == (1, 1)
    # speakers with no quotes left are not listed
    assert "Volodymyr Zelenskyy" not in [r["name"] for r in store.speaker_list(db)]


def test_counts_after_a_document_is_rekeyed(db):
    store.rekey(db, "a", "site/a")
    assert mismatches(db) == []
    assert db.execute("select quotes from documents where id = 'site/a'").fetchone() == (4,)


def test_a_renamed_speaker_is_shown_and_faceted_by_the_new_name(db):
    corrections.correct(db, "rename", "Umerov", "Rustem Umerov (Defence Minister)")
    names = {r[0] for r in db.execute("select speaker from quotes_view where speaker like 'Rustem%'")}
    assert names == {"Rustem Umerov (Defence Minister)"}


def test_a_database_from_before_the_counts_is_brought_up_to_date(tmp_path):
    """A database as quoteindex made it before the counts and copies: migrated, counted, searchable."""
    path = tmp_path / "old.db"
    make_db(path, DOCS).conn.close()
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'index' and sql is not null"
                                        " and tbl_name in ('quotes', 'speakers')")]
    for name in names:
        conn.execute(f"drop index {name}")
    for name in list(store.COUNT_TRIGGERS) + list(store.FACET_TRIGGERS):
        conn.execute(f"drop trigger {name}")
    conn.execute("drop table quote_facets")
    conn.execute("drop trigger quotes_au")
    cols = ", ".join(f'"{c}"' for c in store.FTS_COLUMNS)
    conn.execute(f"create trigger quotes_au after update on quotes begin insert into quotes_fts (quotes_fts, rowid,"
                 f" {cols}) values ('delete', old.rowid, old.text, old.speaker_mention, old.role, old.speaker_names);"
                 f" insert into quotes_fts (rowid, {cols}) values (new.rowid, new.text, new.speaker_mention, new.role,"
                 f" new.speaker_names); end")
    for view in store.VIEWS:
        conn.execute(f"drop view {view}")
    for table, col in [("quotes", c) for c in store.COPIED_COLUMNS] + [("speakers", "quotes"), ("speakers", "articles"),
                                                                        ("documents", "quotes")]:
        conn.execute(f"alter table {table} drop column {col}")
    conn.execute("create index idx_quotes_speaker_id on quotes (speaker_id)")
    conn.commit()
    conn.close()
    db = store.connect(path)
    store.ensure_schema(db)
    assert mismatches(db) == []
    assert "update of" in db.execute("select sql from sqlite_master where name = 'quotes_au'").fetchone()[0]
    assert db.execute("select count(*) from quotes_fts where quotes_fts match 'warm'").fetchone() == (1,)
    assert [r["name"] for r in store.speaker_list(db)][0] == "Volodymyr Zelenskyy"
    # and it keeps counting
    add_document(db, SpeakerIndex(), "d", [quote("Umerov", text="More")], "2025-08-01")
    assert mismatches(db) == []
    db.conn.close()


def test_the_search_index_follows_only_the_searched_columns(db):
    before = db.execute("select count(*) from quotes_fts where quotes_fts match 'zelensky'").fetchone()[0]
    corrections.correct(db, "merge", "Zelenskyy", "Ze Team")  # speaker_id and speaker change, names too
    after = db.execute("select count(*) from quotes_fts where quotes_fts match 'zelensky'").fetchone()[0]
    assert after == before + 2  # Ze Team's two quotes are now found by Zelenskyy's names
    assert db.execute("select count(*) from quotes_fts where quotes_fts match 'Again'").fetchone() == (1,)
    store.save_document(db, Document(id="e", text="x", outlet="New"), [], SpeakerIndex())
    assert mismatches(db) == []
