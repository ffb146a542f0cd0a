"""Corrections by a person: stored as overrides and re-applied after every extraction."""

import pytest
from typer.testing import CliRunner

from quoteindex import corrections, store
from quoteindex.cli import app
from quoteindex.errors import OverrideError
from quoteindex.speakers import SpeakerIndex
from speaker_db import add_document, make_db, quote

runner = CliRunner()

DOCS = [
    ("a", "2025-06-01", [quote("Volodymyr Zelenskyy", mention="Zelenskyy", role="Ukrainian President"),
                         quote("Ze Team", "organization", text="We are ready"),
                         quote("Rustem Umerov", text="Repatriation continues")]),
    ("b", "2025-06-14", [quote("Volodymyr Zelenskyy", mention="President Zelensky", role="President",
                               text="Too warm"),
                         quote("Umerov", text="An important stage")]),
]


@pytest.fixture
def db_path(tmp_path):
    make_db(tmp_path / "c.db", DOCS).conn.close()
    return tmp_path / "c.db"


def reextract(path):
    """What `extract` does for changed documents: save each again, then re-apply the corrections."""
    db = store.connect(path)
    index = SpeakerIndex()
    for doc_id, published, quotes in DOCS:
        add_document(db, index, doc_id, quotes, published)
    corrections.apply_all(db)
    return db


def test_each_correction_applies_and_survives_reextraction(db_path):
    db = store.connect(db_path)
    zel = store.find_speaker(db, "Zelenskyy")
    moved = db.execute("select id from quotes where text = 'We are ready'").fetchone()[0]
    corrections.correct(db, "merge", "Zelenskyy", "Ze Team")
    corrections.correct(db, "rename", "Umerov", "Rustem Umerov (Defence Minister)")
    corrections.correct(db, "split", "Zelenskyy", "President Zelensky")
    corrections.correct(db, "set-type", "Umerov", "group")
    corrections.correct(db, "move", None, "Anna Kovalenko", moved)

    def state(db):
        return sorted((r["quote"], r["speaker"]) for r in store.quote_rows(db))

    before = state(db)
    assert ("Too warm", "President Zelensky") in before
    assert ("We are ready", "Anna Kovalenko") in before
    assert ("An important stage", "Rustem Umerov (Defence Minister)") in before
    assert db["speakers"].get(store.find_speaker(db, "umerov"))["type"] == "group"
    assert store.find_speaker(db, "Ze Team") == zel
    db.conn.close()
    assert state(reextract(db_path)) == before


def test_correction_survives_extract_with_a_new_extractor_version(db_path, monkeypatch):
    db = store.connect(db_path)
    corrections.correct(db, "merge", "Zelenskyy", "Ze Team")
    db.conn.close()
    monkeypatch.setattr(store, "EXTRACTOR_VERSION", "999")
    db = reextract(db_path)
    assert {r[0] for r in db.execute("select extractor_version from documents")} == {"999"}
    assert store.find_speaker(db, "Ze Team") == store.find_speaker(db, "Zelenskyy")
    assert db.execute("select count(*) from speakers where name = 'Ze Team'").fetchone()[0] == 0


def test_bad_corrections_are_named_errors(db_path):
    db = store.connect(db_path)
    with pytest.raises(OverrideError):
        corrections.correct(db, "merge", "Zelenskyy", "President Zelensky")
    with pytest.raises(OverrideError):
        corrections.correct(db, "split", "Zelenskyy", "Umerov")
    with pytest.raises(OverrideError):
        corrections.correct(db, "set-type", "Zelenskyy", "robot")
    with pytest.raises(OverrideError):
        corrections.correct(db, "move", None, "Zelenskyy", "no-such-quote")
    assert db["speaker_overrides"].count == 0


def test_cli_speakers_commands(db_path):
    r = runner.invoke(app, ["speakers", str(db_path), "merge", "zelensky", "Ze Team"])
    assert r.exit_code == 0 and "merged into Volodymyr Zelenskyy" in r.output
    r = runner.invoke(app, ["speakers", str(db_path), "list"])
    assert r.exit_code == 0 and "Volodymyr Zelenskyy" in r.output and "Ze Team" in r.output
    r = runner.invoke(app, ["speakers", str(db_path), "show", "Zelenskiy"])
    assert r.exit_code == 0, r.output
    assert "3 quotes, first 2025-06-01, last 2025-06-14" in r.output
    assert "President Zelensky (1)" in r.output and "role: Ukrainian President" in r.output
    assert "merged: Ze Team  by manual" in r.output
    r = runner.invoke(app, ["speakers", str(db_path), "rename", "Nobody", "X"])
    assert r.exit_code == 1 and "no speaker named 'Nobody'" in r.output and r.output.strip().count("\n") == 0


def test_cli_ambiguous_surname_is_a_one_line_error(tmp_path):
    make_db(tmp_path / "a.db", [("a", None, [quote("John Smith"), quote("Maria Smith", text="No")])]).conn.close()
    r = runner.invoke(app, ["export", str(tmp_path / "a.db"), "--speaker", "Smith"])
    assert r.exit_code == 1
    assert "names 2 speakers: John Smith (#1); Maria Smith (#2); give a fuller name or the #id" in r.output and r.output.strip().count("\n") == 0
    r = runner.invoke(app, ["export", str(tmp_path / "a.db"), "--speaker", "john smith", "--speaker", "Maria Smith"])
    assert r.exit_code == 0 and len(r.output.splitlines()) == 3


def test_seed_correction_survives_rerun_with_a_bumped_extractor_version(seeds_db_copy, seeds_dir, nlp, monkeypatch):
    from quoteindex import extract

    # the seeds name Orbán only after his quote ("Hungary’s prime minister told …"): a person corrects it
    r = runner.invoke(app, ["speakers", str(seeds_db_copy), "rename", "Hungary's prime minister", "Viktor Orbán"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["speakers", str(seeds_db_copy), "merge", "Russia", "Russia’s Defense Ministry"])
    assert r.exit_code == 0, r.output

    def orban_quotes():
        result = runner.invoke(app, ["export", str(seeds_db_copy), "--speaker", "orban", "-f", "jsonl"])
        assert result.exit_code == 0, result.output
        return result.stdout.splitlines()

    before = orban_quotes()
    assert len(before) == 1 and "miracle" in before[0]
    monkeypatch.setattr(store, "EXTRACTOR_VERSION", "bumped")
    summary = extract.run([seeds_dir], seeds_db_copy, nlp=nlp)
    assert summary.documents == 2  # everything re-extracted
    assert orban_quotes() == before
    db = store.connect(seeds_db_copy)
    assert store.find_speaker(db, "Russia's defence ministry") == store.find_speaker(db, "Russia")
