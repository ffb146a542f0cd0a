"""No input ever lost: ids that never collide, every input accounted for, no traceback on any path.

Most tests stand a stub in for Stanza (`fake_extractor`): what is checked here is which documents
are read, named and stored, not which quotes they hold.
"""

from __future__ import annotations

import os

import sqlite3

import pytest
from typer.testing import CliRunner

from quoteindex import extract, store
from quoteindex.cli import app
from quoteindex.ingest import Document, read_inputs, read_stdin, url_id

runner = CliRunner()

ARTICLE_A = "“We will rebuild the bridge,” said Mayor Anna Kovalenko on Monday.\n"
ARTICLE_B = "“The school opens in May,” said headteacher Jane Roe.\n"


def one_quote(doc: Document) -> list[dict]:
    end = doc.text.index("”") + 1
    return [{"document_id": doc.id, "start": 0, "end": end, "text": doc.text[:end], "kind": "direct", "speaker": "Jane Roe",
             "speaker_mention": "Jane Roe", "cue": "said", "role": None, "confidence": 0.9,
             "speaker_type": "person", "evidence": "stub", "paragraph": 0, "sentence": 0}]


@pytest.fixture
def fake_extractor(monkeypatch):
    """Stanza stood in for: one quote per document, no model loaded."""
    import quoteindex.models as models

    monkeypatch.setattr(models, "load_pipeline", lambda *a, **k: object())
    monkeypatch.setattr(extract, "extract_documents",
                        lambda nlp, docs, batch_size=8: ((d, one_quote(d)) for d in docs))


@pytest.fixture
def sites(tmp_path):
    """sites/siteA/index.html and sites/siteB/index.html: two articles with the same file name."""
    root = tmp_path / "sites"
    for site, text in (("siteA", ARTICLE_A), ("siteB", ARTICLE_B)):
        (root / site).mkdir(parents=True)
        (root / site / "index.html").write_text(f"<html><body><article><p>{text}</p></article></body></html>")
    return root


def doc_ids(db) -> list[str]:
    conn = store.connect(db)
    try:
        return [r[0] for r in conn.execute("select id from documents order by id")]
    finally:
        conn.conn.close()


def cli(*args: str, **kw):
    return runner.invoke(app, [str(a) for a in args], **kw)


# --- ids -----------------------------------------------------------------------------------------

def test_ids_are_paths_relative_to_the_folder_given(sites, tmp_path):
    (sites / "top.txt").write_text(ARTICLE_A)
    ids = sorted(d.id for d in read_inputs([sites]) if isinstance(d, Document))
    assert ids == ["siteA/index", "siteB/index", "top"]  # directly inside the folder: just the stem
    assert [d.id for d in read_inputs([sites / "siteA" / "index.html"])] == ["index"]


def test_id_from_url_when_the_page_has_one(tmp_path):
    (tmp_path / "page.html").write_text(
        '<html><head><meta property="og:url" content="https://www.Example.com/news/story-1/?utm_source=x&id=7">'
        "</head><body><p>“Fine,” he said.</p></body></html>")
    [doc] = list(read_inputs([tmp_path]))
    assert doc.id == "example.com/news/story-1?id=7" and doc.id_from == "url"
    assert url_id("https://example.com/") is None  # a home page names no article
    assert url_id("/news/story-1") is None


def test_stdin_gets_a_content_hash():
    [doc] = list(read_stdin(ARTICLE_A.encode()))
    [again] = list(read_stdin(ARTICLE_A.encode()))
    [other] = list(read_stdin(ARTICLE_B.encode()))
    assert doc.id.startswith("stdin-") and doc.id == again.id != other.id


def test_two_index_files_given_one_at_a_time_never_replace_each_other(sites, tmp_path, fake_extractor):
    db = tmp_path / "q.db"
    first = cli("extract", db, sites / "siteA" / "index.html")
    assert first.exit_code == 0, first.output
    second = cli("extract", db, sites / "siteB" / "index.html")
    assert second.exit_code == 0, second.output
    assert "1 documents extracted" in second.output
    assert "stored as 'siteB/index'" in second.output  # said, not silent
    assert doc_ids(db) == ["index", "siteB/index"]
    again = cli("extract", db, sites / "siteA" / "index.html", sites / "siteB" / "index.html")
    assert "0 documents extracted, 2 unchanged" in again.output, again.output


def test_two_index_files_in_one_run_are_both_stored(sites, tmp_path, fake_extractor):
    db = tmp_path / "q.db"
    result = cli("extract", db, sites / "siteA" / "index.html", sites / "siteB" / "index.html")
    assert "2 documents extracted" in result.output and "duplicate" not in result.output, result.output
    assert len(doc_ids(db)) == 2


def test_ids_are_stable_across_runs_and_roots(sites, tmp_path, fake_extractor):
    db = tmp_path / "q.db"
    assert "2 documents extracted" in cli("extract", db, sites).output
    assert doc_ids(db) == ["siteA/index", "siteB/index"]
    assert "0 documents extracted, 2 unchanged" in cli("extract", db, sites).output
    # the same file read from another folder keeps its id: no second copy
    assert "0 documents extracted, 1 unchanged" in cli("extract", db, sites / "siteA").output
    assert doc_ids(db) == ["siteA/index", "siteB/index"]


def test_a_moved_folder_keeps_its_ids(sites, tmp_path, fake_extractor):
    db = tmp_path / "q.db"
    cli("extract", db, sites)
    moved = sites.rename(tmp_path / "moved")
    result = cli("extract", db, moved)
    assert "0 documents extracted, 2 unchanged" in result.output, result.output
    (moved / "siteA" / "index.html").write_text(f"<p>{ARTICLE_B} More.</p>")
    assert "1 documents extracted, 1 unchanged" in cli("extract", db, moved).output
    assert doc_ids(db) == ["siteA/index", "siteB/index"]


def test_rows_of_two_files_with_the_same_ids_stay_apart(tmp_path, fake_extractor):
    for name, text in (("a.jsonl", ARTICLE_A), ("b.jsonl", ARTICLE_B)):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(f'{{"id": "1", "text": "{text.strip().replace(chr(34), "")}"}}\n')
    db = tmp_path / "q.db"
    assert "2 documents extracted" in cli("extract", db, tmp_path / "in").output
    assert doc_ids(db) == ["a#1", "b#1"]


def test_same_stem_different_type_in_one_folder(tmp_path, fake_extractor):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "story.txt").write_text(ARTICLE_A)
    (tmp_path / "in" / "story.html").write_text(f"<p>{ARTICLE_B}</p>")
    db = tmp_path / "q.db"
    assert "2 documents extracted" in cli("extract", db, tmp_path / "in").output
    assert doc_ids(db) == ["story", "story.txt"]


# --- databases made when ids were file names -----------------------------------------------------

def make_legacy(db, renames: dict[str, str]) -> None:
    """Turn a database into one an earlier quoteindex made: old ids, no id_version, no sources."""
    conn = store.connect(db)
    for new, old in renames.items():
        store.rekey(conn, new, old)
    conn.execute("update documents set id_version = null")
    # an earlier quoteindex kept the path as given on the command line (here absolute)
    for doc_id, source in conn.execute("select id, source from documents").fetchall():
        path, sep, rest = (source or "").partition("#")
        conn.execute("update documents set source = ? where id = ?", [os.path.abspath(path) + sep + rest, doc_id])
    conn.execute("delete from sources")
    conn.conn.commit()
    conn.conn.close()


def test_a_document_under_its_old_id_is_re_keyed_with_its_quotes_and_corrections(sites, tmp_path, fake_extractor):
    from quoteindex import corrections

    db = tmp_path / "q.db"
    cli("extract", db, sites / "siteB")  # only siteB's, as "index": the old scheme kept one "index"
    make_legacy(db, {})
    conn = store.connect(db)
    [(old_quote,)] = conn.execute("select id from quotes").fetchall()
    corrections.correct(conn, "move", None, "Maria Lopez", old_quote)
    conn.conn.close()

    result = cli("extract", db, sites)
    assert result.exit_code == 0, result.output
    assert "1 documents extracted, 1 unchanged" in result.output  # siteA is new, siteB recognised by its text
    assert "re-keyed 'index'" in result.output and "'siteB/index'" in result.output
    assert doc_ids(db) == ["siteA/index", "siteB/index"]
    conn = store.connect(db)
    [(doc, quote)] = conn.execute("select document_id, id from quotes where document_id like 'siteB%'").fetchall()
    assert quote == store.quote_id("siteB/index", 0, ARTICLE_B.index("”") + 1)
    assert conn.execute("select quote_id from speaker_overrides").fetchone()[0] == quote
    assert conn.execute("select count(*) from documents where id_version is null").fetchone()[0] == 0


def test_an_old_document_with_the_same_id_is_recognised(tmp_path, fake_extractor):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a1.txt").write_text(ARTICLE_A)
    db = tmp_path / "q.db"
    cli("extract", db, tmp_path / "in")
    make_legacy(db, {})
    result = cli("extract", db, tmp_path / "in")
    assert "0 documents extracted, 1 unchanged" in result.output and "re-keyed" not in result.output
    assert doc_ids(db) == ["a1"]


def test_an_old_document_of_another_file_is_not_replaced(sites, tmp_path, fake_extractor, monkeypatch):
    """The old scheme stored siteB's page as "index"; a new top-level index.txt must not replace it."""
    db = tmp_path / "q.db"
    cli("extract", db, sites / "siteB")
    make_legacy(db, {})
    (sites / "index.txt").write_text(ARTICLE_A)
    monkeypatch.chdir(tmp_path)  # the old `source` is resolved where the command runs
    result = cli("extract", db, sites / "index.txt")
    assert "1 documents extracted" in result.output, result.output
    assert doc_ids(db) == ["index", "sites/index"]
    assert "stored as 'sites/index'" in result.output.replace("\n", "")


# --- every input accounted for -------------------------------------------------------------------

def test_missing_input_exits_1_and_creates_nothing(tmp_path, fake_extractor):
    db = tmp_path / "q.db"
    (tmp_path / "real.txt").write_text(ARTICLE_A)
    result = cli("extract", db, tmp_path / "real.txt", tmp_path / "typo.txt")
    assert result.exit_code == 1
    assert "no such file or directory" in result.output and "typo.txt" in result.output
    assert "Traceback" not in result.output and result.output.strip().count("\n") <= 1
    assert not db.exists()


def test_unsupported_files_are_each_named_and_counted(tmp_path, fake_extractor):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("report.pdf", "memo.docx", "notes.md"):
        (folder / name).write_bytes(b"some content")
    (folder / ".DS_Store").write_bytes(b"\0\0")  # hidden: not an input
    db = tmp_path / "q.db"
    result = cli("extract", db, folder)
    assert result.exit_code == 0, result.output
    out = result.output.replace("\n", " ")
    for name in ("report.pdf", "memo.docx", "notes.md"):
        assert name in out
    assert "unsupported file type .pdf" in out
    assert "0 documents extracted, 0 unchanged, 3 not read (3 unsupported type)" in out
    assert ".DS_Store" not in out
    assert not db.exists(), "nothing was read: no empty database"


def test_each_reason_is_named_and_the_summary_counts_them(tmp_path, fake_extractor, monkeypatch):
    from quoteindex import ingest

    monkeypatch.setattr(ingest, "MAX_DOCUMENT_CHARS", 100)  # the real limit is 1,000,000: same code path
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE_A)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 40)
    (folder / "latin.txt").write_bytes(b"caf\x81\x8d text")  # neither UTF-8 nor Windows-1252
    (folder / "long.txt").write_text("He said so. " * 20)
    (folder / "slides.pptx").write_bytes(b"PK")
    result = cli("extract", tmp_path / "q.db", folder)
    assert result.exit_code == 0, result.output
    out = result.output.replace("\n", " ")
    assert "over the 100-character limit" in out and "long.txt" in out
    assert "not UTF-8" in out and "latin.txt" in out
    assert "1 documents extracted, 0 unchanged, 5 not read (" in out
    for part in ("1 binary", "1 empty", "1 encoding", "1 too long", "1 unsupported type"):
        assert part in out
    assert cli("extract", tmp_path / "q.db", folder, "--strict").exit_code == 1


def test_the_real_limit_is_a_million_characters(tmp_path):
    (tmp_path / "huge.txt").write_text("x" * 1_000_001)
    [error] = list(read_inputs([tmp_path]))
    assert error.kind == "too long" and "1,000,000-character limit" in str(error)


def test_stdin_is_read_once_and_then_unchanged(tmp_path, fake_extractor):
    db = tmp_path / "q.db"
    first = cli("extract", db, "-", input=ARTICLE_A)
    assert "1 documents extracted" in first.output, first.output
    assert "0 documents extracted, 1 unchanged" in cli("extract", db, "-", input=ARTICLE_A).output
    assert doc_ids(db)[0].startswith("stdin-")


# --- no traceback from any command on any path or database ---------------------------------------

def one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    # `extract` may have drawn its progress line first; the error is the last line
    text = result.output.strip()[result.output.strip().index("Error:"):]
    assert text.count("\n") <= 1, text  # one line (a long one may wrap once)
    for f in fragments:
        assert f in text.replace("\n", ""), text


@pytest.fixture
def not_sqlite(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not sqlite " * 100)
    return path


@pytest.mark.parametrize("command", [["serve"], ["export"], ["speakers", "{db}", "list"]])
def test_commands_on_a_file_that_is_not_sqlite(not_sqlite, command):
    args = [a.replace("{db}", str(not_sqlite)) for a in command] + ([] if "{db}" in command else [str(not_sqlite)])
    one_line_error(cli(*args), "notes.db", "SQLite")


@pytest.mark.parametrize("command", [["serve"], ["export"], ["speakers", "{db}", "show", "x"]])
def test_commands_on_a_missing_database(tmp_path, command):
    db = tmp_path / "missing.db"
    args = [a.replace("{db}", str(db)) for a in command] + ([] if "{db}" in command else [str(db)])
    one_line_error(cli(*args), "missing.db", "does not exist")
    assert not db.exists()


@pytest.mark.parametrize("content", [b"", None])
def test_serve_and_speakers_refuse_a_database_that_is_not_quoteindex(tmp_path, content):
    db = tmp_path / "other.db"
    if content is None:
        sqlite3.connect(db).execute("create table t (x)").connection.commit()
    else:
        db.write_bytes(content)
    one_line_error(cli("serve", db), "not a quoteindex database")
    one_line_error(cli("speakers", db, "list"), "not a quoteindex database")
    one_line_error(cli("export", db), "no quotes table")


def test_export_into_a_missing_folder_or_onto_a_directory(seeds_db, tmp_path):
    one_line_error(cli("export", seeds_db, "-o", tmp_path / "nope" / "q.csv"), "does not exist")
    assert not (tmp_path / "nope").exists()
    one_line_error(cli("export", seeds_db, "-o", tmp_path), "is a directory")


def test_extract_into_a_database_that_cannot_be(tmp_path, not_sqlite, fake_extractor):
    (tmp_path / "a.txt").write_text(ARTICLE_A)
    one_line_error(cli("extract", not_sqlite, tmp_path / "a.txt"), "SQLite")
    one_line_error(cli("extract", tmp_path / "a.txt", "--db", tmp_path), "is a directory")  # the old --db form
    one_line_error(cli("extract", tmp_path / "a.txt" / "q.db", tmp_path / "a.txt"), "cannot create its folder")


# --- with the real pipeline, once ----------------------------------------------------------------

def test_two_sites_index_pages_keep_their_own_quotes(sites, tmp_path, nlp):
    db = tmp_path / "q.db"
    extract.run([sites / "siteA" / "index.html"], db, nlp=nlp)
    summary = extract.run([sites / "siteB" / "index.html"], db, nlp=nlp)
    assert summary.documents == 1 and summary.notes
    from quoteindex import export

    by_doc = {r["doc"]: r["speaker"] for r in export.records(db)}
    assert by_doc == {"index": "Anna Kovalenko", "siteB/index": "Jane Roe"}


def test_no_absolute_local_path_is_stored(tmp_path, fake_extractor, monkeypatch):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE_A)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "q.db"
    cli("extract", db, (tmp_path / "articles").resolve())
    sources = [r[0] for r in sqlite3.connect(db).execute("select source from documents")]
    assert sources == [os.path.join("articles", "a.txt")]
